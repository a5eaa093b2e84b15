// Words for the server's enumerations (organisation kinds, visibilities, roles, account statuses), written out key by key so the catalogue check sees them; and a short name for a browser.
import { t } from './i18n.js';

export function orgKindLabel(kind) {
  switch (kind) {
    case 'ght': return t('org.kind.ght');
    case 'ars': return t('org.kind.ars');
    case 'esms': return t('org.kind.esms');
    default: return t('org.kind.other');
  }
}

export function orgKindLong(kind) {
  switch (kind) {
    case 'ght': return t('org.kind_long.ght');
    case 'ars': return t('org.kind_long.ars');
    case 'esms': return t('org.kind_long.esms');
    default: return t('org.kind_long.other');
  }
}

export function visibilityLabel(visibility) {
  switch (visibility) {
    case 'public': return t('community.visibility.public');
    case 'restricted': return t('community.visibility.restricted');
    default: return t('community.visibility.secret');
  }
}

export function visibilityHelp(visibility) {
  switch (visibility) {
    case 'public': return t('community.visibility.public_help');
    case 'restricted': return t('community.visibility.restricted_help');
    default: return t('community.visibility.secret_help');
  }
}

export function visibilityIcon(visibility) {
  return { public: 'globe', restricted: 'lock', secret: 'eyeOff' }[visibility] ?? 'lock';
}

export function roleLabel(role) {
  switch (role) {
    case 'animator': return t('community.role.animator');
    case 'member': return t('community.role.member');
    default: return t('community.role.guest');
  }
}

export function statusLabel(status) {
  switch (status) {
    case 'active': return t('account.status.active');
    case 'suspended': return t('account.status.suspended');
    default: return t('account.status.deactivated');
  }
}

export function invitationStatusLabel(status) {
  switch (status) {
    case 'pending': return t('invitations.status.pending');
    case 'accepted': return t('invitations.status.accepted');
    case 'expired': return t('invitations.status.expired');
    default: return t('invitations.status.revoked');
  }
}

/** "Firefox · Windows" from a User-Agent header, or null when nothing is recognised. */
export function describeAgent(agent) {
  if (!agent) return null;
  const browser = [[/Edg\//, 'Edge'], [/OPR\//, 'Opera'], [/Firefox\//, 'Firefox'], [/Chrom(e|ium)\//, 'Chrome'], [/Safari\//, 'Safari'], [/curl\//, 'curl']]
    .find(([re]) => re.test(agent))?.[1];
  const system = [[/Android/, 'Android'], [/iPhone|iPad|iOS/, 'iOS'], [/Windows/, 'Windows'], [/Mac OS X|Macintosh/, 'macOS'], [/CrOS/, 'ChromeOS'], [/Linux/, 'Linux']]
    .find(([re]) => re.test(agent))?.[1];
  return [browser, system].filter(Boolean).join(' · ') || null;
}

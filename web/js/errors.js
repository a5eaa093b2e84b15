// Server errors explained to people: {"error":{"code","message"}} becomes a French (or English) sentence, a field error when the message names a field, a redirect to the login page, or the 404 page.
import { t } from './i18n.js';
import { ApiError, CLIENT_ERRORS } from './api.js';
import { navigate } from './router.js';
import { clearSession, loginUrl } from './session.js';
import { errorState } from './ui/states.js';
import { showErrors, setFormError } from './ui/form.js';
import { toast } from './ui/toast.js';
import { render as renderNotFound } from './pages/notfound.js';

/*
 * The server words its messages in English for integrators; the ones people meet in the forms
 * are recognised here and said in the interface's language. Each rule: a pattern on the
 * message, the catalogue key (values from the pattern's groups) and, when the message is about
 * one input, the field it belongs to. The first rule that matches wins.
 */
const KNOWN_MESSAGES = [
  [/e-mail address or the password is wrong/i, () => t('error.login.credentials'), 'password'],
  [/must have at least (\d+) characters/i, (m) => t('error.password.too_short', { min: Number(m[1]) }), 'password'],
  [/password must have at most (\d+) characters/i, (m) => t('error.password.too_long', { max: Number(m[1]) }), 'password'],
  [/password is too common/i, () => t('error.password.common'), 'password'],
  [/must not be your e-mail address or your name/i, () => t('error.password.personal'), 'password'],
  [/password contains invalid or control characters/i, () => t('error.password.invalid'), 'password'],
  [/current password is wrong/i, () => t('error.password.current_wrong'), 'current_password'],
  [/new password must differ/i, () => t('error.password.same'), 'new_password'],
  [/^the password is wrong/i, () => t('error.password.wrong'), 'password'],
  [/^password is required/i, () => t('error.required'), 'password'],
  [/cannot change its password/i, () => t('error.password.cannot_change'), null],
  [/link is invalid, has expired or was already used/i, () => t('error.link_invalid'), null],
  [/invitation was sent to another address/i, () => t('error.invitation.other_account'), null],
  [/account exists for this address/i, () => t('error.invitation.sign_in'), 'password'],
  [/account with this address was just created/i, () => t('error.invitation.sign_in'), null],
  [/account is not active/i, () => t('error.account_inactive'), null],
  [/last animator|at least one animator/i, () => t('error.last_animator'), null],
  [/you are already a member/i, () => t('error.already_member_self'), null],
  [/already a member of (this|the) community/i, () => t('error.already_member'), 'email'],
  [/invitations are limited to addresses at: (.*)\.$/i, (m) => t('error.invitation.domain', { domains: m[1] }), 'email'],
  [/^email (must be|is not) an e-mail address/i, () => t('error.email_invalid'), 'email'],
  [/external partners can only be guests/i, () => t('error.role.guest_only'), 'role'],
  [/the guest role is for external partners/i, () => t('error.role.staff_not_guest'), 'role'],
  [/external partners cannot create communities/i, () => t('error.guest_cannot_create'), null],
  [/slug '.*' is already taken/i, () => t('error.slug_taken'), 'name'],
  [/organisation with this name already exists/i, () => t('error.org_exists'), 'name'],
  [/cannot suspend or deactivate your own account/i, () => t('error.admin.self_status'), 'status'],
  [/cannot remove your own administrator role/i, () => t('error.admin.self_role'), 'platform_role'],
  [/not a PNG, JPEG, WebP or GIF image|^The file is .*, not .* as declared|image is empty/i, () => t('error.photo.invalid'), 'photo'],
  [/is not a domain name/i, () => t('error.domain_invalid'), 'domains'],
  [/^(display_name) (cannot be empty|is required|must not be empty)/i, () => t('error.required'), 'display_name'],
  [/^(\w+) must not be empty/i, () => t('error.required'), 1],
  [/^(\w+) is required/i, () => t('error.required'), 1],
  [/^(\w+) is longer than (\d+) characters/i, (m) => t('error.too_long', { max: Number(m[2]) }), 1],
  [/already verified/i, () => t('error.already_verified'), null],
];

/** The sentence for code alone, when the message is not one of the known ones. */
function byCode(err) {
  switch (err.code) {
    case CLIENT_ERRORS.network: return t('error.network');
    case 'unauthenticated': return t('error.unauthenticated');
    case 'forbidden': return t('error.forbidden');
    case 'not_found': return t('error.not_found');
    case 'conflict': return t('error.conflict');
    case 'bad_request':
    case 'invalid_json':
    case 'unprocessable': return t('error.unprocessable');
    case 'too_many_requests': return t('error.too_many', { seconds: err.retryAfter ?? 60 });
    case 'service_unavailable': return t('error.unavailable');
    case 'payload_too_large': return t('error.too_large');
    case 'unsupported_media_type': return t('error.media_type');
    default: return t('error.generic');
  }
}

/**
 * describeError(err) → { message, field }: what to tell the person, and the form field it is
 * about (null for the form as a whole). Throttling always gives the wait, from Retry-After.
 */
export function describeError(err) {
  if (!(err instanceof ApiError)) return { message: t('error.generic'), field: null };
  if (err.code === 'too_many_requests') return { message: byCode(err), field: null };
  for (const [pattern, say, field] of KNOWN_MESSAGES) {
    const m = pattern.exec(err.message ?? '');
    if (m) return { message: say(m), field: typeof field === 'number' ? m[field] : field };
  }
  return { message: byCode(err), field: null };
}

/** Just the sentence. */
export function errorMessage(err) {
  return describeError(err).message;
}

/**
 * The session ended under our feet (expired, revoked, password changed elsewhere): forget it and
 * go to the login page, which brings the person back here. Returns true when it did so.
 */
export function handleSessionLoss(err) {
  if (!(err instanceof ApiError) || err.code !== 'unauthenticated') return false;
  clearSession();
  navigate(loginUrl(), { replace: true });
  return true;
}

/**
 * A whole page for a failed load: the 404 page inside the shell for not_found (so a community one
 * may not see looks exactly like one that does not exist), the login page for unauthenticated,
 * otherwise an explanation with a retry button.
 */
export function errorPage(err, ctx) {
  if (err instanceof ApiError && err.code === 'not_found') return renderNotFound(ctx);
  if (handleSessionLoss(err)) return { title: t('login.title'), node: errorState({ title: t('login.redirecting'), page: true }) };
  const forbidden = err instanceof ApiError && err.code === 'forbidden';
  const title = forbidden ? t('error.page.forbidden_title') : t('error.page.title');
  return {
    title,
    node: errorState({
      code: err instanceof ApiError && err.status ? t('error.page.code', { status: err.status }) : null,
      title,
      text: errorMessage(err),
      actions: forbidden
        ? [{ label: t('notfound.home'), href: '/', variant: 'primary', icon: 'home' }]
        : [{ label: t('error.page.retry'), onClick: () => navigate(location.pathname + location.search, { replace: true }), variant: 'primary', icon: 'refresh' }],
      page: true,
    }),
  };
}

/** True for the AbortError a cancelled request throws when the person navigates away. */
export function isAbort(err) {
  return err?.name === 'AbortError';
}

// A server message about "password" belongs to whichever password field the form has.
const FIELD_ALIASES = { password: ['password', 'new_password'], name: ['name', 'display_name'] };

function fieldControl(form, field) {
  for (const name of FIELD_ALIASES[field] ?? [field]) {
    const control = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (control) return control;
  }
  return null;
}

/**
 * Shows a failed request where the person is: on the field the message is about when the form has
 * it (focus moves there), else at the top of the form, else as an error toast. A lost session goes
 * to the login page instead. fields: false keeps the message at form level (the login form, whose
 * refusal is about the pair and must not hint which one was wrong).
 */
export function reportError(err, { form = null, fields = true } = {}) {
  if (isAbort(err)) return;
  if (handleSessionLoss(err)) return;
  if (!(err instanceof ApiError)) console.error(err);
  const { message, field } = describeError(err);
  if (form) {
    const control = fields && field ? fieldControl(form, field) : null;
    if (control && control.closest('.field')) {
      setFormError(form, null);
      showErrors(form, { [control.name]: message });
      return;
    }
    showErrors(form, {});
    setFormError(form, message);
    return;
  }
  toast(message, { type: 'error' });
}

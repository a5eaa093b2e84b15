// The tabs and header shared by the administration pages (users, organisations, audit trail, settings).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { tabs } from '../ui/tabs.js';

export function adminHeader(current, title, lead) {
  return [
    h('div', { class: 'page-header' },
      h('p', { class: 'eyebrow' }, t('admin.eyebrow')),
      h('h1', {}, title),
      lead ? h('p', { class: 'lead' }, lead) : null),
    tabs({
      label: t('admin.tabs'),
      items: [
        { href: '/admin/utilisateurs', label: t('nav.admin.users'), icon: 'user', current: current === 'users' },
        { href: '/admin/organisations', label: t('nav.admin.organisations'), icon: 'building', current: current === 'organisations' },
        { href: '/admin/traces', label: t('nav.admin.audit'), icon: 'shield', current: current === 'audit' },
        { href: '/admin/reglages', label: t('nav.admin.settings'), icon: 'settings', current: current === 'settings' },
      ],
    }),
  ];
}

// The header's account area: a "Se connecter" link for visitors, or the signed-in person's menu (profile, sessions, API tokens, administration, sign out) as a disclosure button.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from './icons.js';
import { avatar } from './avatar.js';

const FOCUSABLE = 'a[href], button:not([disabled])';

/**
 * renderUserMenu(slot, user, { onSignOut, isAdmin, loginHref }) fills slot. The menu is a list of
 * links and a button behind a toggle (aria-expanded); Escape and a click outside close it, focus
 * returns to the toggle, and following a link closes it.
 */
export function renderUserMenu(slot, user, { onSignOut, admin = false, loginHref = '/connexion' }) {
  if (!user) {
    slot.replaceChildren(h('a', { class: 'btn btn--secondary user-slot__login', href: loginHref },
      icon('user'), h('span', {}, t('user.sign_in'))));
    return;
  }

  const panelId = uid('user-menu');
  const toggle = h('button', {
    type: 'button',
    class: 'user-menu__toggle',
    'aria-expanded': 'false',
    'aria-controls': panelId,
    'aria-label': t('user.menu_label', { name: user.display_name }),
  },
  avatar(user, { size: 'sm', version: user.photo_version }),
  h('span', { class: 'user-menu__name' }, user.display_name),
  icon('chevronDown', { className: 'user-menu__chevron' }));

  const item = (href, iconName, label) => h('li', {}, h('a', { class: 'user-menu__item', href }, icon(iconName), h('span', {}, label)));
  const signOut = h('button', { type: 'button', class: 'user-menu__item user-menu__item--danger' }, icon('logout'), h('span', {}, t('user.sign_out')));

  const panel = h('div', { class: 'user-menu__panel', id: panelId, hidden: true },
    h('div', { class: 'user-menu__who' },
      h('span', { class: 'user-menu__who-name' }, user.display_name),
      h('span', { class: 'user-menu__who-mail' }, user.email)),
    h('ul', { class: 'user-menu__list' },
      item('/profil', 'user', t('user.profile')),
      item('/profil/sessions', 'devices', t('user.sessions')),
      item('/profil/jetons', 'key', t('user.tokens')),
      admin ? item('/admin/utilisateurs', 'settings', t('user.admin')) : null),
    h('div', { class: 'user-menu__footer' }, signOut));

  const root = h('div', { class: 'user-menu' }, toggle, panel);
  const isOpen = () => toggle.getAttribute('aria-expanded') === 'true';

  function open() {
    panel.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', onOutside, true);
  }
  function close({ returnFocus = true } = {}) {
    if (!isOpen()) return;
    panel.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', onOutside, true);
    if (returnFocus) toggle.focus();
  }
  function onOutside(event) {
    if (!root.contains(event.target)) close({ returnFocus: false });
  }

  toggle.addEventListener('click', () => {
    if (isOpen()) {
      close();
      return;
    }
    open();
    panel.querySelector(FOCUSABLE)?.focus();
  });
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && isOpen()) {
      event.preventDefault();
      close();
    }
  });
  // Leaving the menu with Tab closes it, like a click elsewhere.
  root.addEventListener('focusout', (event) => {
    if (isOpen() && event.relatedTarget && !root.contains(event.relatedTarget)) close({ returnFocus: false });
  });
  panel.addEventListener('click', (event) => {
    if (event.target.closest('a[href]')) close({ returnFocus: false });
  });
  signOut.addEventListener('click', () => {
    close({ returnFocus: false });
    onSignOut();
  });

  slot.replaceChildren(root);
}

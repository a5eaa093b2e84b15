// Shell navigation: marks the current page in the menu and renders the communities section (empty until the communities API arrives).
import { h } from './dom.js';
import { t } from './i18n.js';
import { emptyState } from './ui/states.js';
import { icon } from './ui/icons.js';

let communities = [];
let container = null;

/** Binds the navigation to its container (#nav-communities) and draws it. */
export function initNav(element) {
  container = element;
  renderCommunities();
}

/**
 * Replaces the list of communities shown in the menu: [{ id, name }].
 * The communities feature calls this once it has loaded the user's spaces.
 */
export function setCommunities(list) {
  communities = Array.isArray(list) ? list : [];
  renderCommunities();
  markCurrent(location.pathname);
}

export function renderCommunities() {
  if (!container) return;
  if (!communities.length) {
    container.replaceChildren(emptyState({
      icon: 'users',
      title: t('nav.communities.empty.title'),
      text: t('nav.communities.empty.text'),
      compact: true,
      headingLevel: 3,
    }));
    return;
  }
  container.replaceChildren(h('ul', { class: 'nav-list' }, communities.map((community) =>
    h('li', {}, h('a', { class: 'nav-link', href: `/communautes/${encodeURIComponent(community.id)}` },
      icon('users'), h('span', {}, community.name))))));
}

/** aria-current="page" on the link whose path is the current page (a community's sub-pages keep it marked). */
export function markCurrent(pathname) {
  for (const link of document.querySelectorAll('#site-nav a.nav-link')) {
    const path = new URL(link.href).pathname;
    const current = path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`);
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

// Shell navigation: marks the current page in the menu, renders the signed-in person's communities and shows the administration links to administrators.
import { h } from './dom.js';
import { t } from './i18n.js';
import { emptyState, loadingState } from './ui/states.js';
import { icon } from './ui/icons.js';

let communities = null; // null: nobody is signed in; 'loading': list on its way; 'error': it could not be loaded
let container = null;

/** Binds the navigation to its container (#nav-communities) and draws it. */
export function initNav(element) {
  container = element;
  renderCommunities();
}

/**
 * Replaces the list of communities shown in the menu: [{ id, name }], or null when nobody is
 * signed in. The session module calls this once it has loaded the person's spaces.
 */
export function setCommunities(list) {
  communities = Array.isArray(list) ? list : null;
  renderCommunities();
  markCurrent(location.pathname);
}

/** The list could not be fetched (server unreachable): say so instead of a list that may be wrong. */
export function setCommunitiesFailed() {
  if (Array.isArray(communities)) return;
  communities = 'error';
  renderCommunities();
}

/** Signed in, the list is being fetched: a skeleton rather than a wrong "none" or "sign in". */
export function setCommunitiesLoading() {
  if (Array.isArray(communities)) return; // keep showing the list being refreshed
  communities = 'loading';
  renderCommunities();
}

export function renderCommunities() {
  if (!container) return;
  if (communities === 'loading') {
    container.replaceChildren(loadingState({ label: t('nav.communities.loading'), lines: 2 }));
    return;
  }
  if (communities === 'error') {
    container.replaceChildren(h('p', { class: 'site-nav__note' }, t('nav.communities.error')));
    return;
  }
  if (communities === null) {
    container.replaceChildren(emptyState({
      icon: 'user',
      title: t('nav.communities.signed_out.title'),
      text: t('nav.communities.signed_out.text'),
      compact: true,
      headingLevel: 3,
    }));
    return;
  }
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

/** Shows or hides the administration section (platform administrators only). */
export function setAdmin(visible) {
  const section = document.getElementById('nav-admin');
  if (section) section.hidden = !visible;
}

/**
 * aria-current="page" on the link of the current page. A page below a link (a community's
 * management screens) keeps that link marked; when several match, the most specific wins, so
 * /communautes/12 marks that community and not "Communautés".
 */
export function markCurrent(pathname) {
  const links = [...document.querySelectorAll('#site-nav a.nav-link')];
  const matches = (path) => (path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`));
  let best = '';
  for (const link of links) {
    const path = new URL(link.href).pathname;
    if (matches(path) && path.length > best.length) best = path;
  }
  for (const link of links) {
    if (best && new URL(link.href).pathname === best) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

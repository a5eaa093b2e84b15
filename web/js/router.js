// Client-side router: real URLs mapped to page modules through the History API; intercepts same-origin links and manages the title, focus and scroll of each navigation.
import { t } from './i18n.js';
import { errorState, loadingState } from './ui/states.js';

/*
 * A route is { path: '/communautes/:id', load: () => import('./pages/x.js') }.
 * A page module exports render(ctx) returning { title, node } (or a promise of it), where
 *   ctx = { params, query (URLSearchParams), url (URL), signal (AbortSignal, aborted when the user navigates away) }.
 * Pages start their own data requests with ctx.signal and show their own loading states,
 * so render() should return quickly.
 */

const LOADING_DELAY_MS = 200; // below this a loading state would only flicker

let routes = [];
let notFound = null;
let outlet = null;
let afterRender = () => {};
let controller = null;
let sequence = 0;
let currentKey = '';

function compile(path) {
  const names = [];
  const source = path
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        names.push(part.slice(1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${source}/?$`), names };
}

function match(pathname) {
  for (const route of routes) {
    const found = route.regex.exec(pathname);
    if (!found) continue;
    const params = {};
    route.names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(found[i + 1]);
      } catch {
        params[name] = found[i + 1]; // a malformed escape is passed through; the page will not find it
      }
    });
    return { route, params };
  }
  return null;
}

/**
 * Paths the server answers itself rather than the shell: the API, the health probe and static files
 * (anything whose last segment has an extension). Links to them are left to the browser.
 */
export function isAppPath(pathname) {
  if (pathname.startsWith('/api/') || pathname === '/api' || pathname === '/healthz') return false;
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/**
 * Starts routing: renders the current URL and takes over link clicks and back/forward.
 * onRender(url) runs after each page is in place (the shell updates its navigation from it).
 */
export function startRouter({ routes: table, notFound: fallback, outlet: main, onRender }) {
  routes = table.map((route) => ({ ...route, ...compile(route.path) }));
  notFound = fallback;
  outlet = main;
  afterRender = onRender ?? afterRender;
  // We restore scroll ourselves after the new page is rendered; the browser would do it too early.
  history.scrollRestoration = 'manual';

  document.addEventListener('click', onLinkClick);
  window.addEventListener('popstate', onPopState);
  return render({ focus: false, scroll: null }).then(() => {
    // The browser looked for a #fragment before the page existed; look again now that it does.
    if (location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
  });
}

/** Navigates to a same-origin URL (path + query + hash). */
export function navigate(to, { replace = false } = {}) {
  const url = new URL(to, location.href);
  if (url.origin !== location.origin || !isAppPath(url.pathname)) {
    location.assign(url.href);
    return Promise.resolve();
  }
  // Remember where we were so Back returns to the same scroll position.
  history.replaceState({ ...history.state, scrollY: window.scrollY }, '');
  if (replace) history.replaceState({ scrollY: 0 }, '', url.href);
  else history.pushState({ scrollY: 0 }, '', url.href);
  return render({ focus: true, scroll: 0 });
}

/** Re-renders the current page in place (after a language change), keeping focus where it is. */
export function refresh() {
  return render({ focus: false, scroll: null });
}

function onPopState(event) {
  // A fragment-only change (an in-page anchor) is not a page change.
  if (routeKey(location) === currentKey) return;
  render({ focus: true, scroll: event.state?.scrollY ?? 0 });
}

function onLinkClick(event) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href]');
  if (!link) return;
  if ((link.target && link.target !== '_self') || link.hasAttribute('download')) return;

  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !isAppPath(url.pathname)) return;

  if (routeKey(url) === routeKey(location) && url.hash) {
    // In-page anchor (skip links, tables of contents): move focus, not only the scroll position,
    // and leave the URL alone so Back does not step through anchors.
    event.preventDefault();
    focusFragment(url.hash.slice(1));
    return;
  }
  event.preventDefault();
  navigate(url.href);
}

function focusFragment(id) {
  const target = document.getElementById(id);
  if (!target) return;
  if (!target.matches('a[href], button, input, select, textarea, [tabindex]')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: 'start' });
}

function routeKey(loc) {
  return loc.pathname + loc.search;
}

async function render({ focus, scroll }) {
  const token = ++sequence;
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  const url = new URL(location.href);
  currentKey = routeKey(url);
  const found = match(url.pathname) ?? { route: notFound, params: {} };

  outlet.setAttribute('aria-busy', 'true');
  const loadingTimer = setTimeout(() => {
    if (token === sequence) outlet.replaceChildren(loadingState({ label: t('router.loading'), page: true }));
  }, LOADING_DELAY_MS);

  let page;
  try {
    const module = await found.route.load();
    page = await module.render({ params: found.params, query: url.searchParams, url, signal });
  } catch (err) {
    if (token !== sequence) return;
    console.error('page failed to render', err);
    page = crashPage();
  } finally {
    clearTimeout(loadingTimer);
  }
  if (token !== sequence) return; // the user navigated again while this page was loading

  outlet.replaceChildren(page.node);
  outlet.removeAttribute('aria-busy');
  document.title = `${page.title} · ${t('app.name')}`;
  // The shell reacts first (it closes the phone drawer, which un-inerts <main>), then focus can move.
  afterRender(url);
  if (scroll !== null) window.scrollTo(0, scroll);
  if (focus) focusHeading();
}

/** After a navigation, focus goes to the new page's heading so screen readers announce it and Tab starts from the content. */
function focusHeading() {
  const heading = outlet.querySelector('h1') ?? outlet;
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll: true });
}

function crashPage() {
  return {
    title: t('router.error.title'),
    node: errorState({
      code: t('router.error.code'),
      title: t('router.error.title'),
      text: t('router.error.text'),
      actions: [{ label: t('router.error.reload'), onClick: () => location.reload(), variant: 'primary' }],
      page: true,
    }),
  };
}

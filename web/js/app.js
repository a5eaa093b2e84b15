// Boot: translates the shell, wires header (language switch, search, phone menu) and starts the router with the route table below.
import { initI18n, setLanguage, getLanguage, onLanguageChange, t, LANGUAGES } from './i18n.js';
import { startRouter, navigate, refresh } from './router.js';
import { fillIconSlots } from './ui/icons.js';
import { setupDrawer } from './ui/drawer.js';
import { toast } from './ui/toast.js';
import { initNav, markCurrent, renderCommunities } from './nav.js';

// The sitemap of the browser app. Paths are French because the URLs are shown to French users;
// each page module loads on first visit.
const ROUTES = [
  { path: '/', load: () => import('./pages/home.js') },
  { path: '/recherche', load: () => import('./pages/search.js') },
  { path: '/design', load: () => import('./pages/design.js') },
];
const NOT_FOUND = { load: () => import('./pages/notfound.js') };

// Must match the desktop breakpoint in app.css (62rem), where the drawer becomes a sidebar.
const DESKTOP_QUERY = '(min-width: 62rem)';

function setupLanguageSwitch() {
  const options = document.querySelectorAll('.lang-switch__option');
  const reflect = (lang) => {
    for (const option of options) option.setAttribute('aria-pressed', String(option.dataset.lang === lang));
  };
  for (const option of options) {
    option.addEventListener('click', () => {
      const lang = option.dataset.lang;
      if (!LANGUAGES.includes(lang) || lang === getLanguage()) return;
      // The other catalogue may fail to load (connection lost): stay in the current language and say so.
      setLanguage(lang).catch(() => toast(t('lang.error'), { type: 'error' }));
    });
  }
  reflect(getLanguage());
  onLanguageChange((lang) => {
    reflect(lang);
    renderCommunities();
    refresh();
  });
}

function setupSearch() {
  const form = document.getElementById('site-search');
  const input = document.getElementById('site-search-input');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = input.value.trim();
    navigate(query ? `/recherche?q=${encodeURIComponent(query)}` : '/recherche');
  });
  return input;
}

async function boot() {
  fillIconSlots(document);
  await initI18n();
  setupLanguageSwitch();
  const searchInput = setupSearch();

  const drawer = setupDrawer({
    panel: document.getElementById('site-nav'),
    openButton: document.getElementById('menu-button'),
    closeButton: document.getElementById('menu-close'),
    backdrop: document.getElementById('drawer-backdrop'),
    inertWhileOpen: [
      document.querySelector('.skip-links'),
      document.querySelector('.site-header'),
      document.getElementById('main'),
      document.querySelector('.site-footer'),
    ],
    desktopQuery: DESKTOP_QUERY,
  });
  initNav(document.getElementById('nav-communities'));

  await startRouter({
    routes: ROUTES,
    notFound: NOT_FOUND,
    outlet: document.getElementById('main'),
    onRender(url) {
      markCurrent(url.pathname);
      // The header box mirrors the query of the search page, and is emptied elsewhere.
      searchInput.value = url.pathname === '/recherche' ? url.searchParams.get('q') ?? '' : '';
      // Following a link inside the drawer closes it; focus already went to the new page heading.
      drawer.close({ returnFocus: false });
    },
  });
}

boot().catch((err) => {
  // Without catalogues nothing can be shown in either language: say so plainly in both.
  console.error('Relais failed to start', err);
  const main = document.getElementById('main');
  main.textContent = 'Relais ne peut pas démarrer. Rechargez la page. — Relais could not start. Please reload the page.';
});

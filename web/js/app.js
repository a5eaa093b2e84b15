// Boot: translates the shell, asks who is signed in, wires the header (language switch, search, account menu, phone menu) and starts the router with the route table below.
import { initI18n, setLanguage, getLanguage, onLanguageChange, t, LANGUAGES } from './i18n.js';
import { startRouter, navigate, refresh } from './router.js';
import { fillIconSlots } from './ui/icons.js';
import { setupDrawer } from './ui/drawer.js';
import { toast } from './ui/toast.js';
import { initNav, markCurrent, renderCommunities, setAdmin } from './nav.js';
import { loadSession, onSessionChange, currentUser, isAdmin, signOut, loginUrl } from './session.js';
import { renderUserMenu } from './ui/usermenu.js';
import { setupSearchBox } from './ui/search-box.js';

// The sitemap of the browser app. Paths are French because the URLs are shown to French users;
// each page module loads on first visit.
const ROUTES = [
  { path: '/', load: () => import('./pages/home.js') },
  { path: '/recherche', load: () => import('./pages/search.js') },
  { path: '/design', load: () => import('./pages/design.js') },
  // Signing in, and the links e-mails carry (their tokens are single-use).
  { path: '/connexion', load: () => import('./pages/login.js') },
  { path: '/mot-de-passe-oublie', load: () => import('./pages/forgot.js') },
  { path: '/mot-de-passe/:token', load: () => import('./pages/reset.js') },
  { path: '/verification/:token', load: () => import('./pages/verify.js') },
  { path: '/invitation/:token', load: () => import('./pages/invitation.js') },
  // Me.
  { path: '/profil', load: () => import('./pages/profile.js') },
  { path: '/profil/sessions', load: () => import('./pages/sessions.js') },
  { path: '/profil/jetons', load: () => import('./pages/tokens.js') },
  // People and communities.
  { path: '/annuaire', load: () => import('./pages/directory.js') },
  { path: '/personnes/:id', load: () => import('./pages/person.js') },
  { path: '/communautes', load: () => import('./pages/communities.js') },
  { path: '/communautes/:id', load: () => import('./pages/community.js') },
  { path: '/communautes/:id/gestion', load: () => import('./pages/community-manage.js') },
  { path: '/communautes/:id/gestion/:tab', load: () => import('./pages/community-manage.js') },
  // Platform administration.
  { path: '/admin/utilisateurs', load: () => import('./pages/admin-users.js') },
  { path: '/admin/organisations', load: () => import('./pages/admin-organisations.js') },
  { path: '/admin/traces', load: () => import('./pages/admin-audit.js') },
  { path: '/admin/reglages', load: () => import('./pages/admin-settings.js') },
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
    drawAccount();
    refresh();
  });
}

/** The header's account area and the administration links follow the session. */
function drawAccount() {
  const user = currentUser();
  setAdmin(isAdmin());
  const slot = document.getElementById('user-slot');
  // On the login page itself a "Se connecter" link would only point at the page in view.
  if (!user && location.pathname === '/connexion') {
    slot.replaceChildren();
    return;
  }
  renderUserMenu(slot, user, {
    admin: isAdmin(),
    loginHref: loginUrl(),
    onSignOut: async () => {
      try {
        await signOut();
        toast(t('user.signed_out'), { type: 'success' });
      } catch {
        toast(t('user.signed_out_locally'), { type: 'warning' });
      }
      navigate('/connexion');
    },
  });
}

/** The header search box: suggestions while typing (for a signed-in person), Enter searches. */
function setupSearch() {
  return setupSearchBox({
    form: document.getElementById('site-search'),
    input: document.getElementById('site-search-input'),
    listbox: document.getElementById('site-search-listbox'),
    status: document.getElementById('site-search-status'),
    navigate,
    enabled: () => Boolean(currentUser()),
  });
}

async function boot() {
  fillIconSlots(document);
  await initI18n();
  setupLanguageSwitch();
  const searchBox = setupSearch();

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
  await loadSession();
  drawAccount();
  onSessionChange(drawAccount);

  await startRouter({
    routes: ROUTES,
    notFound: NOT_FOUND,
    outlet: document.getElementById('main'),
    onRender(url) {
      markCurrent(url.pathname);
      // The "Se connecter" link brings the person back to the page they were on.
      if (!currentUser()) drawAccount();
      // The header box mirrors the query of the search page, and is emptied elsewhere.
      searchBox.reset(url.pathname === '/recherche' ? url.searchParams.get('q') ?? '' : '');
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

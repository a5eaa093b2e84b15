// Who is signed in: asks GET /api/me at boot, keeps the user and the CSRF token, signs in and out, and keeps the navigation's list of my communities up to date.
import { api, ApiError, setCsrfToken } from './api.js';
import { setCommunities, setCommunitiesLoading, setCommunitiesFailed } from './nav.js';

let user = null;
const listeners = new Set();

/** The signed-in user (GET /api/me's "user") or null. */
export function currentUser() {
  return user;
}

export function isAdmin() {
  return user?.platform_role === 'admin';
}

/** External partners see only their own communities: no discovery, no creation. */
export function isGuest() {
  return user?.kind === 'guest';
}

/** Subscribes to sign-in, sign-out and profile changes; returns the unsubscribe function. */
export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function publish() {
  for (const listener of listeners) listener(user);
}

/** Records a session the server just opened or confirmed ({ user, csrf_token }). */
export function setSession(me) {
  user = me?.user ?? null;
  setCsrfToken(me?.csrf_token ?? null);
  publish();
  refreshMyCommunities();
}

/** Updates the user after a profile change (name, photo) without touching the session. */
export function updateUser(fresh) {
  if (!user || !fresh) return;
  user = { ...user, ...fresh };
  publish();
}

/** Forgets the session on this side (after sign-out or when the server says it has ended). */
export function clearSession() {
  user = null;
  setCsrfToken(null);
  setCommunities(null);
  publish();
}

/**
 * Boot: is someone signed in? 401 means no; a server that cannot be reached counts as no too
 * (the pages then say what failed when they try their own requests).
 */
export async function loadSession() {
  try {
    setSession(await api.get('/api/me'));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    clearSession();
  }
  return user;
}

/** POST /api/session; resolves to the user, throws ApiError (401 wrong credentials, 429 throttled). */
export async function signIn(email, password) {
  const me = await api.post('/api/session', { email, password });
  setSession(me);
  return user;
}

/** DELETE /api/session, then forget the session whatever the answer (the cookie is gone either way). */
export async function signOut() {
  try {
    await api.delete('/api/session');
  } finally {
    clearSession();
  }
}

let communitiesRequest = 0;

/** Reloads the navigation's "my communities" (GET /api/communities?mine=1). */
export async function refreshMyCommunities() {
  const ticket = ++communitiesRequest;
  if (!user) {
    setCommunities(null);
    return;
  }
  setCommunitiesLoading();
  try {
    const page = await api.get('/api/communities?mine=1&limit=100');
    if (ticket === communitiesRequest && user) setCommunities(page.items.map(({ id, name }) => ({ id, name })));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // A list already shown stays; the page in view reports its own failures.
    if (ticket === communitiesRequest && user) setCommunitiesFailed();
  }
}

// Pages reached without a session whose URL carries a single-use token, or which only make sense
// signed out: never a destination after signing in (and no token goes into a query string).
const SIGNED_OUT_PAGES = /^\/(connexion|mot-de-passe|mot-de-passe-oublie|verification|invitation)(\/|$)/;

/** Where the login page sends people back to: a path inside the app, never another site. */
export function safeNext(value) {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (SIGNED_OUT_PAGES.test(value)) return '/';
  return value;
}

/** The login page's URL that returns to url afterwards. */
export function loginUrl(url = new URL(location.href)) {
  const next = url.pathname + url.search;
  return next === '/' || SIGNED_OUT_PAGES.test(url.pathname) ? '/connexion' : `/connexion?suite=${encodeURIComponent(next)}`;
}

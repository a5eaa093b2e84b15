// Page guards: pages that need a session send anonymous visitors to /connexion?suite=<here>; administrators' pages tell others they are reserved.
import { t } from './i18n.js';
import { navigate } from './router.js';
import { currentUser, isAdmin, loginUrl } from './session.js';
import { loadingState, errorState } from './ui/states.js';

/**
 * guarded(ctx, build) → build(user) when someone is signed in; otherwise goes to the login page
 * (replacing this history entry, so Back does not bounce) and returns a placeholder.
 */
export function guarded(ctx, build) {
  const user = currentUser();
  if (user) return build(user);
  navigate(loginUrl(ctx.url), { replace: true });
  return { title: t('login.title'), node: loadingState({ label: t('login.redirecting'), page: true }) };
}

/** Same for administrators' pages; a signed-in non-administrator is told the page is reserved (the server answers 403 too). */
export function adminOnly(ctx, build) {
  return guarded(ctx, (user) => (isAdmin() ? build(user) : {
    title: t('error.page.forbidden_title'),
    node: errorState({
      code: t('error.page.code', { status: 403 }),
      title: t('error.page.forbidden_title'),
      text: t('admin.reserved'),
      actions: [{ label: t('notfound.home'), href: '/', variant: 'primary', icon: 'home' }],
      page: true,
    }),
  }));
}

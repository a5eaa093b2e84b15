// Login page (/connexion?suite=/path): e-mail and password, one message for wrong credentials whatever the cause, the wait when throttled, then back to where the person was going.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { ApiError } from '../api.js';
import { navigate } from '../router.js';
import { currentUser, signIn, safeNext } from '../session.js';
import { field, setFormError } from '../ui/form.js';
import { button } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { passwordField, hidePasswords } from '../ui/password.js';
import { onSubmit, Invalid } from '../ui/submit.js';
import { authLayout } from '../ui/auth-card.js';

export function render({ query }) {
  const next = safeNext(query.get('suite') ?? '/');
  if (currentUser()) {
    // Already signed in (a bookmarked login page, the Back button): go on.
    navigate(next, { replace: true });
  }

  const form = h('form', { class: 'form auth__form', 'aria-labelledby': 'login-title' },
    field({ label: t('login.email'), name: 'email', type: 'email', required: true, attrs: { autocomplete: 'username', inputmode: 'email', spellcheck: 'false', autocapitalize: 'off' } }),
    passwordField({ label: t('login.password'), name: 'password', autocomplete: 'current-password' }),
    h('div', { class: 'auth__actions' },
      button({ label: t('login.submit'), type: 'submit', variant: 'primary', block: true }),
      h('a', { class: 'auth__link', href: '/mot-de-passe-oublie' }, t('login.forgot'))));

  onSubmit(form, async (values) => {
    const problems = {};
    if (!values.email) problems.email = t('login.error.email_missing');
    if (!values.password) problems.password = t('login.error.password_missing');
    if (Object.keys(problems).length) throw new Invalid(problems);
    try {
      await signIn(values.email, values.password);
    } catch (err) {
      // 401 is the pair that failed: one message whatever the cause (unknown address, wrong
      // password, suspended account), never a hint about which.
      if (err instanceof ApiError && err.code === 'unauthenticated') {
        form.querySelector('[name="password"]').value = '';
        setFormError(form, t('error.login.credentials'));
        form.querySelector('[name="password"]').focus();
        return;
      }
      throw err;
    }
    hidePasswords(form);
    navigate(next, { replace: true });
  }, { fields: false });

  return {
    title: t('login.title'),
    node: authLayout({
      titleId: 'login-title',
      eyebrow: t('login.eyebrow'),
      title: t('login.title'),
      lead: t('login.lead'),
      body: form,
      aside: h('p', { class: 'auth__note' }, icon('mail'), h('span', {}, t('login.partner_note'))),
    }),
  };
}

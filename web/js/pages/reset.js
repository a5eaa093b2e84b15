// New password from an e-mailed link (/mot-de-passe/:token): the policy is stated up front, the server's refusals are shown on the field, a used or expired link says to ask for another.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { button } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { passwordField, hidePasswords } from '../ui/password.js';
import { onSubmit, Invalid } from '../ui/submit.js';
import { authLayout } from '../ui/auth-card.js';
import { PASSWORD_MIN, passwordProblems } from '../ui/password-policy.js';

export function render({ params }) {
  const body = h('div', {});
  const form = h('form', { class: 'form auth__form', 'aria-labelledby': 'reset-title' },
    passwordField({ label: t('reset.password'), name: 'password', autocomplete: 'new-password', hint: t('password.policy', { min: PASSWORD_MIN }) }),
    passwordField({ label: t('reset.confirm'), name: 'confirm', autocomplete: 'new-password' }),
    h('div', { class: 'auth__actions' },
      button({ label: t('reset.submit'), type: 'submit', variant: 'primary', block: true })));
  body.append(form);

  onSubmit(form, async (values) => {
    const problems = passwordProblems(values.password, values.confirm, 'password', 'confirm');
    if (Object.keys(problems).length) throw new Invalid(problems);
    await api.post('/api/password-reset/confirm', { token: params.token, password: values.password });
    hidePasswords(form);
    const done = h('div', { class: 'alert alert--success', role: 'status', tabindex: '-1' },
      icon('success'),
      h('div', {},
        h('strong', { class: 'alert__title' }, t('reset.done_title')),
        h('p', {}, t('reset.done_text'))));
    body.replaceChildren(done, h('p', { class: 'auth__after' }, h('a', { class: 'btn btn--primary btn--block', href: '/connexion' }, t('reset.sign_in'))));
    done.focus();
  });

  return {
    title: t('reset.title'),
    node: authLayout({
      titleId: 'reset-title',
      title: t('reset.title'),
      lead: t('reset.lead'),
      body,
      aside: h('p', { class: 'auth__note' }, icon('info'), h('span', {}, t('reset.expired_note'), ' ', h('a', { href: '/mot-de-passe-oublie' }, t('reset.ask_again')))),
    }),
  };
}

// Forgotten password (/mot-de-passe-oublie): asks for the address and always gives the same confirmation, so the page never tells whether an account exists.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { field } from '../ui/form.js';
import { button } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { onSubmit, Invalid } from '../ui/submit.js';
import { authLayout } from '../ui/auth-card.js';

export function render() {
  const body = h('div', {});
  const form = h('form', { class: 'form auth__form', 'aria-labelledby': 'forgot-title' },
    field({ label: t('forgot.email'), name: 'email', type: 'email', required: true, hint: t('forgot.email_hint'), attrs: { autocomplete: 'email', inputmode: 'email', spellcheck: 'false', autocapitalize: 'off' } }),
    h('div', { class: 'auth__actions' },
      button({ label: t('forgot.submit'), type: 'submit', variant: 'primary', block: true }),
      h('a', { class: 'auth__link', href: '/connexion' }, t('forgot.back'))));
  body.append(form);

  onSubmit(form, async (values) => {
    if (!values.email || !values.email.includes('@')) throw new Invalid({ email: t('forgot.error.email') });
    await api.post('/api/password-reset', { email: values.email });
    // The same words whatever the server found: an account or not.
    const done = h('div', { class: 'alert alert--success', role: 'status', tabindex: '-1' },
      icon('success'),
      h('div', {},
        h('strong', { class: 'alert__title' }, t('forgot.sent_title')),
        h('p', {}, t('forgot.sent_text', { email: values.email }))));
    body.replaceChildren(done, h('p', { class: 'auth__after' }, h('a', { href: '/connexion' }, t('forgot.back'))));
    done.focus();
  });

  return {
    title: t('forgot.title'),
    node: authLayout({ titleId: 'forgot-title', title: t('forgot.title'), lead: t('forgot.lead'), body }),
  };
}

// E-mail address confirmation (/verification/:token): sends the token once, says whether it worked, and where to go next.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { currentUser, updateUser } from '../session.js';
import { errorMessage } from '../errors.js';
import { icon } from '../ui/icons.js';
import { authLayout } from '../ui/auth-card.js';

// The token works once: a re-render (language switch) reuses the first answer instead of sending it again.
const outcomes = new Map();

function confirm(token, signal) {
  if (!outcomes.has(token)) {
    const pending = api.post('/api/email-verification/confirm', { token }, { signal });
    outcomes.set(token, pending);
    pending.catch((err) => { if (err.name === 'AbortError') outcomes.delete(token); });
  }
  return outcomes.get(token);
}

export async function render({ params, signal }) {
  let result;
  try {
    await confirm(params.token, signal);
    if (currentUser()) updateUser({ email_verified: true });
    result = h('div', { class: 'alert alert--success', role: 'status' },
      icon('success'),
      h('div', {}, h('strong', { class: 'alert__title' }, t('verify.done_title')), h('p', {}, t('verify.done_text'))));
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    result = h('div', { class: 'alert alert--error', role: 'alert' },
      icon('error'),
      h('div', {}, h('strong', { class: 'alert__title' }, t('verify.failed_title')), h('p', {}, errorMessage(err))));
  }
  const next = currentUser()
    ? h('a', { class: 'btn btn--primary btn--block', href: '/profil' }, t('verify.to_profile'))
    : h('a', { class: 'btn btn--primary btn--block', href: '/connexion' }, t('verify.to_login'));
  return {
    title: t('verify.title'),
    node: authLayout({ titleId: 'verify-title', title: t('verify.title'), body: h('div', { class: 'stack' }, result, next) }),
  };
}

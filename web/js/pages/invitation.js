// Invitation acceptance (/invitation/:token): who invites me where; a new partner chooses a name and a password, an existing account confirms with its password (or is already signed in); then straight into the community.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { navigate } from '../router.js';
import { currentUser, loadSession, signOut } from '../session.js';
import { errorMessage, reportError } from '../errors.js';
import { field, showErrors } from '../ui/form.js';
import { button } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { passwordField, hidePasswords } from '../ui/password.js';
import { onSubmit, Invalid } from '../ui/submit.js';
import { authLayout } from '../ui/auth-card.js';
import { PASSWORD_MIN, passwordProblems } from '../ui/password-policy.js';
import { visibilityLabel, roleLabel } from '../labels.js';

export async function render({ params, signal }) {
  let view;
  try {
    view = await api.get(`/api/invitations/${encodeURIComponent(params.token)}`, { signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    const invalid = err instanceof ApiError && err.code === 'not_found';
    return {
      title: t('invitation.invalid_title'),
      node: authLayout({
        titleId: 'invitation-title',
        title: t('invitation.invalid_title'),
        lead: invalid ? t('invitation.invalid_text') : errorMessage(err),
        body: h('div', { class: 'stack' },
          h('a', { class: 'btn btn--primary btn--block', href: '/connexion' }, t('invitation.to_login'))),
      }),
    };
  }

  const summary = h('div', { class: 'invitation-summary' },
    h('p', { class: 'invitation-summary__who' },
      view.inviter ? t('invitation.from', { name: view.inviter.display_name }) : t('invitation.from_unknown')),
    h('p', { class: 'invitation-summary__meta' },
      h('span', { class: 'badge' }, visibilityLabel(view.community.visibility)),
      h('span', { class: 'badge badge--accent' }, t('invitation.as_role', { role: roleLabel(view.role ?? 'guest') }))),
    view.community.description ? h('p', { class: 'invitation-summary__description' }, view.community.description) : null,
    view.message ? h('blockquote', { class: 'invitation-summary__message' }, view.message) : null,
    h('p', { class: 'invitation-summary__email' }, t('invitation.for_email', { email: view.email })));

  const me = currentUser();
  let body;
  if (me && me.email.toLowerCase() !== view.email.toLowerCase()) body = otherAccount(me, view);
  else if (view.account_exists) body = existingAccount(params.token, view, Boolean(me));
  else body = newAccount(params.token, view);

  return {
    title: t('invitation.title', { name: view.community.name }),
    node: authLayout({
      titleId: 'invitation-title',
      eyebrow: t('invitation.eyebrow'),
      title: t('invitation.heading', { name: view.community.name }),
      body: h('div', { class: 'stack' }, summary, body),
      aside: view.expires_at ? h('p', { class: 'auth__note' }, icon('info'), h('span', {}, t('invitation.expires', { date: formatDateTime(new Date(view.expires_at), { dateStyle: 'long' }) }))) : null,
    }),
  };
}

/** After accepting: the session the server opened becomes this page's, then the community opens. */
async function enter(result) {
  await loadSession();
  navigate(`/communautes/${result.community.id}`, { replace: true });
}

/** 401 here is a wrong password for the invited account, never a lost session. */
function wrongPassword(form, err) {
  if (err instanceof ApiError && err.code === 'unauthenticated') {
    form.querySelector('[name="password"]').value = '';
    showErrors(form, { password: t('error.password.wrong') });
    return true;
  }
  return false;
}

function newAccount(token, view) {
  const form = h('form', { class: 'form auth__form', 'aria-labelledby': 'invitation-title' },
    h('p', { class: 'muted' }, t('invitation.new_lead')),
    field({ label: t('invitation.email'), name: 'email_shown', type: 'email', markOptional: false, attrs: { value: view.email, readonly: true, autocomplete: 'username' } }),
    field({ label: t('invitation.display_name'), name: 'display_name', required: true, hint: t('invitation.display_name_hint'), attrs: { autocomplete: 'name', maxlength: 120 } }),
    passwordField({ label: t('invitation.password'), name: 'password', autocomplete: 'new-password', hint: t('password.policy', { min: PASSWORD_MIN }) }),
    passwordField({ label: t('invitation.confirm'), name: 'confirm', autocomplete: 'new-password' }),
    button({ label: t('invitation.accept_create'), type: 'submit', variant: 'primary', block: true }));
  onSubmit(form, async (values) => {
    const problems = passwordProblems(values.password, values.confirm, 'password', 'confirm');
    if (!values.display_name) problems.display_name = t('invitation.error.name');
    if (Object.keys(problems).length) throw new Invalid(problems);
    const result = await api.post(`/api/invitations/${encodeURIComponent(token)}/accept`, { display_name: values.display_name, password: values.password });
    hidePasswords(form);
    await enter(result);
  });
  return form;
}

function existingAccount(token, view, signedIn) {
  const form = h('form', { class: 'form auth__form', 'aria-labelledby': 'invitation-title' },
    h('p', { class: 'muted' }, signedIn ? t('invitation.signed_in_lead') : t('invitation.existing_lead')),
    signedIn ? null : field({ label: t('invitation.email'), name: 'email_shown', type: 'email', markOptional: false, attrs: { value: view.email, readonly: true, autocomplete: 'username' } }),
    signedIn ? null : passwordField({ label: t('invitation.existing_password'), name: 'password', autocomplete: 'current-password' }),
    button({ label: t('invitation.accept'), type: 'submit', variant: 'primary', block: true }),
    signedIn ? null : h('a', { class: 'auth__link', href: '/mot-de-passe-oublie' }, t('login.forgot')));
  onSubmit(form, async (values) => {
    if (!signedIn && !values.password) throw new Invalid({ password: t('password.error.missing') });
    let result;
    try {
      result = await api.post(`/api/invitations/${encodeURIComponent(token)}/accept`, signedIn ? {} : { password: values.password });
    } catch (err) {
      if (wrongPassword(form, err)) return;
      throw err;
    }
    hidePasswords(form);
    await enter(result);
  });
  return form;
}

function otherAccount(me, view) {
  const out = button({
    label: t('invitation.sign_out'),
    icon: 'logout',
    variant: 'primary',
    block: true,
    onClick: async () => {
      try {
        await signOut();
      } catch (err) {
        reportError(err);
      }
      navigate(location.pathname, { replace: true });
    },
  });
  const box = h('div', { class: 'stack' },
    h('div', { class: 'alert alert--warning' }, icon('warning'),
      h('p', {}, t('invitation.other_account', { me: me.email, email: view.email }))),
    out);
  return box;
}

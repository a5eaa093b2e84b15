// My API tokens (/profil/jetons): the tokens my integrations use, a form to make one (its secret shown once, with a copy button) and revocation.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { guarded } from '../guard.js';
import { reportError, isAbort } from '../errors.js';
import { field, choiceGroup } from '../ui/form.js';
import { button, setBusy } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { toast } from '../ui/toast.js';
import { confirmDialog } from '../ui/dialog.js';
import { loadingState, emptyState } from '../ui/states.js';
import { onSubmit, Invalid } from '../ui/submit.js';
import { profileTabs } from './profile-tabs.js';

export function render(ctx) {
  return guarded(ctx, () => {
    const list = h('div', {}, loadingState({ label: t('tokens.loading'), lines: 3 }));
    const created = h('div', { class: 'token-created' });
    const refresh = () => load(list, ctx.signal);
    const node = h('div', { class: 'page' },
      h('div', { class: 'page-header' },
        h('p', { class: 'eyebrow' }, t('profile.eyebrow')),
        h('h1', {}, t('tokens.title')),
        h('p', { class: 'lead' }, t('tokens.lead'))),
      profileTabs('tokens'),
      h('section', { class: 'section', 'aria-labelledby': 'tokens-list' },
        h('h2', { id: 'tokens-list' }, t('tokens.list_title')),
        list),
      h('section', { class: 'section card', 'aria-labelledby': 'tokens-new' },
        h('h2', { id: 'tokens-new' }, t('tokens.new_title')),
        h('p', { class: 'muted' }, t('tokens.new_lead')),
        created,
        createForm(created, refresh)));
    refresh();
    return { title: t('tokens.title'), node };
  });
}

async function load(region, signal) {
  let items;
  try {
    ({ items } = await api.get('/api/me/tokens', { signal }));
  } catch (err) {
    if (!isAbort(err)) reportError(err);
    return;
  }
  if (!items.length) {
    region.replaceChildren(emptyState({ icon: 'key', title: t('tokens.empty_title'), text: t('tokens.empty_text'), headingLevel: 3 }));
    return;
  }
  region.replaceChildren(h('ul', { class: 'list' }, items.map((tok) => row(tok, () => load(region, signal)))));
}

function row(tok, reload) {
  const scope = tok.scope === 'read' ? t('tokens.scope.read') : t('tokens.scope.read_write');
  const expiry = tok.expires_at
    ? (tok.expired ? t('tokens.expired_on', { date: formatDateTime(new Date(tok.expires_at), { dateStyle: 'medium' }) })
      : t('tokens.expires_on', { date: formatDateTime(new Date(tok.expires_at), { dateStyle: 'medium' }) }))
    : t('tokens.never_expires');
  const used = tok.last_used_at ? t('tokens.used_on', { date: formatDateTime(new Date(tok.last_used_at)) }) : t('tokens.never_used');
  const revoke = button({
    label: t('tokens.revoke'),
    icon: 'trash',
    variant: 'ghost',
    size: 'sm',
    attrs: { 'aria-label': t('tokens.revoke_named', { name: tok.name }) },
    onClick: async () => {
      const ok = await confirmDialog({ title: t('tokens.revoke_title', { name: tok.name }), message: t('tokens.revoke_text'), confirmLabel: t('tokens.revoke'), danger: true });
      if (!ok) return;
      setBusy(revoke, true);
      try {
        await api.delete(`/api/me/tokens/${tok.id}`);
        toast(t('tokens.revoked', { name: tok.name }), { type: 'success' });
        reload();
        document.getElementById('tokens-list')?.focus();
      } catch (err) {
        reportError(err);
        setBusy(revoke, false);
      }
    },
  });
  return h('li', { class: 'list__item' },
    h('span', { class: 'list__icon' }, icon('key')),
    h('div', { class: 'list__body' },
      h('span', { class: 'list__title' }, tok.name, ' ',
        h('span', { class: ['badge', tok.scope === 'read' ? 'badge--info' : 'badge--warning'] }, scope),
        tok.expired ? h('span', { class: 'badge badge--error' }, t('tokens.expired')) : null),
      h('span', { class: 'list__meta' }, h('code', {}, `${tok.prefix}…`), ` · ${expiry} · ${used}`)),
    h('span', { class: 'list__aside' }, revoke));
}

function createForm(created, reload) {
  const form = h('form', { class: 'form', 'aria-labelledby': 'tokens-new' },
    field({ label: t('tokens.name'), name: 'name', required: true, hint: t('tokens.name_hint'), attrs: { maxlength: 100, autocomplete: 'off' } }),
    choiceGroup({
      legend: t('tokens.scope'),
      name: 'scope',
      type: 'radio',
      options: [
        { value: 'read', label: t('tokens.scope.read_help'), checked: true },
        { value: 'read_write', label: t('tokens.scope.read_write_help') },
      ],
    }),
    field({
      label: t('tokens.expiry'),
      name: 'expires_in_days',
      control: 'select',
      markOptional: false,
      options: [
        { value: '30', label: t('tokens.expiry.days', { count: 30 }) },
        { value: '90', label: t('tokens.expiry.days', { count: 90 }) },
        { value: '365', label: t('tokens.expiry.year') },
        { value: '', label: t('tokens.expiry.never') },
      ],
    }),
    h('div', { class: 'cluster' }, button({ label: t('tokens.create'), type: 'submit', variant: 'primary', icon: 'plus' })));
  form.querySelector('[name="expires_in_days"]').value = '90';

  onSubmit(form, async (values) => {
    if (!values.name) throw new Invalid({ name: t('tokens.error.name') });
    const body = { name: values.name, scope: values.scope || 'read' };
    if (values.expires_in_days) body.expires_in_days = Number(values.expires_in_days);
    const result = await api.post('/api/me/tokens', body);
    form.reset();
    form.querySelector('[name="expires_in_days"]').value = '90';
    showSecret(created, result);
    reload();
  });
  return form;
}

/** The secret, shown this once: selectable text, a copy button, and a warning that it will not be shown again. */
function showSecret(region, { token, secret }) {
  const code = h('code', { class: 'secret-box__value', id: 'token-secret' }, secret);
  const copy = button({
    label: t('tokens.copy'),
    icon: 'copy',
    variant: 'primary',
    size: 'sm',
    onClick: async () => {
      try {
        await navigator.clipboard.writeText(secret);
        toast(t('tokens.copied'), { type: 'success' });
      } catch {
        // No clipboard access (permissions, old browser): select the text so Ctrl+C works.
        const range = document.createRange();
        range.selectNodeContents(code);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        toast(t('tokens.copy_manually'), { type: 'info' });
      }
    },
  });
  const box = h('div', { class: 'secret-box', role: 'status', tabindex: '-1' },
    h('p', { class: 'secret-box__title' }, icon('warning'), h('strong', {}, t('tokens.created_title', { name: token.name }))),
    h('p', { class: 'secret-box__text' }, t('tokens.created_text')),
    h('div', { class: 'secret-box__row' }, code, copy));
  region.replaceChildren(box);
  box.focus();
}

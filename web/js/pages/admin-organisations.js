// Organisations (/admin/organisations): the GHT, ARS, ESMS and other structures staff belong to; create, rename, change kind.
import { h, uid } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { adminOnly } from '../guard.js';
import { reportError, isAbort } from '../errors.js';
import { field } from '../ui/form.js';
import { button } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { toast } from '../ui/toast.js';
import { loadingState, emptyState } from '../ui/states.js';
import { onSubmit, Invalid } from '../ui/submit.js';
import { orgKindLabel, orgKindLong } from '../labels.js';
import { adminHeader } from './admin-tabs.js';

const KINDS = ['ght', 'ars', 'esms', 'other'];
const kindOptions = () => KINDS.map((k) => ({ value: k, label: orgKindLong(k) }));

export function render(ctx) {
  return adminOnly(ctx, () => {
    const list = h('div', {}, loadingState({ label: t('admin.orgs.loading'), lines: 5 }));
    const reload = () => load(list, ctx.signal, reload);
    const node = h('div', { class: 'page' },
      adminHeader('organisations', t('admin.orgs.title'), t('admin.orgs.lead')),
      createSection(reload),
      h('section', { class: 'section', 'aria-labelledby': 'admin-orgs-list' },
        h('h2', { id: 'admin-orgs-list', tabindex: '-1' }, t('admin.orgs.list')),
        list));
    reload();
    return { title: t('admin.orgs.title'), node };
  });
}

async function load(region, signal, reload) {
  let items;
  try {
    ({ items } = await api.get('/api/organisations', { signal }));
  } catch (err) {
    if (!isAbort(err)) reportError(err);
    return;
  }
  if (!items.length) {
    region.replaceChildren(emptyState({ icon: 'building', title: t('admin.orgs.empty'), headingLevel: 3 }));
    return;
  }
  region.replaceChildren(h('ul', { class: 'list' }, items.map((o) => row(o, reload))));
}

function row(o, reload) {
  const id = uid('org-edit');
  const toggle = button({ label: t('admin.orgs.edit'), icon: 'edit', variant: 'secondary', size: 'sm', attrs: { 'aria-expanded': 'false', 'aria-controls': id, 'aria-label': t('admin.orgs.edit_named', { name: o.name }) } });
  const form = h('form', { class: 'form account-edit', id, hidden: true, 'aria-label': t('admin.orgs.edit_named', { name: o.name }) },
    h('div', { class: 'form-grid' },
      field({ label: t('admin.orgs.name'), name: 'name', required: true, attrs: { maxlength: 200, value: o.name } }),
      field({ label: t('admin.orgs.kind'), name: 'kind', control: 'select', markOptional: false, options: kindOptions() })),
    h('div', { class: 'cluster' }, button({ label: t('admin.orgs.save'), type: 'submit', variant: 'primary', size: 'sm', icon: 'check' })));
  form.querySelector('[name="kind"]').value = o.kind;
  toggle.addEventListener('click', () => {
    form.hidden = !form.hidden;
    toggle.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) form.querySelector('input').focus();
  });
  onSubmit(form, async (values) => {
    if (!values.name) throw new Invalid({ name: t('error.required') });
    const body = {};
    if (values.name !== o.name) body.name = values.name;
    if (values.kind !== o.kind) body.kind = values.kind;
    if (!Object.keys(body).length) return;
    await api.patch(`/api/organisations/${o.id}`, body);
    toast(t('admin.orgs.saved', { name: values.name }), { type: 'success' });
    reload();
  });
  return h('li', { class: 'list__item account-row' },
    h('span', { class: 'list__icon' }, icon('building')),
    h('div', { class: 'list__body' },
      h('span', { class: 'list__title' }, o.name),
      h('span', { class: 'list__meta' }, [orgKindLong(o.kind), o.created_at ? t('admin.orgs.created', { date: formatDateTime(new Date(o.created_at), { dateStyle: 'medium' }) }) : null].filter(Boolean).join(' · '))),
    h('span', { class: 'list__aside cluster' }, h('span', { class: 'badge' }, orgKindLabel(o.kind)), toggle),
    form);
}

function createSection(reload) {
  const form = h('form', { class: 'form form--inline', 'aria-labelledby': 'admin-orgs-new' },
    h('div', { class: 'form-grid' },
      field({ label: t('admin.orgs.name'), name: 'name', required: true, hint: t('admin.orgs.name_hint'), attrs: { maxlength: 200, autocomplete: 'off' } }),
      field({ label: t('admin.orgs.kind'), name: 'kind', control: 'select', markOptional: false, options: kindOptions() })),
    h('div', { class: 'cluster' }, button({ label: t('admin.orgs.create'), type: 'submit', variant: 'primary', icon: 'plus' })));
  onSubmit(form, async (values) => {
    if (!values.name) throw new Invalid({ name: t('error.required') });
    const created = await api.post('/api/organisations', { name: values.name, kind: values.kind });
    form.reset();
    toast(t('admin.orgs.created_toast', { name: created.name }), { type: 'success' });
    reload();
  });
  return h('section', { class: 'card', 'aria-labelledby': 'admin-orgs-new' },
    h('h2', { id: 'admin-orgs-new' }, t('admin.orgs.new_title')),
    form);
}

// Accounts (/admin/utilisateurs): find accounts by name, e-mail or organisation and status; change status, platform role and organisation; create a staff account.
import { h, uid } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { adminOnly } from '../guard.js';
import { currentUser } from '../session.js';
import { reportError, isAbort } from '../errors.js';
import { field } from '../ui/form.js';
import { button } from '../ui/button.js';
import { avatar } from '../ui/avatar.js';
import { toast } from '../ui/toast.js';
import { loadingState, emptyState } from '../ui/states.js';
import { pager } from '../ui/pager.js';
import { passwordField } from '../ui/password.js';
import { onSubmit, Invalid } from '../ui/submit.js';
import { PASSWORD_MIN } from '../ui/password-policy.js';
import { statusLabel, orgKindLabel } from '../labels.js';
import { adminHeader } from './admin-tabs.js';

const PAGE_SIZE = 50;

export function render(ctx) {
  return adminOnly(ctx, () => {
    const state = { q: '', status: '', page: 1, orgs: [] };
    const results = h('div', {}, loadingState({ label: t('admin.users.loading'), lines: 6 }));
    const status = h('p', { class: 'results-status', role: 'status' });
    const search = field({ label: t('admin.users.search'), name: 'q', type: 'search', markOptional: false, hint: t('admin.users.search_hint'), attrs: { autocomplete: 'off', maxlength: 200 } });
    const statusFilter = field({
      label: t('admin.users.status_filter'),
      name: 'status',
      control: 'select', markOptional: false,
      options: [{ value: '', label: t('admin.users.status_any') }, ...['active', 'suspended', 'deactivated'].map((s) => ({ value: s, label: statusLabel(s) }))],
    });
    const toolbar = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('admin.users.search') }, search, statusFilter);
    let timer = null;
    let controller = null;
    ctx.signal.addEventListener('abort', () => { clearTimeout(timer); controller?.abort(); });

    const reload = () => {
      controller?.abort();
      controller = new AbortController();
      load(state, results, status, controller.signal, reload);
    };
    toolbar.addEventListener('submit', (e) => { e.preventDefault(); state.page = 1; reload(); });
    search.querySelector('input').addEventListener('input', (e) => {
      clearTimeout(timer);
      timer = setTimeout(() => { state.q = e.target.value.trim(); state.page = 1; reload(); }, 300);
    });
    statusFilter.querySelector('select').addEventListener('change', (e) => { state.status = e.target.value; state.page = 1; reload(); });

    const create = createSection(state, reload);
    api.get('/api/organisations', { signal: ctx.signal }).then(({ items }) => {
      state.orgs = items;
      fillOrgSelect(create.querySelector('select[name="organisation_id"]'), items, '');
      reload();
    }).catch((err) => { if (!isAbort(err)) reportError(err); });

    const node = h('div', { class: 'page' },
      adminHeader('users', t('admin.users.title'), t('admin.users.lead')),
      h('div', { class: 'section-head' },
        h('h2', { class: 'visually-hidden' }, t('admin.users.list')),
        button({ label: t('admin.users.create'), icon: 'userPlus', variant: 'primary', onClick: () => { create.hidden = false; create.querySelector('input').focus(); } })),
      create,
      toolbar,
      status,
      results);
    return { title: t('admin.users.title'), node };
  });
}

function fillOrgSelect(select, orgs, value, { none = false } = {}) {
  select.replaceChildren(
    none ? h('option', { value: '' }, t('admin.users.no_org')) : h('option', { value: '' }, t('admin.users.choose_org')),
    ...orgs.map((o) => h('option', { value: String(o.id) }, `${o.name} (${orgKindLabel(o.kind)})`)));
  select.value = value;
}

async function load(state, results, status, signal, reload) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String((state.page - 1) * PAGE_SIZE) });
  if (state.q) params.set('q', state.q);
  if (state.status) params.set('status', state.status);
  let page;
  try {
    page = await api.get(`/api/admin/users?${params}`, { signal });
  } catch (err) {
    if (!isAbort(err)) reportError(err);
    return;
  }
  status.textContent = t('admin.users.count', { count: page.total });
  if (!page.items.length) {
    results.replaceChildren(emptyState({ icon: 'user', title: t('admin.users.empty'), headingLevel: 3 }));
    return;
  }
  const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
  results.replaceChildren(...[
    h('ul', { class: 'list account-list' }, page.items.map((u) => accountRow(u, state.orgs, reload))),
    pages > 1 ? pager({ page: state.page, pages, label: t('admin.users.pages'), onPage: (n) => { state.page = n; reload(); } }) : null].filter(Boolean));
}

function accountRow(u, orgs, reload) {
  const self = u.id === currentUser()?.id;
  const editId = uid('account-edit');
  const toggle = button({ label: t('admin.users.edit'), icon: 'edit', variant: 'secondary', size: 'sm', attrs: { 'aria-expanded': 'false', 'aria-controls': editId, 'aria-label': t('admin.users.edit_named', { name: u.display_name }) } });
  const editor = editForm(u, orgs, self, editId, reload);
  editor.hidden = true;
  toggle.addEventListener('click', () => {
    const open = editor.hidden;
    editor.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) editor.querySelector('select')?.focus();
  });
  const statusTone = { active: 'badge--success', suspended: 'badge--warning', deactivated: 'badge--error' }[u.status];
  const meta = [u.email, u.organisation?.name, u.job_title].filter(Boolean).join(' · ');
  return h('li', { class: 'list__item account-row' },
    avatar(u, { size: 'md' }),
    h('div', { class: 'list__body' },
      h('a', { class: 'list__title', href: `/personnes/${u.id}` }, u.display_name),
      h('span', { class: 'list__meta' }, meta),
      h('span', { class: 'list__meta' }, u.last_login_at ? t('admin.users.last_login', { date: formatDateTime(new Date(u.last_login_at)) }) : t('admin.users.never_logged_in'),
        u.has_password ? null : ` · ${t('admin.users.no_password')}`),
      h('span', { class: 'cluster account-row__badges' },
        h('span', { class: ['badge', statusTone] }, statusLabel(u.status)),
        u.platform_role === 'admin' ? h('span', { class: 'badge badge--info' }, t('admin.users.role_admin')) : null,
        u.kind === 'guest' ? h('span', { class: 'badge badge--accent' }, t('person.kind.guest')) : null)),
    h('span', { class: 'list__aside' }, toggle),
    editor);
}

function editForm(u, orgs, self, id, reload) {
  const form = h('form', { class: 'account-edit form', id, 'aria-label': t('admin.users.edit_named', { name: u.display_name }) },
    h('div', { class: 'form-grid' },
      field({ label: t('admin.users.status'), name: 'status', control: 'select', markOptional: false, hint: self ? t('admin.users.self_hint') : t('admin.users.status_hint'), options: ['active', 'suspended', 'deactivated'].map((s) => ({ value: s, label: statusLabel(s) })), attrs: { disabled: self } }),
      field({ label: t('admin.users.role'), name: 'platform_role', control: 'select', markOptional: false, options: [{ value: 'user', label: t('admin.users.role_user') }, { value: 'admin', label: t('admin.users.role_admin') }], attrs: { disabled: self } }),
      u.kind === 'guest' ? null : field({ label: t('admin.users.organisation'), name: 'organisation_id', control: 'select', markOptional: false })),
    h('div', { class: 'cluster' }, button({ label: t('admin.users.save'), type: 'submit', variant: 'primary', icon: 'check', size: 'sm' })));
  form.querySelector('[name="status"]').value = u.status;
  form.querySelector('[name="platform_role"]').value = u.platform_role;
  const orgSelect = form.querySelector('[name="organisation_id"]');
  if (orgSelect) fillOrgSelect(orgSelect, orgs, u.organisation ? String(u.organisation.id) : '', { none: true });

  onSubmit(form, async (values) => {
    const body = {};
    if (!self && values.status !== u.status) body.status = values.status;
    if (!self && values.platform_role !== u.platform_role) body.platform_role = values.platform_role;
    if (orgSelect) {
      const org = values.organisation_id ? Number(values.organisation_id) : null;
      if (org !== (u.organisation?.id ?? null)) body.organisation_id = org;
    }
    if (!Object.keys(body).length) {
      toast(t('admin.users.nothing'), { type: 'info' });
      return;
    }
    await api.patch(`/api/admin/users/${u.id}`, body);
    toast(t('admin.users.saved', { name: u.display_name }), { type: 'success' });
    reload();
  });
  return form;
}

function createSection(state, reload) {
  const form = h('form', { class: 'form', 'aria-labelledby': 'admin-users-new' },
    field({ label: t('admin.users.email'), name: 'email', type: 'email', required: true, attrs: { autocomplete: 'off', maxlength: 254 } }),
    field({ label: t('admin.users.display_name'), name: 'display_name', required: true, attrs: { autocomplete: 'off', maxlength: 120 } }),
    field({ label: t('admin.users.organisation'), name: 'organisation_id', control: 'select', required: true }),
    field({ label: t('admin.users.job_title'), name: 'job_title', attrs: { maxlength: 120 } }),
    field({ label: t('admin.users.role'), name: 'platform_role', control: 'select', markOptional: false, options: [{ value: 'user', label: t('admin.users.role_user') }, { value: 'admin', label: t('admin.users.role_admin') }] }),
    passwordField({ label: t('admin.users.password'), name: 'password', autocomplete: 'new-password', required: false, hint: t('admin.users.password_hint', { min: PASSWORD_MIN }) }),
    h('div', { class: 'cluster' },
      button({ label: t('admin.users.create_submit'), type: 'submit', variant: 'primary', icon: 'check' }),
      button({ label: t('dialog.cancel'), variant: 'ghost', onClick: () => { form.reset(); section.hidden = true; } })));
  onSubmit(form, async (values) => {
    const problems = {};
    if (!values.email.includes('@')) problems.email = t('error.email_invalid');
    if (!values.display_name) problems.display_name = t('error.required');
    if (!values.organisation_id) problems.organisation_id = t('admin.users.error_org');
    if (Object.keys(problems).length) throw new Invalid(problems);
    const body = {
      email: values.email,
      display_name: values.display_name,
      organisation_id: Number(values.organisation_id),
      platform_role: values.platform_role,
    };
    if (values.job_title) body.job_title = values.job_title;
    if (values.password) body.password = values.password;
    const created = await api.post('/api/admin/users', body);
    form.reset();
    section.hidden = true;
    toast(values.password ? t('admin.users.created', { name: created.display_name }) : t('admin.users.created_mailed', { name: created.display_name, email: created.email }), { type: 'success' });
    state.page = 1;
    reload();
  });
  const section = h('section', { class: 'card section', 'aria-labelledby': 'admin-users-new', hidden: true },
    h('h2', { id: 'admin-users-new' }, t('admin.users.new_title')),
    h('p', { class: 'muted' }, t('admin.users.new_lead')),
    form);
  return section;
}

// Animators' screens (/communautes/:id/gestion[/membres|/demandes|/invitations]): the community's settings and archiving, members and roles, join requests, invitations by e-mail.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { guarded } from '../guard.js';
import { currentUser, refreshMyCommunities } from '../session.js';
import { reportError, isAbort } from '../errors.js';
import { field, choiceGroup } from '../ui/form.js';
import { button, setBusy } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { avatar } from '../ui/avatar.js';
import { toast } from '../ui/toast.js';
import { confirmDialog } from '../ui/dialog.js';
import { loadingState, emptyState, errorState } from '../ui/states.js';
import { tabs } from '../ui/tabs.js';
import { onSubmit, Invalid } from '../ui/submit.js';
import { visibilityLabel, visibilityHelp, roleLabel, invitationStatusLabel } from '../labels.js';
import { loadCommunity, memberRow } from './community.js';
import { render as renderNotFound } from './notfound.js';

const MEMBERS_PAGE_MAX = 200; // the server's largest page

const TABS = {
  '': { title: () => t('manage.tab.settings'), icon: 'settings', build: settingsTab },
  membres: { title: () => t('manage.tab.members'), icon: 'users', build: membersTab },
  demandes: { title: () => t('manage.tab.requests'), icon: 'mail', build: requestsTab },
  invitations: { title: () => t('manage.tab.invitations'), icon: 'userPlus', build: invitationsTab },
};

export function render(ctx) {
  return guarded(ctx, async () => {
    const tab = ctx.params.tab ?? '';
    if (!(tab in TABS)) return renderNotFound(ctx);
    const { community: c, page } = await loadCommunity(ctx);
    if (page) return page;
    if (!(c.can.edit || c.can.manage_members || c.can.invite || c.can.archive)) {
      return {
        title: t('error.page.forbidden_title'),
        node: errorState({
          code: t('error.page.code', { status: 403 }),
          title: t('error.page.forbidden_title'),
          text: t('manage.reserved'),
          actions: [{ label: t('manage.back', { name: c.name }), href: `/communautes/${c.id}`, variant: 'primary', icon: 'arrowRight' }],
          page: true,
        }),
      };
    }
    const base = `/communautes/${c.id}/gestion`;
    const node = h('div', { class: 'page' },
      h('nav', { class: 'breadcrumb', 'aria-label': t('manage.breadcrumb') },
        h('a', { href: `/communautes/${c.id}` }, c.name), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', {}, t('manage.title'))),
      h('div', { class: 'page-header' },
        h('h1', {}, t('manage.heading', { name: c.name })),
        h('p', { class: 'lead' }, t('manage.lead'))),
      c.archived ? h('div', { class: 'alert alert--warning' }, icon('archive'), h('p', {}, t('manage.archived_note'))) : null,
      tabs({
        label: t('manage.tabs'),
        items: Object.entries(TABS).map(([key, def]) => ({ href: key ? `${base}/${key}` : base, label: def.title(), icon: def.icon, current: key === tab })),
      }),
      h('div', { class: 'tab-panel' }, TABS[tab].build(c, ctx.signal)));
    return { title: `${TABS[tab].title()} · ${c.name}`, node };
  });
}

/* ---- settings ---- */

function settingsTab(c) {
  const form = h('form', { class: 'form', 'aria-labelledby': 'manage-settings' },
    field({ label: t('communities.new.name'), name: 'name', required: true, attrs: { maxlength: 120, value: c.name, disabled: !c.can.edit } }),
    field({ label: t('communities.new.description'), name: 'description', control: 'textarea', hint: t('communities.new.description_hint'), attrs: { maxlength: 5000, disabled: !c.can.edit } }),
    choiceGroup({
      legend: t('communities.new.visibility'),
      name: 'visibility',
      type: 'radio',
      options: ['public', 'restricted', 'secret'].map((v) => ({ value: v, label: [h('strong', {}, visibilityLabel(v)), h('span', { class: 'choice__help' }, visibilityHelp(v))], checked: v === c.visibility })),
    }),
    h('div', { class: 'cluster' }, button({ label: t('manage.save'), type: 'submit', variant: 'primary', icon: 'check', disabled: !c.can.edit })));
  form.querySelector('[name="description"]').value = c.description ?? '';
  if (!c.can.edit) for (const radio of form.querySelectorAll('[name="visibility"]')) radio.disabled = true;

  onSubmit(form, async (values) => {
    if (!values.name) throw new Invalid({ name: t('communities.new.error_name') });
    const saved = await api.patch(`/api/communities/${c.id}`, { name: values.name, description: values.description, visibility: values.visibility });
    Object.assign(c, saved);
    await refreshMyCommunities();
    toast(t('manage.saved'), { type: 'success' });
  });

  const archive = c.can.archive ? archiveBlock(c) : null;
  return h('div', { class: 'stack-lg' },
    h('section', { class: 'card', 'aria-labelledby': 'manage-settings' },
      h('h2', { id: 'manage-settings' }, t('manage.settings_title')),
      form),
    archive);
}

function archiveBlock(c) {
  const archiving = !c.archived;
  const btn = button({
    label: archiving ? t('manage.archive') : t('manage.unarchive'),
    icon: 'archive',
    variant: archiving ? 'danger' : 'primary',
    onClick: async () => {
      const ok = await confirmDialog({
        title: archiving ? t('manage.archive_title', { name: c.name }) : t('manage.unarchive_title', { name: c.name }),
        message: archiving ? t('manage.archive_text') : t('manage.unarchive_text'),
        confirmLabel: archiving ? t('manage.archive') : t('manage.unarchive'),
        danger: archiving,
      });
      if (!ok) return;
      setBusy(btn, true);
      try {
        await api.patch(`/api/communities/${c.id}`, { archived: archiving });
        toast(archiving ? t('manage.archived_done') : t('manage.unarchived_done'), { type: 'success' });
        navigate(`/communautes/${c.id}`);
      } catch (err) {
        reportError(err);
        setBusy(btn, false);
      }
    },
  });
  return h('section', { class: ['card', archiving && 'card--danger'], 'aria-labelledby': 'manage-archive' },
    h('h2', { id: 'manage-archive' }, archiving ? t('manage.archive_section') : t('manage.unarchive_section')),
    h('p', { class: 'muted' }, archiving ? t('manage.archive_lead') : t('manage.unarchive_lead')),
    h('div', { class: 'cluster' }, btn));
}

/* ---- members ---- */

function roleSelect(current, isGuestAccount, label, disabled) {
  const select = h('select', { class: 'select select--sm', 'aria-label': label, disabled: disabled || isGuestAccount || null },
    (isGuestAccount ? ['guest'] : ['animator', 'member']).map((r) => h('option', { value: r }, roleLabel(r))));
  select.value = current;
  return select;
}

function membersTab(c, signal) {
  const list = h('div', {}, loadingState({ label: t('community.members_loading'), lines: 4 }));
  const reload = () => loadMembers(c, list, signal);
  reload();
  return h('div', { class: 'stack-lg' },
    c.can.manage_members ? addMemberBlock(c, reload, signal) : null,
    h('section', { 'aria-labelledby': 'manage-members' },
      h('h2', { id: 'manage-members', tabindex: '-1' }, t('community.members')),
      list));
}

/** Every member, page by page (the animators' screen needs them all, e.g. to count animators). */
async function fetchAllMembers(c, signal) {
  const items = [];
  for (let offset = 0; ;) {
    const page = await api.get(`/api/communities/${c.id}/members?limit=${MEMBERS_PAGE_MAX}&offset=${offset}`, { signal });
    items.push(...page.items);
    offset += page.items.length;
    if (!page.items.length || offset >= page.total) return items;
  }
}

async function loadMembers(c, region, signal) {
  const data = {};
  try {
    data.items = await fetchAllMembers(c, signal);
  } catch (err) {
    if (!isAbort(err)) reportError(err);
    return;
  }
  const animators = data.items.filter((m) => m.role === 'animator').length;
  const lone = c.can.manage_members && animators <= 1
    ? h('p', { class: 'field__hint member-list__note' }, t('manage.lone_animator'))
    : null;
  region.replaceChildren(...[lone, h('ul', { class: 'list member-list' }, data.items.map((m) => {
    const self = m.user_id === currentUser()?.id;
    if (!c.can.manage_members) return memberRow(m);
    const select = roleSelect(m.role, m.kind === 'guest', t('manage.role_of', { name: m.display_name }), m.role === 'animator' && animators <= 1);
    select.addEventListener('change', async () => {
      select.disabled = true;
      try {
        await api.patch(`/api/communities/${c.id}/members/${m.user_id}`, { role: select.value });
        toast(t('manage.role_changed', { name: m.display_name, role: roleLabel(select.value) }), { type: 'success' });
        loadMembers(c, region, signal);
      } catch (err) {
        select.value = m.role;
        select.disabled = false;
        reportError(err);
      }
    });
    const remove = self ? null : button({
      label: t('manage.remove'),
      icon: 'trash',
      iconOnly: true,
      variant: 'ghost',
      size: 'sm',
      attrs: { 'aria-label': t('manage.remove_named', { name: m.display_name }) },
      onClick: async () => {
        const ok = await confirmDialog({ title: t('manage.remove_title', { name: m.display_name }), message: t('manage.remove_text'), confirmLabel: t('manage.remove'), danger: true });
        if (!ok) return;
        try {
          await api.delete(`/api/communities/${c.id}/members/${m.user_id}`);
          toast(t('manage.removed', { name: m.display_name }), { type: 'success' });
          await loadMembers(c, region, signal);
          document.getElementById('manage-members')?.focus();
        } catch (err) {
          reportError(err);
        }
      },
    });
    return memberRow(m, h('span', { class: 'member-row__controls' }, select, remove));
  }))].filter(Boolean));
}

function addMemberBlock(c, reload, signal) {
  const results = h('div', { class: 'picker__results' });
  const search = field({ label: t('manage.add_search'), name: 'q', type: 'search', markOptional: false, hint: t('manage.add_hint'), attrs: { autocomplete: 'off', maxlength: 200 } });
  const status = h('p', { class: 'results-status', role: 'status' });
  let timer = null;
  let controller = null;
  signal.addEventListener('abort', () => { clearTimeout(timer); controller?.abort(); });

  async function find(q) {
    controller?.abort();
    controller = new AbortController();
    if (!q) {
      results.replaceChildren();
      status.textContent = '';
      return;
    }
    let page;
    try {
      page = await api.get(`/api/users?q=${encodeURIComponent(q)}&limit=8`, { signal: controller.signal });
    } catch (err) {
      if (!isAbort(err)) reportError(err);
      return;
    }
    status.textContent = t('manage.add_found', { count: page.items.length });
    results.replaceChildren(page.items.length ? h('ul', { class: 'list' }, page.items.map((p) => {
      const guest = p.kind === 'guest';
      const role = roleSelect(guest ? 'guest' : 'member', guest, t('manage.role_for', { name: p.display_name }), false);
      const add = button({
        label: t('manage.add'),
        icon: 'plus',
        variant: 'primary',
        size: 'sm',
        attrs: { 'aria-label': t('manage.add_named', { name: p.display_name }) },
        onClick: async () => {
          setBusy(add, true);
          try {
            await api.post(`/api/communities/${c.id}/members`, { user_id: p.id, role: role.value });
            toast(t('manage.added', { name: p.display_name }), { type: 'success' });
            add.replaceWith(h('span', { class: 'badge badge--success' }, t('manage.added_badge')));
            role.disabled = true;
            reload();
          } catch (err) {
            reportError(err);
            if (add.isConnected) setBusy(add, false);
          }
        },
      });
      const details = [p.job_title, p.organisation?.name].filter(Boolean).join(' · ');
      return h('li', { class: 'list__item member-row' },
        avatar(p, { size: 'md' }),
        h('div', { class: 'list__body' },
          h('span', { class: 'list__title' }, p.display_name),
          h('span', { class: 'list__meta' }, details || p.email)),
        h('span', { class: 'list__aside member-row__controls' }, role, add));
    })) : emptyState({ icon: 'search', title: t('manage.add_none'), compact: true, headingLevel: 3 }));
  }

  search.querySelector('input').addEventListener('input', (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => find(event.target.value.trim()), 300);
  });
  return h('section', { class: 'card', 'aria-labelledby': 'manage-add' },
    h('h2', { id: 'manage-add' }, t('manage.add_title')),
    h('form', { class: 'form', role: 'search', 'aria-labelledby': 'manage-add', on: { submit: (e) => { e.preventDefault(); find(search.querySelector('input').value.trim()); } } }, search),
    status,
    results);
}

/* ---- join requests ---- */

function requestsTab(c, signal) {
  const region = h('div', {}, loadingState({ label: t('manage.requests_loading'), lines: 3 }));
  loadRequests(c, region, signal);
  return h('section', { 'aria-labelledby': 'manage-requests' },
    h('h2', { id: 'manage-requests', tabindex: '-1' }, t('manage.requests_title')),
    h('p', { class: 'muted' }, c.visibility === 'restricted' ? t('manage.requests_lead') : t('manage.requests_lead_other')),
    region);
}

async function loadRequests(c, region, signal) {
  let data;
  try {
    data = await api.get(`/api/communities/${c.id}/join-requests`, { signal });
  } catch (err) {
    if (!isAbort(err)) reportError(err);
    return;
  }
  const pending = data.items.filter((r) => r.status === 'pending');
  const decided = data.items.filter((r) => r.status !== 'pending');
  const pendingNode = pending.length
    ? h('ul', { class: 'list' }, pending.map((r) => requestRow(c, r, () => loadRequests(c, region, signal))))
    : emptyState({ icon: 'mail', title: t('manage.requests_empty'), headingLevel: 3 });
  region.replaceChildren(...[pendingNode,
    decided.length ? h('div', { class: 'section' },
      h('h3', {}, t('manage.requests_history')),
      h('ul', { class: 'list list--quiet' }, decided.map((r) => h('li', { class: 'list__item' },
        h('div', { class: 'list__body' },
          h('span', { class: 'list__title' }, r.user.display_name),
          h('span', { class: 'list__meta' }, t('manage.request_decided', {
            status: r.status === 'approved' ? t('manage.request_approved') : r.status === 'refused' ? t('manage.request_refused') : t('manage.request_cancelled'),
            date: r.decided_at ? formatDateTime(new Date(r.decided_at)) : '',
          }))))))) : null].filter(Boolean));
}

function requestRow(c, r, reload) {
  const decide = async (decision, btn) => {
    setBusy(btn, true);
    try {
      await api.post(`/api/communities/${c.id}/join-requests/${r.id}`, { decision });
      toast(decision === 'approve' ? t('manage.request_approved_toast', { name: r.user.display_name }) : t('manage.request_refused_toast', { name: r.user.display_name }), { type: 'success' });
      await reload();
      document.getElementById('manage-requests')?.focus();
    } catch (err) {
      reportError(err);
      if (btn.isConnected) setBusy(btn, false);
    }
  };
  const approve = button({ label: t('manage.approve'), icon: 'check', variant: 'primary', size: 'sm', attrs: { 'aria-label': t('manage.approve_named', { name: r.user.display_name }) }, onClick: () => decide('approve', approve) });
  const refuse = button({ label: t('manage.refuse'), icon: 'close', variant: 'secondary', size: 'sm', attrs: { 'aria-label': t('manage.refuse_named', { name: r.user.display_name }) }, onClick: () => decide('refuse', refuse) });
  const details = [r.user.job_title, r.user.organisation?.name].filter(Boolean).join(' · ');
  return h('li', { class: 'list__item request-row' },
    avatar(r.user, { size: 'md' }),
    h('div', { class: 'list__body' },
      h('a', { class: 'list__title', href: `/personnes/${r.user.id}` }, r.user.display_name),
      h('span', { class: 'list__meta' }, [details, t('manage.request_date', { date: formatDateTime(new Date(r.created_at)) })].filter(Boolean).join(' · ')),
      r.message ? h('blockquote', { class: 'request-row__message' }, r.message) : null),
    h('span', { class: 'list__aside cluster' }, approve, refuse));
}

/* ---- invitations ---- */

function invitationsTab(c, signal) {
  const region = h('div', {}, loadingState({ label: t('manage.invitations_loading'), lines: 3 }));
  const reload = () => loadInvitations(c, region, signal);
  reload();
  return h('div', { class: 'stack-lg' },
    c.can.invite ? inviteForm(c, reload) : h('div', { class: 'alert' }, icon('info'), h('p', {}, t('manage.invite_unavailable'))),
    h('section', { 'aria-labelledby': 'manage-invitations' },
      h('h2', { id: 'manage-invitations', tabindex: '-1' }, t('manage.invitations_title')),
      region));
}

function inviteForm(c, reload) {
  const form = h('form', { class: 'form', 'aria-labelledby': 'manage-invite' },
    field({ label: t('manage.invite_email'), name: 'email', type: 'email', required: true, hint: t('manage.invite_email_hint'), attrs: { autocomplete: 'off', inputmode: 'email', spellcheck: 'false', maxlength: 254 } }),
    field({
      label: t('manage.invite_role'),
      name: 'role',
      control: 'select',
      markOptional: false,
      hint: t('manage.invite_role_hint'),
      options: [{ value: 'guest', label: t('manage.invite_role_guest') }, { value: 'member', label: t('manage.invite_role_member') }],
    }),
    field({ label: t('manage.invite_message'), name: 'message', control: 'textarea', hint: t('manage.invite_message_hint'), attrs: { maxlength: 1000 } }),
    h('div', { class: 'cluster' }, button({ label: t('manage.invite_submit'), type: 'submit', variant: 'primary', icon: 'mail' })));
  onSubmit(form, async (values) => {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) throw new Invalid({ email: t('error.email_invalid') });
    await api.post(`/api/communities/${c.id}/invitations`, { email: values.email, role: values.role, message: values.message });
    form.reset();
    toast(t('manage.invite_sent', { email: values.email }), { type: 'success' });
    reload();
    form.querySelector('[name="email"]').focus();
  });
  return h('section', { class: 'card', 'aria-labelledby': 'manage-invite' },
    h('h2', { id: 'manage-invite' }, t('manage.invite_title')),
    h('p', { class: 'muted' }, t('manage.invite_lead', { name: c.name })),
    form);
}

async function loadInvitations(c, region, signal) {
  let data;
  try {
    data = await api.get(`/api/communities/${c.id}/invitations`, { signal });
  } catch (err) {
    if (!isAbort(err)) reportError(err);
    return;
  }
  if (!data.items.length) {
    region.replaceChildren(emptyState({ icon: 'mail', title: t('manage.invitations_empty'), headingLevel: 3 }));
    return;
  }
  const tone = { pending: 'badge--info', accepted: 'badge--success', expired: 'badge--warning', revoked: '' };
  region.replaceChildren(h('ul', { class: 'list' }, data.items.map((inv) => {
    const revoke = inv.status === 'pending' && c.can.manage_members ? button({
      label: t('manage.revoke'),
      icon: 'trash',
      variant: 'ghost',
      size: 'sm',
      attrs: { 'aria-label': t('manage.revoke_named', { email: inv.email }) },
      onClick: async () => {
        const ok = await confirmDialog({ title: t('manage.revoke_title'), message: t('manage.revoke_text', { email: inv.email }), confirmLabel: t('manage.revoke'), danger: true });
        if (!ok) return;
        try {
          await api.delete(`/api/communities/${c.id}/invitations/${inv.id}`);
          toast(t('manage.revoked', { email: inv.email }), { type: 'success' });
          await loadInvitations(c, region, signal);
          document.getElementById('manage-invitations')?.focus();
        } catch (err) {
          reportError(err);
        }
      },
    }) : null;
    const when = inv.status === 'pending'
      ? t('manage.invitation_expires', { date: formatDateTime(new Date(inv.expires_at), { dateStyle: 'medium' }) })
      : t('manage.invitation_sent', { date: formatDateTime(new Date(inv.created_at), { dateStyle: 'medium' }) });
    return h('li', { class: 'list__item' },
      h('span', { class: 'list__icon' }, icon('mail')),
      h('div', { class: 'list__body' },
        h('span', { class: 'list__title' }, inv.email),
        h('span', { class: 'list__meta' }, [roleLabel(inv.role), inv.invited_by ? t('manage.invited_by', { name: inv.invited_by.display_name }) : null, when].filter(Boolean).join(' · '))),
      h('span', { class: 'list__aside cluster' }, h('span', { class: ['badge', tone[inv.status]] }, invitationStatusLabel(inv.status)), revoke));
  })));
}

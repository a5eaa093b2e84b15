// A community's home (/communautes/:id): name, description, visibility, archived banner, my role, join / request / leave, the members, and the way to the animators' screens.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { navigate, refresh } from '../router.js';
import { guarded } from '../guard.js';
import { currentUser, refreshMyCommunities } from '../session.js';
import { errorPage, reportError, isAbort } from '../errors.js';
import { button, linkButton, setBusy } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { avatar } from '../ui/avatar.js';
import { toast } from '../ui/toast.js';
import { confirmDialog } from '../ui/dialog.js';
import { loadingState, emptyState } from '../ui/states.js';
import { visibilityLabel, visibilityIcon, visibilityHelp, roleLabel } from '../labels.js';
import { render as renderNotFound } from './notfound.js';

const MEMBERS_PAGE = 100;

/** Loads a community for a page, or gives the page to show instead (404 inside the shell, error). */
export async function loadCommunity(ctx) {
  if (!/^\d+$/.test(ctx.params.id)) return { page: renderNotFound(ctx) };
  try {
    return { community: await api.get(`/api/communities/${ctx.params.id}`, { signal: ctx.signal }) };
  } catch (err) {
    if (isAbort(err)) throw err;
    return { page: errorPage(err, ctx) };
  }
}

export function render(ctx) {
  return guarded(ctx, async () => {
    const { community: c, page } = await loadCommunity(ctx);
    if (page) return page;
    const node = h('div', { class: 'page' },
      header(c),
      c.archived ? h('div', { class: 'alert alert--warning community-archived', role: 'note' },
        icon('archive'),
        h('div', {}, h('strong', { class: 'alert__title' }, t('community.archived_title')), h('p', {}, t('community.archived_text')))) : null,
      membersSection(c, ctx.signal));
    return { title: c.name, node };
  });
}

function header(c) {
  const manage = c.can.edit || c.can.manage_members || c.can.invite || c.can.archive;
  return h('section', { class: 'community-hero', 'aria-labelledby': 'community-name' },
    h('div', { class: 'community-hero__top' },
      h('span', { class: 'community-hero__icon' }, icon(visibilityIcon(c.visibility))),
      h('div', { class: 'community-hero__badges' },
        h('span', { class: ['badge', `badge--vis-${c.visibility}`], title: visibilityHelp(c.visibility) }, visibilityLabel(c.visibility)),
        c.archived ? h('span', { class: 'badge badge--warning' }, t('community.archived')) : null,
        c.my_role ? h('span', { class: 'badge badge--info' }, t('community.my_role', { role: roleLabel(c.my_role) })) : null)),
    h('h1', { class: 'community-hero__title', id: 'community-name' }, c.name),
    c.description
      ? h('div', { class: 'community-hero__description' }, c.description.split(/\n{2,}/).map((p) => h('p', {}, p)))
      : h('p', { class: 'muted' }, t('community.no_description')),
    h('p', { class: 'community-hero__facts' },
      h('span', { class: 'cluster' }, icon('users'), h('span', {}, t('community.members_count', { count: c.member_count }))),
      c.organisation ? h('span', { class: 'cluster' }, icon('building'), h('span', {}, c.organisation.name)) : null,
      h('span', { class: 'muted' }, visibilityHelp(c.visibility))),
    h('div', { class: 'button-row community-hero__actions' },
      actions(c),
      c.can.read ? linkButton({ label: t('library.title'), href: `/communautes/${c.id}/documents`, icon: 'file', variant: 'secondary' }) : null,
      manage ? linkButton({ label: t('community.manage'), href: `/communautes/${c.id}/gestion`, icon: 'settings', variant: 'secondary' }) : null));
}

function actions(c) {
  const out = [];
  if (!c.my_role && c.join_request === 'pending') {
    out.push(h('span', { class: 'badge badge--warning community-hero__pending' }, t('community.request_pending')));
    const cancel = button({
      label: t('community.cancel_request'),
      variant: 'ghost',
      icon: 'close',
      onClick: async () => {
        setBusy(cancel, true);
        try {
          await api.delete(`/api/communities/${c.id}/join`);
          toast(t('community.request_cancelled'), { type: 'success' });
          refresh();
        } catch (err) {
          reportError(err);
          setBusy(cancel, false);
        }
      },
    });
    out.push(cancel);
  } else if (!c.my_role && (c.can.join || c.can.request_join)) {
    const requesting = !c.can.join;
    const join = button({
      label: requesting ? t('community.request_join') : t('community.join'),
      variant: 'primary',
      icon: requesting ? 'mail' : 'plus',
      onClick: async () => {
        setBusy(join, true);
        try {
          const result = await api.post(`/api/communities/${c.id}/join`, {});
          await refreshMyCommunities();
          toast(result.status === 'joined' ? t('community.joined', { name: c.name }) : t('community.requested', { name: c.name }), { type: 'success' });
          await refresh();
          document.getElementById('community-name')?.focus();
        } catch (err) {
          reportError(err);
          setBusy(join, false);
        }
      },
    });
    out.push(join);
  }
  if (c.my_role && c.can.leave) {
    const leave = button({
      label: t('community.leave'),
      variant: 'ghost',
      icon: 'logout',
      onClick: async () => {
        const ok = await confirmDialog({
          title: t('community.leave_title', { name: c.name }),
          message: c.visibility === 'public' ? t('community.leave_text_public') : t('community.leave_text'),
          confirmLabel: t('community.leave'),
          danger: true,
        });
        if (!ok) return;
        setBusy(leave, true);
        try {
          await api.delete(`/api/communities/${c.id}/members/${currentUser().id}`);
          await refreshMyCommunities();
          toast(t('community.left', { name: c.name }), { type: 'success' });
          navigate('/communautes');
        } catch (err) {
          reportError(err);
          setBusy(leave, false);
        }
      },
    });
    out.push(leave);
  }
  return out;
}

function membersSection(c, signal) {
  const region = h('div', {});
  const section = h('section', { class: 'section', 'aria-labelledby': 'community-members' },
    h('h2', { id: 'community-members' }, t('community.members')),
    region);
  if (!c.can.list_members) {
    region.append(emptyState({
      icon: 'lock',
      title: t('community.members_hidden'),
      text: c.can.request_join ? t('community.members_hidden_request') : t('community.members_hidden_text'),
      headingLevel: 3,
    }));
    return section;
  }
  region.append(loadingState({ label: t('community.members_loading'), lines: 4 }));
  loadMembers(c, region, signal);
  return section;
}

async function loadMembers(c, region, signal) {
  const list = h('ul', { class: 'list member-list' });
  const more = button({ label: t('community.members_more'), variant: 'secondary', icon: 'plus' });
  let offset = 0;
  let total = 0;
  async function page() {
    setBusy(more, true);
    let data;
    try {
      data = await api.get(`/api/communities/${c.id}/members?limit=${MEMBERS_PAGE}&offset=${offset}`, { signal });
    } catch (err) {
      if (!isAbort(err)) reportError(err);
      return false;
    } finally {
      setBusy(more, false);
    }
    total = data.total;
    for (const m of data.items) list.append(memberRow(m));
    offset += data.items.length;
    more.hidden = offset >= total;
    return true;
  }
  more.addEventListener('click', page);
  if (!(await page())) return;
  if (!total) {
    region.replaceChildren(emptyState({ icon: 'users', title: t('community.members_empty'), headingLevel: 3 }));
    return;
  }
  region.replaceChildren(list, h('div', { class: 'button-row' }, more));
}

/** A member's row; controls (the animators' role select and remove button) replace the role badge. */
export function memberRow(m, controls = null) {
  const org = m.organisation;
  const details = [m.job_title, org?.name].filter(Boolean).join(' · ');
  return h('li', { class: 'list__item member-row' },
    avatar({ id: m.user_id, display_name: m.display_name, has_photo: m.has_photo }, { size: 'md' }),
    h('div', { class: 'list__body' },
      h('a', { class: 'list__title', href: `/personnes/${m.user_id}` }, m.display_name),
      details ? h('span', { class: 'list__meta' }, details) : null),
    h('span', { class: 'list__aside member-row__aside' },
      m.kind === 'guest' && m.role !== 'guest' ? h('span', { class: 'badge badge--accent' }, t('person.kind.guest')) : null,
      controls ?? h('span', { class: ['badge', m.role === 'animator' ? 'badge--info' : m.role === 'guest' ? 'badge--accent' : ''] }, roleLabel(m.role))));
}

// Communities (/communautes): mine, those I may discover and join (staff only: partners see only their own), and the form to create one.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { guarded } from '../guard.js';
import { isGuest, refreshMyCommunities } from '../session.js';
import { reportError, isAbort } from '../errors.js';
import { field, choiceGroup } from '../ui/form.js';
import { button, setBusy } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { toast } from '../ui/toast.js';
import { loadingState, emptyState } from '../ui/states.js';
import { onSubmit, Invalid } from '../ui/submit.js';
import { visibilityLabel, visibilityIcon, visibilityHelp, roleLabel } from '../labels.js';

const PAGE_SIZE = 50;
const DEBOUNCE_MS = 300;

export function render(ctx) {
  return guarded(ctx, () => {
    const guest = isGuest();
    const mine = h('div', {}, loadingState({ label: t('communities.loading'), lines: 3 }));
    const node = h('div', { class: 'page' },
      h('div', { class: 'page-header page-header--split' },
        h('div', {},
          h('h1', {}, t('communities.title')),
          h('p', { class: 'lead' }, guest ? t('communities.lead_guest') : t('communities.lead'))),
        guest ? null : button({ label: t('communities.create'), icon: 'plus', variant: 'primary', onClick: () => openCreate(createSection) })),
      h('section', { class: 'section', 'aria-labelledby': 'communities-mine' },
        h('h2', { id: 'communities-mine' }, t('communities.mine')),
        mine));
    const createSection = guest ? null : createForm();
    if (!guest) {
      node.append(discoverSection(ctx.signal), createSection);
    }
    loadMine(mine, ctx.signal);
    return { title: t('communities.title'), node };
  });
}

/* ---- mine ---- */

async function loadMine(region, signal) {
  let page;
  try {
    page = await api.get('/api/communities?mine=1&limit=100', { signal });
  } catch (err) {
    if (!isAbort(err)) reportError(err);
    return;
  }
  if (!page.items.length) {
    region.replaceChildren(emptyState({
      icon: 'users',
      title: t('communities.mine_empty'),
      text: isGuest() ? t('communities.mine_empty_guest') : t('communities.mine_empty_text'),
      headingLevel: 3,
    }));
    return;
  }
  region.replaceChildren(h('ul', { class: 'grid community-grid', role: 'list' }, page.items.map((c) => communityCard(c))));
}

/** A community as a card whose title links to its home; action (a join button) sits above the stretched link. */
export function communityCard(c, action = null) {
  return h('li', { class: 'card card--link community-card' },
    h('div', { class: 'community-card__head' },
      h('span', { class: 'card__icon' }, icon(visibilityIcon(c.visibility))),
      h('div', { class: 'community-card__badges' },
        h('span', { class: ['badge', `badge--vis-${c.visibility}`] }, visibilityLabel(c.visibility)),
        c.archived ? h('span', { class: 'badge badge--warning' }, t('community.archived')) : null,
        c.my_role ? h('span', { class: 'badge badge--info' }, roleLabel(c.my_role)) : null)),
    h('h3', { class: 'card__title' }, h('a', { href: `/communautes/${c.id}` }, c.name)),
    c.description ? h('p', { class: 'card__text community-card__text' }, c.description) : null,
    h('p', { class: 'card__footer community-card__footer' },
      h('span', { class: 'cluster' }, icon('users'), h('span', {}, t('community.members_count', { count: c.member_count }))),
      action));
}

/* ---- discover ---- */

function discoverSection(signal) {
  const list = h('ul', { class: 'grid community-grid', role: 'list' });
  const region = h('div', {}, loadingState({ label: t('communities.loading'), lines: 3 }));
  const more = button({ label: t('communities.more'), variant: 'secondary', icon: 'plus' });
  const status = h('p', { class: 'results-status', role: 'status' });
  const search = field({ label: t('communities.search'), name: 'q', type: 'search', markOptional: false, attrs: { autocomplete: 'off', maxlength: 200 } });
  const state = { q: '', offset: 0, shown: 0, controller: null };
  let timer = null;

  async function load({ append }) {
    state.controller?.abort();
    state.controller = new AbortController();
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(state.offset), archived: '0' });
    if (state.q) params.set('q', state.q);
    setBusy(more, true);
    let page;
    try {
      page = await api.get(`/api/communities?${params}`, { signal: state.controller.signal });
    } catch (err) {
      if (!isAbort(err)) {
        setBusy(more, false);
        reportError(err);
      }
      return;
    }
    setBusy(more, false);
    if (!append) {
      list.replaceChildren();
      state.shown = 0;
    }
    const others = page.items.filter((c) => !c.my_role);
    for (const c of others) list.append(communityCard(c, joinButton(c, (item) => item.remove())));
    state.shown += others.length;
    state.offset += page.items.length;
    more.hidden = state.offset >= page.total;
    if (!state.shown && more.hidden) {
      region.replaceChildren(emptyState({
        icon: 'compass',
        title: state.q ? t('communities.discover_none_for', { query: state.q }) : t('communities.discover_empty'),
        text: state.q ? null : t('communities.discover_empty_text'),
        headingLevel: 3,
      }));
    } else {
      region.replaceChildren(list, h('div', { class: 'button-row' }, more));
    }
    status.textContent = state.q ? t('communities.found', { count: state.shown }) : '';
  }

  more.addEventListener('click', () => load({ append: true }));
  search.querySelector('input').addEventListener('input', (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.q = event.target.value.trim();
      state.offset = 0;
      load({ append: false });
    }, DEBOUNCE_MS);
  });
  signal.addEventListener('abort', () => {
    clearTimeout(timer);
    state.controller?.abort();
  });
  load({ append: false });

  return h('section', { class: 'section', 'aria-labelledby': 'communities-discover' },
    h('div', { class: 'section-head' },
      h('div', {},
        h('h2', { id: 'communities-discover' }, t('communities.discover')),
        h('p', { class: 'muted' }, t('communities.discover_lead')))),
    h('form', { class: 'toolbar toolbar--narrow', role: 'search', 'aria-label': t('communities.search'), on: { submit: (e) => e.preventDefault() } }, search),
    status,
    region);
}

/**
 * The join action for a community I am not in: "Rejoindre" (public), "Demander à rejoindre"
 * (restricted), or a note that my request is waiting. onJoined(cardItem) runs after joining.
 */
export function joinButton(c, onJoined) {
  if (c.join_request === 'pending') return h('span', { class: 'badge badge--warning community-card__action' }, t('community.request_pending'));
  if (!c.can?.join && !c.can?.request_join) return null;
  const requesting = !c.can.join;
  const btn = button({
    label: requesting ? t('community.request_join') : t('community.join'),
    icon: requesting ? 'mail' : 'plus',
    variant: requesting ? 'secondary' : 'primary',
    size: 'sm',
    attrs: { class: `btn btn--${requesting ? 'secondary' : 'primary'} btn--sm community-card__action`, 'aria-label': requesting ? t('community.request_join_named', { name: c.name }) : t('community.join_named', { name: c.name }) },
    onClick: async () => {
      setBusy(btn, true);
      try {
        const result = await api.post(`/api/communities/${c.id}/join`, {});
        if (result.status === 'joined') {
          toast(t('community.joined', { name: c.name }), { type: 'success' });
          await refreshMyCommunities();
          onJoined(btn.closest('li'));
          navigate(`/communautes/${c.id}`);
        } else {
          toast(t('community.requested', { name: c.name }), { type: 'success' });
          btn.replaceWith(h('span', { class: 'badge badge--warning community-card__action' }, t('community.request_pending')));
        }
      } catch (err) {
        reportError(err);
        if (btn.isConnected) setBusy(btn, false);
      }
    },
  });
  return btn;
}

/* ---- create ---- */

function openCreate(section) {
  section.hidden = false;
  section.querySelector('input[name="name"]').focus();
  section.scrollIntoView({ block: 'start' });
}

function createForm() {
  const form = h('form', { class: 'form', 'aria-labelledby': 'communities-new' },
    field({ label: t('communities.new.name'), name: 'name', required: true, hint: t('communities.new.name_hint'), attrs: { maxlength: 120, autocomplete: 'off' } }),
    field({ label: t('communities.new.description'), name: 'description', control: 'textarea', hint: t('communities.new.description_hint'), attrs: { maxlength: 5000 } }),
    choiceGroup({
      legend: t('communities.new.visibility'),
      name: 'visibility',
      type: 'radio',
      options: ['public', 'restricted', 'secret'].map((v) => ({
        value: v,
        label: [h('strong', {}, visibilityLabel(v)), h('span', { class: 'choice__help' }, visibilityHelp(v))],
        checked: v === 'public',
      })),
    }),
    h('div', { class: 'cluster' },
      button({ label: t('communities.new.submit'), type: 'submit', variant: 'primary', icon: 'check' }),
      button({ label: t('dialog.cancel'), variant: 'ghost', onClick: () => { form.reset(); section.hidden = true; } })));
  onSubmit(form, async (values) => {
    if (!values.name) throw new Invalid({ name: t('communities.new.error_name') });
    const created = await api.post('/api/communities', { name: values.name, description: values.description, visibility: values.visibility || 'public' });
    toast(t('communities.new.created', { name: created.name }), { type: 'success' });
    await refreshMyCommunities();
    navigate(`/communautes/${created.id}`);
  });
  const section = h('section', { class: 'section card', 'aria-labelledby': 'communities-new', hidden: true, id: 'community-create' },
    h('h2', { id: 'communities-new' }, t('communities.new.title')),
    h('p', { class: 'muted' }, t('communities.new.lead')),
    form);
  return section;
}

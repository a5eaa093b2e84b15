// Directory (/annuaire?q=&organisation=&page=): search people by name, job or organisation as you type, filter by organisation, page through; each person links to their profile.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { guarded } from '../guard.js';
import { isGuest } from '../session.js';
import { reportError, isAbort } from '../errors.js';
import { field } from '../ui/form.js';
import { loadingState, emptyState } from '../ui/states.js';
import { avatar } from '../ui/avatar.js';
import { pager } from '../ui/pager.js';
import { orgKindLabel } from '../labels.js';

const PAGE_SIZE = 20;
const DEBOUNCE_MS = 300;

export function render(ctx) {
  return guarded(ctx, () => {
    const state = {
      q: ctx.query.get('q') ?? '',
      organisation: ctx.query.get('organisation') ?? '',
      page: Math.max(1, Number.parseInt(ctx.query.get('page') ?? '1', 10) || 1),
    };
    const search = field({ label: t('directory.search'), name: 'q', type: 'search', markOptional: false, hint: t('directory.search_hint'), attrs: { autocomplete: 'off', spellcheck: 'false', maxlength: 200, value: state.q } });
    const orgField = field({ label: t('directory.organisation'), name: 'organisation', control: 'select', markOptional: false, options: [{ value: '', label: t('directory.organisation_any') }] });
    const orgSelect = orgField.querySelector('select');
    const status = h('p', { class: 'results-status', role: 'status', 'aria-live': 'polite' });
    const results = h('div', { class: 'results' }, loadingState({ label: t('directory.loading'), lines: 5 }));

    const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('directory.search_form') }, search, orgField);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearTimeout(timer);
      state.page = 1;
      update();
    });

    let timer = null;
    let controller = null;
    search.querySelector('input').addEventListener('input', (event) => {
      state.q = event.target.value;
      state.page = 1;
      clearTimeout(timer);
      timer = setTimeout(update, DEBOUNCE_MS);
    });
    orgSelect.addEventListener('change', () => {
      state.organisation = orgSelect.value;
      state.page = 1;
      update();
    });
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      controller?.abort();
    });

    function update() {
      controller?.abort();
      controller = new AbortController();
      const signal = controller.signal;
      // The URL follows the search, so a reload or a shared link shows the same page.
      const params = new URLSearchParams();
      if (state.q.trim()) params.set('q', state.q.trim());
      if (state.organisation) params.set('organisation', state.organisation);
      if (state.page > 1) params.set('page', String(state.page));
      const qs = params.toString();
      history.replaceState(history.state, '', `/annuaire${qs ? `?${qs}` : ''}`);
      load(state, results, status, signal, (page) => {
        state.page = page;
        update();
        results.querySelector('.results-anchor')?.focus();
      });
    }

    loadOrganisations(orgSelect, state.organisation, ctx.signal);
    update();

    const node = h('div', { class: 'page' },
      h('div', { class: 'page-header' },
        h('h1', {}, t('directory.title')),
        h('p', { class: 'lead' }, isGuest() ? t('directory.lead_guest') : t('directory.lead'))),
      form,
      status,
      results);
    return { title: t('directory.title'), node };
  });
}

async function loadOrganisations(select, selected, signal) {
  try {
    const { items } = await api.get('/api/organisations', { signal });
    for (const org of items) select.append(h('option', { value: String(org.id) }, `${org.name} (${orgKindLabel(org.kind)})`));
    select.value = selected;
  } catch (err) {
    if (!isAbort(err)) reportError(err);
  }
}

async function load(state, results, status, signal, goTo) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String((state.page - 1) * PAGE_SIZE) });
  if (state.q.trim()) params.set('q', state.q.trim());
  if (state.organisation) params.set('organisation', state.organisation);
  results.setAttribute('aria-busy', 'true');
  let page;
  try {
    page = await api.get(`/api/users?${params}`, { signal });
  } catch (err) {
    if (isAbort(err)) return;
    results.removeAttribute('aria-busy');
    reportError(err);
    return;
  }
  results.removeAttribute('aria-busy');
  status.textContent = state.q.trim()
    ? t('directory.count_for', { count: page.total, query: state.q.trim() })
    : t('directory.count', { count: page.total });
  if (!page.items.length) {
    results.replaceChildren(emptyState({
      icon: 'users',
      title: state.q.trim() || state.organisation ? t('directory.empty_search') : t('directory.empty'),
      text: state.q.trim() || state.organisation ? t('directory.empty_search_text') : null,
    }));
    return;
  }
  const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
  results.replaceChildren(...[
    h('span', { class: 'results-anchor visually-hidden', tabindex: '-1' }, t('pager.page_of', { page: state.page, pages })),
    h('ul', { class: 'list people-list' }, page.items.map(personRow)),
    pages > 1 ? pager({ page: state.page, pages, label: t('directory.pages'), onPage: goTo }) : null].filter(Boolean));
}

function personRow(person) {
  const org = person.organisation;
  const details = [person.job_title, org?.name, person.place].filter(Boolean).join(' · ');
  return h('li', { class: 'list__item person-row' },
    avatar(person, { size: 'md' }),
    h('div', { class: 'list__body' },
      h('a', { class: 'list__title', href: `/personnes/${person.id}` }, person.display_name),
      details ? h('span', { class: 'list__meta' }, details) : null),
    person.kind === 'guest' ? h('span', { class: 'list__aside' }, h('span', { class: 'badge badge--accent' }, t('person.kind.guest'))) : null);
}

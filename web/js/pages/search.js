// Search page (/recherche?q=&sort=&type=&community=&author=&tag=&from=&to=&page=): full-text results (GET /api/search) with facets, filters and paging, all held in the URL so Back, Forward and shared links show the same search.
import { h, uid } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api, ApiError, CLIENT_ERRORS } from '../api.js';
import { navigate } from '../router.js';
import { currentUser, loginUrl } from '../session.js';
import { errorMessage, handleSessionLoss, isAbort } from '../errors.js';
import { icon } from '../ui/icons.js';
import { button } from '../ui/button.js';
import { field, setFieldError } from '../ui/form.js';
import { loadingState, emptyState, errorState } from '../ui/states.js';
import { pager } from '../ui/pager.js';
import { KINDS, kindIcon, kindLabel, kindGroupLabel, appPath } from '../ui/search-kinds.js';
import { formatSize, typeLabel, docStatusBadge } from '../ui/documents.js';

const PER_PAGE = 20;
const FILTERS = ['type', 'community', 'author', 'tag', 'from', 'to'];
const FACETS = ['type', 'community', 'author', 'tag']; // the order of the facet groups
const FACET_VISIBLE = 8; // values shown before "Show more"
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TYPE = /^[a-z0-9-]{1,30}$/; // a kind, or a file family or extension the server knows (pdf, image, docx…)
const PAGE_MAX = 200; // the server pages no further

/*
 * Every change of the search (query, sort, filter, page) is a navigation to its new URL, so the
 * history holds one entry per search. The router then renders this page afresh and focuses its
 * heading; when the change came from a control of the page (a facet, the sort buttons, the pager),
 * focus goes back to that control (or to the results) once they are shown: `refocus` carries it
 * across the re-render.
 */
let refocus = null;

function go(search, changes, focusKey = null) {
  refocus = focusKey;
  navigate(searchUrl(search, changes));
}

/** For a link of the page: a plain click (one the router follows here) brings focus back to key. */
function refocusOnClick(key) {
  return (event) => {
    if (!event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey && event.button === 0) refocus = key;
  };
}

/** The search a URL's query string holds; anything malformed is dropped rather than sent. */
function readSearch(query) {
  const id = (v) => (/^[1-9]\d{0,9}$/.test(v ?? '') ? v : '');
  const date = (v) => (DATE.test(v ?? '') && toLocalDate(v) ? v : '');
  return {
    q: (query.get('q') ?? '').trim(),
    sort: query.get('sort') === 'date' ? 'date' : 'relevance',
    type: TYPE.test(query.get('type') ?? '') ? query.get('type') : '',
    community: id(query.get('community')),
    author: id(query.get('author')),
    tag: (query.get('tag') ?? '').trim(),
    from: date(query.get('from')),
    to: date(query.get('to')),
    page: Math.min(PAGE_MAX, Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1)),
  };
}

/** The app URL of a search with changes applied: back to page 1 unless the change is the page. */
function searchUrl(search, changes = {}) {
  const next = { ...search, page: 1, ...changes };
  const params = new URLSearchParams();
  if (next.q) params.set('q', next.q);
  if (next.sort === 'date') params.set('sort', 'date');
  for (const name of FILTERS) if (next[name]) params.set(name, next[name]);
  if (next.page > 1) params.set('page', String(next.page));
  const qs = params.toString();
  return `/recherche${qs ? `?${qs}` : ''}`;
}

/** The API request of a search. */
function apiPath(search) {
  const params = new URLSearchParams();
  if (search.q) params.set('q', search.q);
  params.set('sort', search.sort);
  for (const name of FILTERS) if (search[name]) params.set(name, search[name]);
  params.set('page', String(search.page));
  params.set('per_page', String(PER_PAGE));
  return `/api/search?${params}`;
}

const hasFilters = (search) => FILTERS.some((name) => search[name]);
const withoutFilters = Object.fromEntries(FILTERS.map((name) => [name, '']));

/** "2026-11-25" → that day at local midnight (so it is shown as the same day everywhere), or null. */
function toLocalDate(value) {
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(y, m - 1, d);
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d ? date : null;
}

/**
 * A sentence of the catalogue with a node (a link) in the place of one placeholder, given MARKER as
 * its value: sentence(t('search.correction', { correction: MARKER }), link) → ['Vouliez-vous dire « ', link, ' » ?'].
 */
const MARKER = '\u0000';
function sentence(message, node) {
  const [before, after = ''] = message.split(MARKER);
  return [before, node, after];
}

export function render(ctx) {
  const search = readSearch(ctx.query);
  const title = search.q ? t('search.title_with_query', { query: search.q }) : t('search.title');
  const header = h('div', { class: 'page-header' },
    h('h1', {}, t('search.title')),
    search.q ? h('p', { class: 'lead' }, t('search.results_for', { query: search.q })) : null);

  // The index only holds what people may see once signed in: a visitor is asked to sign in first,
  // coming back to this very search.
  if (!currentUser()) {
    return {
      title,
      node: h('div', { class: 'page' }, header, emptyState({
        icon: 'lock',
        title: t('search.signed_out.title'),
        text: search.q ? t('search.signed_out.text_for', { query: search.q }) : t('search.signed_out.text'),
        actions: [{ label: t('user.sign_in'), href: loginUrl(ctx.url), variant: 'primary', icon: 'user' }],
      })),
    };
  }

  const focusKey = refocus;
  refocus = null;

  const status = h('p', { class: 'results-status search-status', role: 'status', 'aria-live': 'polite' });
  const correction = h('div', { class: 'search-correction' });
  const active = h('div', { class: 'search-active' });
  const facets = h('div', { class: 'search-facets' });
  const resultsTitle = h('h2', { class: 'visually-hidden', id: uid('search-results'), tabindex: '-1' }, t('search.results'));
  const results = h('div', { class: 'results' });
  const filtersOpen = window.matchMedia('(min-width: 48rem)').matches || hasFilters(search);

  const node = h('div', { class: 'page page--wide search-page' },
    header,
    queryForm(search),
    h('div', { class: 'search-bar' }, status, sortControl(search)),
    correction,
    active,
    h('div', { class: 'search-layout' },
      h('details', { class: 'search-filters', open: filtersOpen || null },
        h('summary', { class: 'search-filters__summary' },
          icon('chevronDown', { className: 'search-filters__chevron' }),
          h('h2', { class: 'search-filters__title' }, t('search.filters.title'))),
        facets,
        dateForm(search)),
      h('section', { class: 'search-results', 'aria-labelledby': resultsTitle.id }, resultsTitle, results)));

  const show = { status, correction, active, facets, results, resultsTitle, node };
  if (!search.q && !hasFilters(search)) {
    results.replaceChildren(emptyState({ icon: 'search', title: t('search.prompt.title'), text: t('search.prompt.text') }));
  } else {
    load(search, show, ctx.signal, focusKey);
  }
  return { title, node };
}

/* ---- the controls ---------------------------------------------------------------------- */

function queryForm(search) {
  const query = field({
    label: t('search.query.label'), name: 'q', type: 'search', markOptional: false,
    attrs: { value: search.q, maxlength: 200, autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'search' },
  });
  const form = h('form', { class: 'search-query', role: 'search', 'aria-label': t('search.query.form') },
    query,
    button({ label: t('search.query.submit'), type: 'submit', variant: 'primary', icon: 'search' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // A new query keeps the filters and the sort, and starts again at page 1.
    go(search, { q: form.elements.q.value.trim() });
  });
  return form;
}

function sortControl(search) {
  const labelId = uid('search-sort');
  const option = (value, label) => button({
    label,
    variant: search.sort === value ? 'primary' : 'secondary',
    size: 'sm',
    attrs: { 'aria-pressed': String(search.sort === value), 'data-focus-key': `sort:${value}` },
    onClick: () => {
      if (search.sort !== value) go(search, { sort: value }, `sort:${value}`);
    },
  });
  return h('div', { class: 'search-sort', role: 'group', 'aria-labelledby': labelId },
    h('span', { class: 'search-sort__label', id: labelId }, t('search.sort.label')),
    h('div', { class: 'segmented' },
      option('relevance', t('search.sort.relevance')),
      option('date', t('search.sort.date'))));
}

function dateForm(search) {
  const from = field({ label: t('search.date.from'), name: 'from', type: 'date', markOptional: false, attrs: { value: search.from || null } });
  const to = field({ label: t('search.date.to'), name: 'to', type: 'date', markOptional: false, attrs: { value: search.to || null } });
  const form = h('form', { class: 'search-dates', 'aria-label': t('search.date.form'), novalidate: true },
    h('h3', { class: 'search-facet__title' }, t('search.date.title')),
    h('div', { class: 'search-dates__fields' }, from, to),
    button({ label: t('search.date.apply'), type: 'submit', variant: 'secondary', size: 'sm', attrs: { 'data-focus-key': 'dates' } }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const fromValue = form.elements.from.value;
    const toValue = form.elements.to.value;
    if (fromValue && toValue && fromValue > toValue) {
      setFieldError(form.elements.to, t('search.date.order'));
      form.elements.to.focus();
      return;
    }
    go(search, { from: fromValue, to: toValue }, 'dates');
  });
  return form;
}

/* ---- loading and showing the results ----------------------------------------------------- */

async function load(search, show, signal, focusKey) {
  const { results, status } = show;
  results.setAttribute('aria-busy', 'true');
  results.replaceChildren(loadingState({ label: t('search.loading'), lines: 6 }));
  let answer;
  try {
    answer = await api.get(apiPath(search), { signal });
  } catch (err) {
    if (isAbort(err)) return;
    results.removeAttribute('aria-busy');
    if (handleSessionLoss(err)) return;
    showError(err, search, show, signal);
    return;
  }
  results.removeAttribute('aria-busy');
  const hits = Array.isArray(answer.hits) ? answer.hits : [];
  const total = Number(answer.total) || 0;
  const exact = answer.total_exact !== false;

  status.textContent = countSentence(search, total, exact);
  show.correction.replaceChildren(...correctionLine(search, answer.correction));
  show.active.replaceChildren(...activeFilters(search, answer));
  show.facets.replaceChildren(...facetGroups(search, answer.facets ?? {}));

  if (!hits.length) {
    results.replaceChildren(total > 0 && search.page > 1 ? pastTheEnd(search) : noResults(search, answer.correction));
  } else {
    const perPage = Number(answer.per_page) || PER_PAGE;
    const pages = Math.min(PAGE_MAX, Math.max(1, Math.ceil(total / perPage)));
    const page = Number(answer.page) || search.page;
    results.replaceChildren(...[
      h('ol', { class: 'list search-hits', start: String((page - 1) * perPage + 1) }, hits.map(hitRow)),
      pages > 1 ? pager({ page, pages, label: t('search.pages'), onPage: (n) => go(search, { page: n }, 'results') }) : null,
    ].filter(Boolean));
  }
  restoreFocus(show, focusKey);
}

function countSentence(search, total, exact) {
  if (search.q) {
    return exact
      ? t('search.count_for', { count: total, query: search.q })
      : t('search.count_about_for', { count: total, query: search.q });
  }
  return exact ? t('search.count', { count: total }) : t('search.count_about', { count: total });
}

/** Puts focus back on the control that changed the search (same data-focus-key), else on the results. */
function restoreFocus(show, key) {
  if (!key || !show.node.isConnected) return;
  const target = key === 'results'
    ? show.resultsTitle
    : show.node.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) ?? show.resultsTitle;
  target.focus();
}

function showError(err, search, show, signal) {
  const unavailable = err instanceof ApiError && (err.status === 503 || err.code === 'service_unavailable');
  const refused = err instanceof ApiError && err.status === 400;
  const network = err instanceof ApiError && err.code === CLIENT_ERRORS.network;
  let heading;
  let text;
  let actions;
  if (unavailable) {
    heading = t('search.error.unavailable_title');
    text = t('search.error.unavailable_text');
  } else if (refused) {
    heading = t('search.error.refused_title');
    text = t('search.error.refused_text');
  } else {
    heading = t('search.error.title');
    text = network ? errorMessage(err) : t('search.error.text');
  }
  if (refused) {
    actions = hasFilters(search)
      ? [{ label: t('search.empty.clear_filters'), href: searchUrl(search, withoutFilters), variant: 'primary' }]
      : [];
  } else {
    actions = [{ label: t('search.error.retry'), variant: 'primary', icon: 'refresh', onClick: () => load(search, show, signal, 'results') }];
  }
  show.status.textContent = heading;
  show.results.replaceChildren(h('div', { class: 'search-error', role: 'alert' }, errorState({ title: heading, text, actions, headingLevel: 3 })));
}

function correctionLine(search, correctionText) {
  if (typeof correctionText !== 'string' || !correctionText.trim() || correctionText.trim() === search.q) return [];
  const link = h('a', { href: searchUrl(search, { q: correctionText.trim() }), class: 'search-correction__link' }, correctionText.trim());
  return [h('p', { class: 'search-correction__text' }, icon('info'), h('span', {}, sentence(t('search.correction', { correction: MARKER }), link)))];
}

function noResults(search, correctionText) {
  const filtered = hasFilters(search);
  const actions = [];
  if (typeof correctionText === 'string' && correctionText.trim() && correctionText.trim() !== search.q) {
    actions.push({ label: t('search.empty.try', { query: correctionText.trim() }), href: searchUrl(search, { q: correctionText.trim() }), variant: 'primary' });
  }
  if (filtered) {
    actions.push({ label: t('search.empty.clear_filters'), href: searchUrl(search, withoutFilters), variant: actions.length ? 'secondary' : 'primary' });
  }
  return h('div', { class: 'search-empty' }, emptyState({
    icon: 'search',
    title: search.q ? t('search.empty.title_for', { query: search.q }) : t('search.empty.title'),
    text: filtered ? t('search.empty.text_filters') : t('search.empty.text'),
    actions,
    headingLevel: 3,
  }));
}

function pastTheEnd(search) {
  return emptyState({
    icon: 'search',
    title: t('search.empty.past_end'),
    actions: [{ label: t('search.empty.first_page'), href: searchUrl(search, { page: 1 }), variant: 'primary' }],
    headingLevel: 3,
  });
}

/* ---- one hit ------------------------------------------------------------------------------ */

function hitRow(hit) {
  const kind = KINDS.includes(hit.type) ? hit.type : 'document';
  const href = appPath(hit.url);
  const titleText = String(hit.title ?? '');
  const meta = [];
  if (hit.community?.name) {
    meta.push(h('span', { class: 'search-hit__community' },
      icon('users'), h('a', { href: `/communautes/${encodeURIComponent(hit.community.id)}` }, String(hit.community.name))));
  }
  if (hit.author?.name) {
    meta.push(h('span', { class: 'search-hit__author' },
      icon('user'), h('a', { href: `/personnes/${encodeURIComponent(hit.author.id)}` }, String(hit.author.name))));
  }
  const when = hit.date ? new Date(hit.date) : null;
  if (when && !Number.isNaN(when.getTime())) {
    meta.push(h('time', { class: 'search-hit__date', datetime: hit.date }, formatDateTime(when, { dateStyle: 'medium' })));
  }
  const snippet = Array.isArray(hit.snippet) ? hit.snippet : [];
  // A document's line says what file it is: type, size, then the server's detail (its file name).
  const detail = [
    kind === 'document' && hit.media_type ? typeLabel(String(hit.media_type)) : null,
    kind === 'document' && Number.isFinite(hit.size) ? formatSize(hit.size) : null,
    saysSomethingElse(hit.detail, hit, snippet) ? String(hit.detail) : null,
  ].filter(Boolean).join(' · ');
  return h('li', { class: ['list__item', 'search-hit', `search-hit--${kind}`] },
    h('span', { class: 'list__icon search-hit__icon' }, kindIcon(kind)),
    h('div', { class: 'list__body search-hit__body' },
      h('p', { class: 'search-hit__kind' }, kindLabel(kind),
        kind === 'document' && typeof hit.status === 'string' ? docStatusBadge(hit.status) : null),
      h('h3', { class: 'search-hit__title' }, href ? h('a', { href }, titleText) : titleText),
      meta.length ? h('p', { class: 'search-hit__meta' }, meta) : null,
      detail ? h('p', { class: 'search-hit__detail' }, detail) : null,
      snippet.length ? h('p', { class: 'search-hit__snippet' }, snippet.map(segment)) : null));
}

/**
 * The server's detail line, unless the hit already shows it: a tag's detail is its community, and a
 * community's is the start of the description its excerpt is usually cut from.
 */
function saysSomethingElse(detail, hit, snippet) {
  if (!detail) return false;
  const plain = (text) => String(text).replace(/…/g, '').replace(/\s+/g, ' ').trim().toLocaleLowerCase();
  const said = plain(detail);
  if (!said || said === plain(hit.community?.name ?? '')) return false;
  const excerpt = plain(snippet.map((part) => part?.text ?? '').join(''));
  return !(excerpt && (excerpt.includes(said) || said.includes(excerpt)));
}

/** A piece of the snippet: the words that matched in <mark>, the rest as plain text (never HTML). */
function segment(part) {
  const text = String(part?.text ?? '');
  return part?.match ? h('mark', {}, text) : text;
}

/* ---- facets and active filters ------------------------------------------------------------ */

/** The name to show for a filter's value, looked up in the answer (facets, then hits). */
function filterValueLabel(name, value, answer) {
  if (name === 'type') return kindGroupLabel(value);
  if (name === 'tag') return value;
  if (name === 'from' || name === 'to') return formatDateTime(toLocalDate(value), { dateStyle: 'medium' });
  const fromFacet = (answer.facets?.[name] ?? []).find((f) => String(f.id) === value)?.name;
  const fromHit = (answer.hits ?? []).map((hit) => hit[name]).find((x) => x && String(x.id) === value)?.name;
  return String(fromFacet ?? fromHit ?? `#${value}`);
}

function filterTitle(name) {
  switch (name) {
    case 'type': return t('search.filter.type');
    case 'community': return t('search.filter.community');
    case 'author': return t('search.filter.author');
    case 'tag': return t('search.filter.tag');
    case 'from': return t('search.filter.from');
    case 'to': return t('search.filter.to');
    default: return name;
  }
}

function activeFilters(search, answer) {
  const set = FILTERS.filter((name) => search[name]);
  if (!set.length) return [];
  const titleId = uid('search-active');
  return [
    h('h2', { class: 'search-active__title', id: titleId }, t('search.active.title')),
    h('ul', { class: 'search-active__list', 'aria-labelledby': titleId },
      set.map((name) => {
        const label = t('search.active.chip', { name: filterTitle(name), value: filterValueLabel(name, search[name], answer) });
        return h('li', {}, h('a', {
          class: 'search-chip',
          href: searchUrl(search, { [name]: '' }),
          'aria-label': t('search.active.remove', { filter: label }),
          on: { click: refocusOnClick('results') },
        }, h('span', {}, label), icon('close')));
      }),
      set.length > 1 ? h('li', {}, h('a', {
        class: 'search-active__clear',
        href: searchUrl(search, withoutFilters),
        on: { click: refocusOnClick('results') },
      }, t('search.active.clear'))) : null),
  ];
}

function facetGroups(search, facets) {
  const groups = [];
  for (const name of FACETS) {
    const values = Array.isArray(facets[name]) ? facets[name] : [];
    if (!values.length) continue;
    const items = values.map((f) => {
      const value = name === 'community' || name === 'author' ? String(f.id ?? '') : String(f.value ?? '');
      if (!value) return null;
      const label = name === 'type' ? kindGroupLabel(value) : String(name === 'tag' ? value : f.name ?? `#${value}`);
      const on = search[name] === value;
      const key = `facet:${name}:${value}`;
      return h('li', {}, h('a', {
        class: ['search-facet__link', on && 'is-active'],
        href: searchUrl(search, { [name]: on ? '' : value }),
        'aria-current': on ? 'true' : null,
        'data-focus-key': key,
        on: { click: refocusOnClick(key) },
      },
      name === 'type' ? kindIcon(value) : null,
      h('span', { class: 'search-facet__label' }, label),
      h('span', { class: 'search-facet__count' },
        h('span', { class: 'visually-hidden' }, ' ('),
        String(f.count ?? 0),
        h('span', { class: 'visually-hidden' }, on ? `) ${t('search.facet.remove')}` : ')')),
      on ? icon('close', { className: 'search-facet__remove' }) : null));
    }).filter(Boolean);
    if (!items.length) continue;
    const titleId = uid('search-facet');
    const list = h('ul', { class: 'search-facet__list', 'aria-labelledby': titleId }, items);
    let more = null;
    if (items.length > FACET_VISIBLE) {
      const hidden = items.slice(FACET_VISIBLE).filter((li) => !li.querySelector('.is-active'));
      for (const li of hidden) li.hidden = true;
      if (hidden.length) {
        more = button({
          label: t('search.facet.more', { count: hidden.length }),
          variant: 'tertiary',
          size: 'sm',
          attrs: { 'aria-expanded': 'false' },
          onClick: () => {
            const expand = more.getAttribute('aria-expanded') !== 'true';
            for (const li of hidden) li.hidden = !expand;
            more.setAttribute('aria-expanded', String(expand));
            more.querySelector('span').textContent = expand ? t('search.facet.less') : t('search.facet.more', { count: hidden.length });
          },
        });
      }
    }
    groups.push(h('section', { class: 'search-facet' },
      h('h3', { class: 'search-facet__title', id: titleId }, filterTitle(name)),
      list,
      more));
  }
  return groups;
}

// Audit trail (/admin/traces): security events newest first, filtered by actor, action and dates, "load more" by keyset, and the CSV export of the same filter.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { adminOnly } from '../guard.js';
import { reportError, isAbort } from '../errors.js';
import { field } from '../ui/form.js';
import { button, setBusy } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { loadingState, emptyState } from '../ui/states.js';
import { onSubmit } from '../ui/submit.js';
import { adminHeader } from './admin-tabs.js';
import { describeAgent } from '../labels.js';

const PAGE_SIZE = 100;
// Proposed in the action field; prefixes work too ("membership" finds membership.added, …).
const COMMON_ACTIONS = ['login', 'login.ok', 'login.failed', 'logout', 'password', 'session.revoked', 'membership', 'invitation', 'community', 'user', 'organisation', 'permission.denied', 'audit.exported', 'settings.updated'];

const FILTERS = ['actor', 'action', 'from', 'to'];

export function render(ctx) {
  return adminOnly(ctx, () => {
    const filters = Object.fromEntries(FILTERS.map((k) => [k, ctx.query.get(k) ?? '']));
    const results = h('div', {}, loadingState({ label: t('admin.audit.loading'), lines: 8 }));
    const status = h('p', { class: 'results-status', role: 'status' });
    const exportLink = h('a', { class: 'btn btn--secondary', download: '' }, icon('download'), h('span', {}, t('admin.audit.export')));
    const datalist = h('datalist', { id: 'audit-actions' }, COMMON_ACTIONS.map((a) => h('option', { value: a })));

    const form = h('form', { class: 'toolbar toolbar--wrap', 'aria-label': t('admin.audit.filters') },
      field({ label: t('admin.audit.actor'), name: 'actor', markOptional: false, hint: t('admin.audit.actor_hint'), attrs: { autocomplete: 'off', maxlength: 254, value: filters.actor } }),
      field({ label: t('admin.audit.action'), name: 'action', markOptional: false, hint: t('admin.audit.action_hint'), attrs: { autocomplete: 'off', maxlength: 64, list: 'audit-actions', value: filters.action } }),
      field({ label: t('admin.audit.from'), name: 'from', markOptional: false, type: 'date', attrs: { value: filters.from } }),
      field({ label: t('admin.audit.to'), name: 'to', markOptional: false, type: 'date', attrs: { value: filters.to } }),
      datalist,
      h('div', { class: 'toolbar__actions' },
        button({ label: t('admin.audit.apply'), type: 'submit', variant: 'primary', icon: 'search' }),
        exportLink));

    const run = () => {
      const qs = query(filters);
      history.replaceState(history.state, '', `/admin/traces${qs ? `?${qs}` : ''}`);
      exportLink.href = `/api/audit.csv${qs ? `?${qs}` : ''}`;
      return load(filters, results, status, ctx.signal);
    };
    onSubmit(form, async (values) => {
      for (const k of FILTERS) filters[k] = values[k] ?? '';
      await run();
    });
    run();

    const node = h('div', { class: 'page page--wide' },
      adminHeader('audit', t('admin.audit.title'), t('admin.audit.lead')),
      form,
      status,
      results);
    return { title: t('admin.audit.title'), node };
  });
}

function query(filters, extra = {}) {
  const params = new URLSearchParams();
  for (const k of FILTERS) if (filters[k]) params.set(k, filters[k]);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

async function load(filters, results, status, signal) {
  const table = h('table', { class: 'data-table audit-table' },
    h('caption', { class: 'visually-hidden' }, t('admin.audit.caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('admin.audit.col.at')),
      h('th', { scope: 'col' }, t('admin.audit.col.actor')),
      h('th', { scope: 'col' }, t('admin.audit.col.action')),
      h('th', { scope: 'col' }, t('admin.audit.col.object')),
      h('th', { scope: 'col' }, t('admin.audit.col.origin')))));
  const body = h('tbody', {});
  table.append(body);
  const more = button({ label: t('admin.audit.more'), variant: 'secondary', icon: 'plus' });
  let shown = 0;
  let before = null;

  async function page() {
    setBusy(more, true);
    let data;
    try {
      data = await api.get(`/api/audit?${query(filters, { limit: String(PAGE_SIZE), ...(before ? { before_id: String(before) } : {}) })}`, { signal });
    } catch (err) {
      setBusy(more, false);
      if (!isAbort(err)) reportError(err);
      return false;
    }
    setBusy(more, false);
    for (const e of data.items) body.append(eventRow(e));
    shown += data.items.length;
    before = data.next_before_id;
    more.hidden = !before;
    status.textContent = t('admin.audit.shown', { count: shown });
    return true;
  }
  more.addEventListener('click', async () => {
    const first = body.rows.length;
    if (await page()) body.rows[first]?.querySelector('th, td')?.focus();
  });

  if (!(await page())) return;
  if (!shown) {
    results.replaceChildren(emptyState({ icon: 'shield', title: t('admin.audit.empty'), text: t('admin.audit.empty_text'), headingLevel: 2 }));
    return;
  }
  results.replaceChildren(h('div', { class: 'table-wrap' }, table), h('div', { class: 'button-row' }, more));
}

function eventRow(e) {
  const object = [e.object_type, e.object_id].filter(Boolean).join(' #');
  const detail = e.detail && Object.keys(e.detail).length ? JSON.stringify(e.detail) : '';
  // One wrapper per cell: on a phone each cell is a two-column grid (its column name, then this).
  const cell = (label, ...content) => h('td', { 'data-label': label }, h('div', { class: 'data-table__value' }, ...content));
  const at = cell(t('admin.audit.col.at'), h('time', { datetime: e.at }, formatDateTime(new Date(e.at), { dateStyle: 'short', timeStyle: 'medium' })));
  at.tabIndex = -1; // "load more" moves focus to the first new row
  return h('tr', {},
    at,
    cell(t('admin.audit.col.actor'), e.actor_email ?? (e.actor_id ? `#${e.actor_id}` : t('admin.audit.anonymous'))),
    cell(t('admin.audit.col.action'), h('code', { class: 'audit-action' }, e.action), detail ? h('span', { class: 'audit-detail' }, detail) : null),
    cell(t('admin.audit.col.object'), object || '—', e.community_id ? h('span', { class: 'audit-detail' }, t('admin.audit.community', { id: e.community_id })) : null),
    cell(t('admin.audit.col.origin'), e.ip ?? '—', e.user_agent ? h('span', { class: 'audit-detail audit-agent', title: e.user_agent }, describeAgent(e.user_agent) ?? e.user_agent) : null));
}

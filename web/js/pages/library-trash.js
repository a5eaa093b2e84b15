// A community's trash (/communautes/:id/documents/corbeille), the animators': documents deleted less than 30 days ago, who deleted them and when, and the way back.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { guarded } from '../guard.js';
import { reportError, isAbort, errorMessage } from '../errors.js';
import { button, setBusy } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { toast } from '../ui/toast.js';
import { loadingState, emptyState, errorState } from '../ui/states.js';
import { formatSize, typeLabel } from '../ui/documents.js';
import { loadCommunity } from './community.js';
import { libraryUrl } from './library.js';

export function render(ctx) {
  return guarded(ctx, async () => {
    const { community: c, page } = await loadCommunity(ctx);
    if (page) return page;
    if (!c.can.edit) {
      return {
        title: t('error.page.forbidden_title'),
        node: errorState({
          code: t('error.page.code', { status: 403 }),
          title: t('error.page.forbidden_title'),
          text: t('library.trash.reserved'),
          actions: [{ label: t('library.back'), href: libraryUrl(c.id, 0), variant: 'primary', icon: 'arrowRight' }],
          page: true,
        }),
      };
    }
    const region = h('div', {}, loadingState({ label: t('library.trash.loading'), lines: 3 }));
    load(c, region, ctx.signal);
    const node = h('div', { class: 'page page--wide' },
      h('nav', { class: 'breadcrumb', 'aria-label': t('library.breadcrumb') },
        h('ol', { class: 'breadcrumb__list' },
          h('li', {}, h('a', { href: `/communautes/${c.id}` }, c.name)),
          h('li', {}, h('a', { href: libraryUrl(c.id, 0) }, t('library.title'))),
          h('li', {}, h('span', { 'aria-current': 'page' }, t('library.trash.title'))))),
      h('div', { class: 'page-header' },
        h('h1', {}, t('library.trash.title')),
        h('p', { class: 'lead' }, t('library.trash.lead'))),
      region);
    return { title: `${t('library.trash.title')} · ${c.name}`, node };
  });
}

async function load(c, region, signal) {
  let items;
  try {
    ({ items } = await api.get(`/api/communities/${c.id}/trash`, { signal }));
  } catch (err) {
    if (isAbort(err)) return;
    region.replaceChildren(errorState({ title: t('library.trash.failed'), text: errorMessage(err) }));
    return;
  }
  if (!items.length) {
    region.replaceChildren(emptyState({ icon: 'trash', title: t('library.trash.empty'), text: t('library.trash.empty_text') }));
    return;
  }
  const list = h('ul', { class: 'list trash-list' }, items.map((d) => {
    const row = h('li', { class: 'list__item' },
      h('span', { class: 'list__icon' }, icon('file')),
      h('div', { class: 'list__body' },
        h('span', { class: 'list__title' }, d.title),
        h('span', { class: 'list__meta' }, [typeLabel(d.file.media_type), formatSize(d.file.size)].join(' · ')),
        h('span', { class: 'list__meta' }, d.deleted_by
          ? t('library.trash.deleted_by', { name: d.deleted_by.display_name, date: formatDateTime(new Date(d.deleted_at)) })
          : t('library.trash.deleted_on', { date: formatDateTime(new Date(d.deleted_at)) })),
        h('span', { class: 'list__meta' }, t('library.trash.until', { date: formatDateTime(new Date(d.restorable_until), { dateStyle: 'long' }) }))),
      h('span', { class: 'list__aside' }, button({
        label: t('library.trash.restore'), icon: 'refresh', size: 'sm', variant: 'secondary',
        attrs: { 'aria-label': t('library.trash.restore_named', { title: d.title }) },
        onClick: async (event) => {
          const btn = event.currentTarget;
          setBusy(btn, true);
          try {
            const doc = await api.post(`/api/communities/${c.id}/trash/${d.id}/restore`); // no body: the route takes none
            row.remove();
            toast(t('library.trash.restored', { title: doc.title }), { type: 'success' });
            if (!list.children.length) region.replaceChildren(emptyState({ icon: 'trash', title: t('library.trash.empty'), text: t('library.trash.empty_text') }));
          } catch (err) {
            reportError(err);
            if (btn.isConnected) setBusy(btn, false);
          }
        },
      })));
    return row;
  }));
  region.replaceChildren(list);
}

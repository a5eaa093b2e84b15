// Paging control for long lists: previous and next buttons around "Page 2 sur 7", inside a labelled navigation.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { button } from './button.js';

/** pager({ page, pages, label, onPage(n) }) → <nav class="pager">; the buttons at either end are disabled. */
export function pager({ page, pages, label, onPage }) {
  const previous = button({ label: t('pager.previous'), icon: 'chevronLeft', variant: 'secondary', size: 'sm', disabled: page <= 1, onClick: () => onPage(page - 1) });
  const next = button({ label: t('pager.next'), icon: 'arrowRight', iconAfter: true, variant: 'secondary', size: 'sm', disabled: page >= pages, onClick: () => onPage(page + 1) });
  return h('nav', { class: 'pager', 'aria-label': label },
    previous,
    h('span', { class: 'pager__position' }, t('pager.page_of', { page, pages })),
    next);
}

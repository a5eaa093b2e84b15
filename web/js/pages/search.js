// Search page (/recherche?q=…): echoes the query and says honestly that full-text search is not there yet; the results list plugs in here later.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { emptyState } from '../ui/states.js';

export function render({ query }) {
  const q = (query.get('q') ?? '').trim();
  const header = h('div', { class: 'page-header' },
    h('h1', {}, t('search.title')),
    q ? h('p', { class: 'lead' }, t('search.results_for', { query: q })) : null);

  const body = q
    ? emptyState({
      icon: 'search',
      title: t('search.soon.title'),
      text: t('search.soon.text'),
      actions: [{ label: t('search.soon.home'), href: '/', variant: 'secondary' }],
    })
    : emptyState({
      icon: 'search',
      title: t('search.prompt.title'),
      text: t('search.prompt.text'),
      actions: [{ label: t('search.prompt.action'), variant: 'primary', icon: 'search', onClick: focusSearchBox }],
    });

  return { title: q ? t('search.title_with_query', { query: q }) : t('search.title'), node: h('div', { class: 'page' }, header, body) };
}

function focusSearchBox() {
  document.getElementById('site-search-input')?.focus();
}

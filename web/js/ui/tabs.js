// Section tabs that are links (each section has its own URL): a labelled navigation whose current link carries aria-current="page".
import { h } from '../dom.js';
import { icon } from './icons.js';

/** tabs({ label, items: [{ href, label, icon, current, count }] }) → <nav class="tabs">. */
export function tabs({ label, items }) {
  const nav = h('nav', { class: 'tabs', 'aria-label': label },
    h('ul', { class: 'tabs__list' }, items.map((item) => h('li', {},
      h('a', { class: 'tabs__link', href: item.href, 'aria-current': item.current ? 'page' : null },
        item.icon ? icon(item.icon) : null,
        h('span', {}, item.label),
        item.count ? h('span', { class: 'tabs__count' }, String(item.count)) : null)))));
  // On a phone the row scrolls sideways: once on screen, bring the current tab into view.
  requestAnimationFrame(() => {
    const current = nav.querySelector('[aria-current="page"]');
    if (current && current.offsetLeft + current.offsetWidth > nav.clientWidth) {
      nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
    }
  });
  return nav;
}

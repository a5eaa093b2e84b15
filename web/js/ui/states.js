// Loading, empty and error states shared by every page, so "please wait", "nothing here yet" and "it failed" look and sound the same everywhere.
import { h, svg } from '../dom.js';
import { icon } from './icons.js';
import { actions as buildActions } from './button.js';

/**
 * A skeleton placeholder announced as a status. label is read by screen readers;
 * page: true sketches a whole page (title + paragraphs) for the router's slow loads.
 */
export function loadingState({ label, lines = 3, page = false } = {}) {
  const bars = [];
  if (page) bars.push(h('span', { class: 'skeleton skeleton--title' }));
  for (let i = 0; i < lines; i += 1) {
    bars.push(h('span', { class: ['skeleton', i === lines - 1 && 'skeleton--medium'] }));
  }
  return h('div', { class: ['loading', page && 'page'], role: 'status' },
    h('span', { class: 'visually-hidden' }, label),
    h('div', { class: 'loading', 'aria-hidden': 'true' }, bars));
}

/**
 * "Nothing here yet", with what to do about it.
 * { icon, title, text, actions: [{ label, href|onClick, variant }], compact, headingLevel }
 */
export function emptyState({ icon: iconName = 'compass', title, text, actions, compact = false, headingLevel = 2 }) {
  return h('div', { class: ['empty', compact && 'empty--compact'] },
    h('span', { class: 'empty__icon' }, icon(iconName)),
    h(`h${headingLevel}`, { class: 'empty__title' }, title),
    text ? h('p', { class: 'empty__text' }, text) : null,
    actions?.length ? h('div', { class: 'button-row' }, buildActions(actions)) : null);
}

/**
 * An error explained to a person: what happened (code line, title), what it means (text), what to do (actions).
 * page: true renders a full error page with an <h1> (404, crashed page); otherwise an <h2> block inside a page.
 */
export function errorState({ code, title, text, actions, page = false, headingLevel }) {
  const level = headingLevel ?? (page ? 1 : 2);
  const body = h('div', {},
    code ? h('p', { class: 'error-page__code' }, code) : null,
    h(`h${level}`, {}, title),
    text ? h('p', { class: 'error-page__text' }, text) : null,
    actions?.length ? h('div', { class: 'button-row' }, buildActions(actions)) : null);
  return h('div', { class: ['error-page', page && 'page'] }, body, page ? errorArt() : null);
}

// A calm illustration (a compass: "you are off the map") rather than an alarming one.
function errorArt() {
  const art = icon('compass');
  art.prepend(svg('circle', { class: 'error-page__art-bg', cx: 12, cy: 12, r: 9 }));
  return h('div', { class: 'error-page__art', 'aria-hidden': 'true' }, art);
}

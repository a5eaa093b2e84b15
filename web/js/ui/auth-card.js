// The centred card of the signed-out pages (login, forgotten password, new password, e-mail check, invitation): brand mark, title, lead, the form, a note below.
import { h } from '../dom.js';

/**
 * authLayout({ titleId, eyebrow, title, lead, body, aside }) → the page node, with the page's
 * single <h1> (id titleId, so the form can be labelled by it).
 */
export function authLayout({ titleId, eyebrow, title, lead, body, aside }) {
  return h('div', { class: 'page auth' },
    h('section', { class: 'auth__card', 'aria-labelledby': titleId },
      h('div', { class: 'auth__head' },
        h('img', { class: 'auth__mark', src: '/favicon.svg', alt: '', width: 48, height: 48 }),
        eyebrow ? h('p', { class: 'eyebrow' }, eyebrow) : null,
        h('h1', { class: 'auth__title', id: titleId }, title),
        lead ? h('p', { class: 'auth__lead' }, lead) : null),
      body),
    aside ? h('div', { class: 'auth__aside' }, aside) : null);
}

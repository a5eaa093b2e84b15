// Icon set: one place for every pictogram, drawn as inline SVG so they take the text colour and need no extra request.
import { svg } from '../dom.js';

// 24×24 stroke drawings (round caps/joins come from the .icon class). Each entry is a list of [element, attributes].
const SHAPES = {
  menu: [['path', { d: 'M4 6h16M4 12h16M4 18h16' }]],
  close: [['path', { d: 'M6 6l12 12M18 6 6 18' }]],
  search: [['circle', { cx: 11, cy: 11, r: 6.5 }], ['path', { d: 'm20 20-4.2-4.2' }]],
  home: [['path', { d: 'M4 10.5 12 4l8 6.5V20a1 1 0 0 1-1 1h-4.5v-6h-5v6H5a1 1 0 0 1-1-1z' }]],
  users: [['circle', { cx: 9, cy: 8, r: 3.5 }], ['path', { d: 'M2.5 20c.6-3.6 3.3-5.5 6.5-5.5s5.9 1.9 6.5 5.5' }], ['path', { d: 'M15.5 4.8a3.5 3.5 0 0 1 0 6.4M17.5 14.8c2.1.6 3.6 2.4 4 5.2' }]],
  file: [['path', { d: 'M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z' }], ['path', { d: 'M14 3v5h5M9 13h6M9 17h6' }]],
  chat: [['path', { d: 'M20 15a2 2 0 0 1-2 2H8l-4 4V5a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2z' }], ['path', { d: 'M8 8h8M8 12h5' }]],
  activity: [['path', { d: 'M3 12h4l3-8 4 16 3-8h4' }]],
  book: [['path', { d: 'M4 5a2 2 0 0 1 2-2h13v16H6a2 2 0 0 0-2 2z' }], ['path', { d: 'M4 19V5M19 19v2H6' }], ['circle', { cx: 11.5, cy: 9, r: 2 }], ['path', { d: 'M8.5 14c.5-1.5 1.6-2.2 3-2.2s2.5.7 3 2.2' }]],
  shield: [['path', { d: 'M12 3 4.5 6v5.5c0 4.6 3.2 8.3 7.5 9.5 4.3-1.2 7.5-4.9 7.5-9.5V6z' }], ['path', { d: 'm8.8 12 2.2 2.2 4.2-4.4' }]],
  info: [['circle', { cx: 12, cy: 12, r: 9 }], ['path', { d: 'M12 11v5.5M12 7.6v.1' }]],
  success: [['circle', { cx: 12, cy: 12, r: 9 }], ['path', { d: 'm8 12.2 2.8 2.8L16.2 9.5' }]],
  warning: [['path', { d: 'M10.3 4.2 2.6 17.6A2 2 0 0 0 4.3 20.6h15.4a2 2 0 0 0 1.7-3L13.7 4.2a2 2 0 0 0-3.4 0z' }], ['path', { d: 'M12 9.5v4.5M12 17.2v.1' }]],
  error: [['circle', { cx: 12, cy: 12, r: 9 }], ['path', { d: 'M12 7.5v5.5M12 16.4v.1' }]],
  server: [['rect', { x: 3.5, y: 4, width: 17, height: 7, rx: 1.5 }], ['rect', { x: 3.5, y: 13, width: 17, height: 7, rx: 1.5 }], ['path', { d: 'M7.5 7.5h.1M7.5 16.5h.1M11 7.5h5.5M11 16.5h5.5' }]],
  plus: [['path', { d: 'M12 5v14M5 12h14' }]],
  arrowRight: [['path', { d: 'M5 12h14M13 6l6 6-6 6' }]],
  refresh: [['path', { d: 'M20 12a8 8 0 1 1-2.3-5.6' }], ['path', { d: 'M20 4v5h-5' }]],
  trash: [['path', { d: 'M4 7h16M9.5 7V4.5h5V7M6.5 7l1 13h9l1-13' }]],
  compass: [['circle', { cx: 12, cy: 12, r: 9 }], ['path', { d: 'm15.5 8.5-2 5-5 2 2-5z' }]],
  palette: [['path', { d: 'M12 3a9 9 0 1 0 0 18c1.2 0 1.8-.8 1.8-1.7 0-1.2-1-1.6-1-2.6 0-1 .8-1.7 1.8-1.7H17a4 4 0 0 0 4-4C21 6.5 17 3 12 3z' }], ['circle', { cx: 7.5, cy: 11, r: 1 }], ['circle', { cx: 10, cy: 7, r: 1 }], ['circle', { cx: 14.5, cy: 7, r: 1 }]],
};

/**
 * icon('search') → decorative <svg> (aria-hidden). Give { label } only when the icon
 * is the sole content conveying meaning; usually the surrounding text or aria-label names the control.
 */
export function icon(name, { label, className } = {}) {
  const shapes = SHAPES[name];
  if (!shapes) throw new Error(`icon(): unknown icon "${name}"`);
  const el = svg('svg', {
    class: ['icon', className],
    viewBox: '0 0 24 24',
    focusable: 'false',
    'aria-hidden': label ? null : 'true',
    role: label ? 'img' : null,
    'aria-label': label ?? null,
  }, shapes.map(([tag, attrs]) => svg(tag, attrs)));
  return el;
}

/** Fills every <span data-icon="name"> placeholder under root (used by the static shell markup). */
export function fillIconSlots(root = document) {
  for (const slot of root.querySelectorAll('[data-icon]')) {
    if (!slot.firstElementChild) slot.append(icon(slot.dataset.icon));
  }
}

export const ICON_NAMES = Object.keys(SHAPES);

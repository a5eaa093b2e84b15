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
  user: [['circle', { cx: 12, cy: 8, r: 4 }], ['path', { d: 'M4 21c.8-4.2 4-6.5 8-6.5s7.2 2.3 8 6.5' }]],
  userPlus: [['circle', { cx: 10, cy: 8, r: 4 }], ['path', { d: 'M2.5 21c.8-4.2 3.8-6.5 7.5-6.5 1.6 0 3 .4 4.2 1.2M19 14v6M16 17h6' }]],
  building: [['path', { d: 'M4 21V5a1 1 0 0 1 1-1h9a1 1 0 0 1 1 1v16M15 9h4a1 1 0 0 1 1 1v11M2.5 21h19' }], ['path', { d: 'M8 8h3M8 12h3M8 16h3' }]],
  settings: [['circle', { cx: 12, cy: 12, r: 3 }], ['path', { d: 'M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1' }]],
  logout: [['path', { d: 'M9 21H5a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h4' }], ['path', { d: 'M16 17l5-5-5-5M21 12H9' }]],
  key: [['circle', { cx: 7.5, cy: 15.5, r: 4 }], ['path', { d: 'm10.5 12.5 9-9M16 7l3 3M14 9l2 2' }]],
  devices: [['rect', { x: 2.5, y: 4, width: 15, height: 11, rx: 1.5 }], ['path', { d: 'M6 19h8M10 15v4' }], ['rect', { x: 16, y: 9, width: 5.5, height: 11, rx: 1.2 }]],
  mail: [['rect', { x: 3, y: 5, width: 18, height: 14, rx: 2 }], ['path', { d: 'm3.5 6.5 8.5 6.5 8.5-6.5' }]],
  copy: [['rect', { x: 8, y: 8, width: 12, height: 12, rx: 2 }], ['path', { d: 'M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2' }]],
  eye: [['path', { d: 'M2.5 12S6 5.5 12 5.5 21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12z' }], ['circle', { cx: 12, cy: 12, r: 3 }]],
  eyeOff: [['path', { d: 'M10.6 5.6A9.6 9.6 0 0 1 12 5.5c6 0 9.5 6.5 9.5 6.5a16 16 0 0 1-2.6 3.4M6.6 6.6C4 8.3 2.5 12 2.5 12S6 18.5 12 18.5a9 9 0 0 0 4.9-1.4' }], ['path', { d: 'M9.9 9.9a3 3 0 0 0 4.2 4.2M3 3l18 18' }]],
  chevronDown: [['path', { d: 'm6 9 6 6 6-6' }]],
  chevronLeft: [['path', { d: 'm15 6-6 6 6 6' }]],
  lock: [['rect', { x: 4.5, y: 10.5, width: 15, height: 10, rx: 2 }], ['path', { d: 'M8 10.5V7.5a4 4 0 0 1 8 0v3' }]],
  globe: [['circle', { cx: 12, cy: 12, r: 9 }], ['path', { d: 'M3 12h18M12 3c2.5 2.7 3.7 5.7 3.7 9S14.5 18.3 12 21c-2.5-2.7-3.7-5.7-3.7-9S9.5 5.7 12 3z' }]],
  archive: [['rect', { x: 3, y: 4, width: 18, height: 5, rx: 1 }], ['path', { d: 'M5 9v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V9M10 13h4' }]],
  check: [['path', { d: 'm5 12.5 4.5 4.5L19 7.5' }]],
  upload: [['path', { d: 'M12 16V4M7 9l5-5 5 5' }], ['path', { d: 'M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3' }]],
  edit: [['path', { d: 'M4 20h4L19 9a2.8 2.8 0 0 0-4-4L4 16z' }], ['path', { d: 'm13.5 6.5 4 4' }]],
  download: [['path', { d: 'M12 4v12M7 11l5 5 5-5' }], ['path', { d: 'M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3' }]],
  phone: [['path', { d: 'M5 4h3.5l1.5 4-2 1.5a11 11 0 0 0 6.5 6.5l1.5-2 4 1.5V19a1.5 1.5 0 0 1-1.5 1.5A16.5 16.5 0 0 1 3.5 5.5 1.5 1.5 0 0 1 5 4z' }]],
  pin: [['path', { d: 'M12 21s-6.5-5.6-6.5-11a6.5 6.5 0 0 1 13 0c0 5.4-6.5 11-6.5 11z' }], ['circle', { cx: 12, cy: 10, r: 2.3 }]],
  briefcase: [['rect', { x: 3, y: 7, width: 18, height: 13, rx: 2 }], ['path', { d: 'M9 7V5a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2M3 12.5h18' }]],
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

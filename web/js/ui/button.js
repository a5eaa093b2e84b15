// Button and link-button builders, so every page produces the same .btn markup (variant, size, icon, busy state).
import { h } from '../dom.js';
import { icon as drawIcon } from './icons.js';

function classes({ variant = 'secondary', size, iconOnly, block }) {
  return ['btn', `btn--${variant}`, size === 'sm' && 'btn--sm', iconOnly && 'btn--icon', block && 'btn--block'];
}

function content({ label, icon, iconOnly, iconAfter }) {
  const pictogram = icon ? drawIcon(icon) : null;
  // An icon-only control is named by aria-label instead of visible text.
  if (iconOnly) return [pictogram];
  return iconAfter ? [h('span', {}, label), pictogram] : [pictogram, h('span', {}, label)];
}

/**
 * button({ label, variant: 'primary'|'secondary'|'tertiary'|'ghost'|'danger', size: 'sm', icon, iconOnly, onClick, type, disabled })
 */
export function button(options) {
  const { label, onClick, type = 'button', disabled, iconOnly, attrs = {} } = options;
  return h('button', {
    type,
    class: classes(options),
    disabled: disabled || null,
    'aria-label': iconOnly ? label : null,
    on: onClick ? { click: onClick } : null,
    ...attrs,
  }, content(options));
}

/** A link styled as a button: for actions that go somewhere (the router intercepts it). */
export function linkButton(options) {
  const { label, href, iconOnly, attrs = {} } = options;
  return h('a', {
    href,
    class: classes(options),
    'aria-label': iconOnly ? label : null,
    ...attrs,
  }, content(options));
}

/** Marks a button busy while an action runs: spinner, aria-busy, and disabled so it cannot be sent twice. */
export function setBusy(btn, busy) {
  btn.setAttribute('aria-busy', busy ? 'true' : 'false');
  btn.disabled = busy;
}

/** Turns a list of { label, href?, onClick?, variant?, icon? } into buttons or link buttons. */
export function actions(list = []) {
  return list.map((action) => (action.href ? linkButton(action) : button(action)));
}

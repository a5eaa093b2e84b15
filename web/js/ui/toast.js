// Toasts: short non-blocking messages announced through the shell's live regions; errors stay until dismissed, the others fade after a while.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from './icons.js';
import { button } from './button.js';

const TIMEOUT_MS = 6000;
const MAX_VISIBLE = 4;
// Spoken prefix per type (keys written out in full so the catalogue check can see them).
const TYPE_PREFIX = {
  info: () => t('toast.type.info'),
  success: () => t('toast.type.success'),
  warning: () => t('toast.type.warning'),
  error: () => t('toast.type.error'),
};

/**
 * toast('Document enregistré', { type: 'success' }) → a function that dismisses it.
 * type: info | success | warning | error. Errors go to the assertive region and are never timed out
 * (a person must have the time to read them, WCAG 2.2.1); a timed toast pauses while hovered or focused.
 */
export function toast(message, { type = 'info', timeout = TIMEOUT_MS } = {}) {
  if (!(type in TYPE_PREFIX)) throw new Error(`toast(): unknown type "${type}"`);
  const region = document.getElementById(type === 'error' ? 'toasts-assertive' : 'toasts-polite');

  const el = h('div', { class: ['toast', `toast--${type}`] },
    icon(type),
    // The type is spoken too, since colour and icon are not announced.
    h('p', { class: 'toast__text' },
      h('span', { class: 'visually-hidden' }, `${TYPE_PREFIX[type]()} `), message));
  const dismiss = () => el.remove();
  el.append(button({ label: t('toast.close'), icon: 'close', iconOnly: true, variant: 'ghost', size: 'sm', onClick: dismiss }));

  while (region.childElementCount >= MAX_VISIBLE) region.firstElementChild.remove();
  region.append(el);

  if (type !== 'error' && timeout > 0) {
    let timer = setTimeout(dismiss, timeout);
    const pause = () => clearTimeout(timer);
    const resume = () => {
      if (!el.matches(':hover, :focus-within')) timer = setTimeout(dismiss, timeout);
    };
    el.addEventListener('mouseenter', pause);
    el.addEventListener('focusin', pause);
    el.addEventListener('mouseleave', resume);
    el.addEventListener('focusout', resume);
  }
  return dismiss;
}

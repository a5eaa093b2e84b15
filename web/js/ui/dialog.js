// Modal dialogs on the native <dialog>: the browser provides the top layer, the focus trap and Escape; this adds the house layout and a promise API.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { button } from './button.js';

/**
 * openDialog({ title, body, actions: [{ label, value, variant }] }) → Promise of the chosen action's value,
 * or null when dismissed (Escape, close button, click on the backdrop).
 * body is a string or a Node. Focus goes to the first action marked autofocus (else the first action)
 * and returns to the element that had it before.
 */
export function openDialog({ title, body, actions = [], size } = {}) {
  const titleId = uid('dialog-title');
  const bodyId = uid('dialog-body');
  const opener = document.activeElement;

  const dialog = h('dialog', { class: ['dialog', size && `dialog--${size}`], 'aria-labelledby': titleId, 'aria-describedby': bodyId });
  // returnValue is a string, so each action closes with its index and the value is looked up afterwards.
  const buttons = actions.map((action, i) => {
    const btn = button({ label: action.label, variant: action.variant ?? 'secondary', onClick: () => dialog.close(String(i)) });
    if (action.autofocus) btn.autofocus = true;
    return btn;
  });

  dialog.append(
    h('div', { class: 'dialog__header' },
      h('h2', { class: 'dialog__title', id: titleId }, title),
      button({ label: t('dialog.close'), icon: 'close', iconOnly: true, variant: 'ghost', size: 'sm', onClick: () => dialog.close('') })),
    h('div', { class: 'dialog__body', id: bodyId }, typeof body === 'string' ? h('p', {}, body) : body),
    buttons.length ? h('div', { class: 'dialog__footer' }, buttons) : null,
  );

  // A click that lands on the <dialog> element itself, outside its box, is a click on the backdrop.
  dialog.addEventListener('click', (event) => {
    if (event.target !== dialog) return;
    const box = dialog.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) dialog.close('');
  });

  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const chosen = dialog.returnValue === '' ? null : actions[Number(dialog.returnValue)]?.value ?? null;
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(chosen);
    }, { once: true });
    document.body.append(dialog);
    dialog.showModal();
    if (!buttons.some((b) => b.autofocus)) (buttons[0] ?? dialog).focus();
  });
}

/** A yes/no question; resolves true only when confirmed. The safe choice comes first in the tab order. */
export async function confirmDialog({ title, message, confirmLabel, cancelLabel, danger = false }) {
  const result = await openDialog({
    title,
    body: message,
    actions: [
      { label: cancelLabel ?? t('dialog.cancel'), value: false, variant: 'secondary', autofocus: true },
      { label: confirmLabel ?? t('dialog.confirm'), value: true, variant: danger ? 'danger' : 'primary' },
    ],
  });
  return result === true;
}

// Password fields with a show/hide toggle: the toggle is a real button with a pressed state, so it is announced and reachable by keyboard.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { field } from './form.js';
import { icon } from './icons.js';

/**
 * passwordField({ label, name, hint, autocomplete: 'current-password'|'new-password', required })
 * → a .field like field() builds, whose input can be shown in clear text.
 */
export function passwordField({ label, name, hint, autocomplete = 'current-password', required = true, attrs = {} }) {
  const wrapper = field({
    label,
    name,
    type: 'password',
    hint,
    required,
    attrs: { autocomplete, spellcheck: 'false', autocapitalize: 'off', ...attrs },
  });
  const input = wrapper.querySelector('input');
  const toggle = h('button', {
    type: 'button',
    class: 'password-input__toggle',
    'aria-pressed': 'false',
    'aria-controls': input.id,
  });
  const draw = (shown) => {
    toggle.setAttribute('aria-pressed', String(shown));
    toggle.replaceChildren(icon(shown ? 'eyeOff' : 'eye'), h('span', { class: 'password-input__label' }, shown ? t('password.hide') : t('password.show')));
  };
  draw(false);
  toggle.addEventListener('click', () => {
    const shown = input.type === 'password';
    input.type = shown ? 'text' : 'password';
    draw(shown);
  });
  const box = h('div', { class: 'password-input' });
  input.replaceWith(box);
  box.append(input, toggle);
  return wrapper;
}

/** Puts every password field of form back to hidden (before it is sent, so no browser saves it shown). */
export function hidePasswords(form) {
  for (const toggle of form.querySelectorAll('.password-input__toggle[aria-pressed="true"]')) toggle.click();
}

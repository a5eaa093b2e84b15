// Form building blocks: fields whose label, hint and error are tied to the control by id, and the display of validation errors.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from './icons.js';

/**
 * field({ label, name, type, hint, required, control: 'input'|'textarea'|'select', options, attrs, markOptional })
 * → the .field wrapper; its control is field.querySelector('[name]').
 * Optional fields say so in the label rather than marking required ones with an asterisk;
 * markOptional: false leaves that out where it means nothing (search boxes, list filters, read-only values).
 */
export function field({ label, name, type = 'text', hint, required = false, control = 'input', options = [], attrs = {}, markOptional = true }) {
  const id = uid(`field-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  let input;
  const common = { id, name, required: required || null, 'aria-describedby': hintId, ...attrs };
  if (control === 'textarea') {
    input = h('textarea', { class: 'textarea', ...common });
  } else if (control === 'select') {
    input = h('select', { class: 'select', ...common }, options.map((o) => h('option', { value: o.value }, o.label)));
  } else {
    input = h('input', { class: 'input', type, ...common });
  }
  return h('div', { class: 'field' },
    h('label', { class: 'field__label', for: id }, label,
      required || !markOptional ? null : h('span', { class: 'field__optional' }, ` ${t('form.optional')}`)),
    hint ? h('p', { class: 'field__hint', id: hintId }, hint) : null,
    input);
}

/** A group of checkboxes or radio buttons under a legend. options: [{ value, label, checked }] */
export function choiceGroup({ legend, name, type = 'checkbox', options, hint }) {
  const hintId = hint ? uid(`hint-${name}`) : null;
  return h('fieldset', { class: 'fieldset', 'aria-describedby': hintId },
    h('legend', { class: 'fieldset__legend' }, legend),
    hint ? h('p', { class: 'field__hint', id: hintId }, hint) : null,
    options.map((option) => h('label', { class: 'choice' },
      h('input', { type, name, value: option.value, checked: option.checked || null }),
      h('span', {}, option.label))));
}

/** Shows message under the control, marks it invalid and adds the message to what screen readers read with it. */
export function setFieldError(control, message) {
  clearFieldError(control);
  const wrapper = control.closest('.field');
  const errorId = `${control.id}-error`;
  wrapper.classList.add('field--error');
  control.setAttribute('aria-invalid', 'true');
  control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), errorId].filter(Boolean).join(' '));
  wrapper.append(h('p', { class: 'field__error', id: errorId }, icon('error'), h('span', {}, message)));
}

export function clearFieldError(control) {
  const wrapper = control.closest('.field');
  const errorId = `${control.id}-error`;
  document.getElementById(errorId)?.remove();
  wrapper.classList.remove('field--error');
  control.removeAttribute('aria-invalid');
  const rest = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== errorId);
  if (rest.length) control.setAttribute('aria-describedby', rest.join(' '));
  else control.removeAttribute('aria-describedby');
}

/**
 * showErrors(form, { name: message }) clears previous errors, shows the new ones and focuses the first
 * invalid control (in document order), so the person lands where the problem is. Returns true when there were none.
 */
export function showErrors(form, errors) {
  for (const control of form.querySelectorAll('[aria-invalid="true"]')) clearFieldError(control);
  let first = null;
  for (const control of form.querySelectorAll('[name]')) {
    const message = errors[control.name];
    if (!message || control.closest('.field') === null) continue;
    setFieldError(control, message);
    first ??= control;
  }
  first?.focus();
  return first === null;
}

/**
 * A message about the whole form (the server refused it, the network failed), shown at its top in
 * an alert that screen readers announce at once. null clears it.
 */
export function setFormError(form, message) {
  form.querySelector(':scope > .form__alert')?.remove();
  if (!message) return null;
  const alert = h('div', { class: 'alert alert--error form__alert', role: 'alert', tabindex: '-1' },
    icon('error'), h('p', {}, message));
  form.prepend(alert);
  return alert;
}

/** The values of a form's named controls, trimmed except passwords: { name: value }. */
export function formValues(form) {
  const values = {};
  for (const control of form.querySelectorAll('[name]')) {
    if (control.type === 'checkbox') values[control.name] = control.checked;
    else if (control.type === 'radio') { if (control.checked) values[control.name] = control.value; }
    else if (control.type === 'password') values[control.name] = control.value;
    else values[control.name] = control.value.trim();
  }
  return values;
}

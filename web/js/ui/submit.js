// Form submission in one place: busy button, client-side checks, the server's refusal shown on the right field or at the top of the form.
import { setBusy } from './button.js';
import { formValues, setFormError, showErrors } from './form.js';
import { reportError } from '../errors.js';

/** Thrown by a submit action when the input is wrong before anything is sent: { field: message }. */
export class Invalid extends Error {
  constructor(errors) {
    super('invalid form');
    this.errors = errors;
  }
}

/**
 * onSubmit(form, async (values, form) => { … }, { fields }) handles submit: previous errors cleared,
 * the submit button busy (so it cannot be sent twice), Invalid shown field by field, any other
 * failure through reportError (fields: false keeps server messages at form level).
 */
export function onSubmit(form, action, { fields = true } = {}) {
  form.noValidate = true; // our messages, in the page's language, replace the browser's bubbles
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = event.submitter ?? form.querySelector('[type="submit"]');
    if (button?.getAttribute('aria-busy') === 'true') return;
    setFormError(form, null);
    showErrors(form, {});
    if (button) setBusy(button, true);
    try {
      await action(formValues(form), form);
    } catch (err) {
      if (err instanceof Invalid) showErrors(form, err.errors);
      else reportError(err, { form, fields });
    } finally {
      if (button?.isConnected) setBusy(button, false);
    }
  });
}

/** The common checks, returning { field: message } for what is wrong. */
export function required(values, names, message) {
  const errors = {};
  for (const name of names) if (!values[name]) errors[name] = message;
  return errors;
}

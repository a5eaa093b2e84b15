// The password rules the server applies (12 characters at least, any characters, no composition rules), checked here first so people learn them before sending.
import { t } from '../i18n.js';

export const PASSWORD_MIN = 12;

/** Code points, not UTF-16 units: "é" and an emoji count as one character each, as on the server. */
export function passwordLength(value) {
  return [...value].length;
}

/**
 * The problems of a new password and its confirmation, as { field: message } under the given
 * field names. The server still has the last word (common passwords, the person's name).
 */
export function passwordProblems(password, confirm, passwordName = 'password', confirmName = 'confirm') {
  const problems = {};
  if (!password) problems[passwordName] = t('password.error.missing');
  else if (passwordLength(password) < PASSWORD_MIN) problems[passwordName] = t('error.password.too_short', { min: PASSWORD_MIN });
  if (confirmName && password && confirm !== password) problems[confirmName] = t('password.error.mismatch');
  return problems;
}

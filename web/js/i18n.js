// Translation: loads one message catalogue per language (/i18n/fr.json, /i18n/en.json), looks keys up with t(), and translates static markup through data-i18n attributes.

export const LANGUAGES = ['fr', 'en'];
export const DEFAULT_LANGUAGE = 'fr'; // the users are French: French whatever the browser says, English on request
const STORAGE_KEY = 'relais.lang';

// Static markup names its key in one of these attributes; the value goes to the text or to the attribute.
const ATTRIBUTE_BINDINGS = [
  ['data-i18n-aria-label', 'aria-label'],
  ['data-i18n-placeholder', 'placeholder'],
  ['data-i18n-title', 'title'],
];

let language = DEFAULT_LANGUAGE;
let messages = {};
const catalogues = new Map();
const listeners = new Set();

async function loadCatalogue(lang) {
  if (!catalogues.has(lang)) {
    // Cache the promise, not the result, so concurrent callers share one request.
    const pending = fetch(`/i18n/${lang}.json`, { credentials: 'same-origin' }).then((res) => {
      if (!res.ok) throw new Error(`catalogue ${lang}: HTTP ${res.status}`);
      return res.json();
    });
    catalogues.set(lang, pending);
    pending.catch(() => catalogues.delete(lang));
  }
  return catalogues.get(lang);
}

function storedLanguage() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage can be disabled (private modes, policies): fall back to the default
  }
}

function storeLanguage(lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* not persisted, but the switch still works for this page */
  }
}

/** Loads the saved language (or French) and translates the document. Call once at boot. */
export async function initI18n() {
  const saved = storedLanguage();
  await setLanguage(LANGUAGES.includes(saved) ? saved : DEFAULT_LANGUAGE, { persist: false });
}

/** Switches language: loads its catalogue, sets <html lang>, retranslates static markup and tells listeners (pages re-render). */
export async function setLanguage(lang, { persist = true } = {}) {
  if (!LANGUAGES.includes(lang)) throw new Error(`unsupported language: ${lang}`);
  messages = await loadCatalogue(lang);
  language = lang;
  document.documentElement.lang = lang;
  if (persist) storeLanguage(lang);
  translateTree(document);
  for (const listener of listeners) listener(lang);
}

export function getLanguage() {
  return language;
}

/** Subscribes to language changes; returns the unsubscribe function. */
export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * t('search.results_for', { query: 'RGPD' }) → the message with {name} placeholders filled.
 * A message may be a plural object ({ "one": "…", "other": "…" }): the form is chosen from vars.count
 * with the language's plural rules. Numbers are formatted for the language.
 * A missing key returns the key itself (and warns) so the gap shows instead of an empty element.
 */
export function t(key, vars = {}) {
  let message = messages[key];
  if (message === undefined) {
    console.warn(`i18n: missing key "${key}" in ${language}`);
    return key;
  }
  if (typeof message === 'object') {
    const form = new Intl.PluralRules(language).select(Number(vars.count ?? 0));
    message = message[form] ?? message.other;
  }
  return message.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in vars)) return whole;
    const value = vars[name];
    return typeof value === 'number' ? formatNumber(value) : String(value);
  });
}

export function formatNumber(value) {
  return new Intl.NumberFormat(language).format(value);
}

/** Date and time in the current language, e.g. "25 nov. 2025, 14:32". */
export function formatDateTime(date, options = { dateStyle: 'medium', timeStyle: 'short' }) {
  return new Intl.DateTimeFormat(language, options).format(date);
}

/** Applies data-i18n (text) and data-i18n-* (attributes) under root. */
export function translateTree(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const [dataAttr, target] of ATTRIBUTE_BINDINGS) {
    for (const el of root.querySelectorAll(`[${dataAttr}]`)) {
      el.setAttribute(target, t(el.getAttribute(dataAttr)));
    }
  }
}

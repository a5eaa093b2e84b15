// The header search box: suggestions while typing (GET /api/search/suggest) in a listbox grouped by kind, after the WAI-ARIA combobox pattern; Enter without a chosen suggestion opens /recherche?q=….
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { KINDS, kindIcon, kindGroupLabel, markTyped, appPath } from './search-kinds.js';

const DEBOUNCE_MS = 120; // short enough to feel immediate, long enough to skip most keystrokes of a word
const CACHE_SIZE = 30; // recent answers, so Backspace shows the previous list at once
const MAX_QUERY = 200; // the input's maxlength
const MAX_SUGGEST_BYTES = 100; // the longest text the server completes (UTF-8 bytes)
const utf8 = new TextEncoder();

/*
 * Keyboard (focus stays in the input; the highlighted option is named by aria-activedescendant):
 *   ↓ / ↑       open the list, move to the next / previous suggestion (wrapping round)
 *   Alt+↓ / Alt+↑ open / close the list without choosing
 *   Enter       go to the highlighted suggestion, or search for the text when none is
 *   Escape      close the list; when it is closed, empty the box
 *   Tab         close the list and move on as usual
 * The mouse (or a finger) chooses with a click; the input keeps focus meanwhile.
 */

/**
 * setupSearchBox({ form, input, listbox, status, navigate, enabled })
 *  - form, input: the header form and its input (role=combobox, aria-controls = listbox.id in the markup);
 *  - listbox: the empty, hidden role=listbox element;
 *  - status: a polite live region that says how many suggestions there are;
 *  - navigate(path): the router's navigation;
 *  - enabled(): whether to ask for suggestions at all (the endpoint needs a session).
 * Returns { reset(value) }: puts value in the box and closes the list (the shell calls it after each page change).
 */
export function setupSearchBox({ form, input, listbox, status, navigate, enabled = () => true }) {
  let timer = null;
  let controller = null;
  let options = []; // [{ el, suggestion }] in display order
  let active = -1;
  let shownFor = null; // the query the options answer
  const cache = new Map();

  const isOpen = () => input.getAttribute('aria-expanded') === 'true';

  function open() {
    if (!options.length) return;
    listbox.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function close() {
    setActive(-1);
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  }

  function setActive(index) {
    if (options[active]) options[active].el.setAttribute('aria-selected', 'false');
    active = index;
    const option = options[active];
    if (!option) {
      input.removeAttribute('aria-activedescendant');
      return;
    }
    option.el.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', option.el.id);
    option.el.scrollIntoView({ block: 'nearest' });
  }

  function cancelPending() {
    clearTimeout(timer);
    controller?.abort();
    controller = null;
  }

  /** Fills the list with suggestions, grouped by kind in the order of KINDS. */
  function show(query, suggestions) {
    close();
    shownFor = query;
    options = [];
    const groups = [];
    for (const kind of KINDS) {
      const ofKind = suggestions.filter((s) => s.type === kind && appPath(s.url));
      if (!ofKind.length) continue;
      const headingId = `${listbox.id}-group-${kind}`;
      groups.push(h('div', { class: 'search-suggest__group', role: 'group', 'aria-labelledby': headingId },
        h('div', { class: 'search-suggest__heading', id: headingId, role: 'presentation' }, kindGroupLabel(kind)),
        ofKind.map((suggestion) => {
          const el = h('div', {
            class: 'search-suggest__option',
            id: `${listbox.id}-option-${options.length}`,
            role: 'option',
            'aria-selected': 'false',
          },
          h('span', { class: 'search-suggest__icon' }, kindIcon(kind)),
          h('span', { class: 'search-suggest__text' },
            h('span', { class: 'search-suggest__label' }, markTyped(suggestion.label, query)),
            suggestion.detail ? h('span', { class: 'search-suggest__detail' }, String(suggestion.detail)) : null));
          options.push({ el, suggestion });
          return el;
        })));
    }
    listbox.replaceChildren(...groups);
    status.textContent = options.length
      ? t('search.suggest.count', { count: options.length })
      : '';
    if (options.length && document.activeElement === input) open();
  }

  function clear() {
    cancelPending();
    close();
    options = [];
    shownFor = null;
    listbox.replaceChildren();
    status.textContent = '';
  }

  async function suggest(query) {
    if (cache.has(query)) {
      show(query, cache.get(query));
      return;
    }
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    let suggestions;
    try {
      const data = await api.get(`/api/search/suggest?q=${encodeURIComponent(query)}`, { signal });
      suggestions = Array.isArray(data?.suggestions) ? data.suggestions : [];
    } catch (err) {
      // Suggestions are a convenience: when they fail (index unavailable, connection lost) the box
      // still searches with Enter, and the results page says what went wrong.
      if (err.name !== 'AbortError' && !signal.aborted) clear();
      return;
    }
    if (signal.aborted || input.value.trim() !== query) return; // the text changed meanwhile
    cache.set(query, suggestions);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
    show(query, suggestions);
  }

  function choose(index) {
    const option = options[index];
    if (!option) return;
    const path = appPath(option.suggestion.url);
    clear();
    navigate(path);
  }

  function search() {
    const query = input.value.trim().slice(0, MAX_QUERY);
    clear();
    navigate(query ? `/recherche?q=${encodeURIComponent(query)}` : '/recherche');
  }

  input.addEventListener('input', () => {
    const query = input.value.trim();
    cancelPending();
    // Beyond the length the server completes there is nothing to suggest: Enter still searches.
    if (!query || !enabled() || utf8.encode(query).length > MAX_SUGGEST_BYTES) {
      clear();
      return;
    }
    // The list on screen no longer answers the text: nothing stays highlighted in it.
    if (query !== shownFor) setActive(-1);
    timer = setTimeout(() => suggest(query), DEBOUNCE_MS);
  });

  input.addEventListener('keydown', (event) => {
    if (event.isComposing) return; // an input method is composing a character
    const count = options.length;
    switch (event.key) {
      case 'ArrowDown':
        if (!count) return;
        event.preventDefault();
        if (!isOpen()) open();
        if (!event.altKey) setActive(active + 1 >= count ? 0 : active + 1);
        break;
      case 'ArrowUp':
        if (!count) return;
        event.preventDefault();
        if (event.altKey) {
          close();
        } else {
          if (!isOpen()) open();
          setActive(active <= 0 ? count - 1 : active - 1);
        }
        break;
      case 'Enter':
        if (isOpen() && active >= 0) {
          event.preventDefault();
          choose(active);
        }
        // Otherwise the form is submitted: see the submit listener.
        break;
      case 'Escape':
        // Prevented in both cases: a search input would also empty itself on its own.
        event.preventDefault();
        if (isOpen()) {
          close();
        } else if (input.value) {
          input.value = '';
          clear();
        }
        break;
      case 'Tab':
        close();
        break;
      case 'ArrowLeft':
      case 'ArrowRight':
      case 'Home':
      case 'End':
        // These move the caret in the text, which takes the highlight off the list.
        setActive(-1);
        break;
      default:
        break;
    }
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });

  // Coming back to the box shows the suggestions for its text again.
  input.addEventListener('focus', () => {
    if (options.length && input.value.trim() === shownFor) open();
  });
  input.addEventListener('click', () => {
    if (!isOpen() && options.length && input.value.trim() === shownFor) open();
  });
  input.addEventListener('blur', () => close());

  // Pressing on an option must not take focus from the input (which would close the list first).
  listbox.addEventListener('mousedown', (event) => event.preventDefault());
  listbox.addEventListener('click', (event) => {
    const el = event.target.closest('[role="option"]');
    if (el) choose(options.findIndex((o) => o.el === el));
  });

  return {
    reset(value) {
      clear();
      input.value = value;
    },
  };
}

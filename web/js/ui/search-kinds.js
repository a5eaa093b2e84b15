// The kinds of things search finds (tag, community, person, document): their icons and names, and the marking of the typed words in a label, shared by the header suggestions and the results page.
import { h, svg } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from './icons.js';

/** Every kind the server returns, in the order the suggestion groups and the type facet show them. */
export const KINDS = ['tag', 'community', 'person', 'document'];

const ICONS = { community: 'users', person: 'user', document: 'file' };

/** The pictogram of a kind (decorative: the kind is always said in words next to it). */
export function kindIcon(kind, { className } = {}) {
  if (kind !== 'tag') return icon(ICONS[kind] ?? 'search', { className });
  // A label tag; drawn here because the shared icon set has no keyword pictogram.
  return svg('svg', { class: ['icon', className], viewBox: '0 0 24 24', focusable: 'false', 'aria-hidden': 'true' },
    svg('path', { d: 'M3.5 12.3V4.5a1 1 0 0 1 1-1h7.8l8.3 8.3a1.5 1.5 0 0 1 0 2.1l-6 6a1.5 1.5 0 0 1-2.1 0z' }),
    svg('circle', { cx: 8.2, cy: 8.2, r: 1.6 }));
}

/** One hit's kind, e.g. "Document" (the keys are written out so the catalogue check finds them). */
export function kindLabel(kind) {
  switch (kind) {
    case 'tag': return t('search.kind.tag');
    case 'community': return t('search.kind.community');
    case 'person': return t('search.kind.person');
    case 'document': return t('search.kind.document');
    default: return String(kind);
  }
}

/** A group of that kind, e.g. "Documents": suggestion groups and the type facet. */
export function kindGroupLabel(kind) {
  switch (kind) {
    case 'tag': return t('search.group.tag');
    case 'community': return t('search.group.community');
    case 'person': return t('search.group.person');
    case 'document': return t('search.group.document');
    default: return String(kind);
  }
}

// Case and accents do not matter when matching what was typed: "equipe" marks "Équipe".
function fold(text) {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/**
 * markTyped('Qualité des soins', 'qual') → [<mark>Qualité</mark>…]: the label as text nodes, with
 * the places where a word of the query starts a word of the label wrapped in <mark>. Text stays
 * text: the label is never parsed as HTML.
 */
export function markTyped(label, query) {
  const text = String(label ?? '');
  const words = fold(query ?? '').split(/\s+/).filter(Boolean);
  if (!words.length || !text) return [text];
  // Fold character by character, remembering which original character each folded one came from.
  const chars = [...text];
  let folded = '';
  const owner = [];
  chars.forEach((ch, i) => {
    const f = fold(ch);
    folded += f;
    for (let k = 0; k < f.length; k += 1) owner.push(i);
  });
  const marked = new Array(chars.length).fill(false);
  for (const word of words) {
    for (let at = folded.indexOf(word); at !== -1; at = folded.indexOf(word, at + 1)) {
      const startsWord = at === 0 || !/[\p{L}\p{N}]/u.test(folded[at - 1]);
      if (!startsWord) continue;
      for (let k = at; k < at + word.length; k += 1) marked[owner[k]] = true;
    }
  }
  const parts = [];
  let run = '';
  let runMarked = false;
  const flush = () => {
    if (run) parts.push(runMarked ? h('mark', {}, run) : run);
    run = '';
  };
  chars.forEach((ch, i) => {
    if (marked[i] !== runMarked) {
      flush();
      runMarked = marked[i];
    }
    run += ch;
  });
  flush();
  return parts;
}

/**
 * A link target the server sent (hit or suggestion url) if it is a path of this app, else null:
 * an absolute or protocol-relative URL is never followed from search data.
 */
export function appPath(url) {
  return typeof url === 'string' && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') ? url : null;
}

// Shared pieces of the document library's pages: sizes, words for statuses and file types, folder paths from the flat folder list, and the small dialogs that ask for a name or a destination folder.
import { h, svg, uid } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { openDialog } from './dialog.js';

/** A folder pictogram, drawn like the shared icons (ui/icons.js has none). */
export function folderIcon() {
  return svg('svg', { class: 'icon', viewBox: '0 0 24 24', focusable: 'false', 'aria-hidden': 'true' },
    svg('path', { d: 'M3 7a2 2 0 0 1 2-2h4.5l2 2.5H19a2 2 0 0 1 2 2V18a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z' }));
}

/** 1536 → "1,5 Ko" (French) / "1.5 KB" (English). */
export function formatSize(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024) return t('library.size.bytes', { count: n });
  const units = [['library.size.kb', 1024], ['library.size.mb', 1024 ** 2], ['library.size.gb', 1024 ** 3]];
  let chosen = units[0];
  for (const unit of units) if (n >= unit[1]) chosen = unit;
  const value = Math.round((n / chosen[1]) * 10) / 10;
  switch (chosen[0]) {
    case 'library.size.kb': return t('library.size.kb', { size: formatNumber(value) });
    case 'library.size.mb': return t('library.size.mb', { size: formatNumber(value) });
    default: return t('library.size.gb', { size: formatNumber(value) });
  }
}

export const STATUSES = ['draft', 'in_review', 'validated', 'archived'];

export function docStatusLabel(status) {
  switch (status) {
    case 'draft': return t('document.status.draft');
    case 'in_review': return t('document.status.in_review');
    case 'validated': return t('document.status.validated');
    default: return t('document.status.archived');
  }
}

export function docStatusBadge(status) {
  const tone = { draft: '', in_review: 'badge--warning', validated: 'badge--success', archived: 'badge--accent' }[status] ?? '';
  return h('span', { class: ['badge', tone, 'doc-status'] }, docStatusLabel(status));
}

/** The type filters the list API understands (a media type prefix), with their words. */
export const TYPE_FILTERS = [
  { value: 'application/pdf', label: () => t('library.type.pdf') },
  { value: 'image/', label: () => t('library.type.image') },
  { value: 'text/', label: () => t('library.type.text') },
  { value: 'application/vnd.', label: () => t('library.type.office') },
];

/** A short word for a media type: "PDF", "Image PNG", "Texte", "Document Word"… */
export function typeLabel(mediaType = '') {
  if (mediaType === 'application/pdf') return t('library.kind.pdf');
  if (mediaType.startsWith('image/')) return t('library.kind.image', { format: mediaType.slice(6).replace(/\+.*$/, '').toUpperCase() });
  if (mediaType === 'text/markdown') return t('library.kind.markdown');
  if (mediaType.startsWith('text/')) return t('library.kind.text');
  if (/wordprocessingml|opendocument\.text|msword/.test(mediaType)) return t('library.kind.word');
  if (/spreadsheetml|opendocument\.spreadsheet|ms-excel/.test(mediaType)) return t('library.kind.sheet');
  if (/presentationml|opendocument\.presentation|ms-powerpoint/.test(mediaType)) return t('library.kind.slides');
  if (/zip|compressed|rar|gzip/.test(mediaType)) return t('library.kind.archive');
  return t('library.kind.other');
}

/** Folders by id, from GET /api/communities/{id}/folders's items. */
export function folderIndex(items) {
  return new Map(items.map((f) => [f.id, f]));
}

/** The folders from the root down to id (inclusive); [] for the root. */
export function folderPath(index, id) {
  const path = [];
  const seen = new Set();
  let current = id ? index.get(id) : null;
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    path.unshift(current);
    current = current.parent_id ? index.get(current.parent_id) : null;
  }
  return path;
}

/** "Procédures / Hygiène" for a folder id; the root's name for null. */
export function folderPathText(index, id) {
  const path = folderPath(index, id);
  return path.length ? path.map((f) => f.name).join(' / ') : t('library.root');
}

/** Every folder as { id, label } in tree order, labels showing the path; except: ids to leave out with their subfolders. */
export function folderChoices(index, except = null) {
  const children = new Map();
  for (const f of index.values()) {
    const key = f.parent_id ?? 0;
    if (!children.has(key)) children.set(key, []);
    children.get(key).push(f);
  }
  const out = [];
  const walk = (parent) => {
    const list = (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name));
    for (const f of list) {
      if (f.id === except) continue;
      out.push({ id: f.id, label: folderPathText(index, f.id) });
      walk(f.id);
    }
  };
  walk(0);
  return out;
}

/** Asks for a name in a dialog: resolves to the trimmed text, or null when cancelled. */
export async function askName({ title, label, value = '', confirmLabel, maxlength = 200 }) {
  const id = uid('ask-name');
  const input = h('input', { class: 'input', id, name: 'name', maxlength: String(maxlength), autocomplete: 'off', value });
  const form = h('form', { class: 'form' }, h('div', { class: 'field' }, h('label', { class: 'field__label', for: id }, label), input));
  // Enter in the field confirms, as the dialog's button would.
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    form.closest('dialog')?.querySelector('.dialog__footer .btn--primary')?.click();
  });
  const pending = openDialog({
    title,
    body: form,
    actions: [
      { label: t('dialog.cancel'), value: false, variant: 'secondary' },
      { label: confirmLabel, value: true, variant: 'primary' },
    ],
  });
  input.focus();
  input.select();
  const ok = await pending;
  const text = input.value.trim();
  return ok && text ? text : null;
}

/** Asks for a destination folder: resolves to a folder id, 0 for the root, or null when cancelled. */
export async function askFolder({ title, index, current, except = null, confirmLabel }) {
  const id = uid('ask-folder');
  const select = h('select', { class: 'select', id, name: 'folder' },
    h('option', { value: '0' }, t('library.root')),
    folderChoices(index, except).map((c) => h('option', { value: String(c.id) }, c.label)));
  select.value = String(current ?? 0);
  const body = h('div', { class: 'field' }, h('label', { class: 'field__label', for: id }, t('library.move.destination')), select);
  const pending = openDialog({
    title,
    body,
    actions: [
      { label: t('dialog.cancel'), value: false, variant: 'secondary' },
      { label: confirmLabel, value: true, variant: 'primary' },
    ],
  });
  select.focus();
  const ok = await pending;
  return ok ? Number(select.value) : null;
}

/** Longest comment a status change carries (PATCH /api/documents/{id}, comment). */
export const REVIEW_COMMENT_MAX = 2000;

/**
 * Asks to confirm a status change of the validation workflow, with a comment for the review history.
 * recommended: the comment is not required but the label says it is expected (a rejection).
 * Resolves to { comment } (the trimmed text, maybe empty) when confirmed, or null when cancelled.
 */
export async function askReview({ title, message, label, hint, confirmLabel, danger = false, recommended = false }) {
  const id = uid('ask-review');
  const hintId = `${id}-hint`;
  const textarea = h('textarea', { class: 'textarea', id, name: 'comment', rows: 4, maxlength: String(REVIEW_COMMENT_MAX), 'aria-describedby': hintId });
  const body = h('div', { class: 'stack' },
    message ? h('p', {}, message) : null,
    h('div', { class: 'field' },
      h('label', { class: 'field__label', for: id }, label,
        h('span', { class: 'field__optional' }, ` ${recommended ? t('document.review.recommended') : t('form.optional')}`)),
      h('p', { class: 'field__hint', id: hintId }, hint),
      textarea));
  const pending = openDialog({
    title,
    body,
    actions: [
      { label: t('dialog.cancel'), value: false, variant: 'secondary' },
      { label: confirmLabel, value: true, variant: danger ? 'danger' : 'primary' },
    ],
  });
  textarea.focus();
  const ok = await pending;
  return ok ? { comment: textarea.value.trim() } : null;
}

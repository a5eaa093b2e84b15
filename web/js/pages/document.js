// A document (/documents/:id, the address validation e-mails carry): preview (PDFs in the browser's own viewer, in the page), details and their edit, the validation workflow with its comments and history, the check-out lock, moving and deleting, versions with download and restore, and a new version uploaded with its progress.
import { h, uid } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { navigate, refresh } from '../router.js';
import { guarded } from '../guard.js';
import { reportError, isAbort, errorPage, errorMessage } from '../errors.js';
import { button, linkButton, setBusy } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { toast } from '../ui/toast.js';
import { confirmDialog } from '../ui/dialog.js';
import { field, setFormError } from '../ui/form.js';
import { onSubmit, Invalid } from '../ui/submit.js';
import { loadingState, errorState } from '../ui/states.js';
import { uploadFile, uploadRow, uploadErrorMessage } from '../ui/upload.js';
import { renderMarkdown } from '../ui/markdown.js';
import { formatSize, docStatusBadge, typeLabel, folderIndex, folderPath, folderPathText, askFolder, askReview } from '../ui/documents.js';
import { libraryUrl } from './library.js';
import { render as renderNotFound } from './notfound.js';

// Text and Markdown larger than this are not shown inline (they would be slow to read in a page anyway).
const TEXT_PREVIEW_MAX = 512 * 1024;
// See preview(): the content route lets our own pages frame inline PDFs (frame-ancestors 'self').
const PDF_IN_PAGE = true;
const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function render(ctx) {
  return guarded(ctx, async () => {
    if (!/^\d+$/.test(ctx.params.id)) return renderNotFound(ctx);
    let doc;
    try {
      doc = await api.get(`/api/documents/${ctx.params.id}`, { signal: ctx.signal });
    } catch (err) {
      if (isAbort(err)) throw err;
      return errorPage(err, ctx);
    }
    // The community's name and folders, for the breadcrumb and the folder path; the page stands without them.
    const [community, folders] = await Promise.all([
      api.get(`/api/communities/${doc.community_id}`, { signal: ctx.signal }).catch((err) => { if (isAbort(err)) throw err; return null; }),
      api.get(`/api/communities/${doc.community_id}/folders`, { signal: ctx.signal }).then((r) => r.items).catch((err) => { if (isAbort(err)) throw err; return []; }),
    ]);
    return documentPage(ctx, doc, community, folderIndex(folders));
  });
}

function documentPage(ctx, doc, community, index) {
  const base = `/api/documents/${doc.id}`;
  const path = folderPath(index, doc.folder_id);
  const reload = () => refresh();

  const crumbs = [
    community ? h('a', { href: `/communautes/${community.id}` }, community.name) : null,
    h('a', { href: libraryUrl(doc.community_id, 0) }, t('library.title')),
    ...path.map((f) => h('a', { href: libraryUrl(doc.community_id, f.id) }, f.name)),
    h('span', { 'aria-current': 'page' }, doc.title),
  ].filter(Boolean);

  const node = h('div', { class: 'page page--wide document' },
    h('nav', { class: 'breadcrumb', 'aria-label': t('library.breadcrumb') },
      h('ol', { class: 'breadcrumb__list' }, crumbs.map((c) => h('li', {}, c)))),
    h('div', { class: 'page-header page-header--split' },
      h('div', { class: 'document__heading' },
        h('h1', { class: 'document__title' }, doc.title),
        h('p', { class: 'document__badges cluster' },
          docStatusBadge(doc.status),
          h('span', { class: 'badge' }, t('document.version_n', { number: doc.current_version })),
          doc.locked ? h('span', { class: 'badge badge--warning' }, icon('lock'), t('document.lock.badge')) : null)),
      h('div', { class: 'button-row' },
        linkButton({ label: t('document.download'), icon: 'download', variant: 'primary', href: `${base}/content?download=1`, attrs: { download: '' } }),
        INLINE_IMAGES.has(doc.file.media_type) || doc.file.media_type === 'application/pdf' ? linkButton({ label: t('document.open'), icon: 'eye', variant: 'secondary', href: `${base}/content`, attrs: { target: '_blank', rel: 'noopener' } }) : null)),
    lockNotice(doc, reload),
    workflow(doc, reload),
    h('div', { class: 'document__grid' },
      h('section', { class: 'section document__preview', 'aria-labelledby': 'document-preview' },
        h('h2', { id: 'document-preview' }, t('document.preview')),
        preview(doc, base, ctx.signal)),
      h('div', { class: 'document__side stack-lg' },
        details(doc, index),
        reviewHistory(doc),
        doc.can.edit ? editSection(doc, base, reload) : null,
        organise(doc, index, base, reload))),
    versionsSection(doc, base, ctx.signal, reload));
  return { title: doc.title, node };
}

/* ---- lock ---- */

function lockNotice(doc, reload) {
  const holder = doc.locked_by?.display_name;
  const mine = doc.locked && doc.can.add_version;
  // btn is the clicked button, taken before any await (event.currentTarget is null afterwards).
  const act = (method, done) => async (btn) => {
    setBusy(btn, true);
    try {
      if (method === 'POST') await api.post(`/api/documents/${doc.id}/lock`); // these routes take no body
      else await api.delete(`/api/documents/${doc.id}/lock`);
      toast(done, { type: 'success' });
      await reload();
    } catch (err) {
      reportError(err);
      if (btn.isConnected) setBusy(btn, false);
    }
  };
  if (!doc.locked) {
    if (!doc.can.lock) return null;
    return h('div', { class: 'document-lock' },
      h('p', { class: 'muted' }, t('document.lock.free')),
      button({ label: t('document.lock.take'), icon: 'lock', size: 'sm', onClick: (event) => act('POST', t('document.lock.taken'))(event.currentTarget) }));
  }
  const text = mine ? t('document.lock.mine')
    : holder ? t('document.lock.other', { name: holder, date: formatDateTime(new Date(doc.locked_at)) })
      : t('document.lock.other_hidden');
  return h('div', { class: ['alert', mine ? 'alert--info' : 'alert--warning', 'document-lock'], role: 'note' },
    icon('lock'),
    h('div', {},
      h('strong', { class: 'alert__title' }, mine ? t('document.lock.mine_title') : t('document.lock.other_title')),
      h('p', {}, text),
      doc.can.unlock ? h('div', { class: 'button-row' },
        button({
          label: mine ? t('document.lock.release') : t('document.lock.break'),
          icon: 'lock', size: 'sm', variant: mine ? 'secondary' : 'danger',
          onClick: async (event) => {
            const btn = event.currentTarget;
            if (!mine) {
              const ok = await confirmDialog({ title: t('document.lock.break_title'), message: t('document.lock.break_text', { name: holder ?? '—' }), confirmLabel: t('document.lock.break'), danger: true });
              if (!ok) return;
            }
            await act('DELETE', mine ? t('document.lock.released') : t('document.lock.broken'))(btn);
          },
        })) : null));
}

/* ---- validation workflow ---- */

function workflow(doc, reload) {
  // ask: the dialog that confirms the change and takes the comment kept in the review history
  // (PATCH accepts one with a submission, a validation or a rejection); none for the others.
  const change = (status, done, ask) => async (event) => {
    const btn = event.currentTarget; // before any await: currentTarget is null once the event is dispatched
    let comment = '';
    if (ask) {
      const answer = await askReview(ask);
      if (!answer) return;
      comment = answer.comment;
    }
    setBusy(btn, true);
    try {
      await api.patch(`/api/documents/${doc.id}`, comment ? { status, comment } : { status });
      toast(done, { type: 'success' });
      await reload();
    } catch (err) {
      reportError(err);
      if (btn.isConnected) setBusy(btn, false);
    }
  };
  const buttons = [];
  // Any member who may write submits a draft (the API has no separate right for it).
  const canWrite = doc.can.edit || doc.can.add_version || doc.can.lock;
  if (doc.status === 'draft' && canWrite) {
    buttons.push(button({
      label: t('document.workflow.submit'), icon: 'arrowRight', variant: 'primary', size: 'sm',
      onClick: change('in_review', t('document.workflow.submitted'), {
        title: t('document.workflow.submit_title', { title: doc.title }),
        message: t('document.workflow.submit_text'),
        label: t('document.workflow.submit_comment'),
        hint: t('document.workflow.submit_hint'),
        confirmLabel: t('document.workflow.submit'),
      }),
    }));
  }
  if (doc.can.validate) {
    if (doc.status === 'in_review' || doc.status === 'draft') {
      buttons.push(button({
        label: t('document.workflow.validate'), icon: 'check', variant: 'primary', size: 'sm',
        onClick: change('validated', t('document.workflow.validated'), {
          title: t('document.workflow.validate_title', { title: doc.title }),
          message: t('document.workflow.validate_text', { number: doc.current_version }),
          label: t('document.workflow.validate_comment'),
          hint: t('document.workflow.validate_hint'),
          confirmLabel: t('document.workflow.validate'),
        }),
      }));
    }
    if (doc.status === 'in_review') {
      buttons.push(button({
        label: t('document.workflow.reject'), icon: 'close', variant: 'danger', size: 'sm',
        onClick: change('draft', t('document.workflow.rejected'), {
          title: t('document.workflow.reject_title'),
          message: t('document.workflow.reject_text'),
          label: t('document.workflow.reject_comment'),
          hint: t('document.workflow.reject_hint'),
          confirmLabel: t('document.workflow.reject'),
          danger: true,
          recommended: true,
        }),
      }));
    }
    if (doc.status === 'validated') {
      buttons.push(button({ label: t('document.workflow.archive'), icon: 'archive', size: 'sm', onClick: change('archived', t('document.workflow.archived')) }));
    }
    if (doc.status === 'validated' || doc.status === 'archived') {
      buttons.push(button({ label: t('document.workflow.reopen'), icon: 'refresh', variant: 'ghost', size: 'sm', onClick: change('draft', t('document.workflow.reopened')) }));
    }
  }
  const explain = {
    draft: t('document.workflow.draft_text'),
    in_review: doc.can.validate ? t('document.workflow.in_review_animator') : t('document.workflow.in_review_text'),
    validated: t('document.workflow.validated_text'),
    archived: t('document.workflow.archived_text'),
  }[doc.status];
  // A draft that was just sent back says why, where its author looks first.
  const last = doc.reviews?.[0];
  const sentBack = doc.status === 'draft' && last?.action === 'rejected' && last.comment ? last : null;
  return h('section', { class: 'document-workflow', 'aria-labelledby': 'document-workflow' },
    h('h2', { id: 'document-workflow', class: 'visually-hidden' }, t('document.workflow.title')),
    h('div', { class: 'document-workflow__text' },
      h('p', {}, explain),
      sentBack ? h('div', { class: 'document-workflow__rejection' },
        h('p', {}, t('document.workflow.last_rejection', { name: reviewerName(sentBack), date: formatDateTime(new Date(sentBack.at)) })),
        h('blockquote', { class: 'review__comment' }, sentBack.comment)) : null),
    buttons.length ? h('div', { class: 'button-row' }, buttons) : null);
}

function reviewerName(review) {
  return review.actor?.display_name ?? t('document.review.someone');
}

function reviewActionLabel(action) {
  switch (action) {
    case 'submitted': return t('document.review.submitted');
    case 'validated': return t('document.review.validated');
    default: return t('document.review.rejected');
  }
}

/** The workflow's history from GET /api/documents/{id} (reviews, newest first): who, when, which version, what, and their words. */
function reviewHistory(doc) {
  const reviews = doc.reviews ?? [];
  const tone = { submitted: 'badge--info', validated: 'badge--success', rejected: 'badge--error' };
  return h('section', { class: 'card document-reviews', 'aria-labelledby': 'document-reviews' },
    h('h2', { id: 'document-reviews' }, t('document.reviews.title')),
    reviews.length
      ? h('ol', { class: 'review-list' }, reviews.map((r) => h('li', { class: ['review', `review--${r.action}`] },
        h('p', { class: 'review__head' },
          h('span', { class: ['badge', tone[r.action] ?? ''] }, reviewActionLabel(r.action)),
          h('span', { class: 'review__meta' },
            h('strong', {}, reviewerName(r)), ' · ',
            h('time', { datetime: r.at }, formatDateTime(new Date(r.at))), ' · ',
            h('span', { class: 'review__version' }, t('document.version_n', { number: r.version })))),
        r.comment ? h('blockquote', { class: 'review__comment' }, r.comment) : null)))
      : h('p', { class: 'muted' }, t('document.reviews.empty')));
}

/* ---- preview ---- */

function preview(doc, base, signal) {
  const type = doc.file.media_type;
  const src = `${base}/content?v=${doc.current_version}`;
  if (type === 'application/pdf') {
    // The browser's own PDF viewer, in the page: the content route lets our own pages frame its
    // inline answers (frame-ancestors 'self', X-Frame-Options: SAMEORIGIN), every other answer
    // still refuses framing. A browser that shows no PDF in a page (navigator.pdfViewerEnabled
    // false: most phones) would leave the frame blank or start a download, so it gets the link.
    if (PDF_IN_PAGE && navigator.pdfViewerEnabled !== false) {
      return h('div', { class: 'preview preview--pdf' },
        h('iframe', { class: 'preview__frame', src, title: t('document.preview_of', { title: doc.title }), loading: 'lazy' }),
        h('p', { class: 'preview__note' },
          h('span', { class: 'muted' }, t('document.preview_pdf_note', { size: formatSize(doc.file.size) })), ' ',
          h('a', { href: src, target: '_blank', rel: 'noopener' }, t('document.open_pdf'))));
    }
    return h('div', { class: 'preview preview--none preview--pdf' },
      icon('file'),
      h('p', {}, t('document.preview_pdf', { size: formatSize(doc.file.size) })),
      linkButton({ label: t('document.open_pdf'), icon: 'eye', variant: 'primary', href: src, attrs: { target: '_blank', rel: 'noopener' } }));
  }
  if (INLINE_IMAGES.has(type)) {
    return h('div', { class: 'preview preview--image' }, h('img', { class: 'preview__image', src, alt: doc.title }));
  }
  if ((type === 'text/plain' || type === 'text/markdown' || type === 'text/csv') && doc.file.size <= TEXT_PREVIEW_MAX) {
    const box = h('div', { class: 'preview preview--text' }, loadingState({ label: t('document.preview_loading'), lines: 4 }));
    loadText(box, src, type === 'text/markdown', signal);
    return box;
  }
  return h('div', { class: 'preview preview--none' },
    icon('file'),
    h('p', {}, t('document.preview_none', { type: typeLabel(type) })),
    linkButton({ label: t('document.download_file', { name: doc.file.filename }), icon: 'download', variant: 'secondary', href: `${base}/content?download=1`, attrs: { download: '' } }));
}

async function loadText(box, src, markdown, signal) {
  try {
    const res = await fetch(src, { credentials: 'same-origin', signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    // Text is only ever text: textContent, or the Markdown renderer's DOM nodes, never HTML.
    box.replaceChildren(markdown ? h('div', { class: 'markdown' }, renderMarkdown(text)) : h('pre', { class: 'preview__text', text }));
  } catch (err) {
    if (isAbort(err)) return;
    box.replaceChildren(h('p', { class: 'muted' }, t('document.preview_failed')));
  }
}

/* ---- details ---- */

function details(doc, index) {
  const date = (iso) => (iso ? formatDateTime(new Date(iso)) : '—');
  const rows = [
    [t('document.field.description'), doc.description ? h('span', { class: 'document__description' }, doc.description) : h('span', { class: 'muted' }, t('document.no_description'))],
    [t('document.field.tags'), doc.tags.length ? h('span', { class: 'cluster' }, doc.tags.map((tag) => h('span', { class: 'tag' }, tag))) : h('span', { class: 'muted' }, '—')],
    [t('document.field.author'), doc.author?.display_name ?? '—'],
    [t('document.field.created'), date(doc.created_at)],
    [t('document.field.updated'), date(doc.updated_at)],
    [t('document.field.file'), doc.file.filename],
    [t('document.field.size'), formatSize(doc.file.size)],
    [t('document.field.type'), `${typeLabel(doc.file.media_type)} (${doc.file.media_type})`],
    [t('document.field.folder'), folderPathText(index, doc.folder_id)],
  ];
  return h('section', { class: 'card', 'aria-labelledby': 'document-details' },
    h('h2', { id: 'document-details' }, t('document.details')),
    h('dl', { class: 'facts document-facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
}

function editSection(doc, base, reload) {
  const form = h('form', { class: 'form', 'aria-labelledby': 'document-edit' },
    field({ label: t('document.field.title'), name: 'title', required: true, attrs: { maxlength: 300, value: doc.title } }),
    field({ label: t('document.field.description'), name: 'description', control: 'textarea', attrs: { maxlength: 5000, rows: 4 } }),
    field({ label: t('document.field.tags'), name: 'tags', hint: t('document.tags_hint'), attrs: { maxlength: 1200, value: doc.tags.join(', ') } }),
    h('div', { class: 'cluster' }, button({ label: t('document.save'), type: 'submit', icon: 'check', variant: 'primary' })));
  form.querySelector('[name="description"]').value = doc.description ?? '';
  onSubmit(form, async (values) => {
    if (!values.title) throw new Invalid({ title: t('error.required') });
    const tags = values.tags.split(',').map((s) => s.trim()).filter(Boolean);
    await api.patch(base, { title: values.title, description: values.description, tags });
    toast(t('document.saved'), { type: 'success' });
    await reload();
  });
  return h('details', { class: 'card document-edit' },
    h('summary', { class: 'document-edit__summary' }, icon('edit'), h('span', { id: 'document-edit' }, t('document.edit'))),
    form);
}

function organise(doc, index, base, reload) {
  if (!doc.can.edit && !doc.can.delete) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'document-organise' },
    h('h2', { id: 'document-organise' }, t('document.organise')),
    h('div', { class: 'button-row' },
      doc.can.edit ? button({
        label: t('document.move'), icon: 'arrowRight', size: 'sm',
        onClick: async () => {
          const to = await askFolder({ title: t('document.move_title', { title: doc.title }), index, current: doc.folder_id ?? 0, confirmLabel: t('document.move') });
          if (to === null || to === (doc.folder_id ?? 0)) return;
          try {
            await api.patch(base, { folder_id: to || null });
            toast(t('document.moved', { folder: folderPathText(index, to || null) }), { type: 'success' });
            await reload();
          } catch (err) {
            reportError(err);
          }
        },
      }) : null,
      doc.can.delete ? button({
        label: t('document.delete'), icon: 'trash', size: 'sm', variant: 'danger',
        onClick: async () => {
          const ok = await confirmDialog({ title: t('document.delete_title', { title: doc.title }), message: t('document.delete_text'), confirmLabel: t('document.delete'), danger: true });
          if (!ok) return;
          try {
            await api.delete(base);
            toast(t('document.deleted', { title: doc.title }), { type: 'success' });
            navigate(libraryUrl(doc.community_id, doc.folder_id));
          } catch (err) {
            reportError(err);
          }
        },
      }) : null));
}

/* ---- versions ---- */

function versionsSection(doc, base, signal, reload) {
  const list = h('div', {}, loadingState({ label: t('document.versions_loading'), lines: 3 }));
  loadVersions(doc, base, list, signal, reload);
  return h('section', { class: 'section', 'aria-labelledby': 'document-versions' },
    h('div', { class: 'section-head' },
      h('h2', { id: 'document-versions' }, t('document.versions')),
      h('span', { class: 'muted' }, t('library.versions_count', { count: doc.version_count }))),
    newVersion(doc, base, reload),
    list);
}

async function loadVersions(doc, base, list, signal, reload) {
  let items;
  try {
    ({ items } = await api.get(`${base}/versions`, { signal }));
  } catch (err) {
    if (isAbort(err)) return;
    list.replaceChildren(errorState({ title: t('document.versions_failed'), text: errorMessage(err), headingLevel: 3 }));
    return;
  }
  const rows = items.map((v) => h('tr', { class: v.current ? 'is-current' : null },
    h('th', { scope: 'row' }, t('document.version_n', { number: v.number }), v.current ? h('span', { class: 'badge badge--info version-current' }, t('document.current')) : null),
    h('td', { 'data-label': t('document.version.author') }, v.author?.display_name ?? '—'),
    h('td', { 'data-label': t('document.version.date') }, formatDateTime(new Date(v.created_at))),
    h('td', { 'data-label': t('document.version.size') }, formatSize(v.size)),
    h('td', { 'data-label': t('document.version.type') }, typeLabel(v.media_type)),
    h('td', { 'data-label': t('document.version.comment') }, v.restored_from ? t('document.version.restored_from', { number: v.restored_from }) : v.comment || h('span', { class: 'muted' }, '—')),
    h('td', { class: 'version-actions' },
      h('a', { class: 'btn btn--tertiary btn--sm', href: `${base}/versions/${v.number}/content?download=1`, download: '', 'aria-label': t('document.version.download_n', { number: v.number }) }, icon('download'), h('span', {}, t('document.version.download'))),
      !v.current && doc.can.add_version ? button({
        label: t('document.version.restore'), icon: 'refresh', size: 'sm', variant: 'ghost',
        attrs: { 'aria-label': t('document.version.restore_n', { number: v.number }) },
        onClick: async (event) => {
          const btn = event.currentTarget;
          const ok = await confirmDialog({ title: t('document.version.restore_title', { number: v.number }), message: t('document.version.restore_text', { number: v.number }), confirmLabel: t('document.version.restore') });
          if (!ok) return;
          setBusy(btn, true);
          try {
            const fresh = await api.post(`${base}/versions/${v.number}/restore`);
            toast(t('document.version.restored', { number: v.number, current: fresh.current_version }), { type: 'success' });
            await reload();
          } catch (err) {
            reportError(err);
            if (btn.isConnected) setBusy(btn, false);
          }
        },
      }) : null)));
  list.replaceChildren(h('div', { class: 'table-wrap' },
    h('table', { class: 'data-table version-table' },
      h('caption', { class: 'visually-hidden' }, t('document.versions')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('document.version.number')),
        h('th', { scope: 'col' }, t('document.version.author')),
        h('th', { scope: 'col' }, t('document.version.date')),
        h('th', { scope: 'col' }, t('document.version.size')),
        h('th', { scope: 'col' }, t('document.version.type')),
        h('th', { scope: 'col' }, t('document.version.comment')),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('document.version.actions'))))),
      h('tbody', {}, rows))));
}

function newVersion(doc, base, reload) {
  if (!doc.can.add_version) {
    // Someone else holds the lock (or the person may only read): say why there is no upload.
    if (doc.locked) return h('p', { class: 'muted document-new-version__blocked' }, icon('lock'), ' ', t('document.new_version.locked', { name: doc.locked_by?.display_name ?? '—' }));
    return null;
  }
  const fileId = uid('new-version-file');
  const fileInput = h('input', { type: 'file', id: fileId, name: 'file', class: 'input input--file', required: true });
  const progress = h('ul', { class: 'upload-list', 'aria-live': 'polite', 'aria-label': t('library.upload.list') });
  const form = h('form', { class: 'form document-new-version', 'aria-labelledby': 'document-new-version' },
    h('h3', { id: 'document-new-version' }, t('document.new_version.title')),
    h('div', { class: 'field' }, h('label', { class: 'field__label', for: fileId }, t('document.new_version.file')), fileInput),
    field({ label: t('document.new_version.comment'), name: 'comment', hint: t('document.new_version.comment_hint'), attrs: { maxlength: 1000 } }),
    h('div', { class: 'cluster' }, button({ label: t('document.new_version.send'), type: 'submit', icon: 'upload', variant: 'primary' })),
    progress);
  onSubmit(form, async (values) => {
    const file = fileInput.files[0];
    if (!file) throw new Invalid({ file: t('document.new_version.pick') });
    const row = uploadRow(file);
    progress.replaceChildren(row.node);
    try {
      const fresh = await uploadFile(`${base}/versions`, { file, fields: { comment: values.comment }, onProgress: (l, total) => row.progress(l, total) });
      row.done(t('document.new_version.done', { number: fresh.current_version }));
      toast(t('document.new_version.done', { number: fresh.current_version }), { type: 'success' });
      await reload();
    } catch (err) {
      if (isAbort(err)) return;
      row.fail(uploadErrorMessage(err));
      setFormError(form, uploadErrorMessage(err));
    }
  });
  return h('div', { class: 'card document-new-version-card' }, form);
}

// A community's document library (/communautes/:id/documents[/dossiers/:folder]?tri=&etiquette=&type=&statut=&page=): folders with their breadcrumb and actions, the documents sorted and filtered, uploads by drag and drop or picker with one progress bar per file, exports.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { guarded } from '../guard.js';
import { reportError, isAbort, errorMessage } from '../errors.js';
import { button, linkButton } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { toast } from '../ui/toast.js';
import { confirmDialog, openDialog } from '../ui/dialog.js';
import { field } from '../ui/form.js';
import { loadingState, emptyState, errorState } from '../ui/states.js';
import { pager } from '../ui/pager.js';
import { uploadFile, uploadRow, uploadErrorMessage } from '../ui/upload.js';
import {
  formatSize, docStatusBadge, docStatusLabel, typeLabel, STATUSES, TYPE_FILTERS,
  folderIndex, folderPath, askName, askFolder, folderIcon,
} from '../ui/documents.js';
import { loadCommunity } from './community.js';
import { render as renderNotFound } from './notfound.js';

const PAGE_SIZE = 50;
const SORTS = ['title', 'updated', 'created', 'size'];
// Uploads sent at the same time; the others wait their turn (one worker each on the server).
const PARALLEL_UPLOADS = 2;

/** The library's URL for a folder (0 or null = the root). */
export function libraryUrl(communityId, folderId) {
  return folderId ? `/communautes/${communityId}/documents/dossiers/${folderId}` : `/communautes/${communityId}/documents`;
}

export function render(ctx) {
  return guarded(ctx, async () => {
    if (ctx.params.folder !== undefined && !/^\d+$/.test(ctx.params.folder)) return renderNotFound(ctx);
    const { community: c, page } = await loadCommunity(ctx);
    if (page) return page;
    if (!c.can.read) {
      return {
        title: t('error.page.forbidden_title'),
        node: errorState({
          code: t('error.page.code', { status: 403 }),
          title: t('error.page.forbidden_title'),
          text: t('library.reserved'),
          actions: [{ label: t('library.back_community', { name: c.name }), href: `/communautes/${c.id}`, variant: 'primary', icon: 'arrowRight' }],
          page: true,
        }),
      };
    }
    let folders;
    try {
      folders = (await api.get(`/api/communities/${c.id}/folders`, { signal: ctx.signal })).items;
    } catch (err) {
      if (isAbort(err)) throw err;
      return { title: t('library.title'), node: errorState({ title: t('library.load_failed'), text: errorMessage(err), page: true }) };
    }
    const index = folderIndex(folders);
    const folderId = ctx.params.folder ? Number(ctx.params.folder) : 0;
    const folder = folderId ? index.get(folderId) : null;
    if (folderId && !folder) return renderNotFound(ctx);
    return libraryPage(ctx, c, index, folder);
  });
}

function libraryPage(ctx, c, index, folder) {
  const canWrite = Boolean(c.can.write);
  const canEdit = Boolean(c.can.edit);
  const path = folder ? folderPath(index, folder.id) : [];
  const title = folder ? folder.name : t('library.title');

  const state = {
    sort: SORTS.includes(ctx.query.get('tri')) ? ctx.query.get('tri') : 'title',
    tag: ctx.query.get('etiquette') ?? '',
    type: TYPE_FILTERS.some((f) => f.value === ctx.query.get('type')) ? ctx.query.get('type') : '',
    status: STATUSES.includes(ctx.query.get('statut')) ? ctx.query.get('statut') : '',
    page: Math.max(1, Number.parseInt(ctx.query.get('page') ?? '1', 10) || 1),
  };

  const status = h('p', { class: 'results-status', role: 'status', 'aria-live': 'polite' });
  const results = h('div', { class: 'results' }, loadingState({ label: t('library.loading'), lines: 5 }));
  const uploads = h('ul', { class: 'upload-list', 'aria-live': 'polite', 'aria-label': t('library.upload.list') });

  let controller = null;
  ctx.signal.addEventListener('abort', () => controller?.abort());
  function update({ focus = false } = {}) {
    controller?.abort();
    controller = new AbortController();
    const params = new URLSearchParams();
    if (state.sort !== 'title') params.set('tri', state.sort);
    if (state.tag) params.set('etiquette', state.tag);
    if (state.type) params.set('type', state.type);
    if (state.status) params.set('statut', state.status);
    if (state.page > 1) params.set('page', String(state.page));
    const qs = params.toString();
    history.replaceState(history.state, '', `${libraryUrl(c.id, folder?.id)}${qs ? `?${qs}` : ''}`);
    return loadDocuments(c, folder, state, results, status, controller.signal, {
      goTo(page) {
        state.page = page;
        update({ focus: true });
      },
      filterTag(tag) {
        state.tag = tag;
        state.page = 1;
        filters.querySelector('[name="tag"]').value = tag;
        update();
      },
      clearFilters() {
        Object.assign(state, { tag: '', type: '', status: '', page: 1 });
        for (const name of ['tag', 'type', 'status']) filters.querySelector(`[name="${name}"]`).value = '';
        update();
      },
      canWrite,
    }).then(() => {
      if (focus) results.querySelector('.results-anchor')?.focus();
    });
  }

  const filters = filterBar(state, () => {
    state.page = 1;
    update();
  });

  // Uploads: the picker and the drop zone feed one queue.
  const picker = h('input', { type: 'file', multiple: true, class: 'visually-hidden', id: 'library-file-input', tabindex: '-1', 'aria-hidden': 'true' });
  let refreshTimer = null;
  const queue = uploadQueue({
    path: `/api/communities/${c.id}/documents`,
    fields: { folder_id: folder ? String(folder.id) : 'root' },
    list: uploads,
    left: ctx.signal,
    onLanded() {
      if (ctx.signal.aborted) return;
      // Several files landing together refresh the list once.
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => update(), 150);
    },
  });
  picker.addEventListener('change', () => {
    queue.add([...picker.files]);
    picker.value = '';
  });

  const uploadButton = canWrite
    ? button({ label: t('library.upload.choose'), icon: 'upload', variant: 'primary', onClick: () => picker.click() })
    : null;
  const actions = h('div', { class: 'button-row library-actions' },
    uploadButton,
    canWrite ? button({ label: t('library.folder.new'), icon: 'plus', onClick: () => createFolder(c, folder) }) : null,
    linkButton({
      label: folder ? t('library.export.folder') : t('library.export.all'),
      icon: 'download',
      variant: 'tertiary',
      href: folder ? `/api/folders/${folder.id}/export.zip` : `/api/communities/${c.id}/export.zip`,
      attrs: { download: '' },
    }),
    canEdit ? linkButton({ label: t('library.trash.link'), icon: 'trash', variant: 'ghost', href: `/communautes/${c.id}/documents/corbeille` }) : null);

  const dropzone = canWrite ? h('div', { class: 'dropzone', id: 'library-dropzone' },
    icon('upload'),
    h('p', { class: 'dropzone__text' }, h('strong', {}, t('library.upload.drop')), ' ', t('library.upload.drop_or')),
    button({ label: t('library.upload.choose_short'), size: 'sm', variant: 'secondary', onClick: () => picker.click() }),
    picker) : null;

  const node = h('div', { class: 'page page--wide library' },
    breadcrumb(c, path),
    h('div', { class: 'page-header page-header--split' },
      h('div', {},
        h('h1', { class: 'library__title' }, folder ? folderIcon() : icon('book'), h('span', {}, title)),
        h('p', { class: 'lead' }, folder ? t('library.folder_lead', { name: c.name }) : t('library.lead', { name: c.name }))),
      actions),
    c.archived ? h('div', { class: 'alert alert--warning' }, icon('archive'), h('p', {}, t('library.archived'))) : null,
    folder ? folderActions(c, folder, index, canWrite, canEdit) : null,
    subfolders(c, index, folder),
    dropzone,
    uploads,
    h('section', { class: 'section', 'aria-labelledby': 'library-documents' },
      h('h2', { id: 'library-documents' }, t('library.documents')),
      filters,
      status,
      results));

  if (dropzone) wireDrop(node, dropzone, (files) => queue.add(files));
  update();
  return { title: folder ? `${folder.name} · ${c.name}` : `${t('library.title')} · ${c.name}`, node };
}

function breadcrumb(c, path) {
  const items = [h('a', { href: `/communautes/${c.id}` }, c.name)];
  items.push(path.length ? h('a', { href: libraryUrl(c.id, 0) }, t('library.title')) : h('span', { 'aria-current': 'page' }, t('library.title')));
  path.forEach((f, i) => {
    items.push(i === path.length - 1 ? h('span', { 'aria-current': 'page' }, f.name) : h('a', { href: libraryUrl(c.id, f.id) }, f.name));
  });
  return h('nav', { class: 'breadcrumb', 'aria-label': t('library.breadcrumb') },
    h('ol', { class: 'breadcrumb__list' }, items.map((item) => h('li', {}, item))));
}

function subfolders(c, index, folder) {
  const children = [...index.values()].filter((f) => (f.parent_id ?? 0) === (folder?.id ?? 0))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (!children.length) return null;
  return h('section', { class: 'section', 'aria-labelledby': 'library-folders' },
    h('h2', { id: 'library-folders' }, t('library.folders')),
    h('ul', { class: 'folder-grid' }, children.map((f) => h('li', { class: 'folder-card' },
      h('span', { class: 'folder-card__icon' }, folderIcon()),
      h('a', { class: 'folder-card__name', href: libraryUrl(c.id, f.id) }, f.name),
      h('span', { class: 'folder-card__meta' }, t('library.folder.count', { count: f.document_count }))))));
}

function folderActions(c, folder, index, canWrite, canEdit) {
  if (!canWrite && !canEdit) return null;
  return h('div', { class: 'button-row folder-actions', role: 'group', 'aria-label': t('library.folder.actions', { name: folder.name }) },
    canWrite ? button({
      label: t('library.folder.rename'), icon: 'edit', size: 'sm', variant: 'secondary',
      onClick: async () => {
        const name = await askName({ title: t('library.folder.rename_title', { name: folder.name }), label: t('library.folder.name'), value: folder.name, confirmLabel: t('library.folder.rename') });
        if (!name || name === folder.name) return;
        try {
          await api.patch(`/api/folders/${folder.id}`, { name });
          toast(t('library.folder.renamed', { name }), { type: 'success' });
          navigate(location.pathname + location.search, { replace: true });
        } catch (err) {
          reportError(err);
        }
      },
    }) : null,
    canWrite ? button({
      label: t('library.folder.move'), icon: 'arrowRight', size: 'sm', variant: 'secondary',
      onClick: async () => {
        const to = await askFolder({ title: t('library.folder.move_title', { name: folder.name }), index, current: folder.parent_id ?? 0, except: folder.id, confirmLabel: t('library.folder.move') });
        if (to === null || to === (folder.parent_id ?? 0)) return;
        try {
          await api.patch(`/api/folders/${folder.id}`, { parent_id: to || null });
          toast(t('library.folder.moved', { name: folder.name }), { type: 'success' });
          navigate(location.pathname + location.search, { replace: true });
        } catch (err) {
          reportError(err);
        }
      },
    }) : null,
    canEdit ? button({
      label: t('library.folder.notices'), icon: 'mail', size: 'sm', variant: 'secondary',
      onClick: () => editNotices(folder),
    }) : null,
    canEdit ? button({
      label: t('library.folder.delete'), icon: 'trash', size: 'sm', variant: 'danger',
      onClick: async () => {
        const ok = await confirmDialog({ title: t('library.folder.delete_title', { name: folder.name }), message: t('library.folder.delete_text'), confirmLabel: t('library.folder.delete'), danger: true });
        if (!ok) return;
        try {
          await api.delete(`/api/folders/${folder.id}`);
          toast(t('library.folder.deleted', { name: folder.name }), { type: 'success' });
          navigate(libraryUrl(c.id, folder.parent_id));
        } catch (err) {
          if (err.code === 'conflict') toast(t('library.folder.not_empty'), { type: 'error' });
          else reportError(err);
        }
      },
    }) : null);
}

/** Who hears of a validation in this folder: the whole community, or the people the folder names (set through the API). */
async function editNotices(folder) {
  const box = h('input', { type: 'checkbox', name: 'notify_community', checked: folder.notify_community || null });
  const named = folder.recipients ?? [];
  const body = h('div', { class: 'stack' },
    h('p', {}, t('library.folder.notices_text')),
    h('label', { class: 'choice' }, box, h('span', {}, t('library.folder.notify_community'))),
    named.length ? h('p', { class: 'muted' }, t('library.folder.recipients', { names: named.map((r) => r.display_name).join(', ') })) : null);
  const ok = await openDialog({
    title: t('library.folder.notices_title', { name: folder.name }),
    body,
    actions: [
      { label: t('dialog.cancel'), value: false, variant: 'secondary' },
      { label: t('document.save'), value: true, variant: 'primary' },
    ],
  });
  if (!ok || box.checked === Boolean(folder.notify_community)) return;
  try {
    const saved = await api.patch(`/api/folders/${folder.id}`, { notify_community: box.checked });
    Object.assign(folder, saved);
    toast(saved.notify_community ? t('library.folder.notify_on') : t('library.folder.notify_off'), { type: 'success' });
  } catch (err) {
    reportError(err);
  }
}

async function createFolder(c, parent) {
  const name = await askName({ title: parent ? t('library.folder.new_in', { name: parent.name }) : t('library.folder.new'), label: t('library.folder.name'), confirmLabel: t('library.folder.create') });
  if (!name) return;
  try {
    const created = await api.post(`/api/communities/${c.id}/folders`, { name, parent_id: parent ? parent.id : null });
    toast(t('library.folder.created', { name: created.name }), { type: 'success' });
    navigate(libraryUrl(c.id, created.id));
  } catch (err) {
    if (err.code === 'conflict') toast(t('library.folder.exists'), { type: 'error' });
    else reportError(err);
  }
}

function filterBar(state, onChange) {
  const sort = field({
    label: t('library.sort'), name: 'sort', control: 'select', markOptional: false,
    options: [
      { value: 'title', label: t('library.sort.title') },
      { value: 'updated', label: t('library.sort.updated') },
      { value: 'created', label: t('library.sort.created') },
      { value: 'size', label: t('library.sort.size') },
    ],
  });
  const tag = field({ label: t('library.filter.tag'), name: 'tag', type: 'search', markOptional: false, attrs: { maxlength: 60, autocomplete: 'off', value: state.tag } });
  const type = field({
    label: t('library.filter.type'), name: 'type', control: 'select', markOptional: false,
    options: [{ value: '', label: t('library.filter.any_type') }, ...TYPE_FILTERS.map((f) => ({ value: f.value, label: f.label() }))],
  });
  const status = field({
    label: t('library.filter.status'), name: 'status', control: 'select', markOptional: false,
    options: [{ value: '', label: t('library.filter.any_status') }, ...STATUSES.map((s) => ({ value: s, label: docStatusLabel(s) }))],
  });
  const form = h('form', { class: 'toolbar toolbar--wrap library-filters', role: 'search', 'aria-label': t('library.filters') }, sort, tag, type, status);
  form.querySelector('[name="sort"]').value = state.sort;
  form.querySelector('[name="type"]').value = state.type;
  form.querySelector('[name="status"]').value = state.status;
  for (const name of ['sort', 'type', 'status']) {
    form.querySelector(`[name="${name}"]`).addEventListener('change', (event) => {
      state[name] = event.target.value;
      onChange();
    });
  }
  let timer = null;
  form.querySelector('[name="tag"]').addEventListener('input', (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.tag = event.target.value.trim();
      onChange();
    }, 300);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    state.tag = form.querySelector('[name="tag"]').value.trim();
    onChange();
  });
  return form;
}

async function loadDocuments(c, folder, state, results, status, signal, { goTo, filterTag, clearFilters, canWrite }) {
  const params = new URLSearchParams({
    folder_id: folder ? String(folder.id) : 'root',
    sort: state.sort,
    limit: String(PAGE_SIZE),
    offset: String((state.page - 1) * PAGE_SIZE),
  });
  if (state.tag) params.set('tag', state.tag);
  if (state.type) params.set('type', state.type);
  if (state.status) params.set('status', state.status);
  results.setAttribute('aria-busy', 'true');
  let data;
  try {
    data = await api.get(`/api/communities/${c.id}/documents?${params}`, { signal });
  } catch (err) {
    if (isAbort(err)) return;
    results.removeAttribute('aria-busy');
    results.replaceChildren(errorState({
      title: t('library.load_failed'),
      text: errorMessage(err),
      headingLevel: 3,
      actions: [{ label: t('error.page.retry'), icon: 'refresh', variant: 'primary', onClick: () => goTo(state.page) }],
    }));
    return;
  }
  results.removeAttribute('aria-busy');
  const filtered = Boolean(state.tag || state.type || state.status);
  status.textContent = t('library.count', { count: data.total });
  if (!data.items.length) {
    results.replaceChildren(filtered
      ? emptyState({ icon: 'search', title: t('library.empty_filtered'), text: t('library.empty_filtered_text'), headingLevel: 3, actions: [{ label: t('library.clear_filters'), onClick: clearFilters, variant: 'secondary' }] })
      : emptyState({ icon: 'file', title: folder ? t('library.empty_folder') : t('library.empty'), text: canWrite ? t('library.empty_text') : null, headingLevel: 3 }));
    return;
  }
  const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
  results.replaceChildren(...[
    h('span', { class: 'results-anchor visually-hidden', tabindex: '-1' }, t('pager.page_of', { page: state.page, pages })),
    h('ul', { class: 'list doc-list' }, data.items.map((d) => documentRow(d, filterTag))),
    pages > 1 ? pager({ page: state.page, pages, label: t('library.pages'), onPage: goTo }) : null].filter(Boolean));
}

function documentRow(d, filterTag) {
  const meta = [typeLabel(d.file.media_type), formatSize(d.file.size), d.author?.display_name,
    t('library.updated', { date: formatDateTime(new Date(d.updated_at), { dateStyle: 'medium' }) })].filter(Boolean).join(' · ');
  return h('li', { class: 'list__item doc-row' },
    h('span', { class: 'list__icon' }, icon('file')),
    h('div', { class: 'list__body' },
      h('a', { class: 'list__title', href: `/documents/${d.id}` }, d.title),
      h('span', { class: 'list__meta' }, meta),
      d.tags.length ? h('span', { class: 'doc-row__tags' }, d.tags.map((tag) => h('button', {
        type: 'button', class: 'tag tag--button', 'aria-label': t('library.filter.by_tag', { tag }), on: { click: () => filterTag(tag) },
      }, tag))) : null),
    h('span', { class: 'list__aside doc-row__aside' },
      docStatusBadge(d.status),
      d.locked ? h('span', { class: 'badge badge--warning', title: d.locked_by ? t('document.lock.held_by', { name: d.locked_by.display_name }) : null }, icon('lock'), t('document.lock.badge')) : null,
      d.version_count > 1 ? h('span', { class: 'badge' }, t('library.versions_count', { count: d.version_count })) : null));
}

/** Files dropped anywhere on the library page go to the queue; the drop zone lights up while something is dragged over. */
function wireDrop(page, zone, onFiles) {
  let depth = 0;
  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  page.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth += 1;
    zone.classList.add('dropzone--active');
  });
  page.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  page.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) zone.classList.remove('dropzone--active');
  });
  page.addEventListener('drop', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth = 0;
    zone.classList.remove('dropzone--active');
    const files = [...event.dataTransfer.files];
    if (files.length) onFiles(files);
  });
}

/**
 * A queue of uploads to one place, PARALLEL_UPLOADS at a time, each with its row in list.
 * Uploads go on when the person moves to another page of the app (left aborts): what they
 * chose is still saved, and a toast says so; closing the tab meanwhile asks first.
 */
function uploadQueue({ path, fields, list, left, onLanded }) {
  const waiting = [];
  let running = 0;
  const holdUnload = (event) => {
    event.preventDefault();
    event.returnValue = '';
  };
  function pump() {
    while (running < PARALLEL_UPLOADS && waiting.length) {
      const { file, row } = waiting.shift();
      running += 1;
      if (running === 1) window.addEventListener('beforeunload', holdUnload);
      uploadFile(path, { file, fields, onProgress: (loaded, total) => row.progress(loaded, total) })
        .then((doc) => {
          row.done(t('library.upload.done', { title: doc.title }), `/documents/${doc.id}`);
          if (left.aborted) toast(t('library.upload.done', { title: doc.title }), { type: 'success' });
          onLanded();
        })
        .catch((err) => {
          if (isAbort(err)) return;
          const message = uploadErrorMessage(err);
          row.fail(message);
          if (left.aborted) toast(`${t('library.upload.failed', { name: file.name })} ${message}`, { type: 'error' });
        })
        .finally(() => {
          running -= 1;
          if (!running && !waiting.length) window.removeEventListener('beforeunload', holdUnload);
          pump();
        });
    }
  }
  return {
    add(files) {
      for (const file of files) {
        const row = uploadRow(file);
        list.append(row.node);
        waiting.push({ file, row });
      }
      pump();
    },
  };
}

// File uploads with progress: multipart/form-data over XMLHttpRequest (fetch has no upload progress), the CSRF header from api.js, the server's errors as ApiError; and the per-file progress rows of the upload panels.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { ApiError, CLIENT_ERRORS, csrfHeaders } from '../api.js';
import { describeError } from '../errors.js';
import { icon } from './icons.js';
import { formatSize } from './documents.js';

/**
 * uploadFile('/api/communities/3/documents', { file, fields: { folder_id: '4' }, onProgress(loaded, total), signal })
 * → Promise of the JSON the server answers (201). The file goes in the form field "file".
 * Rejects with ApiError (status 0 and code network_error when the connection failed, e.g. a
 * server that refused a too large body before reading it) or an AbortError when signal aborts.
 */
export function uploadFile(path, { file, fields = {}, onProgress, signal } = {}) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined && value !== null) form.append(name, value);
    }
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      if (onProgress) onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    });
    xhr.addEventListener('load', () => {
      let data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && data) {
        resolve(data);
        return;
      }
      const error = data?.error;
      reject(new ApiError({
        status: xhr.status,
        code: typeof error?.code === 'string' ? error.code : xhr.status === 413 ? 'payload_too_large' : CLIENT_ERRORS.badResponse,
        message: typeof error?.message === 'string' ? error.message : `HTTP ${xhr.status}`,
        details: error?.details ?? null,
      }));
    });
    xhr.addEventListener('error', () => reject(new ApiError({ status: 0, code: CLIENT_ERRORS.network, message: 'upload failed' })));
    xhr.addEventListener('abort', () => reject(new DOMException('upload cancelled', 'AbortError')));
    if (signal) {
      if (signal.aborted) {
        reject(new DOMException('upload cancelled', 'AbortError'));
        return;
      }
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(form);
  });
}

/** What to tell a person about a failed upload: the size limit, a lock, a refusal, or the usual sentence. */
export function uploadErrorMessage(err) {
  if (err instanceof ApiError) {
    if (err.status === 413 || err.code === 'payload_too_large') return t('library.upload.too_large');
    if (err.code === CLIENT_ERRORS.network) return t('library.upload.network');
    if (err.code === 'conflict') return t('document.locked_conflict');
    if (err.code === 'forbidden') return t('library.upload.forbidden');
  }
  return describeError(err).message;
}

/**
 * One file's row in an upload panel: name, size, a <progress> named after the file, and a status
 * line. Returns { node, progress(loaded, total), done(message, href), fail(message) }.
 */
export function uploadRow(file) {
  const bar = h('progress', { class: 'upload-row__bar', max: '100', value: '0', 'aria-label': t('library.upload.progress_of', { name: file.name }) });
  const state = h('span', { class: 'upload-row__state' }, t('library.upload.waiting'));
  const node = h('li', { class: 'upload-row' },
    h('span', { class: 'upload-row__icon' }, icon('upload')),
    h('div', { class: 'upload-row__body' },
      h('span', { class: 'upload-row__name' }, file.name),
      h('span', { class: 'upload-row__meta' }, formatSize(file.size)),
      bar,
      state));
  let lastSpoken = -1;
  return {
    node,
    progress(loaded, total) {
      const percent = total ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
      bar.value = percent;
      node.dataset.state = 'sending';
      // The status line is in a polite live region: say it every 25 %, not at each event.
      const step = Math.floor(percent / 25);
      if (step !== lastSpoken) {
        lastSpoken = step;
        state.textContent = t('library.upload.percent', { name: file.name, percent });
      }
    },
    done(message, href) {
      bar.value = 100;
      node.dataset.state = 'done';
      node.querySelector('.upload-row__icon').replaceChildren(icon('success'));
      state.replaceChildren(href ? h('a', { href }, message) : message);
    },
    fail(message) {
      node.dataset.state = 'error';
      node.querySelector('.upload-row__icon').replaceChildren(icon('error'));
      state.replaceChildren(h('strong', {}, t('library.upload.failed', { name: file.name })), ' ', message);
    },
  };
}

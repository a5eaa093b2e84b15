// API client: every call to the Relais server goes through request(), which speaks JSON, sends the session cookie, adds the CSRF header and turns the server's error shape into ApiError.

/** A failed API call. code is the server's stable error code (e.g. "not_found"), or one of the client codes below. */
export class ApiError extends Error {
  constructor({ status, code, message, details = null, retryAfter = null }) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // HTTP status; 0 when the server could not be reached
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter; // seconds, from the Retry-After header of a 429 or 503; null when absent
  }
}

// Codes produced on this side, when there is no server error body to read.
export const CLIENT_ERRORS = {
  network: 'network_error', // no response at all (offline, server down)
  badResponse: 'bad_response', // a response that is not the documented JSON shape
};

// Methods that change state: the server requires the CSRF token on these.
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken = null;

/**
 * CSRF hook: the session module calls this with the token it receives at sign-in (and null at sign-out).
 * From then on every state-changing request carries it in X-CSRF-Token.
 */
export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** The CSRF header for a state-changing request sent outside request() (an upload over XMLHttpRequest, for its progress events). */
export function csrfHeaders() {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or null. */
function retryAfterSeconds(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

/**
 * request('POST', '/api/x', { body: {...}, signal }) → parsed JSON body (null for 204).
 * A file or other raw bytes go as { raw: blob, contentType: 'image/png' } instead of body.
 * Throws ApiError for any non-2xx answer or unreachable server; rethrows AbortError untouched
 * so callers can ignore cancelled requests.
 */
export async function request(method, path, { body, raw, contentType, signal, headers = {} } = {}) {
  const init = {
    method,
    signal,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...headers },
  };
  if (raw !== undefined) {
    init.headers['Content-Type'] = contentType || raw.type || 'application/octet-stream';
    init.body = raw;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (UNSAFE_METHODS.has(method) && csrfToken) {
    init.headers['X-CSRF-Token'] = csrfToken;
  }

  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: CLIENT_ERRORS.network, message: err.message });
  }

  if (response.status === 204) return null;

  let data = null;
  const isJson = (response.headers.get('Content-Type') ?? '').includes('application/json');
  if (isJson) {
    try {
      data = await response.json();
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      data = null; // a malformed body is reported below as bad_response
    }
  }

  if (response.ok) {
    if (data === null) {
      throw new ApiError({ status: response.status, code: CLIENT_ERRORS.badResponse, message: 'expected a JSON body' });
    }
    return data;
  }

  const error = data?.error;
  const retryAfter = retryAfterSeconds(response.headers.get('Retry-After'));
  if (error && typeof error.code === 'string') {
    throw new ApiError({
      status: response.status,
      code: error.code,
      message: typeof error.message === 'string' ? error.message : error.code,
      details: error.details ?? null,
      retryAfter,
    });
  }
  throw new ApiError({ status: response.status, code: CLIENT_ERRORS.badResponse, message: `HTTP ${response.status}`, retryAfter });
}

export const api = {
  get: (path, options) => request('GET', path, options),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  patch: (path, body, options) => request('PATCH', path, { ...options, body }),
  delete: (path, options) => request('DELETE', path, options),
  /** PUT of a file as the raw body, with its own Content-Type (e.g. a profile photo). */
  putFile: (path, file, options) => request('PUT', path, { ...options, raw: file, contentType: file.type }),
};

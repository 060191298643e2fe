// The page talks to the same API as every other client. Bodies are JSON with a JSON content type;
// errors carry a `message`, which is what the page shows.

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

const listeners = new Set();
/** Called with no argument when a request comes back 401 (the session ended). */
export function onUnauthorized(fn) { listeners.add(fn); }

export async function api(method, path, body) {
  const options = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch('/api' + path, options);
  } catch (e) {
    throw new ApiError(0, 'The server cannot be reached; check the connection and try again.');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/auth/login')) listeners.forEach(fn => fn());
    throw new ApiError(response.status, (data && data.message) || `${method} ${path} failed with ${response.status}`);
  }
  return data;
}

export const get = path => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path, body) => api('DELETE', path, body);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? '?' + s : '';
}

/** A thumbnail's address; `version` changes when the image does, so the browser's cache stays right. */
export function thumbnailUrl(id, size = 'thumbnail', version = '') {
  return `/api/assets/${id}/thumbnail?size=${size}${version ? '&c=' + encodeURIComponent(version) : ''}`;
}

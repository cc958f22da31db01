/**
 * The portal speaks to the same `/v1` API as any client, with its session
 * cookie instead of a key. Changes carry the session's CSRF token.
 */

let csrfToken = '';
let sessionEnded = () => {};

export function useCsrfToken(token) {
  csrfToken = token;
}

/** What to do when the API says the session is over (401). */
export function onSessionEnded(handler) {
  sessionEnded = handler;
}

/** An answer with the API's error shape: `{error: {code, message, details?}}`. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `The server answered ${status}`);
    this.status = status;
    this.code = error?.code ?? 'unknown';
    this.details = Array.isArray(error?.details) ? error.details : [];
  }
}

export class SessionEndedError extends Error {}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function request(method, path, { body, query } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(withQuery(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: 'The server could not be reached. Check the connection and try again.' });
  }
  if (res.status === 401) {
    sessionEnded();
    throw new SessionEndedError('The portal session has ended');
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data?.error);
  return data;
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body) => request('POST', path, { body }),
  patch: (path, body) => request('PATCH', path, { body }),
  delete: (path) => request('DELETE', path),
};

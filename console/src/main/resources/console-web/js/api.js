// The /v1 HTTP API, with the signed-in agent's bearer token. The console holds no other credential: every request
// acts as that agent, and the server decides.

const API = new URL('../v1', document.baseURI).pathname;
const SESSION_KEY = 'sharedmemory.console.session';

/** The signed-in agent, kept in this tab only (sessionStorage): {token, agentId, expiresAt}. */
export const session = {
  get() {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY));
      return s && s.token && s.agentId ? s : null;
    } catch {
      return null;
    }
  },
  set(s) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({token: s.token, agentId: s.agentId, expiresAt: s.expiresAt}));
  },
  clear() {
    sessionStorage.removeItem(SESSION_KEY);
  },
};

/** A refusal or failure: the HTTP status, the API's code (or a write's status) and its message, as the API said them. */
export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

let unauthenticated = () => {};

/** Called with the API's message when a request is refused for its token (expired, revoked, forged). */
export function onUnauthenticated(handler) {
  unauthenticated = handler;
}

export function url(path) {
  return API + path;
}

export function authorization() {
  const s = session.get();
  return s ? {Authorization: 'Bearer ' + s.token} : {};
}

/** Turns an answer that is not 2xx into an ApiError; a 401 to a signed-in request ends the session. */
export async function failure(resp, signedIn) {
  const text = await resp.text().catch(() => '');
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const message = body && typeof body.message === 'string' ? body.message
      : (text || resp.statusText || 'no message').trim();
  const code = body ? (body.error || body.status || '') : '';
  const err = new ApiError(resp.status, code, message, body);
  if (resp.status === 401 && signedIn) {
    unauthenticated(message);
  }
  return err;
}

/** A request to /v1; resolves with the JSON answer, rejects with an ApiError. */
export async function request(method, path, body, options = {}) {
  const signedIn = Boolean(session.get());
  const headers = {Accept: 'application/json', ...authorization()};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let resp;
  try {
    resp = await fetch(url(path), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit', signal: options.signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') {
      throw e;
    }
    throw new ApiError(0, 'network', 'The server did not answer (' + e.message + ')', null);
  }
  if (!resp.ok) {
    throw await failure(resp, signedIn);
  }
  const text = await resp.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body) => request('POST', path, body);
export const put = (path, body) => request('PUT', path, body);
export const del = path => request('DELETE', path);

/** A path segment: namespace names and keys go into URLs encoded (a key may hold '/', kept as a separator). */
export const seg = s => encodeURIComponent(s);
export const keyPath = key => key.split('/').map(encodeURIComponent).join('/');

export async function signIn(agentId, secret) {
  const answer = await request('POST', '/sessions', {agentId, secret});
  session.set(answer);
  return answer;
}

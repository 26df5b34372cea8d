// The API client: bearer tokens with one refresh on 401, or a share link's ?auth= token.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const KEYS = { token: 'tf.token', refresh: 'tf.refresh', expires: 'tf.expires', user: 'tf.user' };

export function createSession(storage) {
  return {
    get token() { return storage.getItem(KEYS.token); },
    get refreshToken() { return storage.getItem(KEYS.refresh); },
    get user() { return storage.getItem(KEYS.user); },
    save(auth) {
      storage.setItem(KEYS.token, auth.token);
      if (auth.refresh_token) storage.setItem(KEYS.refresh, auth.refresh_token);
      if (auth.expires_at) storage.setItem(KEYS.expires, String(auth.expires_at));
      if (auth.user?.email) storage.setItem(KEYS.user, auth.user.email);
    },
    clear() {
      Object.values(KEYS).forEach((k) => storage.removeItem(k));
    },
  };
}

async function readError(response) {
  let code = `http_${response.status}`;
  let message = response.statusText || `Request failed (${response.status})`;
  try {
    const body = await response.json();
    if (body?.code) code = body.code;
    if (body?.message) message = body.message;
  } catch {
    // Not JSON (a proxy error page, say): keep the status text.
  }
  return new ApiError(response.status, code, message);
}

/**
 * @param fetchFn   window.fetch or a test double
 * @param session   from createSession
 * @param shareToken when set, every call carries ?auth= and no bearer token (read-only share view)
 * @param onAuthFailure called with the ApiError when a 401 survives the refresh (login page), or on a
 *        share link's 401 (revoked, expired, or its password is needed)
 */
export function createClient({ fetchFn, session, shareToken = null, onAuthFailure = () => {} }) {
  let refreshing = null;

  function url(path) {
    if (!shareToken) return path;
    return `${path}${path.includes('?') ? '&' : '?'}auth=${encodeURIComponent(shareToken)}`;
  }

  function authHeaders() {
    return !shareToken && session.token ? { Authorization: `Bearer ${session.token}` } : {};
  }

  function send(method, path, body, signal) {
    const headers = { Accept: 'application/json', ...authHeaders() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetchFn(url(path), {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  // Concurrent 401s share one refresh call.
  function refresh() {
    if (!refreshing) {
      const token = session.refreshToken;
      refreshing = (token
        ? fetchFn('/api/auth/refresh', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ refresh_token: token }),
        }).then(async (r) => {
          if (!r.ok) return false;
          session.save(await r.json());
          return true;
        }).catch(() => false)
        : Promise.resolve(false)
      ).finally(() => { refreshing = null; });
    }
    return refreshing;
  }

  async function request(method, path, body, { signal } = {}) {
    let response = await send(method, path, body, signal);
    if (response.status === 401) {
      // A share token cannot be refreshed: a 401 means the link was revoked, expired or is locked.
      if (!shareToken && await refresh()) response = await send(method, path, body, signal);
      if (response.status === 401) {
        const error = await readError(response);
        // A request its caller abandoned (the page changed) may lose its body half-read: it says
        // nothing about the credential, so it must not sign out or mark a share link revoked.
        if (signal?.aborted) throw signal.reason ?? new DOMException('Aborted', 'AbortError');
        if (!shareToken) session.clear();
        onAuthFailure(error);
        throw error;
      }
    }
    if (!response.ok) throw await readError(response);
    if (response.status === 204) return null;
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  return {
    shared: Boolean(shareToken),
    async login(email, password) {
      const response = await fetchFn('/api/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (!response.ok) throw await readError(response);
      const auth = await response.json();
      session.save(auth);
      return auth;
    },
    async logout() {
      try {
        await send('POST', '/api/auth/logout', { refresh_token: session.refreshToken ?? undefined });
      } finally {
        session.clear();
      }
    },
    /** Any API call, for the settings pages (see teamApi.js). */
    call: (method, path, body, opts) => request(method, path, body, opts),
    /** Keeps the tokens of an answer that signed someone in (setup, invitation, password change). */
    saveSession: (auth) => session.save(auth),
    sites: (opts) => request('GET', '/api/sites', undefined, opts),
    createSite: (site) => request('POST', '/api/sites', site),
    query: (body, opts) => request('POST', '/api/v2/query', body, opts),
    realtime: (domain, opts) => request('GET', `/api/sites/${encodeURIComponent(domain)}/realtime`, undefined, opts),
    /** Which optional dimensions (regions, cities) the site has data for: `{dimensions: {name: bool}}`. */
    capabilities: (domain, opts) => request('GET', `/api/sites/${encodeURIComponent(domain)}/capabilities`, undefined, opts),
    imports: (domain, opts) => request('GET', `/api/sites/${encodeURIComponent(domain)}/imports`, undefined, opts),
    /** A file the API answers (the CSV export), as a Blob, with the same credentials and refresh. */
    async download(path) {
      let response = await fetchFn(url(path), { headers: authHeaders() });
      if (response.status === 401 && !shareToken && await refresh()) {
        response = await fetchFn(url(path), { headers: authHeaders() });
      }
      if (!response.ok) throw await readError(response);
      return response.blob();
    },
    goals: (domain, opts) => request('GET', `/api/sites/${encodeURIComponent(domain)}/goals`, undefined, opts),
    createGoal: (domain, goal) => request('POST', `/api/sites/${encodeURIComponent(domain)}/goals`, goal),
    deleteGoal: (domain, id) => request('DELETE', `/api/sites/${encodeURIComponent(domain)}/goals/${id}`),
    funnels: (domain, opts) => request('GET', `/api/sites/${encodeURIComponent(domain)}/funnels`, undefined, opts),
    createFunnel: (domain, funnel) => request('POST', `/api/sites/${encodeURIComponent(domain)}/funnels`, funnel),
    deleteFunnel: (domain, id) => request('DELETE', `/api/sites/${encodeURIComponent(domain)}/funnels/${id}`),
    funnel: (body, opts) => request('POST', '/api/v2/funnel', body, opts),
    propKeys: (body, opts) => request('POST', '/api/v2/props', body, opts),
  };
}

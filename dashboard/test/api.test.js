import { describe, expect, it, vi } from 'vitest';
import { ApiError, createClient, createSession } from '../src/lib/api.js';
import { json, memoryStorage } from './helpers.js';


function loggedIn() {
  const session = createSession(memoryStorage());
  session.save({ token: 'old', refresh_token: 'r1', expires_at: '2030-01-01T00:00:00Z', user: { email: 'a@b.c' } });
  return session;
}

describe('API client', () => {
  it('stores the tokens and the user after a login', async () => {
    const session = createSession(memoryStorage());
    const fetchFn = vi.fn(async () => json(200, { token: 't', expires_at: 'x', refresh_token: 'r', user: { email: 'me@x.io' } }));
    await createClient({ fetchFn, session }).login('me@x.io', 'pw');
    expect(session.token).toBe('t');
    expect(session.refreshToken).toBe('r');
    expect(session.user).toBe('me@x.io');
    expect(JSON.parse(fetchFn.mock.calls[0][1].body)).toEqual({ email: 'me@x.io', password: 'pw' });
  });

  it('reports a failed login with the status and message from the server', async () => {
    const fetchFn = async () => json(401, { code: 'invalid_credentials', message: 'Wrong email or password' });
    const error = await createClient({ fetchFn, session: createSession(memoryStorage()) }).login('a', 'b').catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_credentials', message: 'Wrong email or password' });
  });

  it('sends the bearer token and the query body as JSON', async () => {
    const fetchFn = vi.fn(async () => json(200, { results: [] }));
    await createClient({ fetchFn, session: loggedIn() }).query({ site_id: 's', metrics: ['visitors'] });
    const [url, init] = fetchFn.mock.calls[0];
    expect(url).toBe('/api/v2/query');
    expect(init.method).toBe('POST');
    expect(init.headers.Authorization).toBe('Bearer old');
    expect(JSON.parse(init.body)).toEqual({ site_id: 's', metrics: ['visitors'] });
  });

  it('downloads an export as a blob with the bearer token, refreshing once on a 401; a share link uses ?auth=', async () => {
    const session = loggedIn();
    const fetchFn = vi.fn(async (url, init) => {
      if (url === '/api/auth/refresh') return json(200, { token: 'new', refresh_token: 'r2', expires_at: 'x' });
      return init.headers.Authorization === 'Bearer new'
        ? new Response(new Uint8Array([80, 75, 5, 6]), { status: 200, headers: { 'Content-Type': 'application/zip' } })
        : json(401, { code: 'expired', message: 'expired' });
    });
    const blob = await createClient({ fetchFn, session }).download('/api/sites/a.com/export?date_range=7d');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new Uint8Array([80, 75, 5, 6]));
    expect(fetchFn.mock.calls.map((c) => c[0])).toEqual(['/api/sites/a.com/export?date_range=7d', '/api/auth/refresh',
      '/api/sites/a.com/export?date_range=7d']);

    const shared = vi.fn(async () => json(404, { code: 'site_not_found', message: 'no site' }));
    const error = await createClient({ fetchFn: shared, session: createSession(memoryStorage()), shareToken: 'tok' })
      .download('/api/sites/a.com/export?date_range=7d').catch((e) => e);
    expect(shared.mock.calls[0][0]).toBe('/api/sites/a.com/export?date_range=7d&auth=tok');
    expect(shared.mock.calls[0][1].headers.Authorization).toBeUndefined();
    expect(error).toMatchObject({ status: 404, message: 'no site' });
  });

  it('refreshes once on a 401 and retries with the new token', async () => {
    const session = loggedIn();
    const fetchFn = vi.fn(async (url, init) => {
      if (url === '/api/auth/refresh') return json(200, { token: 'new', refresh_token: 'r2', expires_at: 'x' });
      return init.headers.Authorization === 'Bearer new' ? json(200, [{ domain: 'a.com' }]) : json(401, { code: 'expired', message: 'expired' });
    });
    const onAuthFailure = vi.fn();
    const sites = await createClient({ fetchFn, session, onAuthFailure }).sites();
    expect(sites).toEqual([{ domain: 'a.com' }]);
    expect(fetchFn.mock.calls.map((c) => c[0])).toEqual(['/api/sites', '/api/auth/refresh', '/api/sites']);
    expect(JSON.parse(fetchFn.mock.calls[1][1].body)).toEqual({ refresh_token: 'r1' });
    expect(session.refreshToken).toBe('r2');
    expect(onAuthFailure).not.toHaveBeenCalled();
  });

  it('shares one refresh between requests that fail together', async () => {
    const session = loggedIn();
    let refreshes = 0;
    const fetchFn = vi.fn(async (url, init) => {
      if (url === '/api/auth/refresh') {
        refreshes += 1;
        return json(200, { token: 'new', refresh_token: 'r2' });
      }
      return init.headers.Authorization === 'Bearer new' ? json(200, {}) : json(401, {});
    });
    const client = createClient({ fetchFn, session });
    await Promise.all([client.query({}), client.query({}), client.sites()]);
    expect(refreshes).toBe(1);
  });

  it('clears the session and goes to login when the refresh fails too', async () => {
    const session = loggedIn();
    const fetchFn = vi.fn(async () => json(401, { code: 'unauthorized', message: 'Sign in' }));
    const onAuthFailure = vi.fn();
    await expect(createClient({ fetchFn, session, onAuthFailure }).sites()).rejects.toMatchObject({ status: 401 });
    expect(fetchFn.mock.calls.map((c) => c[0])).toEqual(['/api/sites', '/api/auth/refresh']);
    expect(session.token).toBeNull();
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
  });

  it('uses ?auth= and no bearer token on a share link, and reports a revoked link without refreshing', async () => {
    const fetchFn = vi.fn(async () => json(401, { code: 'unauthorized', message: 'Link revoked' }));
    const onAuthFailure = vi.fn();
    const client = createClient({ fetchFn, session: loggedIn(), shareToken: 'a b', onAuthFailure });
    await expect(client.realtime('example.com')).rejects.toMatchObject({ message: 'Link revoked' });
    const [url, init] = fetchFn.mock.calls[0];
    expect(url).toBe('/api/sites/example.com/realtime?auth=a%20b');
    expect(init.headers.Authorization).toBeUndefined();
    expect(fetchFn).toHaveBeenCalledTimes(1);
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
  });

  it('does not report an abandoned request as a revoked link, even when its 401 body was cut off', async () => {
    const controller = new AbortController();
    const fetchFn = vi.fn(async () => {
      const cut = new ReadableStream({ start(c) { controller.abort(); c.error(new DOMException('Aborted', 'AbortError')); } });
      return new Response(cut, { status: 401 });
    });
    const onAuthFailure = vi.fn();
    const client = createClient({ fetchFn, session: loggedIn(), shareToken: 'link', onAuthFailure });
    await expect(client.realtime('example.com', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(onAuthFailure).not.toHaveBeenCalled();
  });

  it('keeps the status text when an error body is not JSON', async () => {
    const fetchFn = async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    await expect(createClient({ fetchFn, session: loggedIn() }).sites())
      .rejects.toMatchObject({ status: 502, code: 'http_502', message: 'Bad Gateway' });
  });

  it('posts a new site and clears the session on logout', async () => {
    const session = loggedIn();
    const fetchFn = vi.fn(async (url) => (url === '/api/sites' ? json(201, { domain: 'a.com' }) : new Response(null, { status: 204 })));
    const client = createClient({ fetchFn, session });
    expect(await client.createSite({ domain: 'a.com', timezone: 'UTC' })).toEqual({ domain: 'a.com' });
    await client.logout();
    expect(fetchFn.mock.calls[1][0]).toBe('/api/auth/logout');
    expect(session.token).toBeNull();
  });
});

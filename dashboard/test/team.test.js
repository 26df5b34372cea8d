import { describe, expect, it, vi } from 'vitest';
import { createClient, createSession } from '../src/lib/api.js';
import { matchRoute, siteSettingsPath } from '../src/lib/router.js';
import { expiryInstant, inviteToken, lastUsedLabel, teamApi, unlockedShareKey } from '../src/lib/teamApi.js';
import { json, memoryStorage } from './helpers.js';


/** A client whose every call is recorded and answered by `answer(url, init)`. */
function recording(answer = () => json(200, {})) {
  const session = createSession(memoryStorage());
  session.save({ token: 'access', refresh_token: 'r', user: { email: 'me@x.io' } });
  const fetchFn = vi.fn(async (url, init) => answer(url, init));
  const client = createClient({ fetchFn, session });
  const calls = () => fetchFn.mock.calls.map(([url, init]) => [init.method, url, init.body ? JSON.parse(init.body) : undefined]);
  return { client, session, api: teamApi(client), calls };
}

describe('settings routes', () => {
  it('tells the settings pages apart from dashboards', () => {
    expect(matchRoute('/setup')).toEqual({ page: 'setup' });
    expect(matchRoute('/invite')).toEqual({ page: 'invite' });
    expect(matchRoute('/settings')).toEqual({ page: 'settings' });
    expect(matchRoute('/admin/users')).toEqual({ page: 'users' });
    expect(matchRoute('/example.com/settings')).toEqual({ page: 'siteSettings', domain: 'example.com' });
    expect(matchRoute('/example.com')).toEqual({ page: 'dashboard', domain: 'example.com' });
    expect(matchRoute('/example.com/other')).toEqual({ page: 'notfound' });
    expect(siteSettingsPath('a b.com')).toBe('/a%20b.com/settings');
  });
});

describe('team API client', () => {
  it('sends each settings call to its route with its body', async () => {
    const { api, calls } = recording();
    await api.invite('a.com', 'x@y.z', 'admin');
    await api.changeRole('a.com', 'x+1@y.z', 'viewer');
    await api.transferOwnership('a.com', 'x@y.z');
    await api.revokeInvitation('a.com', 7);
    await api.resetStats('a.com');
    await api.createShareLink('a.com', { label: 'Board', password: '', expiresAt: undefined });
    await api.createApiKey('ci', ['a.com']);
    await api.deleteUser(3, 'heir@y.z');
    await api.deleteUser(4);
    expect(calls()).toEqual([
      ['POST', '/api/sites/a.com/invitations', { email: 'x@y.z', role: 'admin' }],
      ['PATCH', '/api/sites/a.com/members/x%2B1%40y.z', { role: 'viewer' }],
      ['POST', '/api/sites/a.com/transfer-ownership', { email: 'x@y.z' }],
      ['DELETE', '/api/sites/a.com/invitations/7', undefined],
      ['POST', '/api/sites/a.com/reset', undefined],
      ['POST', '/api/sites/a.com/shares', { label: 'Board' }],
      ['POST', '/api/keys', { name: 'ci', sites: ['a.com'] }],
      ['DELETE', '/api/users/3?transfer_to=heir%40y.z', undefined],
      ['DELETE', '/api/users/4', undefined],
    ]);
  });

  it('keeps the session an answer signs in with: setup, a new person accepting, a password change', async () => {
    let n = 0;
    const { api, session } = recording(() => { n += 1; return json(200, { token: `t${n}`, refresh_token: `r${n}`, user: { email: 'me@x.io' } }); });
    await api.setup('setup-token', 'me@x.io', 'password1');
    expect(session.token).toBe('t1');
    await api.acceptInvitation('invite-token', 'password1');
    expect(session.refreshToken).toBe('r2');
    await api.changePassword('old password', 'new password');
    expect(session.token).toBe('t3');
  });

  it('accepts as the signed-in user without a password, keeping the session', async () => {
    const { api, session, calls } = recording(() => json(200, { email: 'me@x.io', role: 'viewer' }));
    await api.acceptInvitation('invite-token');
    expect(calls()).toEqual([['POST', '/api/invitations/accept', { token: 'invite-token' }]]);
    expect(session.token).toBe('access');
  });

  it('passes the error of a 401 to onAuthFailure, so a share view can ask for the password', async () => {
    const onAuthFailure = vi.fn();
    const client = createClient({
      fetchFn: async () => json(401, { code: 'share_password_required', message: 'needs its password' }),
      session: createSession(memoryStorage()),
      shareToken: 'link',
      onAuthFailure,
    });
    const error = await client.sites().catch((e) => e);
    expect(error.code).toBe('share_password_required');
    expect(onAuthFailure).toHaveBeenCalledWith(expect.objectContaining({ code: 'share_password_required' }));
  });
});

describe('settings helpers', () => {
  it('reads the invitation token from the link fragment only when it looks like one', () => {
    expect(inviteToken('#abcdefghijklmnopqrstuvwxyz_-0123')).toBe('abcdefghijklmnopqrstuvwxyz_-0123');
    expect(inviteToken('')).toBeNull();
    expect(inviteToken('#short')).toBeNull();
    expect(inviteToken('#has spaces in it and more text')).toBeNull();
  });

  it('turns a picked expiry date into the end of that day as an instant, and nothing into nothing', () => {
    const instant = expiryInstant('2030-05-01');
    expect(instant).toMatch(/^2030-05-0[12]T\d\d:59:59Z$/);
    expect(new Date(instant).getTime()).toBe(new Date('2030-05-01T23:59:59').getTime());
    expect(expiryInstant('')).toBeUndefined();
    expect(expiryInstant('not a date')).toBeUndefined();
  });

  it('labels a key\'s last use', () => {
    const now = Date.parse('2030-01-10T12:00:00Z');
    expect(lastUsedLabel(null, now)).toBe('never');
    expect(lastUsedLabel('2030-01-10T11:59:50Z', now)).toBe('just now');
    expect(lastUsedLabel('2030-01-10T11:45:00Z', now)).toBe('15 min ago');
    expect(lastUsedLabel('2030-01-09T12:00:00Z', now)).toBe('24 h ago');
    expect(lastUsedLabel('2030-01-01T12:00:00Z', now)).toBe('2030-01-01');
    expect(unlockedShareKey('abc')).toBe('tf.share.abc');
  });
});

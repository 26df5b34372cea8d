// The settings pages' calls: first-run setup, a site's people and share links, the signed-in
// account, API keys and (for instance administrators) users. Built on client.call from api.js.

const site = (domain) => `/api/sites/${encodeURIComponent(domain)}`;

export function teamApi(client) {
  return {
    setupStatus: (opts) => client.call('GET', '/api/setup', undefined, opts),
    async setup(token, email, password) {
      const auth = await client.call('POST', '/api/setup', { token, email, password });
      client.saveSession(auth);
      return auth;
    },

    updateSite: (domain, patch) => client.call('PATCH', site(domain), patch),
    deleteSite: (domain) => client.call('DELETE', site(domain)),
    resetStats: (domain) => client.call('POST', `${site(domain)}/reset`),

    members: (domain, opts) => client.call('GET', `${site(domain)}/members`, undefined, opts),
    changeRole: (domain, email, role) => client.call('PATCH', `${site(domain)}/members/${encodeURIComponent(email)}`, { role }),
    removeMember: (domain, email) => client.call('DELETE', `${site(domain)}/members/${encodeURIComponent(email)}`),
    transferOwnership: (domain, email) => client.call('POST', `${site(domain)}/transfer-ownership`, { email }),
    invitations: (domain, opts) => client.call('GET', `${site(domain)}/invitations`, undefined, opts),
    invite: (domain, email, role) => client.call('POST', `${site(domain)}/invitations`, { email, role }),
    revokeInvitation: (domain, id) => client.call('DELETE', `${site(domain)}/invitations/${id}`),

    previewInvitation: (token, opts) => client.call('POST', '/api/invitations/preview', { token }, opts),
    /** Signed in: joins as that user. Otherwise creates the account with the password and signs in. */
    async acceptInvitation(token, password) {
      const answer = await client.call('POST', '/api/invitations/accept', password ? { token, password } : { token });
      if (answer?.token) client.saveSession(answer);
      return answer;
    },

    shareLinks: (domain, opts) => client.call('GET', `${site(domain)}/shares`, undefined, opts),
    createShareLink: (domain, { label, password, expiresAt }) => client.call('POST', `${site(domain)}/shares`,
      withoutEmpty({ label, password, expires_at: expiresAt })),
    revokeShareLink: (domain, id) => client.call('DELETE', `${site(domain)}/shares/${id}`),
    unlockShare: (token, password) => client.call('POST', '/api/share/unlock', { token, password }),

    account: (opts) => client.call('GET', '/api/account', undefined, opts),
    async changePassword(currentPassword, newPassword) {
      const auth = await client.call('POST', '/api/account/password',
        { current_password: currentPassword, new_password: newPassword });
      client.saveSession(auth);
      return auth;
    },
    logoutEverywhere: () => client.call('POST', '/api/account/logout-everywhere'),

    apiKeys: (opts) => client.call('GET', '/api/keys', undefined, opts),
    createApiKey: (name, sites) => client.call('POST', '/api/keys', { name, sites }),
    revokeApiKey: (id) => client.call('DELETE', `/api/keys/${id}`),

    users: (opts) => client.call('GET', '/api/users', undefined, opts),
    deleteUser: (id, transferTo) => client.call('DELETE',
      `/api/users/${id}${transferTo ? `?transfer_to=${encodeURIComponent(transferTo)}` : ''}`),
  };
}

function withoutEmpty(body) {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/** The invitation token from /invite#<token> (the fragment never reaches a server's log). */
export function inviteToken(hash) {
  const token = String(hash ?? '').replace(/^#/, '').trim();
  return /^[A-Za-z0-9_-]{20,200}$/.test(token) ? token : null;
}

/** A full link from the path the API answers (/invite#…, /share/…?auth=…) and this page's origin. */
export function absoluteLink(path, origin) {
  return `${origin}${path}`;
}

/** A date picked in the form (YYYY-MM-DD) as the instant the link stops working: the end of that day, locally. */
export function expiryInstant(date) {
  if (!date) return undefined;
  const end = new Date(`${date}T23:59:59`);
  return Number.isNaN(end.getTime()) ? undefined : end.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Where the share view keeps an unlocked link's token, per link, for this browser tab. */
export function unlockedShareKey(shareToken) {
  return `tf.share.${shareToken}`;
}

/** "3 minutes ago" style, for a key's last use; "never" when it was not used. */
export function lastUsedLabel(iso, now = Date.now()) {
  if (!iso) return 'never';
  const minutes = Math.round((now - Date.parse(iso)) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return new Date(iso).toISOString().slice(0, 10);
}

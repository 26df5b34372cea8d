import { useState } from 'react';
import { useFetch } from '../../lib/useFetch.js';
import { absoluteLink, expiryInstant } from '../../lib/teamApi.js';
import {
  ErrorBox, Field, OnceSecret, Section, Spinner, buttonPrimary, dangerLink, formatDate, inputClass, useAction,
} from './common.jsx';

/** Read-only links to the dashboard for people without an account, optionally with a password and an expiry. */
export default function ShareLinksSection({ api, domain }) {
  const [version, setVersion] = useState(0);
  const links = useFetch((signal) => api.shareLinks(domain, { signal }), `${domain}:${version}`);
  const [label, setLabel] = useState('');
  const [password, setPassword] = useState('');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState(null);
  const [run, busy, error] = useAction();

  async function create(event) {
    event.preventDefault();
    const link = await run(() => api.createShareLink(domain, { label: label.trim(), password, expiresAt: expiryInstant(expires) }));
    if (link) {
      setCreated(link);
      setLabel('');
      setPassword('');
      setExpires('');
      setVersion((v) => v + 1);
    }
  }

  return (
    <Section title="Share links" description="Anyone with a link sees this site's dashboard, read-only. Revoke a link to end it.">
      {error && <ErrorBox error={error} className="mb-4" />}
      {links.error && <ErrorBox error={links.error} onRetry={links.reload} />}
      {links.data?.length === 0 && <p className="text-sm text-gray-500">No share links yet.</p>}
      <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800" aria-label="Share links">
        {links.data?.map((l) => (
          <li key={l.id} className="flex flex-wrap items-center gap-3 py-2" data-share={l.label || l.id}>
            <span className="font-medium">{l.label || `Link ${l.id}`}</span>
            {l.password && <span className="rounded bg-gray-100 px-2 py-0.5 text-xs dark:bg-gray-800">password</span>}
            <span className={`text-xs ${l.expired ? 'text-red-700' : 'text-gray-400'}`}>
              {l.expired ? 'expired' : l.expires_at ? `until ${formatDate(l.expires_at)}` : 'no expiry'}
            </span>
            <button type="button" className={`${dangerLink} ml-auto`} disabled={busy}
              onClick={async () => { if (await run(() => api.revokeShareLink(domain, l.id)) !== undefined) setVersion((v) => v + 1); }}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={create} className="mt-4 grid gap-3 md:grid-cols-[1fr_1fr_10rem_auto] md:items-end">
        <Field label="Label"><input value={label} onChange={(e) => setLabel(e.target.value)} className={inputClass} placeholder="Board report" /></Field>
        <Field label="Password (optional)">
          <input type="password" minLength={8} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
        </Field>
        <Field label="Expires (optional)">
          <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} className={inputClass} />
        </Field>
        <button type="submit" disabled={busy} className={buttonPrimary}>{busy && <Spinner />} Create link</button>
      </form>
      {created && (
        <OnceSecret title="New share link" value={absoluteLink(created.path, window.location.origin)}
          note={`Shown only now.${created.password ? ' Visitors are asked for the password.' : ''}`} />
      )}
    </Section>
  );
}

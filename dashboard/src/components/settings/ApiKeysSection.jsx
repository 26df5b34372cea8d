import { useState } from 'react';
import { useFetch } from '../../lib/useFetch.js';
import { lastUsedLabel } from '../../lib/teamApi.js';
import { ErrorBox, Field, OnceSecret, Section, Spinner, buttonPrimary, dangerLink, inputClass, useAction } from './common.jsx';

/** The user's API keys: read-only stats access to chosen sites, shown once at creation. */
export default function ApiKeysSection({ client, api }) {
  const [version, setVersion] = useState(0);
  const keys = useFetch((signal) => api.apiKeys({ signal }), `keys:${version}`);
  const sites = useFetch((signal) => client.sites({ signal }), 'keys:sites');
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState([]);
  const [created, setCreated] = useState(null);
  const [run, busy, error] = useAction();

  async function create(event) {
    event.preventDefault();
    const key = await run(() => api.createApiKey(name.trim(), chosen));
    if (key) {
      setCreated(key);
      setName('');
      setChosen([]);
      setVersion((v) => v + 1);
    }
  }

  const toggle = (domain) => setChosen((c) => (c.includes(domain) ? c.filter((d) => d !== domain) : [...c, domain]));

  return (
    <Section title="API keys" description="Keys read the stats of the sites they name (Stats API, Authorization: Bearer <key>), nothing else.">
      {error && <ErrorBox error={error} className="mb-4" />}
      {keys.error && <ErrorBox error={keys.error} onRetry={keys.reload} />}
      {keys.data?.length === 0 && <p className="text-sm text-gray-500">No API keys yet.</p>}
      <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800" aria-label="API keys">
        {keys.data?.map((k) => (
          <li key={k.id} className="flex flex-wrap items-center gap-3 py-2" data-key={k.name}>
            <span className="font-medium">{k.name}</span>
            <code className="font-mono text-xs text-gray-500">{k.prefix}…</code>
            <span className="text-xs text-gray-500">{k.sites.join(', ')}</span>
            <span className="text-xs text-gray-400">last used {lastUsedLabel(k.last_used_at)}</span>
            <button type="button" className={`${dangerLink} ml-auto`} disabled={busy}
              onClick={async () => { if (await run(() => api.revokeApiKey(k.id)) !== undefined) setVersion((v) => v + 1); }}>Revoke</button>
          </li>
        ))}
      </ul>
      <form onSubmit={create} className="mt-4 space-y-3">
        <Field label="Key name"><input required value={name} onChange={(e) => setName(e.target.value)} className={inputClass} placeholder="Reporting script" /></Field>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-gray-700 dark:text-gray-300">Sites it may read</legend>
          <div className="flex flex-wrap gap-4">
            {sites.data?.map((s) => (
              <label key={s.domain} className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={chosen.includes(s.domain)} onChange={() => toggle(s.domain)} /> {s.domain}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" disabled={busy || chosen.length === 0} className={buttonPrimary}>{busy && <Spinner />} Create key</button>
      </form>
      {created && <OnceSecret title={`API key ${created.name}`} value={created.key} note="Shown only now: store it somewhere safe." />}
    </Section>
  );
}

import { useMemo, useState } from 'react';
import { useFetch } from '../lib/useFetch.js';
import { navigate, sitePath } from '../lib/router.js';
import { browserTimeZone, normalizeDomain, timeZones, trackingSnippet } from '../lib/sites.js';
import { Card, ErrorBox, Skeleton, Spinner, buttonPrimary, buttonSecondary, inputClass } from './ui.jsx';

function Snippet({ domain }) {
  const code = trackingSnippet(domain, window.location.origin);
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(code);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // Clipboard refused (plain http): the code stays selectable.
    }
  }
  return (
    <div className="mt-3">
      <p className="mb-2 text-sm text-gray-600 dark:text-gray-400">
        Paste this into the <code className="font-mono">&lt;head&gt;</code> of every page of <strong>{domain}</strong>:
      </p>
      <div className="relative">
        <pre className="overflow-x-auto rounded-md bg-gray-900 p-3 pr-20 text-xs text-gray-100"><code>{code}</code></pre>
        <button type="button" onClick={copy} className="absolute right-2 top-2 rounded bg-gray-700 px-2 py-1 text-xs text-white hover:bg-gray-600">
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}

function AddSiteForm({ client, onCreated }) {
  const zones = useMemo(timeZones, []);
  const [domain, setDomain] = useState('');
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    const normalized = normalizeDomain(domain);
    if (!normalized) {
      setError('Enter a domain such as example.com (no path).');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = { domain: normalized, timezone };
      if (name.trim()) body.name = name.trim();
      await client.createSite(body);
      setDomain('');
      setName('');
      onCreated(normalized);
    } catch (e) {
      setError(e.status === 409 ? `${normalized} is already registered.` : e.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="grid gap-4 p-5 md:grid-cols-[1fr_1fr_1fr_auto] md:items-end">
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-gray-700 dark:text-gray-300">Domain</span>
        <input required value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="example.com" className={inputClass} />
      </label>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-gray-700 dark:text-gray-300">Name <span className="font-normal text-gray-400">(optional)</span></span>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="My blog" className={inputClass} />
      </label>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-gray-700 dark:text-gray-300">Reporting time zone</span>
        <select value={timezone} onChange={(e) => setTimezone(e.target.value)} className={inputClass}>
          {zones.map((z) => <option key={z} value={z}>{z.replaceAll('_', ' ')}</option>)}
        </select>
      </label>
      <button type="submit" disabled={busy} className={buttonPrimary}>{busy && <Spinner />} Add site</button>
      {error && <ErrorBox error={{ message: error }} className="md:col-span-4" />}
    </form>
  );
}

export default function SitesPage({ client }) {
  const [version, setVersion] = useState(0);
  const [created, setCreated] = useState(null);
  const [open, setOpen] = useState(null);
  const sites = useFetch((signal) => client.sites({ signal }), version);

  return (
    <main className="mx-auto max-w-5xl px-4 py-8">
      <h1 className="mb-6 text-2xl font-semibold text-gray-900 dark:text-gray-100">Sites</h1>

      <Card className="mb-6">
        <h2 className="border-b border-gray-100 px-5 py-3 font-medium text-gray-900 dark:border-gray-800 dark:text-gray-100">Add a site</h2>
        <AddSiteForm client={client} onCreated={(d) => { setCreated(d); setVersion((v) => v + 1); }} />
        {created && (
          <div className="border-t border-gray-100 px-5 pb-5 dark:border-gray-800">
            <p className="mt-4 text-sm font-medium text-green-700 dark:text-green-400">{created} was added.</p>
            <Snippet domain={created} />
            <button type="button" onClick={() => navigate(sitePath(created))} className={`${buttonSecondary} mt-3`}>
              Go to the dashboard →
            </button>
          </div>
        )}
      </Card>

      {sites.error && <ErrorBox error={sites.error} onRetry={sites.reload} />}
      {!sites.data && !sites.error && (
        <div className="space-y-3">{[0, 1, 2].map((i) => <Skeleton key={i} className="h-16" />)}</div>
      )}
      {sites.data?.length === 0 && (
        <p className="rounded-lg border border-dashed border-gray-300 p-8 text-center text-gray-500 dark:border-gray-700">
          No sites yet. Add your first one above.
        </p>
      )}
      <ul className="space-y-3">
        {sites.data?.map((site) => (
          <li key={site.domain}>
            <Card className="p-4">
              <div className="flex flex-wrap items-center gap-3">
                <a href={sitePath(site.domain)} onClick={(e) => { e.preventDefault(); navigate(sitePath(site.domain)); }}
                  className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">{site.domain}</a>
                {site.name && site.name !== site.domain && <span className="text-sm text-gray-500">{site.name}</span>}
                <span className="rounded bg-gray-100 px-2 py-0.5 text-xs text-gray-600 dark:bg-gray-800 dark:text-gray-300">{site.timezone}</span>
                {site.role && <span className="rounded bg-indigo-50 px-2 py-0.5 text-xs text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">{site.role}</span>}
                <button type="button" onClick={() => setOpen(open === site.domain ? null : site.domain)}
                  className="ml-auto text-sm text-gray-600 hover:text-gray-900 dark:text-gray-400 dark:hover:text-gray-100">
                  {open === site.domain ? 'Hide snippet' : 'Tracking snippet'}
                </button>
              </div>
              {open === site.domain && <Snippet domain={site.domain} />}
            </Card>
          </li>
        ))}
      </ul>
    </main>
  );
}

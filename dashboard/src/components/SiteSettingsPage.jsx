import { useState } from 'react';
import { useFetch } from '../lib/useFetch.js';
import { navigate, sitePath } from '../lib/router.js';
import { teamApi } from '../lib/teamApi.js';
import { ErrorBox, Skeleton } from './ui.jsx';
import GeneralSection from './settings/GeneralSection.jsx';
import PeopleSection from './settings/PeopleSection.jsx';
import ShareLinksSection from './settings/ShareLinksSection.jsx';
import DangerZone from './settings/DangerZone.jsx';
import DataSection from './settings/DataSection.jsx';

/** /{domain}/settings: what the caller's role on the site lets them change. */
export default function SiteSettingsPage({ client, domain, me }) {
  const api = teamApi(client);
  const [version, setVersion] = useState(0);
  const sites = useFetch((signal) => client.sites({ signal }), `settings:${domain}:${version}`);
  const site = sites.data?.find((s) => s.domain === domain);

  let body;
  if (sites.error) body = <ErrorBox error={sites.error} onRetry={sites.reload} />;
  else if (!sites.data) body = <Skeleton className="h-40" />;
  else if (!site) body = <ErrorBox error={{ message: `You have no access to ${domain}, or it does not exist.` }} />;
  else {
    const manages = site.role === 'admin' || site.role === 'owner';
    body = (
      <>
        <GeneralSection key={`${site.name}:${site.timezone}`} api={api} site={site} canEdit={manages} onSaved={() => setVersion((v) => v + 1)} />
        {manages ? (
          <>
            <DataSection key={`${site.retention_days}:${site.privacy_signals}`} api={api} site={site}
              onSaved={() => setVersion((v) => v + 1)} />
            <PeopleSection api={api} domain={domain} role={site.role} me={me} />
            <ShareLinksSection api={api} domain={domain} />
          </>
        ) : (
          <p className="text-sm text-gray-600 dark:text-gray-400">You are a viewer of {domain}: its owner or admins manage people and share links.</p>
        )}
        {site.role === 'owner' && <DangerZone api={api} domain={domain} />}
      </>
    );
  }

  return (
    <main className="mx-auto max-w-4xl px-4 py-8">
      <div className="mb-6 flex items-baseline gap-4">
        <h1 className="text-2xl font-semibold text-gray-900 dark:text-gray-100">Settings of {domain}</h1>
        <a href={sitePath(domain)} onClick={(e) => { e.preventDefault(); navigate(sitePath(domain)); }}
          className="text-sm text-indigo-700 hover:underline dark:text-indigo-400">← Back to the dashboard</a>
      </div>
      {body}
    </main>
  );
}

import { useState } from 'react';
import { navigate } from '../../lib/router.js';
import { ConfirmByTyping, ErrorBox, Section, useAction } from './common.jsx';

/** Owner only: reset the stats (events go, settings stay) or delete the site, each confirmed by typing its domain. */
export default function DangerZone({ api, domain }) {
  const [run, busy, error] = useAction();
  const [reset, setReset] = useState(false);

  return (
    <Section title="Danger zone" description="These cannot be undone.">
      {error && <ErrorBox error={error} className="mb-4" />}
      <h3 className="mb-1 text-sm font-medium text-gray-900 dark:text-gray-100">Reset stats</h3>
      <p className="mb-3 text-sm text-gray-600 dark:text-gray-400">Deletes every event and visit recorded for {domain}; its settings, people and links stay.</p>
      <ConfirmByTyping word={domain} action="reset its stats" label="Reset stats" busy={busy}
        onConfirm={async () => { setReset(false); if (await run(() => api.resetStats(domain)) !== undefined) setReset(true); }} />
      {reset && <p role="status" className="mt-2 text-sm text-green-700 dark:text-green-400">Stats were reset.</p>}
      <h3 className="mb-1 mt-6 text-sm font-medium text-gray-900 dark:text-gray-100">Delete site</h3>
      <p className="mb-3 text-sm text-gray-600 dark:text-gray-400">Deletes {domain} with all its stats, people and share links.</p>
      <ConfirmByTyping word={domain} action="delete it" label="Delete site" busy={busy}
        onConfirm={async () => { if (await run(() => api.deleteSite(domain)) !== undefined) navigate('/sites', { replace: true }); }} />
    </Section>
  );
}

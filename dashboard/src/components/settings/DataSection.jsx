import { useState } from 'react';
import { ErrorBox, Field, Section, Spinner, buttonPrimary, inputClass, useAction } from './common.jsx';

/** How long events are kept, and whether browsers that ask not to be tracked (DNT, GPC) are obeyed. */
export default function DataSection({ api, site, onSaved }) {
  const [days, setDays] = useState(site.retention_days == null ? '' : String(site.retention_days));
  const [privacy, setPrivacy] = useState(Boolean(site.privacy_signals));
  const [saved, setSaved] = useState(false);
  const [run, busy, error] = useAction();

  async function save(event) {
    event.preventDefault();
    setSaved(false);
    const retention = days.trim() === '' ? null : Number(days);
    const updated = await run(() => api.updateSite(site.domain, { retention_days: retention, privacy_signals: privacy }));
    if (updated) {
      setSaved(true);
      onSaved(updated);
    }
  }

  return (
    <Section title="Data" description="A daily job deletes events older than the retention period; imported history is kept.">
      <form onSubmit={save} className="grid gap-4 md:grid-cols-[1fr_1fr_auto] md:items-end">
        <Field label="Keep events for (days)" hint="Empty keeps everything.">
          <input type="number" min="1" max="36500" value={days} onChange={(e) => setDays(e.target.value)} className={inputClass} />
        </Field>
        <label className="flex items-center gap-2 pb-2 text-sm text-gray-700 dark:text-gray-300">
          <input type="checkbox" checked={privacy} onChange={(e) => setPrivacy(e.target.checked)}
            className="h-4 w-4 rounded border-gray-300 text-indigo-600" />
          Do not count browsers that send Do-Not-Track or Global Privacy Control
        </label>
        <button type="submit" disabled={busy} className={buttonPrimary}>{busy && <Spinner />} Save</button>
      </form>
      {saved && <p role="status" className="mt-3 text-sm text-green-700 dark:text-green-400">Saved.</p>}
      {error && <ErrorBox error={error} className="mt-3" />}
    </Section>
  );
}

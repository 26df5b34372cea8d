import { useMemo, useState } from 'react';
import { timeZones } from '../../lib/sites.js';
import { ErrorBox, Field, Section, Spinner, buttonPrimary, inputClass, useAction } from './common.jsx';

/** Display name and reporting time zone; a new zone re-buckets past days in every answer. */
export default function GeneralSection({ api, site, canEdit, onSaved }) {
  const zones = useMemo(timeZones, []);
  const [name, setName] = useState(site.name);
  const [timezone, setTimezone] = useState(site.timezone);
  const [saved, setSaved] = useState(false);
  const [run, busy, error] = useAction();

  async function save(event) {
    event.preventDefault();
    setSaved(false);
    const updated = await run(() => api.updateSite(site.domain, { name: name.trim(), timezone }));
    if (updated) {
      setSaved(true);
      onSaved(updated);
    }
  }

  return (
    <Section title="General" description="Days, weeks and months in every report are counted in the reporting time zone.">
      <form onSubmit={save} className="grid gap-4 md:grid-cols-[1fr_1fr_auto] md:items-end">
        <Field label="Display name">
          <input required value={name} disabled={!canEdit} onChange={(e) => setName(e.target.value)} className={inputClass} />
        </Field>
        <Field label="Reporting time zone">
          <select value={timezone} disabled={!canEdit} onChange={(e) => setTimezone(e.target.value)} className={inputClass}>
            {zones.map((z) => <option key={z} value={z}>{z.replaceAll('_', ' ')}</option>)}
          </select>
        </Field>
        {canEdit && <button type="submit" disabled={busy} className={buttonPrimary}>{busy && <Spinner />} Save</button>}
      </form>
      {saved && <p role="status" className="mt-3 text-sm text-green-700 dark:text-green-400">Saved.</p>}
      {error && <ErrorBox error={error} className="mt-3" />}
    </Section>
  );
}

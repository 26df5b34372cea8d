import { useState } from 'react';
import { useFetch } from '../lib/useFetch.js';
import { exportPath } from '../lib/query.js';

/**
 * The header's data controls: "Imported data" (shown once the site has a finished import) adds
 * imported history to every card, and "Export" downloads the view's range and filters as CSV
 * files in Plausible's layout.
 */
export default function DataControls({ client, domain, state, onToggleImports }) {
  const imports = useFetch((signal) => client.imports(domain, { signal }).catch(() => []), domain);
  const hasImports = (imports.data ?? []).some((i) => i.status === 'done');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  async function download() {
    setBusy(true);
    setError(null);
    try {
      const blob = await client.download(exportPath(domain, state));
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `${domain.replace(/[^A-Za-z0-9-]/g, '_')}-export.zip`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(link.href);
    } catch (e) {
      setError(e.message || 'The export failed.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex items-center gap-3 text-sm">
      {(hasImports || state.imports) && (
        <label className="flex cursor-pointer items-center gap-1.5 text-gray-600 dark:text-gray-400" title="Add the history imported from CSV files">
          <input type="checkbox" checked={Boolean(state.imports)} onChange={(e) => onToggleImports(e.target.checked)}
            className="h-4 w-4 rounded border-gray-300 text-indigo-600" />
          Imported data
        </label>
      )}
      <button type="button" onClick={download} disabled={busy} title="Download this view's range and filters as CSV files"
        className="rounded-md border border-gray-300 bg-white px-2.5 py-1 text-gray-700 hover:bg-gray-50 disabled:opacity-50 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-300 dark:hover:bg-gray-800">
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {error && <span role="alert" className="text-red-600 dark:text-red-400">{error}</span>}
    </div>
  );
}

import { useCallback, useRef, useState } from 'react';
import { chipLabel } from '../lib/filters.js';
import { displayValue } from '../lib/labels.js';
import { useDismiss } from '../lib/useDismiss.js';
import FilterEditor from './FilterEditor.jsx';
import { buttonSecondary } from './ui.jsx';

/**
 * The active filters as pills (a click edits one, × removes it) and the "Filter" button that
 * adds one in the editor.
 */
export default function FilterBar({ client, site, state, onSave, onRemove, onClear }) {
  const filters = state.filters;
  // null: closed; -1: a new filter; otherwise the index of the filter edited.
  const [editing, setEditing] = useState(null);
  const ref = useRef(null);
  const close = useCallback(() => setEditing(null), []);
  useDismiss(ref, editing !== null, close);

  return (
    <div className="relative flex flex-wrap items-center gap-2" aria-label="Active filters" ref={ref}>
      <button type="button" className={`${buttonSecondary} py-1`} onClick={() => setEditing(editing === -1 ? null : -1)} aria-expanded={editing === -1}>
        <svg className="h-4 w-4" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true"><path d="M3 4a1 1 0 0 1 1-1h12a1 1 0 0 1 .8 1.6L12 11v4a1 1 0 0 1-.55.9l-2 1A1 1 0 0 1 8 16v-5L3.2 4.6A1 1 0 0 1 3 4z" /></svg>
        Filter
      </button>
      {filters.map((chip, i) => {
        const label = chipLabel(chip, displayValue);
        return (
          // eslint-disable-next-line react/no-array-index-key
          <span key={i} data-testid="filter-pill"
            className="inline-flex max-w-full items-center gap-1 rounded-full bg-indigo-50 py-1 pl-3 pr-1 text-sm text-indigo-800 ring-1 ring-indigo-200 dark:bg-indigo-950 dark:text-indigo-200 dark:ring-indigo-800">
            <button type="button" className="truncate hover:underline" title={`Edit filter: ${label}`} onClick={() => setEditing(i)}>{label}</button>
            <button type="button" onClick={() => onRemove(i)} aria-label={`Remove filter ${label}`}
              className="rounded-full p-0.5 hover:bg-indigo-100 dark:hover:bg-indigo-900">
              <svg className="h-4 w-4" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true"><path d="M6.3 5.3a1 1 0 0 0-1.4 1.4L8.6 10l-3.7 3.3a1 1 0 1 0 1.4 1.4L10 11.4l3.3 3.3a1 1 0 0 0 1.4-1.4L11.4 10l3.3-3.3a1 1 0 0 0-1.4-1.4L10 8.6 6.3 5.3z" /></svg>
            </button>
          </span>
        );
      })}
      {filters.length > 1 && (
        <button type="button" onClick={onClear} className="text-sm text-gray-500 hover:text-gray-800 dark:hover:text-gray-200">Clear all</button>
      )}
      {editing !== null && (
        <div className="absolute left-0 top-full z-30 mt-1 rounded-md border border-gray-200 bg-white shadow-lg dark:border-gray-700 dark:bg-gray-900">
          <FilterEditor key={editing} client={client} site={site} state={state} chip={editing >= 0 ? filters[editing] : null}
            onCancel={close} onSave={(chip) => { onSave(editing >= 0 ? editing : null, chip); close(); }} />
        </div>
      )}
    </div>
  );
}

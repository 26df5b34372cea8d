import { chipLabel } from '../lib/filters.js';
import { displayValue } from '../lib/labels.js';

export default function FilterBar({ filters, onRemove, onClear }) {
  if (filters.length === 0) return null;
  return (
    <div className="flex flex-wrap items-center gap-2" aria-label="Active filters">
      {filters.map((chip, i) => (
        <span key={`${chip.dimension}:${chip.value}`}
          className="inline-flex max-w-full items-center gap-1 rounded-full bg-indigo-50 py-1 pl-3 pr-1 text-sm text-indigo-800 ring-1 ring-indigo-200 dark:bg-indigo-950 dark:text-indigo-200 dark:ring-indigo-800">
          <span className="truncate">{chipLabel(chip, displayValue)}</span>
          <button type="button" onClick={() => onRemove(i)} aria-label={`Remove filter ${chipLabel(chip, displayValue)}`}
            className="rounded-full p-0.5 hover:bg-indigo-100 dark:hover:bg-indigo-900">
            <svg className="h-4 w-4" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true"><path d="M6.3 5.3a1 1 0 0 0-1.4 1.4L8.6 10l-3.7 3.3a1 1 0 1 0 1.4 1.4L10 11.4l3.3 3.3a1 1 0 0 0 1.4-1.4L11.4 10l3.3-3.3a1 1 0 0 0-1.4-1.4L10 8.6 6.3 5.3z" /></svg>
          </button>
        </span>
      ))}
      {filters.length > 1 && (
        <button type="button" onClick={onClear} className="text-sm text-gray-500 hover:text-gray-800 dark:hover:text-gray-200">Clear all</button>
      )}
    </div>
  );
}

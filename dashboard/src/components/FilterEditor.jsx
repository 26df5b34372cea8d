import { useState } from 'react';
import { DIMENSION_LABELS, OPERATORS, chipValues, dimensionLabel } from '../lib/filters.js';
import { breakdownQuery } from '../lib/query.js';
import { displayValue } from '../lib/labels.js';
import { useFetch } from '../lib/useFetch.js';
import { buttonPrimary, buttonSecondary, inputClass } from './ui.jsx';

const PROPERTY = 'property';

/** Dimensions offered in the editor, in the order people look for them. */
const DIMENSIONS = Object.keys(DIMENSION_LABELS);

/**
 * Adds or edits one filter: a dimension (or a custom property by key), an operator and one or
 * more values (any of them matches). Values seen in the current view are suggested as one types.
 */
export default function FilterEditor({ client, site, state, chip, onSave, onCancel }) {
  const initialDimension = chip?.dimension ?? 'event:page';
  const isProp = initialDimension.startsWith('event:props:');
  const [dimension, setDimension] = useState(isProp ? PROPERTY : initialDimension);
  const [propKey, setPropKey] = useState(isProp ? initialDimension.slice('event:props:'.length) : '');
  const [op, setOp] = useState(chip?.op ?? 'is');
  const [values, setValues] = useState(chip ? chipValues(chip) : []);
  const [draft, setDraft] = useState('');
  const apiDimension = dimension === PROPERTY ? (propKey.trim() ? `event:props:${propKey.trim()}` : null) : dimension;

  // Suggestions: the view's top values of the dimension containing what is typed.
  const others = { ...state, filters: state.filters.filter((c) => c !== chip) };
  const body = apiDimension ? breakdownQuery(site, others, apiDimension, {
    limit: 20, extraFilters: draft ? [['contains', apiDimension, [draft], { case_sensitive: false }]] : [],
  }) : null;
  const suggestions = useFetch((signal) => (body ? client.query(body, { signal }) : Promise.resolve(null)), JSON.stringify(body));
  const options = (suggestions.data?.results ?? []).map((r) => r.dimensions[0]).filter((v) => v && !values.includes(v));

  const addDraft = () => {
    const value = draft.trim();
    if (value && !values.includes(value)) setValues([...values, value]);
    setDraft('');
  };
  const all = draft.trim() && !values.includes(draft.trim()) ? [...values, draft.trim()] : values;
  const valid = apiDimension && all.length > 0;

  return (
    <form className="w-full space-y-3 p-4 sm:w-96" aria-label={chip ? 'Edit filter' : 'Add filter'}
      onSubmit={(e) => { e.preventDefault(); if (valid) onSave({ op, dimension: apiDimension, values: all }); }}>
      <label className="block text-sm text-gray-700 dark:text-gray-300">Dimension
        <select value={dimension} onChange={(e) => { setDimension(e.target.value); setValues([]); }} className={`${inputClass} mt-1`}>
          {DIMENSIONS.map((d) => <option key={d} value={d}>{dimensionLabel(d)}</option>)}
          <option value={PROPERTY}>Custom property…</option>
        </select>
      </label>
      {dimension === PROPERTY && (
        <label className="block text-sm text-gray-700 dark:text-gray-300">Property key
          <input value={propKey} onChange={(e) => setPropKey(e.target.value)} className={`${inputClass} mt-1`} placeholder="e.g. plan" />
        </label>
      )}
      <label className="block text-sm text-gray-700 dark:text-gray-300">Operator
        <select value={op} onChange={(e) => setOp(e.target.value)} className={`${inputClass} mt-1`}>
          {Object.entries(OPERATORS).map(([key, label]) => <option key={key} value={key}>{label}</option>)}
        </select>
      </label>
      <div className="text-sm text-gray-700 dark:text-gray-300">
        <label htmlFor="filter-value">Values <span className="text-xs text-gray-500">(any of them)</span></label>
        {values.length > 0 && (
          <ul className="mt-1 flex flex-wrap gap-1">
            {values.map((v) => (
              <li key={v} className="inline-flex items-center gap-1 rounded-full bg-gray-100 py-0.5 pl-2 pr-1 text-xs dark:bg-gray-800">
                {displayValue(apiDimension ?? '', v)}
                <button type="button" aria-label={`Remove value ${v}`} onClick={() => setValues(values.filter((x) => x !== v))}
                  className="rounded-full px-1 hover:bg-gray-200 dark:hover:bg-gray-700">×</button>
              </li>
            ))}
          </ul>
        )}
        <div className="mt-1 flex gap-2">
          <input id="filter-value" value={draft} list="filter-suggestions" onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && draft.trim()) { e.preventDefault(); addDraft(); } }}
            className={inputClass} placeholder="Type a value, Enter adds another" />
          <button type="button" className={buttonSecondary} onClick={addDraft} disabled={!draft.trim()}>Add</button>
        </div>
        <datalist id="filter-suggestions">
          {options.map((v) => <option key={v} value={v}>{displayValue(apiDimension, v)}</option>)}
        </datalist>
      </div>
      <div className="flex gap-2">
        <button type="button" className={buttonSecondary} onClick={onCancel}>Cancel</button>
        <button type="submit" className={`${buttonPrimary} flex-1`} disabled={!valid}>{chip ? 'Update filter' : 'Apply filter'}</button>
      </div>
    </form>
  );
}

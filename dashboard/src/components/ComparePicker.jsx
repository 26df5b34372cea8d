import { useState } from 'react';
import { isIsoDate } from '../lib/periods.js';
import { buttonPrimary, inputClass } from './ui.jsx';

const MODES = [
  { key: '', label: 'No comparison' },
  { key: 'previous_period', label: 'Previous period' },
  { key: 'year_over_year', label: 'Year over year' },
  { key: 'custom', label: 'Custom period…' },
];

/** What the graph compares with: a second line, and the changes in the KPI row. */
export default function ComparePicker({ state, today, onChange }) {
  const [mode, setMode] = useState(state.compare ?? '');
  const [from, setFrom] = useState(state.compareFrom ?? '');
  const [to, setTo] = useState(state.compareTo ?? '');
  if (state.period === 'all' || state.period === 'realtime') return null;
  const validCustom = isIsoDate(from) && isIsoDate(to) && from <= to && to <= today;
  const choose = (key) => {
    setMode(key);
    if (key !== 'custom') onChange({ compare: key || null, compareFrom: null, compareTo: null });
  };
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <select value={mode} onChange={(e) => choose(e.target.value)} aria-label="Compare with"
        className="rounded-md border border-gray-300 bg-white py-2 pl-2 pr-7 text-sm text-gray-700 shadow-sm dark:border-gray-700 dark:bg-gray-900 dark:text-gray-200">
        {MODES.map((m) => <option key={m.key} value={m.key}>{m.key ? `vs. ${m.label}` : m.label}</option>)}
      </select>
      {mode === 'custom' && (
        <form className="flex flex-wrap items-center gap-2" aria-label="Custom comparison"
          onSubmit={(e) => { e.preventDefault(); if (validCustom) onChange({ compare: 'custom', compareFrom: from, compareTo: to }); }}>
          <input type="date" aria-label="Compare from" value={from} max={today} onChange={(e) => setFrom(e.target.value)} className={`${inputClass} w-40`} />
          <input type="date" aria-label="Compare to" value={to} max={today} onChange={(e) => setTo(e.target.value)} className={`${inputClass} w-40`} />
          <button type="submit" className={buttonPrimary} disabled={!validCustom}>Compare</button>
        </form>
      )}
    </div>
  );
}

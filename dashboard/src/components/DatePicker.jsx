import { useCallback, useEffect, useRef, useState } from 'react';
import { PERIODS, addDays, isIsoDate, periodLabel } from '../lib/periods.js';
import { useDismiss } from '../lib/useDismiss.js';
import { buttonPrimary, buttonSecondary, inputClass } from './ui.jsx';

function isTyping(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export default function DatePicker({ state, today, onChange }) {
  const [open, setOpen] = useState(false);
  const [custom, setCustom] = useState(false);
  const [from, setFrom] = useState(state.from ?? addDays(today, -6));
  const [to, setTo] = useState(state.to ?? today);
  const ref = useRef(null);
  const close = useCallback(() => { setOpen(false); setCustom(false); }, []);
  useDismiss(ref, open, close);

  const choose = useCallback((key) => {
    if (key === 'custom') {
      setOpen(true);
      setCustom(true);
      return;
    }
    onChange({ period: key, from: null, to: null, interval: null });
    close();
  }, [onChange, close]);

  // Plausible-style keyboard shortcuts (d, w, t, m, …).
  useEffect(() => {
    const onKey = (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const period = PERIODS.find((p) => p.shortcut === e.key);
      if (period) choose(period.key);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [choose]);

  const valid = isIsoDate(from) && isIsoDate(to) && from <= to && to <= today;

  return (
    <div className="relative" ref={ref}>
      <button type="button" className={`${buttonSecondary} min-w-44 justify-between`} onClick={() => setOpen(!open)} aria-haspopup="listbox" aria-expanded={open}>
        <span>{periodLabel(state)}</span>
        <svg className="h-4 w-4 text-gray-400" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true"><path d="M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4z" /></svg>
      </button>
      {open && (
        <div className="absolute right-0 z-30 mt-1 w-64 rounded-md border border-gray-200 bg-white py-1 shadow-lg dark:border-gray-700 dark:bg-gray-900">
          {!custom && PERIODS.map((p) => (
            <button key={p.key} type="button" onClick={() => choose(p.key)}
              className={`flex w-full items-center justify-between px-4 py-2 text-left text-sm hover:bg-gray-50 dark:hover:bg-gray-800 ${state.period === p.key ? 'font-semibold text-indigo-700 dark:text-indigo-400' : 'text-gray-700 dark:text-gray-200'}`}>
              {p.label}
              <kbd className="rounded border border-gray-200 px-1.5 text-xs font-normal text-gray-400 dark:border-gray-700">{p.shortcut.toUpperCase()}</kbd>
            </button>
          ))}
          {custom && (
            <form className="space-y-3 p-4" onSubmit={(e) => { e.preventDefault(); if (valid) { onChange({ period: 'custom', from, to, interval: null }); close(); } }}>
              <label className="block text-sm text-gray-700 dark:text-gray-300">From
                <input type="date" value={from} max={today} onChange={(e) => setFrom(e.target.value)} className={`${inputClass} mt-1`} />
              </label>
              <label className="block text-sm text-gray-700 dark:text-gray-300">To
                <input type="date" value={to} max={today} onChange={(e) => setTo(e.target.value)} className={`${inputClass} mt-1`} />
              </label>
              <div className="flex gap-2">
                <button type="button" className={buttonSecondary} onClick={() => setCustom(false)}>Back</button>
                <button type="submit" className={`${buttonPrimary} flex-1`} disabled={!valid}>Apply</button>
              </div>
            </form>
          )}
        </div>
      )}
    </div>
  );
}

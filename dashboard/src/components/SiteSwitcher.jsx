import { useCallback, useRef, useState } from 'react';
import { navigate, sitePath } from '../lib/router.js';
import { useDismiss } from '../lib/useDismiss.js';

export default function SiteSwitcher({ domain, sites, search }) {
  const [open, setOpen] = useState(false);
  const ref = useRef(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(ref, open, close);

  return (
    <div className="relative" ref={ref}>
      <button type="button" onClick={() => setOpen(!open)} aria-haspopup="listbox" aria-expanded={open}
        className="flex items-center gap-2 rounded-md px-2 py-1.5 text-lg font-semibold text-gray-900 hover:bg-gray-100 dark:text-gray-100 dark:hover:bg-gray-800">
        <span className="max-w-[60vw] truncate">{domain}</span>
        <svg className="h-4 w-4 text-gray-500" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true"><path d="M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4z" /></svg>
      </button>
      {open && (
        <div className="absolute left-0 z-30 mt-1 max-h-96 w-72 overflow-y-auto rounded-md border border-gray-200 bg-white py-1 shadow-lg dark:border-gray-700 dark:bg-gray-900" role="listbox">
          {(sites ?? []).map((s) => (
            <button key={s.domain} type="button" role="option" aria-selected={s.domain === domain}
              onClick={() => { close(); navigate(sitePath(s.domain) + keepPeriod(search)); }}
              className={`block w-full truncate px-4 py-2 text-left text-sm hover:bg-gray-50 dark:hover:bg-gray-800 ${s.domain === domain ? 'font-semibold text-indigo-700 dark:text-indigo-400' : 'text-gray-700 dark:text-gray-200'}`}>
              {s.domain}
              {s.name && s.name !== s.domain && <span className="ml-2 text-xs text-gray-400">{s.name}</span>}
            </button>
          ))}
          <div className="my-1 border-t border-gray-100 dark:border-gray-800" />
          <button type="button" onClick={() => { close(); navigate('/sites'); }}
            className="block w-full px-4 py-2 text-left text-sm text-gray-700 hover:bg-gray-50 dark:text-gray-200 dark:hover:bg-gray-800">
            + Add or manage sites
          </button>
        </div>
      )}
    </div>
  );
}

// Another site keeps the date range but not the filters (they name this site's pages).
function keepPeriod(search) {
  const params = new URLSearchParams(search);
  const kept = new URLSearchParams();
  for (const key of ['period', 'from', 'to', 'metric']) {
    if (params.get(key)) kept.set(key, params.get(key));
  }
  const text = kept.toString();
  return text ? `?${text}` : '';
}

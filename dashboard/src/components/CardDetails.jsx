import { useCallback, useEffect, useRef, useState } from 'react';
import { DETAILS_PAGE_SIZE, detailsQuery, findTab } from '../lib/cards.js';
import { countryCodes } from '../lib/geo.js';
import { dimensionLabel } from '../lib/filters.js';
import { formatNumber } from '../lib/format.js';
import { displayValue } from '../lib/labels.js';
import { useDismiss } from '../lib/useDismiss.js';
import { useFetch } from '../lib/useFetch.js';
import { BreakdownRows, visibleColumns } from './BreakdownRows.jsx';
import { ErrorBox, SkeletonRows, buttonSecondary, inputClass } from './ui.jsx';

/** The order a column sorts in first: names A to Z, numbers largest first. */
const firstDirection = (field, dimension) => (field === dimension ? 'asc' : 'desc');

/**
 * Every row of a card's tab for one dimension, a page at a time, searched and sorted by the
 * server. Its state (dimension, search, order, page) lives in the URL, so a link or a reload
 * opens it as it was and Back closes it.
 */
export default function CardDetails({ client, site, state, totalVisitors, onChange, onFilter, onClose }) {
  const found = findTab(state.details);
  const dimension = state.details;
  const tab = found?.tab;
  const ref = useRef(null);
  const close = useCallback(() => onClose(), [onClose]);
  useDismiss(ref, true, close);
  const [search, setSearch] = useState(state.detailsSearch ?? '');
  // Typing waits a moment before the URL (and the query) follow.
  useEffect(() => {
    if (search === (state.detailsSearch ?? '')) return undefined;
    const timer = setTimeout(() => onChange({ detailsSearch: search || null, detailsPage: null }), 300);
    return () => clearTimeout(timer);
  }, [search, state.detailsSearch, onChange]);

  const page = state.detailsPage ?? 1;
  const body = tab ? detailsQuery(site, state, tab, dimension, {
    search: state.detailsSearch, sort: state.detailsSort, page, countryCodes,
  }) : null;
  const result = useFetch((signal) => (body ? client.query(body, { signal }) : Promise.resolve(null)), JSON.stringify(body));
  if (!tab) return null;
  const rows = result.data?.results ?? [];
  const total = result.data?.meta?.total_rows ?? 0;
  const pages = Math.max(1, Math.ceil(total / DETAILS_PAGE_SIZE));
  const columns = visibleColumns(tab, body.metrics, rows);
  const [sortField, sortDirection] = body.order_by[0];
  const renderLabel = tab.renderLabel ?? ((value) => displayValue(dimension, value));
  const sortBy = (field) => {
    const direction = field === sortField ? (sortDirection === 'asc' ? 'desc' : 'asc') : firstDirection(field, dimension);
    onChange({ detailsSort: `${field}:${direction}`, detailsPage: null });
  };
  const arrow = (field) => (field === sortField ? (sortDirection === 'asc' ? ' ↑' : ' ↓') : '');
  const title = `${found.card.title} · ${tab.options || tab.props ? dimensionLabel(dimension) : tab.label}`;
  const go = (p) => onChange({ detailsPage: p > 1 ? p : null });

  return (
    <div className="fixed inset-0 z-40 flex items-start justify-center bg-gray-900/40 p-2 sm:p-10">
      <div ref={ref} role="dialog" aria-modal="true" aria-label={title}
        className="flex max-h-full w-full max-w-3xl flex-col rounded-lg bg-white shadow-xl dark:bg-gray-900">
        <header className="flex items-center gap-3 border-b border-gray-100 px-5 py-3 dark:border-gray-800">
          <h2 className="font-semibold text-gray-900 dark:text-gray-100">{title}</h2>
          <span className="ml-auto text-sm text-gray-500" data-testid="details-total">{formatNumber(total)} rows</span>
          <button type="button" onClick={close} aria-label="Close details" className="text-gray-500 hover:text-gray-900 dark:hover:text-gray-100">✕</button>
        </header>
        <div className="px-5 pt-3">
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={`Search ${(tab.heading ?? tab.label).toLowerCase()}s`}
            aria-label="Search rows" className={inputClass} autoFocus />
        </div>
        <div className="flex items-center justify-between px-5 pb-1 pt-3 text-xs font-semibold uppercase tracking-wide text-gray-500 dark:text-gray-400">
          <button type="button" onClick={() => sortBy(dimension)} aria-label={`Sort by ${tab.heading ?? tab.label}`}>{tab.heading ?? tab.label}{arrow(dimension)}</button>
          <span className="flex gap-4">
            {columns.map((c) => (c.conversion
              ? <span key={c.label} className="w-14 text-right">{c.label}</span>
              : (
                <button key={c.label} type="button" className={`${c.wide ? 'w-24' : 'w-14'} text-right uppercase`} aria-label={`Sort by ${c.label}`}
                  title={c.title} onClick={() => sortBy(c.metric)}>{c.label}{arrow(c.metric)}</button>
              )))}
          </span>
        </div>
        <div className={`min-h-0 flex-1 overflow-y-auto px-5 py-2 ${result.loading && result.data ? 'opacity-60' : ''}`}>
          {result.error && <ErrorBox error={result.error} onRetry={result.reload} />}
          {!result.error && !result.data && <SkeletonRows rows={10} />}
          {!result.error && result.data && rows.length === 0 && <p className="py-8 text-center text-sm text-gray-500">No rows match.</p>}
          {rows.length > 0 && (
            <div data-testid="details-rows">
              <BreakdownRows rows={rows} columns={columns} metrics={body.metrics} dimension={dimension} renderLabel={renderLabel}
                clickable onFilter={onFilter} totalVisitors={totalVisitors} />
            </div>
          )}
        </div>
        <footer className="flex items-center justify-between gap-2 border-t border-gray-100 px-5 py-3 text-sm dark:border-gray-800">
          <button type="button" className={`${buttonSecondary} disabled:opacity-50`} disabled={page <= 1} onClick={() => go(page - 1)}>Previous</button>
          <span className="text-gray-600 dark:text-gray-400" data-testid="details-page">Page {page} of {pages}</span>
          <span className="flex gap-2">
            <button type="button" className={`${buttonSecondary} disabled:opacity-50`} disabled={page >= pages} onClick={() => go(page + 1)}>Next</button>
            <button type="button" className={`${buttonSecondary} disabled:opacity-50`} disabled={page >= pages} onClick={() => go(pages)}>Last</button>
          </span>
        </footer>
      </div>
    </div>
  );
}

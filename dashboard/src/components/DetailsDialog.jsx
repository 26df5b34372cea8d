import { useCallback, useRef, useState } from 'react';
import { tabQuery } from '../lib/cards.js';
import { useDismiss } from '../lib/useDismiss.js';
import { useFetch } from '../lib/useFetch.js';
import { formatNumber } from '../lib/format.js';
import { BreakdownRows, ColumnHeadings } from './BreakdownRows.jsx';
import { ErrorBox, SkeletonRows, buttonSecondary } from './ui.jsx';

/** Rows per page of a card's details. */
export const DETAILS_PAGE = 100;

/**
 * Every row of a card's tab, a hundred at a time, with the same columns as the card (the pages
 * card's scroll depth and time on page included).
 */
export default function DetailsDialog({ title, tab, columns, dimension, client, site, state, renderLabel, clickable,
  totalVisitors, onFilter, onClose }) {
  const ref = useRef(null);
  const close = useCallback(() => onClose(), [onClose]);
  useDismiss(ref, true, close);
  const [pages, setPages] = useState(1);
  const body = tabQuery(site, state, tab, dimension, { limit: DETAILS_PAGE * pages, offset: 0 });
  const result = useFetch((signal) => client.query(body, { signal }), JSON.stringify(body));
  const rows = result.data?.results ?? [];
  const total = result.data?.meta?.total_rows ?? rows.length;

  return (
    <div className="fixed inset-0 z-40 flex items-start justify-center bg-gray-900/40 p-4 sm:p-10">
      <div ref={ref} role="dialog" aria-modal="true" aria-label={title}
        className="flex max-h-full w-full max-w-3xl flex-col rounded-lg bg-white shadow-xl dark:bg-gray-900">
        <header className="flex items-center justify-between border-b border-gray-100 px-5 py-3 dark:border-gray-800">
          <h2 className="font-semibold text-gray-900 dark:text-gray-100">{title}</h2>
          <span className="ml-auto mr-4 text-sm text-gray-500">{formatNumber(total)} rows</span>
          <button type="button" onClick={close} aria-label="Close details" className="text-gray-500 hover:text-gray-900 dark:hover:text-gray-100">✕</button>
        </header>
        <div className="px-5 pt-3">
          <ColumnHeadings heading={tab.heading ?? tab.label} columns={columns} />
        </div>
        <div className={`min-h-0 flex-1 overflow-y-auto px-5 py-2 ${result.loading && result.data ? 'opacity-60' : ''}`}>
          {result.error && <ErrorBox error={result.error} onRetry={result.reload} />}
          {!result.error && !result.data && <SkeletonRows rows={10} />}
          {rows.length > 0 && (
            <BreakdownRows rows={rows} columns={columns} metrics={body.metrics} dimension={dimension}
              renderLabel={renderLabel} clickable={clickable} onFilter={onFilter} totalVisitors={totalVisitors} />
          )}
        </div>
        {rows.length < total && (
          <footer className="border-t border-gray-100 px-5 py-3 text-center dark:border-gray-800">
            <button type="button" className={buttonSecondary} disabled={result.loading} onClick={() => setPages((p) => p + 1)}>
              Load more
            </button>
          </footer>
        )}
      </div>
    </div>
  );
}

import { Suspense, lazy, useState } from 'react';
import { useFetch } from '../lib/useFetch.js';
import { availableTabs, tabQuery } from '../lib/cards.js';
import { formatMetric, formatPercent } from '../lib/format.js';
import { displayValue } from '../lib/labels.js';
import { Card, Empty, ErrorBox, Skeleton, SkeletonRows } from './ui.jsx';

// d3-geo and the Natural Earth shapes load only with a map tab.
const WorldMap = lazy(() => import('./WorldMap.jsx'));

/** Rows with bars: each column a metric of the query (or a conversion rate); a click filters by the row's value. */
export function BreakdownRows({ rows, columns, metrics, dimension, renderLabel, clickable, onFilter, totalVisitors }) {
  const max = Math.max(1, ...rows.map((r) => r.metrics[0] ?? 0));
  return (
    <ul className="space-y-1">
      {rows.map((row) => {
        const value = row.dimensions[0];
        const canFilter = clickable && value !== null && value !== undefined && value !== '';
        const width = `${Math.max(1, ((row.metrics[0] ?? 0) / max) * 100)}%`;
        const label = renderLabel(value);
        return (
          <li key={String(value)} className="flex items-center gap-4">
            <button type="button" disabled={!canFilter}
              onClick={() => onFilter({ op: 'is', dimension, value: String(value) })}
              title={canFilter ? `Filter by ${typeof label === 'string' ? label : value}` : undefined}
              className="group relative min-w-0 flex-1 overflow-hidden rounded text-left enabled:cursor-pointer">
              <span className="absolute inset-y-0 left-0 rounded bg-indigo-100/80 transition-all group-enabled:group-hover:bg-indigo-200/80 dark:bg-indigo-900/40" style={{ width }} />
              <span className="relative block truncate px-2 py-1.5 text-sm text-gray-800 group-enabled:group-hover:underline dark:text-gray-200">{label}</span>
            </button>
            <span className="flex shrink-0 gap-4">
              {columns.map((c) => (
                <span key={c.label} className="w-14 text-right text-sm font-medium tabular-nums text-gray-800 dark:text-gray-200">
                  {c.conversion
                    ? (totalVisitors ? formatPercent((row.metrics[0] / totalVisitors) * 100, 1) : '–')
                    : formatMetric(metrics[c.index], row.metrics[c.index])}
                </span>
              ))}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * A top-10 table with bars. Each tab names a dimension (or several, chosen with a select), the
 * metrics to show and how to label values; a map tab draws the countries instead. Clicking a row
 * filters the dashboard by that value; "Details" opens every row.
 */
export default function BreakdownCard({
  title, tabs: allTabs, client, site, state, onFilter, onDetails, totalVisitors, available, refresh = 0, compact = false,
}) {
  const tabs = availableTabs(allTabs, available);
  const [tabKey, setTabKey] = useState(tabs[0].key);
  const tab = tabs.find((t) => t.key === tabKey) ?? tabs[0];
  const [choice, setChoice] = useState({});
  const dimension = tab.options ? (choice[tab.key] ?? tab.options[0].dimension) : tab.dimension;
  const body = tabQuery(site, state, tab, dimension);
  const result = useFetch((signal) => client.query(body, { signal }), JSON.stringify(body), refresh);
  const rows = result.data?.results ?? [];
  const columns = tab.columns ?? [{ label: 'Visitors', index: 0 }];
  const renderLabel = tab.renderLabel ?? ((value) => displayValue(dimension, value));
  const alreadyFiltered = state.filters.some((c) => c.dimension === dimension && c.op === 'is');
  const map = tab.view === 'map';

  return (
    <Card className={`flex flex-col ${compact ? 'min-h-48' : 'min-h-[26rem]'}`}>
      <header className="flex flex-wrap items-center justify-between gap-2 px-5 pt-4">
        <h2 className="font-semibold text-gray-900 dark:text-gray-100">{title}</h2>
        <div className="flex flex-wrap items-center gap-x-3 text-sm" role="tablist">
          {tabs.length > 1 && tabs.map((t) => (
            <button key={t.key} type="button" role="tab" aria-selected={t.key === tab.key} onClick={() => setTabKey(t.key)}
              className={`border-b-2 pb-0.5 ${t.key === tab.key ? 'border-indigo-500 font-medium text-indigo-700 dark:text-indigo-400' : 'border-transparent text-gray-500 hover:text-gray-800 dark:hover:text-gray-200'}`}>
              {t.label}
            </button>
          ))}
          {tab.options && (
            <select value={dimension} onChange={(e) => setChoice({ ...choice, [tab.key]: e.target.value })}
              aria-label={`${tab.label} dimension`}
              className="rounded border border-gray-200 bg-white py-0.5 pl-1 text-sm text-gray-700 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-200">
              {tab.options.map((o) => <option key={o.dimension} value={o.dimension}>{o.label}</option>)}
            </select>
          )}
        </div>
      </header>
      {!map && (
        <div className="flex items-center justify-between px-5 pb-1 pt-3 text-xs font-semibold uppercase tracking-wide text-gray-500 dark:text-gray-400">
          <span>{tab.heading ?? tab.label}</span>
          <span className="flex gap-4">{columns.map((c) => <span key={c.label} className="w-14 text-right">{c.label}</span>)}</span>
        </div>
      )}
      <div className={`flex-1 px-5 pb-4 ${map ? 'pt-3' : ''} ${result.loading && result.data ? 'opacity-60' : ''}`}>
        {result.error && <ErrorBox error={result.error} onRetry={result.reload} />}
        {!result.error && !result.data && (map ? <Skeleton className="h-72 w-full" /> : <SkeletonRows rows={8} />)}
        {!result.error && result.data && rows.length === 0 && <Empty>No data for this period.</Empty>}
        {!result.error && rows.length > 0 && map && (
          <Suspense fallback={<Skeleton className="h-72 w-full" />}>
            <WorldMap rows={rows} onSelect={alreadyFiltered ? null : (code) => onFilter({ op: 'is', dimension, value: code })} />
          </Suspense>
        )}
        {!result.error && rows.length > 0 && !map && (
          <BreakdownRows rows={rows} columns={columns} metrics={body.metrics} dimension={dimension} renderLabel={renderLabel}
            clickable={!alreadyFiltered} onFilter={onFilter} totalVisitors={totalVisitors} />
        )}
      </div>
      {!map && onDetails && !result.error && rows.length > 0 && (
        <footer className="flex justify-end px-5 pb-3">
          <button type="button" onClick={() => onDetails(dimension)}
            className="text-xs font-medium uppercase tracking-wide text-gray-500 hover:text-indigo-700 dark:text-gray-400 dark:hover:text-indigo-400">
            Details
          </button>
        </footer>
      )}
    </Card>
  );
}

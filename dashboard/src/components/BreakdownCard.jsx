import { Suspense, lazy, useState } from 'react';
import { useFetch } from '../lib/useFetch.js';
import { availableTabs, propKeysQuery, propOptions, tabQuery } from '../lib/cards.js';
import { displayValue } from '../lib/labels.js';
import { Card, Empty, ErrorBox, Skeleton, SkeletonRows } from './ui.jsx';
import { BreakdownRows, ColumnHeadings, visibleColumns } from './BreakdownRows.jsx';

// d3-geo and the Natural Earth shapes load only with a map tab.
const WorldMap = lazy(() => import('./WorldMap.jsx'));

/**
 * A top-10 table with bars. Each tab names a dimension (or several, chosen with a select; a props
 * tab's choices are the property keys of the events in view), the metrics to show and how to label
 * values; a map tab draws the countries instead. Clicking a row filters the dashboard by that
 * value; "Details" opens every row (`onDetails(dimension)`).
 */
export default function BreakdownCard({
  title, tabs: allTabs, client, site, state, onFilter, onDetails, totalVisitors, available, refresh = 0, compact = false,
  action = null,
}) {
  const tabs = availableTabs(allTabs, available);
  const [tabKey, setTabKey] = useState(tabs[0].key);
  const tab = tabs.find((t) => t.key === tabKey) ?? tabs[0];
  const [choice, setChoice] = useState({});
  const keysBody = tab.props ? propKeysQuery(site, state) : null;
  const keys = useFetch((signal) => (keysBody ? client.propKeys(keysBody, { signal }) : Promise.resolve(null)),
    JSON.stringify(keysBody), refresh);
  const options = tab.props ? propOptions(keys.data) : tab.options;
  const chosen = options?.find((o) => o.dimension === choice[tab.key]);
  const dimension = options ? (chosen ?? options[0])?.dimension : tab.dimension;
  const body = dimension ? tabQuery(site, state, tab, dimension) : null;
  const result = useFetch((signal) => (body ? client.query(body, { signal }) : Promise.resolve({ results: [] })),
    JSON.stringify(body), refresh);
  const rows = result.data?.results ?? [];
  const metrics = body?.metrics ?? [];
  const columns = visibleColumns(tab, metrics, rows);
  const renderLabel = tab.renderLabel ?? ((value) => displayValue(dimension, value));
  const alreadyFiltered = state.filters.some((c) => c.dimension === dimension && c.op === 'is');
  const error = keys.error ?? result.error;
  const loading = !error && (result.data === undefined || (tab.props && keys.data === undefined));
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
          {options?.length > 0 && (
            <select value={dimension} onChange={(e) => setChoice({ ...choice, [tab.key]: e.target.value })}
              aria-label={`${tab.label} dimension`}
              className="rounded border border-gray-200 bg-white py-0.5 pl-1 text-sm text-gray-700 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-200">
              {options.map((o) => <option key={o.dimension} value={o.dimension}>{o.label}</option>)}
            </select>
          )}
          {action}
        </div>
      </header>
      {!map && (
        <div className="px-5 pb-1 pt-3">
          <ColumnHeadings heading={tab.heading ?? tab.label} columns={columns} />
        </div>
      )}
      <div className={`flex-1 px-5 pb-2 ${map ? 'pt-3' : ''} ${result.loading && result.data ? 'opacity-60' : ''}`}>
        {error && <ErrorBox error={error} onRetry={() => { keys.reload(); result.reload(); }} />}
        {loading && (map ? <Skeleton className="h-72 w-full" /> : <SkeletonRows rows={8} />)}
        {!error && !loading && rows.length === 0 && <Empty>{tab.empty ?? 'No data for this period.'}</Empty>}
        {!error && rows.length > 0 && map && (
          <Suspense fallback={<Skeleton className="h-72 w-full" />}>
            <WorldMap rows={rows} onSelect={alreadyFiltered ? null : (code) => onFilter({ op: 'is', dimension, value: code })} />
          </Suspense>
        )}
        {!error && rows.length > 0 && !map && (
          <BreakdownRows rows={rows} columns={columns} metrics={metrics} dimension={dimension} renderLabel={renderLabel}
            clickable={!alreadyFiltered} onFilter={onFilter} totalVisitors={totalVisitors} />
        )}
      </div>
      {!map && onDetails && !error && rows.length > 0 && (
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

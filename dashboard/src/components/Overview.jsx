import { Suspense, lazy, useEffect } from 'react';
import { useFetch } from '../lib/useFetch.js';
import { REVENUE_METRICS, comparisonOf, timeseriesQuery } from '../lib/query.js';
import { readKpis } from '../lib/kpis.js';
import { fillSeries } from '../lib/timeseries.js';
import { currentBucket, intervalFor, intervalsFor } from '../lib/periods.js';
import { METRICS, describeChange, formatMetric } from '../lib/format.js';
import { Card, Empty, ErrorBox, Skeleton } from './ui.jsx';

// Recharts is the largest chunk: fetch it as soon as a dashboard mounts, alongside the queries.
const loadChart = () => import('./MainChart.jsx');
const MainChart = lazy(loadChart);

const TONES = {
  good: 'text-green-600 dark:text-green-400',
  bad: 'text-red-600 dark:text-red-400',
  neutral: 'text-gray-500',
};

function Kpi({ kpi, selected, onSelect, comparing }) {
  const change = describeChange(kpi.metric, kpi.change);
  // Revenue is shown, not graphed: the graph plots numbers, revenue is an amount in a currency.
  const Tile = onSelect ? 'button' : 'div';
  const props = onSelect ? { type: 'button', onClick: onSelect, 'aria-pressed': selected } : {};
  return (
    <Tile {...props} data-kpi={kpi.metric}
      className={`group min-w-0 px-4 py-3 text-left transition-colors sm:px-5 ${onSelect ? 'hover:bg-gray-50 dark:hover:bg-gray-800/50' : ''} ${selected ? 'bg-indigo-50/60 dark:bg-indigo-950/40' : ''}`}>
      <div className={`truncate text-xs font-semibold uppercase tracking-wide ${selected ? 'text-indigo-700 dark:text-indigo-400' : 'text-gray-500 dark:text-gray-400'}`}>
        {METRICS[kpi.metric].label}
      </div>
      <div className="mt-1 flex flex-wrap items-baseline gap-x-2">
        <span className="text-2xl font-bold text-gray-900 dark:text-gray-100">{formatMetric(kpi.metric, kpi.value)}</span>
        {comparing && change && <span className={`text-xs font-medium ${TONES[change.tone]}`}>{change.text}</span>}
      </div>
      <div className={`mt-2 h-0.5 rounded ${selected ? 'bg-indigo-500' : 'bg-transparent'}`} />
    </Tile>
  );
}

/** Wide screens: six KPIs on one row, eight (goal filter) too, ten (with revenue) on two of five. */
function kpiColumns(count) {
  if (count > 8) return 'xl:grid-cols-5';
  return count > 6 ? 'xl:grid-cols-8' : 'xl:grid-cols-6';
}

function KpiSkeleton() {
  return (
    <div className="px-5 py-3">
      <Skeleton className="h-3 w-24" />
      <Skeleton className="mt-2 h-7 w-16" />
    </div>
  );
}

export default function Overview({
  client, site, state, today, timeZone, kpiBody, kpis, refresh = 0, onSelectMetric, onSelectInterval,
}) {
  useEffect(() => { loadChart(); }, []);
  const metric = state.metric;
  const interval = intervalFor(state);
  const seriesBody = timeseriesQuery(site, state, metric);
  const series = useFetch((signal) => client.query(seriesBody, { signal }), JSON.stringify(seriesBody), refresh);

  // Revenue only where the filtered goals have a currency (the API answers null otherwise).
  const rows = kpis.data
    ? readKpis(kpiBody.metrics, kpis.data).filter((k) => k.value !== null || !REVENUE_METRICS.includes(k.metric))
    : null;
  const points = series.data
    ? fillSeries(series.data, { state, interval, today, current: currentBucket(timeZone, interval) })
    : null;
  const empty = rows && rows[0].value === 0;

  return (
    <Card>
      {kpis.error && <ErrorBox error={kpis.error} onRetry={kpis.reload} className="m-4" />}
      <div className={`grid grid-cols-2 divide-gray-100 border-b border-gray-100 dark:divide-gray-800 dark:border-gray-800 md:grid-cols-3 ${kpiColumns(rows?.length ?? 0)} ${kpis.loading && rows ? 'opacity-60' : ''}`}>
        {rows
          ? rows.map((kpi) => (
            <Kpi key={kpi.metric} kpi={kpi} selected={kpi.metric === metric} comparing={comparisonOf(state) !== null}
              onSelect={REVENUE_METRICS.includes(kpi.metric) ? null : () => onSelectMetric(kpi.metric)} />
          ))
          : !kpis.error && Array.from({ length: 6 }, (_, i) => <KpiSkeleton key={i} />)}
      </div>
      <div className="flex items-center justify-between px-5 pt-3 text-sm">
        <span className="font-medium text-gray-700 dark:text-gray-300">{METRICS[metric]?.label}</span>
        {intervalsFor(state).length > 1 && (
          <div className="flex gap-1" role="group" aria-label="Graph interval">
            {intervalsFor(state).map((i) => (
              <button key={i} type="button" onClick={() => onSelectInterval(i)} aria-pressed={i === interval}
                className={`rounded px-2 py-0.5 capitalize ${i === interval ? 'bg-gray-100 font-medium text-gray-900 dark:bg-gray-800 dark:text-gray-100' : 'text-gray-500 hover:text-gray-800 dark:hover:text-gray-200'}`}>
                {i}
              </button>
            ))}
          </div>
        )}
      </div>
      <div className="h-72 p-4 pt-2 text-gray-400 sm:h-80">
        {series.error && <ErrorBox error={series.error} onRetry={series.reload} />}
        {!series.error && !points && <Skeleton className="h-full w-full" />}
        {!series.error && points && (empty
          ? <Empty>No visitors in this period{state.filters.length ? ' with these filters' : ''}.</Empty>
          : (
            <Suspense fallback={<Skeleton className="h-full w-full" />}>
              <div className={`h-full ${series.loading ? 'opacity-60' : ''}`}>
                <MainChart series={points} metric={metric} interval={interval} />
              </div>
            </Suspense>
          ))}
      </div>
    </Card>
  );
}

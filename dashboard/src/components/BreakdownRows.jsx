import { formatMetric, formatPercent } from '../lib/format.js';

/**
 * The columns a tab shows for a query: each names a metric of it (or a computed conversion rate);
 * an `ifAny` column only when some row has a value for it (revenue, where a goal has a currency).
 */
export function visibleColumns(tab, metrics, rows = []) {
  const columns = tab.columns ?? [{ label: 'Visitors', metric: metrics[0] }];
  return columns
    .map((c) => ({ ...c, index: c.metric ? metrics.indexOf(c.metric) : -1 }))
    .filter((c) => c.conversion || c.index >= 0)
    .filter((c) => !c.ifAny || rows.some((r) => r.metrics[c.index] !== null && r.metrics[c.index] !== undefined));
}

/** Money needs more room than counts and rates. */
const columnWidth = (c) => (c.wide ? 'w-24' : 'w-14');

/** Rows with bars; clicking one filters the dashboard by its value. */
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
                <span key={c.label} className={`${columnWidth(c)} text-right text-sm font-medium tabular-nums text-gray-800 dark:text-gray-200`}>
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

/** The column headings over a list of rows. */
export function ColumnHeadings({ heading, columns }) {
  return (
    <div className="flex items-center justify-between text-xs font-semibold uppercase tracking-wide text-gray-500 dark:text-gray-400">
      <span>{heading}</span>
      <span className="flex gap-4">{columns.map((c) => <span key={c.label} title={c.title} className={`${columnWidth(c)} text-right`}>{c.label}</span>)}</span>
    </div>
  );
}

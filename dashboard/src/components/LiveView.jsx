import { formatNumber } from '../lib/format.js';
import { displayValue } from '../lib/labels.js';
import { useRealtime } from '../lib/useVisibleInterval.js';
import { Card, ErrorBox, Skeleton, SkeletonRows } from './ui.jsx';

/** How often the realtime view asks again (the API caches its answer for 5 s). */
export const LIVE_REFRESH_MS = 10_000;

export function Sparkline({ points, className = 'h-16 w-full' }) {
  const max = Math.max(1, ...points.map((p) => p.pageviews));
  const w = 300;
  const h = 80;
  const bar = w / Math.max(points.length, 1);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" className={className} role="img" aria-label="Pageviews per minute, last 30 minutes">
      {points.map((p, i) => {
        const height = Math.max(1, (p.pageviews / max) * (h - 4));
        return (
          <rect key={p.minute ?? i} x={i * bar + 1} y={h - height} width={Math.max(bar - 2, 1)} height={height} rx="1"
            className="fill-indigo-400 dark:fill-indigo-500" data-pageviews={p.pageviews}>
            <title>{`${p.minute?.slice(11, 16) ?? ''}: ${p.pageviews} pageviews`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

function TopList({ title, heading, rows, dimension, testId }) {
  return (
    <Card className="p-5">
      <h2 className="font-semibold text-gray-900 dark:text-gray-100">{title}</h2>
      <div className="mt-3 flex justify-between text-xs font-semibold uppercase tracking-wide text-gray-500 dark:text-gray-400">
        <span>{heading}</span><span>Visitors</span>
      </div>
      {!rows && <SkeletonRows rows={5} />}
      {rows && rows.length === 0 && <p className="py-6 text-center text-sm text-gray-500">Nobody in the last 5 minutes.</p>}
      {rows && rows.length > 0 && (
        <ul className="mt-1 space-y-1" data-testid={testId}>
          {rows.map((r) => (
            <li key={r.value} className="flex justify-between gap-4 py-1 text-sm text-gray-800 dark:text-gray-200">
              <span className="truncate">{displayValue(dimension, r.value)}</span>
              <span className="font-medium tabular-nums">{formatNumber(r.visitors)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/**
 * The realtime view: visitors of the last 5 minutes, pageviews per minute of the last 30, and the
 * top pages and sources of the last 5 minutes; refreshed in place while the tab is visible.
 */
export default function LiveView({ client, domain }) {
  const { data, failed } = useRealtime(client, domain, LIVE_REFRESH_MS);
  const minutes = data?.pageviews_per_minute;
  return (
    <div className="space-y-4">
      {failed && <ErrorBox error={{ message: 'Realtime data is unavailable right now; retrying.' }} />}
      <Card className="p-5">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <div>
            <div className="text-xs font-semibold uppercase tracking-wide text-gray-500 dark:text-gray-400">Current visitors</div>
            <div className="mt-1 text-4xl font-bold text-gray-900 dark:text-gray-100" data-testid="live-visitors">
              {data ? formatNumber(data.visitors) : '–'}
            </div>
            <div className="text-xs text-gray-500">in the last 5 minutes · updates every {LIVE_REFRESH_MS / 1000} s</div>
          </div>
          <div className="text-right text-sm text-gray-600 dark:text-gray-400" data-testid="live-pageviews">
            {minutes ? `${formatNumber(minutes.reduce((sum, p) => sum + p.pageviews, 0))} pageviews in 30 minutes` : ''}
          </div>
        </div>
        <div className="mt-4">
          {minutes ? <Sparkline points={minutes} className="h-40 w-full" /> : <Skeleton className="h-40 w-full" />}
        </div>
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        <TopList title="Top pages" heading="Page" rows={data?.top_pages} dimension="event:page" testId="live-pages" />
        <TopList title="Top sources" heading="Source" rows={data?.top_sources} dimension="visit:source" testId="live-sources" />
      </div>
    </div>
  );
}

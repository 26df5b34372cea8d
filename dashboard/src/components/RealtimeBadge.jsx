import { useCallback, useEffect, useRef, useState } from 'react';
import { useDismiss } from '../lib/useDismiss.js';
import { formatNumber } from '../lib/format.js';

const REFRESH_MS = 30_000;

function Sparkline({ points }) {
  const max = Math.max(1, ...points.map((p) => p.pageviews));
  const w = 240;
  const h = 60;
  const bar = w / Math.max(points.length, 1);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} className="h-16 w-full" role="img" aria-label="Pageviews per minute, last 30 minutes">
      {points.map((p, i) => {
        const height = Math.max(1, (p.pageviews / max) * (h - 4));
        return <rect key={p.minute ?? i} x={i * bar + 1} y={h - height} width={Math.max(bar - 2, 1)} height={height} rx="1" className="fill-indigo-400" />;
      })}
    </svg>
  );
}

export default function RealtimeBadge({ client, domain }) {
  const [data, setData] = useState(null);
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState(false);
  const ref = useRef(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(ref, open, close);

  useEffect(() => {
    let controller = new AbortController();
    const load = () => {
      controller.abort();
      controller = new AbortController();
      client.realtime(domain, { signal: controller.signal }).then(
        (d) => { setData(d); setFailed(false); },
        (e) => { if (e.name !== 'AbortError') setFailed(true); },
      );
    };
    setData(null);
    load();
    const timer = setInterval(() => { if (!document.hidden) load(); }, REFRESH_MS);
    return () => { clearInterval(timer); controller.abort(); };
  }, [client, domain]);

  const visitors = data?.visitors;
  const label = visitors === undefined ? '–' : formatNumber(visitors);
  return (
    <div className="relative" ref={ref}>
      <button type="button" onClick={() => setOpen(!open)} title={failed ? 'Realtime data is unavailable right now' : 'Visitors in the last 5 minutes'}
        className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm font-medium text-gray-700 hover:bg-gray-100 dark:text-gray-300 dark:hover:bg-gray-800">
        <span className="relative flex h-2.5 w-2.5">
          {!failed && visitors > 0 && <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-green-400 opacity-75" />}
          <span className={`relative inline-flex h-2.5 w-2.5 rounded-full ${failed ? 'bg-gray-400' : 'bg-green-500'}`} />
        </span>
        <span data-testid="realtime-visitors">{label}</span>
        <span className="hidden sm:inline">current visitor{visitors === 1 ? '' : 's'}</span>
      </button>
      {open && data?.pageviews_per_minute && (
        <div className="absolute left-0 z-30 mt-1 w-72 rounded-md border border-gray-200 bg-white p-4 shadow-lg dark:border-gray-700 dark:bg-gray-900">
          <p className="text-sm font-medium text-gray-900 dark:text-gray-100">Pageviews per minute</p>
          <p className="mb-2 text-xs text-gray-500">Last 30 minutes · refreshes every 30 s</p>
          <Sparkline points={data.pageviews_per_minute} />
          <p className="mt-2 text-xs text-gray-500">
            {formatNumber(data.pageviews_per_minute.reduce((sum, p) => sum + p.pageviews, 0))} pageviews in 30 minutes
          </p>
        </div>
      )}
    </div>
  );
}

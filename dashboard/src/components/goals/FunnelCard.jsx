import { useState } from 'react';
import { useFetch } from '../../lib/useFetch.js';
import { funnelQuery, stepWidth } from '../../lib/funnels.js';
import { formatNumber, formatPercent } from '../../lib/format.js';
import { Card, Empty, ErrorBox, SkeletonRows } from '../ui.jsx';

/**
 * One of the site's funnels over the dashboard's range and filters: a bar per step (its share of
 * the visitors who entered), its conversion rate and how many the step lost.
 */
export default function FunnelCard({ client, site, state, refresh = 0, action = null }) {
  const funnels = useFetch((signal) => client.funnels(site, { signal }), site);
  const [chosen, setChosen] = useState(null);
  const names = (funnels.data ?? []).map((f) => f.name);
  const name = names.includes(chosen) ? chosen : names[0];
  const body = name ? funnelQuery(site, state, name) : null;
  const answer = useFetch((signal) => (body ? client.funnel(body, { signal }) : Promise.resolve(null)), JSON.stringify(body), refresh);
  const steps = answer.data?.steps ?? [];
  const entering = answer.data?.meta?.entering_visitors ?? 0;
  const error = funnels.error ?? answer.error;

  return (
    <Card className="flex min-h-48 flex-col">
      <header className="flex flex-wrap items-center justify-between gap-2 px-5 pt-4">
        <h2 className="font-semibold text-gray-900 dark:text-gray-100">Funnels</h2>
        <div className="flex items-center gap-3 text-sm">
          {names.length > 0 && (
            <select value={name} onChange={(e) => setChosen(e.target.value)} aria-label="Funnel"
              className="rounded border border-gray-200 bg-white py-0.5 pl-1 text-sm text-gray-700 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-200">
              {names.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          )}
          {action}
        </div>
      </header>
      <div className={`flex-1 px-5 py-4 ${answer.loading && answer.data ? 'opacity-60' : ''}`}>
        {error && <ErrorBox error={error} onRetry={() => { funnels.reload(); answer.reload(); }} />}
        {!error && (funnels.data === undefined || (name && answer.data === undefined)) && <SkeletonRows rows={3} />}
        {!error && funnels.data?.length === 0 && <Empty>No funnels yet: a funnel follows visits through goals in order.</Empty>}
        {!error && answer.data && (
          <>
            <p className="mb-3 text-sm text-gray-600 dark:text-gray-400">
              {formatNumber(entering)} of {formatNumber(answer.data.meta.all_visitors)} visitors entered
              ({formatPercent(answer.data.meta.entering_visitors_percentage, 1)}); {formatPercent(answer.data.meta.conversion_rate, 1)} completed it.
            </p>
            <ol className="space-y-3" aria-label={`Funnel ${name}`}>
              {steps.map((step, i) => (
                <li key={step.name} className="grid grid-cols-[1.5rem_1fr] items-center gap-x-3 gap-y-1">
                  <span className="text-sm font-semibold text-gray-400">{i + 1}</span>
                  <div className="flex items-baseline justify-between gap-2 text-sm">
                    <span className="truncate font-medium text-gray-800 dark:text-gray-200">{step.name}</span>
                    <span className="shrink-0 tabular-nums text-gray-700 dark:text-gray-300">
                      <span data-testid="step-visitors">{formatNumber(step.visitors)}</span> visitors · {formatPercent(step.conversion_rate, 1)}
                    </span>
                  </div>
                  <span />
                  <div className="relative h-6 overflow-hidden rounded bg-gray-100 dark:bg-gray-800">
                    <div className="absolute inset-y-0 left-0 rounded bg-indigo-500/80" style={{ width: stepWidth(step, entering) }} />
                  </div>
                  {i > 0 && (
                    <>
                      <span />
                      <span className="text-xs text-gray-500 dark:text-gray-400">
                        Dropped off: {formatNumber(step.dropoff)} ({formatPercent(step.dropoff_percentage, 1)})
                      </span>
                    </>
                  )}
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </Card>
  );
}

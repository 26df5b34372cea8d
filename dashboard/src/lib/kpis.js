import { computeChange } from './format.js';

/** Pairs each requested metric with its value and change from a totals response. */
export function readKpis(metrics, response) {
  const row = response?.results?.[0];
  return metrics.map((metric, i) => {
    const value = row?.metrics?.[i] ?? 0;
    const comparison = row?.comparison;
    let change = null;
    if (comparison) {
      change = comparison.change?.[i];
      if (change === undefined) change = computeChange(metric, value, comparison.metrics?.[i]);
    }
    return { metric, value, change, previous: comparison?.metrics?.[i] ?? null };
  });
}

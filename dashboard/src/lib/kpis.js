import { computeChange } from './format.js';
import { REVENUE_METRICS } from './query.js';

/**
 * Pairs each requested metric with its value and change from a totals response. A missing count
 * reads 0; missing revenue stays null (no currency applies, so there is no revenue to show).
 */
export function readKpis(metrics, response) {
  const row = response?.results?.[0];
  return metrics.map((metric, i) => {
    const value = row?.metrics?.[i] ?? (REVENUE_METRICS.includes(metric) ? null : 0);
    const comparison = row?.comparison;
    let change = null;
    if (comparison) {
      change = comparison.change?.[i];
      if (change === undefined) change = computeChange(metric, value, comparison.metrics?.[i]);
    }
    return { metric, value, change, previous: comparison?.metrics?.[i] ?? null };
  });
}

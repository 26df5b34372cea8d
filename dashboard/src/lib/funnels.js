// The funnel request and how its answer is drawn.
import { buildQuery } from './query.js';

/** POST /api/v2/funnel body for a funnel of the site, with the dashboard's range and filters. */
export function funnelQuery(site, state, funnel) {
  const { site_id: siteId, date_range: dateRange, filters } = buildQuery(site, state, { metrics: [] });
  return { site_id: siteId, funnel, date_range: dateRange, filters };
}

/** Bar width of a step: its visitors against the entering visitors (step 1). */
export function stepWidth(step, entering) {
  if (!entering) return '0%';
  return `${Math.max(step.visitors > 0 ? 1 : 0, Math.min(100, (step.visitors / entering) * 100))}%`;
}

// Builds Stats API v2 request bodies from the dashboard state.
import { toApiFilters } from './filters.js';
import { intervalFor } from './periods.js';

export const KPI_METRICS = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'];

export function dateRange(state) {
  return state.period === 'custom' ? [state.from, state.to] : state.period;
}

export function hasGoalFilter(state) {
  return state.filters.some((c) => (c.dimension === 'event:goal' || c.dimension === 'event:name') && c.op === 'is');
}

/** Scroll depth and time on page, which engagement pings answer per page. */
export const ENGAGEMENT_METRICS = ['scroll_depth', 'time_on_page'];

/**
 * Engagement pings have no name, goal or props of their own: with a filter on those the API
 * refuses engagement metrics, so the pages card leaves them out.
 */
export function engagementAllowed(state) {
  return !state.filters.some((c) => c.dimension === 'event:name' || c.dimension === 'event:goal'
    || c.dimension.startsWith('event:props:'));
}

export function buildQuery(site, state, {
  metrics, dimensions = [], orderBy, limit, offset = 0, include, extraFilters = [],
}) {
  const body = {
    site_id: site,
    metrics,
    date_range: dateRange(state),
    filters: [...toApiFilters(state.filters), ...extraFilters],
  };
  if (dimensions.length) body.dimensions = dimensions;
  if (orderBy) body.order_by = orderBy;
  // Imported history joins every query of the view when the toggle is on.
  const included = state.imports ? { ...include, imports: true } : include;
  if (included && Object.keys(included).length) body.include = included;
  if (limit !== undefined) body.pagination = { limit, offset };
  return body;
}

/**
 * What the KPI changes and the graph's second line compare with: the chosen comparison, else the
 * previous period; "all" has nothing before it.
 */
export function comparisonOf(state) {
  if (state.period === 'all' || state.period === 'realtime') return null;
  if (state.compare === 'custom' && state.compareFrom && state.compareTo) {
    return { mode: 'custom', date_range: [state.compareFrom, state.compareTo] };
  }
  return { mode: state.compare && state.compare !== 'custom' ? state.compare : 'previous_period' };
}

/** True when the graph draws a comparison line: only when one was chosen. */
export function comparesGraph(state) {
  return Boolean(state.compare) && comparisonOf(state) !== null;
}

/** The KPI row: totals with the change against the comparison ("all" has none). */
/** Revenue, which the API reads in the currency of the goals a filter selects. */
export const REVENUE_METRICS = ['total_revenue', 'average_revenue'];

/**
 * A top-level goal condition the API reads revenue for: `is` or `contains`, not a negation
 * ("does not contain" is `not` around the condition, so not top-level).
 */
export function hasRevenueGoalFilter(state) {
  return state.filters.some((c) => c.dimension === 'event:goal' && (c.op === 'is' || c.op === 'contains'));
}

export function kpiQuery(site, state) {
  let metrics = KPI_METRICS;
  if (hasGoalFilter(state)) metrics = [...metrics, 'events', 'conversion_rate'];
  // Null from the API where the goals have no currency; the KPI row then leaves them out.
  if (hasRevenueGoalFilter(state)) metrics = [...metrics, ...REVENUE_METRICS];
  const comparison = comparisonOf(state);
  return buildQuery(site, state, { metrics, include: comparison ? { comparisons: comparison } : {} });
}

export function timeseriesQuery(site, state, metric = state.metric) {
  const interval = intervalFor(state);
  return buildQuery(site, state, {
    metrics: [metric],
    dimensions: [`time:${interval}`],
    orderBy: [[`time:${interval}`, 'asc']],
    include: comparesGraph(state) ? { time_labels: true, comparisons: comparisonOf(state) } : { time_labels: true },
  });
}

/** The CSV export of what the view shows: its range and filters, as the export route reads them. */
export function exportPath(site, state) {
  const range = dateRange(state);
  const params = new URLSearchParams({ date_range: Array.isArray(range) ? range.join(',') : range });
  const filters = toApiFilters(state.filters);
  if (filters.length) params.set('filters', JSON.stringify(filters));
  return `/api/sites/${encodeURIComponent(site)}/export?${params}`;
}

export function breakdownQuery(site, state, dimension, {
  metrics = ['visitors'], limit = 10, offset = 0, orderBy, extraFilters = [],
} = {}) {
  return buildQuery(site, state, {
    metrics,
    dimensions: [dimension],
    orderBy: orderBy ?? [[metrics[0], 'desc']],
    limit,
    offset,
    extraFilters,
    include: { total_rows: true },
  });
}

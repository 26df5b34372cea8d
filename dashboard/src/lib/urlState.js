// Dashboard state lives in the query string so a link reproduces the view:
// ?period=7d&metric=pageviews&f=is,visit:country,DE&f=contains,event:page,/blog&imports=1
import { DEFAULT_PERIOD, INTERVALS, intervalsFor, isIsoDate, isPeriod } from './periods.js';
import { decodeChip, encodeChip, isFilterDimension } from './filters.js';
import { METRICS } from './format.js';

export const DEFAULT_METRIC = 'visitors';
export const GRAPH_METRICS = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'];
/** What the graph and the KPI changes compare with (the KPI row uses the previous period when none is chosen). */
export const COMPARISONS = ['previous_period', 'year_over_year', 'custom'];
/** Orders a card's details can be sorted in: `field:asc` or `field:desc`. */
const SORT = /^[a-z_:]+:(asc|desc)$/;

/** The comparison of the URL, or nothing: a custom one needs its two ordered dates. */
function parseComparison(params) {
  const compare = params.get('compare');
  if (!COMPARISONS.includes(compare)) return {};
  if (compare !== 'custom') return { compare };
  let from = params.get('compare_from');
  let to = params.get('compare_to');
  if (!isIsoDate(from) || !isIsoDate(to)) return {};
  if (from > to) [from, to] = [to, from];
  return { compare, compareFrom: from, compareTo: to };
}

/** The details dialog of the URL: which dimension, its search, order and page. */
function parseDetails(params) {
  const details = params.get('details');
  if (!details || !isFilterDimension(details)) return {};
  const result = { details };
  const search = params.get('dq');
  if (search) result.detailsSearch = search;
  const sort = params.get('dsort');
  if (sort && SORT.test(sort)) result.detailsSort = sort;
  const page = Number(params.get('dpage'));
  if (Number.isInteger(page) && page > 1) result.detailsPage = page;
  return result;
}

export function parseState(search) {
  const params = new URLSearchParams(search);
  let period = params.get('period');
  let from = params.get('from');
  let to = params.get('to');
  if (!isPeriod(period)) period = DEFAULT_PERIOD;
  if (period === 'custom') {
    if (!isIsoDate(from) || !isIsoDate(to)) {
      period = DEFAULT_PERIOD;
      from = null;
      to = null;
    } else if (from > to) {
      [from, to] = [to, from];
    }
  } else {
    from = null;
    to = null;
  }
  const metricParam = params.get('metric');
  const metric = GRAPH_METRICS.includes(metricParam) || metricParam === 'conversion_rate' || metricParam === 'events'
    ? metricParam
    : DEFAULT_METRIC;
  const filters = params.getAll('f').map(decodeChip).filter(Boolean);
  const auth = params.get('auth');
  const interval = params.get('interval');
  const chosen = INTERVALS.includes(interval) && intervalsFor({ period, from, to }).includes(interval) ? { interval } : {};
  const imports = params.get('imports') === '1' ? { imports: true } : {};
  return {
    period, from, to, metric, filters, ...chosen, ...imports, ...(auth ? { auth } : {}), ...parseComparison(params), ...parseDetails(params),
  };
}

// Keeps ":", ",", "/" readable in shared links; they are legal in a query string.
function encodeValue(value) {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%2F/gi, '/');
}

export function serializeState(state) {
  const parts = [];
  if (state.auth) parts.push(['auth', state.auth]);
  if (state.period && state.period !== DEFAULT_PERIOD) parts.push(['period', state.period]);
  if (state.period === 'custom') {
    parts.push(['from', state.from], ['to', state.to]);
  }
  if (state.metric && state.metric !== DEFAULT_METRIC && state.metric in METRICS) parts.push(['metric', state.metric]);
  if (state.interval && state.interval !== intervalsFor(state)[0] && intervalsFor(state).includes(state.interval)) {
    parts.push(['interval', state.interval]);
  }
  for (const chip of state.filters ?? []) parts.push(['f', encodeChip(chip)]);
  if (state.imports) parts.push(['imports', '1']);
  if (COMPARISONS.includes(state.compare) && state.period !== 'realtime') {
    if (state.compare !== 'custom') parts.push(['compare', state.compare]);
    else if (state.compareFrom && state.compareTo) {
      parts.push(['compare', 'custom'], ['compare_from', state.compareFrom], ['compare_to', state.compareTo]);
    }
  }
  if (state.details) {
    parts.push(['details', state.details]);
    if (state.detailsSearch) parts.push(['dq', state.detailsSearch]);
    if (state.detailsSort) parts.push(['dsort', state.detailsSort]);
    if (state.detailsPage > 1) parts.push(['dpage', String(state.detailsPage)]);
  }
  if (parts.length === 0) return '';
  return `?${parts.map(([k, v]) => `${k}=${encodeValue(v)}`).join('&')}`;
}

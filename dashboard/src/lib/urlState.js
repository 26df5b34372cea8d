// Dashboard state lives in the query string so a link reproduces the view:
// ?period=7d&metric=pageviews&f=is,visit:country,DE&f=contains,event:page,/blog&imports=1
import { DEFAULT_PERIOD, INTERVALS, intervalsFor, isIsoDate, isPeriod } from './periods.js';
import { decodeChip, encodeChip } from './filters.js';
import { METRICS } from './format.js';

export const DEFAULT_METRIC = 'visitors';
export const GRAPH_METRICS = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'];

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
  return { period, from, to, metric, filters, ...chosen, ...imports, ...(auth ? { auth } : {}) };
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
  if (parts.length === 0) return '';
  return `?${parts.map(([k, v]) => `${k}=${encodeValue(v)}`).join('&')}`;
}

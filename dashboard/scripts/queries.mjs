// Prints, as JSON, every distinct stats query the dashboard sends: for each period (custom ranges
// of one day, under a month and over a month) the KPI row, every card tab and option (a props
// tab's with a sample key, and the property keys request that fills it), the funnel card's request
// and the graph of each metric the KPI row lets one pick by each interval the period offers; the
// KPI row under a filter of each operator on each filterable dimension; a whole view under a goal
// filter; the graph and KPI row with each comparison; and each card's details searched and sorted
// by each column. The query module's DashboardQueriesTest runs each through the real parser and a
// real store; it configures the goal "Signup" and the funnel "Signup funnel" that these name.
//
//   node scripts/queries.mjs [site]   → [{"name": "...", "body": {...}, "path"?: "/api/v2/…"}, ...]
import { CARDS, detailsQuery, propKeysQuery, tabDimensions, tabMetrics, tabQuery } from '../src/lib/cards.js';
import { countryCodes } from '../src/lib/geo.js';
import { DIMENSION_LABELS, OPERATORS, encodeChip } from '../src/lib/filters.js';
import { funnelQuery } from '../src/lib/funnels.js';
import { PERIODS, intervalsFor } from '../src/lib/periods.js';
import { kpiQuery, timeseriesQuery } from '../src/lib/query.js';
import { parseState } from '../src/lib/urlState.js';

const site = process.argv[2] || 'example.com';
const CUSTOM_RANGES = [['2026-01-05', '2026-01-05'], ['2026-01-01', '2026-01-20'], ['2025-10-01', '2026-01-20']];
const SAMPLE_PROP = 'event:props:plan';
const SAMPLE_FUNNEL = 'Signup funnel';

const queries = new Map();
const add = (name, body, path) => {
  const key = JSON.stringify([path, body]);
  if (!queries.has(key)) queries.set(key, path ? { name, body, path } : { name, body });
};

/** Everything one dashboard view (a URL) sends, for each interval its graph offers. */
function view(search) {
  const base = parseState(search);
  const kpi = kpiQuery(site, base);
  add(`KPIs ${search}`, kpi);
  for (const card of CARDS) {
    for (const tab of card.tabs) {
      if (tab.props) add(`${card.title} / ${tab.label} keys ${search}`, propKeysQuery(site, base), '/api/v2/props');
      for (const dimension of tab.props ? [SAMPLE_PROP] : tabDimensions(tab)) {
        add(`${card.title} / ${tab.label} (${dimension}) ${search}`, tabQuery(site, base, tab, dimension));
      }
    }
  }
  add(`Funnels ${search}`, funnelQuery(site, base, SAMPLE_FUNNEL), '/api/v2/funnel');
  for (const interval of intervalsFor(base)) {
    const state = parseState(`${search}&interval=${interval}`);
    for (const metric of kpi.metrics) {
      add(`graph of ${metric} by ${interval} ${search}`, timeseriesQuery(site, state, metric));
    }
  }
}

const periods = PERIODS.filter((p) => p.key !== 'custom' && p.key !== 'realtime').map((p) => `?period=${p.key}`);
periods.push(...CUSTOM_RANGES.map(([from, to]) => `?period=custom&from=${from}&to=${to}`));
for (const period of periods) view(period);
// Imported history joins every query of a view.
view('?period=30d&imports=1');

// Filters reach every query of a view alike: the KPI row stands for the others here.
const dimensions = [...Object.keys(DIMENSION_LABELS), 'event:props:plan'];
for (const dimension of dimensions) {
  for (const op of Object.keys(OPERATORS)) {
    // Several values; a goal filter names only goals the site has.
    const values = dimension === 'event:goal' ? ['Signup'] : ['Signup', 'pro'];
    const search = `?period=30d&f=${encodeURIComponent(encodeChip({ op, dimension, values }))}`;
    add(`KPIs ${search}`, kpiQuery(site, parseState(search)));
  }
}
// A goal filter adds the goal metrics to the KPI row and the graph, and takes engagement off the
// pages card; a property filter does the latter too.
view(`?period=7d&f=${encodeURIComponent(encodeChip({ op: 'is', dimension: 'event:name', value: 'Signup' }))}`
  + `&f=${encodeURIComponent(encodeChip({ op: 'contains', dimension: 'event:page', value: '/blog' }))}`);
view(`?period=7d&f=${encodeURIComponent(encodeChip({ op: 'is', dimension: 'event:goal', value: 'Signup' }))}`);
view(`?period=30d&f=${encodeURIComponent(encodeChip({ op: 'is', dimension: 'event:props:plan', value: 'pro' }))}`);

// Comparisons: the KPI row and the graph with each mode, for a running and a past period.
for (const compare of ['&compare=previous_period', '&compare=year_over_year', '&compare=custom&compare_from=2025-12-01&compare_to=2025-12-31']) {
  for (const period of ['?period=month', '?period=day', '?period=custom&from=2026-01-01&to=2026-01-20']) {
    const state = parseState(period + compare);
    add(`KPIs ${period}${compare}`, kpiQuery(site, state));
    add(`graph ${period}${compare}`, timeseriesQuery(site, state));
  }
}

// Details: every list tab's dimensions, searched, sorted by each of its columns, on a later page.
for (const card of CARDS) {
  for (const tab of card.tabs.filter((t) => !t.view)) {
    for (const dimension of tab.props ? [SAMPLE_PROP] : tabDimensions(tab)) {
      const fields = [dimension, ...tabMetrics(tab, parseState('?period=30d'))];
      for (const field of fields) {
        for (const direction of ['asc', 'desc']) {
          add(`details ${dimension} by ${field} ${direction}`, detailsQuery(site, parseState('?period=30d'), tab, dimension, {
            search: 'ger', sort: `${field}:${direction}`, page: 2, countryCodes,
          }));
        }
      }
    }
  }
}

process.stdout.write(JSON.stringify([...queries.values()], null, 1));

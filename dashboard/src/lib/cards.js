// The breakdown cards of the dashboard, their tabs and what each tab queries. Plain data (no
// JSX), so the query check in the build (scripts/queries.mjs) reads the same cards the page shows.
import { ENGAGEMENT_METRICS, breakdownQuery, buildQuery, engagementAllowed, hasGoalFilter } from './query.js';

export const CARDS = [
  {
    id: 'sources',
    title: 'Top sources',
    tabs: [
      { key: 'source', label: 'Sources', heading: 'Source', dimension: 'visit:source' },
      { key: 'referrer', label: 'Referrers', heading: 'Referrer', dimension: 'visit:referrer' },
      {
        key: 'utm',
        label: 'Campaigns',
        heading: 'UTM value',
        options: [
          { dimension: 'visit:utm_source', label: 'UTM source' },
          { dimension: 'visit:utm_medium', label: 'UTM medium' },
          { dimension: 'visit:utm_campaign', label: 'UTM campaign' },
          { dimension: 'visit:utm_term', label: 'UTM term' },
          { dimension: 'visit:utm_content', label: 'UTM content' },
        ],
      },
    ],
  },
  {
    id: 'pages',
    title: 'Top pages',
    tabs: [
      {
        key: 'page',
        label: 'Top pages',
        heading: 'Page',
        dimension: 'event:page',
        // How far and how long each page was read, where the filters allow it (see engagementAllowed).
        metrics: (state) => ['visitors', 'pageviews', ...(engagementAllowed(state) ? ENGAGEMENT_METRICS : [])],
        columns: [
          { label: 'Visitors', metric: 'visitors' }, { label: 'Views', metric: 'pageviews' },
          { label: 'Scroll', metric: 'scroll_depth', title: 'Scroll depth: how far down visits read the page, on average' },
          { label: 'Time', metric: 'time_on_page', title: 'Time on page: engaged time per visit, on average' },
        ],
      },
      { key: 'entry', label: 'Entry pages', heading: 'Entry page', dimension: 'visit:entry_page', metrics: ['visitors', 'visits'],
        columns: [{ label: 'Visitors', metric: 'visitors' }, { label: 'Entries', metric: 'visits' }] },
      { key: 'exit', label: 'Exit pages', heading: 'Exit page', dimension: 'visit:exit_page', metrics: ['visitors', 'visits'],
        columns: [{ label: 'Visitors', metric: 'visitors' }, { label: 'Exits', metric: 'visits' }] },
    ],
  },
  {
    id: 'countries',
    title: 'Countries',
    tabs: [{ key: 'country', label: 'Countries', heading: 'Country', dimension: 'visit:country' }],
  },
  {
    id: 'devices',
    title: 'Devices',
    tabs: [
      { key: 'device', label: 'Size', heading: 'Device', dimension: 'visit:device' },
      { key: 'browser', label: 'Browser', heading: 'Browser', dimension: 'visit:browser' },
      { key: 'os', label: 'OS', heading: 'Operating system', dimension: 'visit:os' },
    ],
  },
  {
    id: 'goals',
    title: 'Goal conversions',
    wide: true,
    // The site's goals are set up on its goals page; the card links there.
    manageGoals: true,
    tabs: [
      {
        key: 'goal',
        label: 'Goals',
        heading: 'Goal',
        dimension: 'event:goal',
        // Revenue in each goal's own currency; its columns show only when a goal in view has one.
        metrics: ['visitors', 'events', 'conversion_rate', 'total_revenue', 'average_revenue'],
        columns: [{ label: 'Uniques', metric: 'visitors' }, { label: 'Total', metric: 'events' },
          { label: 'CR', metric: 'conversion_rate' },
          { label: 'Revenue', metric: 'total_revenue', ifAny: true, wide: true, title: 'Total revenue, in the goal\'s currency' },
          { label: 'Average', metric: 'average_revenue', ifAny: true, wide: true, title: 'Average revenue per conversion with revenue' }],
        empty: 'No conversions in this period.',
      },
      {
        key: 'event',
        label: 'Custom events',
        heading: 'Event',
        dimension: 'event:name',
        metrics: ['visitors', 'events'],
        // Pageviews are every visit's event; the tab lists the rest.
        extraFilters: [['is_not', 'event:name', ['pageview']]],
        columns: [{ label: 'Uniques', metric: 'visitors' }, { label: 'Total', metric: 'events' }, { label: 'CR', conversion: true }],
      },
      {
        key: 'props',
        label: 'Properties',
        heading: 'Value',
        // The property keys of the events in view (one goal's, under a goal filter) are the options.
        props: true,
        metrics: (state) => (hasGoalFilter(state) ? ['visitors', 'events', 'conversion_rate'] : ['visitors', 'events']),
        columns: [{ label: 'Uniques', metric: 'visitors' }, { label: 'Total', metric: 'events' },
          { label: 'CR', metric: 'conversion_rate' }],
        empty: 'No custom properties in this period.',
      },
    ],
  },
];

/** The metrics a tab asks for in this state. */
export function tabMetrics(tab, state) {
  if (typeof tab.metrics === 'function') return tab.metrics(state);
  return tab.metrics ?? ['visitors'];
}

/** The request for the property keys a props tab offers: the events the dashboard's filters keep. */
export function propKeysQuery(site, state) {
  const { site_id: siteId, date_range: dateRange, filters } = buildQuery(site, state, { metrics: [] });
  return { site_id: siteId, date_range: dateRange, filters };
}

/** A props tab's options from the keys the API lists. */
export function propOptions(answer) {
  return (answer?.results ?? []).map((r) => ({ dimension: `event:props:${r.key}`, label: r.key }));
}

/** The dimensions a tab can show: its own, or each of its options (a props tab's come from the API). */
export function tabDimensions(tab) {
  return tab.options ? tab.options.map((o) => o.dimension) : [tab.dimension];
}

/** The query a card's tab sends for one of its dimensions; {limit, offset} for its details. */
export function tabQuery(site, state, tab, dimension, page = {}) {
  return breakdownQuery(site, state, dimension, {
    metrics: tabMetrics(tab, state), extraFilters: tab.extraFilters, ...page,
  });
}

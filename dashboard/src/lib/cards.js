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
      { key: 'hostname', label: 'Hostnames', heading: 'Hostname', dimension: 'event:hostname' },
    ],
  },
  {
    id: 'locations',
    title: 'Locations',
    tabs: [
      // The map shows every country with visitors, so it asks for all of them.
      { key: 'map', label: 'Map', heading: 'Country', dimension: 'visit:country', view: 'map', limit: 300 },
      { key: 'country', label: 'Countries', heading: 'Country', dimension: 'visit:country' },
      // Shown only where the site has regions and cities (the API's capabilities: a city database).
      { key: 'region', label: 'Regions', heading: 'Region', dimension: 'visit:region', requires: 'visit:region' },
      { key: 'city', label: 'Cities', heading: 'City', dimension: 'visit:city', requires: 'visit:city' },
    ],
  },
  {
    id: 'devices',
    title: 'Devices',
    tabs: [
      { key: 'device', label: 'Device', heading: 'Device', dimension: 'visit:device' },
      { key: 'screen', label: 'Screen', heading: 'Screen size', dimension: 'event:screen_size' },
      {
        key: 'browser',
        label: 'Browser',
        heading: 'Browser',
        options: [
          { dimension: 'visit:browser', label: 'Browser' },
          { dimension: 'visit:browser_version', label: 'Version' },
        ],
      },
      {
        key: 'os',
        label: 'OS',
        heading: 'Operating system',
        options: [
          { dimension: 'visit:os', label: 'OS' },
          { dimension: 'visit:os_version', label: 'Version' },
        ],
      },
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

/** The tabs of a card that can show here: those needing a dimension only where the API has it. */
export function availableTabs(tabs, available) {
  return tabs.filter((t) => !t.requires || available?.has(t.requires));
}

/**
 * The query a card's tab sends for one of its dimensions; `page` ({limit, offset, orderBy,
 * extraFilters}) for its details.
 */
export function tabQuery(site, state, tab, dimension, page = {}) {
  return breakdownQuery(site, state, dimension, {
    metrics: tabMetrics(tab, state),
    limit: tab.limit,
    ...page,
    extraFilters: [...(tab.extraFilters ?? []), ...(page.extraFilters ?? [])],
  });
}

/** The card and list tab (not a map) that show a dimension, for its details; a property's is the props tab. */
export function findTab(dimension) {
  const prop = dimension.startsWith('event:props:');
  for (const card of CARDS) {
    for (const tab of card.tabs) {
      if (!tab.view && (prop ? tab.props : tabDimensions(tab).includes(dimension))) return { card, tab };
    }
  }
  return null;
}

/** Rows per page of a card's details. */
export const DETAILS_PAGE_SIZE = 20;

/**
 * A card's details: one page of every row, searched (case-insensitive, on the value as shown;
 * countries also by name, `countryCodes(search)`), sorted by any column.
 */
export function detailsQuery(site, state, tab, dimension, { search, sort, page = 1, countryCodes = () => [] } = {}) {
  const metrics = tabMetrics(tab, state);
  const extraFilters = [];
  if (search) {
    const contains = ['contains', dimension, [search], { case_sensitive: false }];
    const codes = dimension === 'visit:country' ? countryCodes(search) : [];
    extraFilters.push(codes.length ? ['or', [contains, ['is', dimension, codes]]] : contains);
  }
  let orderBy;
  if (sort) {
    const [field, direction] = [sort.slice(0, sort.lastIndexOf(':')), sort.slice(sort.lastIndexOf(':') + 1)];
    if (field === dimension || metrics.includes(field)) orderBy = [[field, direction]];
  }
  return tabQuery(site, state, tab, dimension, {
    limit: DETAILS_PAGE_SIZE, offset: (page - 1) * DETAILS_PAGE_SIZE, orderBy, extraFilters,
  });
}

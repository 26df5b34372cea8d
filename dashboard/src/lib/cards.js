// The breakdown cards of the dashboard, their tabs and what each tab queries. Plain data (no
// JSX), so the query check in the build (scripts/queries.mjs) reads the same cards the page shows.
import { breakdownQuery } from './query.js';

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
        key: 'page', label: 'Top pages', heading: 'Page', dimension: 'event:page', metrics: ['visitors', 'pageviews'],
        columns: [{ label: 'Visitors', index: 0 }, { label: 'Views', index: 1 }],
      },
      { key: 'entry', label: 'Entry pages', heading: 'Entry page', dimension: 'visit:entry_page', metrics: ['visitors', 'visits'],
        columns: [{ label: 'Visitors', index: 0 }, { label: 'Entries', index: 1 }] },
      { key: 'exit', label: 'Exit pages', heading: 'Exit page', dimension: 'visit:exit_page', metrics: ['visitors', 'visits'],
        columns: [{ label: 'Visitors', index: 0 }, { label: 'Exits', index: 1 }] },
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
    title: 'Goals & custom events',
    wide: true,
    tabs: [
      {
        key: 'goal',
        label: 'Goals',
        heading: 'Goal',
        dimension: 'event:name',
        metrics: ['visitors', 'events'],
        // Pageviews are every visit's event; the card lists the rest.
        extraFilters: [['is_not', 'event:name', ['pageview']]],
        columns: [{ label: 'Uniques', index: 0 }, { label: 'Total', index: 1 }, { label: 'CR', conversion: true }],
      },
    ],
  },
];

/** The dimensions a tab can show: its own, or each of its options. */
export function tabDimensions(tab) {
  return tab.options ? tab.options.map((o) => o.dimension) : [tab.dimension];
}

/** The query a card's tab sends for one of its dimensions. */
export function tabQuery(site, state, tab, dimension) {
  return breakdownQuery(site, state, dimension, { metrics: tab.metrics ?? ['visitors'], extraFilters: tab.extraFilters });
}

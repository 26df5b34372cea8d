import { describe, expect, it } from 'vitest';
import { comparisonOf, kpiQuery, timeseriesQuery } from '../src/lib/query.js';
import { availableTabs, detailsQuery, findTab } from '../src/lib/cards.js';
import { fillSeries } from '../src/lib/timeseries.js';
import { countryCodes, shapeCode } from '../src/lib/geo.js';
import { includesToday } from '../src/lib/periods.js';

const base = { period: '30d', from: null, to: null, metric: 'visitors', filters: [] };

describe('comparisons in queries', () => {
  it('compares the KPI row with the previous period unless another comparison is chosen', () => {
    expect(kpiQuery('a', base).include).toEqual({ comparisons: { mode: 'previous_period' } });
    expect(kpiQuery('a', { ...base, compare: 'year_over_year' }).include).toEqual({ comparisons: { mode: 'year_over_year' } });
    expect(kpiQuery('a', { ...base, compare: 'custom', compareFrom: '2024-01-01', compareTo: '2024-01-31' }).include)
      .toEqual({ comparisons: { mode: 'custom', date_range: ['2024-01-01', '2024-01-31'] } });
    expect(comparisonOf({ ...base, period: 'all', compare: 'year_over_year' })).toBeNull();
  });

  it('asks the graph for a comparison only when one is chosen', () => {
    expect(timeseriesQuery('a', base).include).toEqual({ time_labels: true });
    expect(timeseriesQuery('a', { ...base, compare: 'previous_period' }).include)
      .toEqual({ time_labels: true, comparisons: { mode: 'previous_period' } });
  });

  it('puts each bucket\'s compared value beside it, and nothing past the compared range', () => {
    const response = {
      results: [
        { dimensions: ['2024-03-01'], metrics: [5], comparison: { dimensions: ['2024-02-01'], metrics: [3] } },
        { dimensions: ['2024-03-02'], metrics: [7], comparison: { dimensions: [null], metrics: [0] } },
      ],
      meta: { time_labels: ['2024-03-01', '2024-03-02'] },
    };
    expect(fillSeries(response, { state: base, interval: 'day', today: '2024-03-02' })).toEqual([
      { label: '2024-03-01', value: 5, comparison: 3, comparisonLabel: '2024-02-01' },
      { label: '2024-03-02', value: 7, comparison: null, comparisonLabel: null },
    ]);
  });
});

describe('card details', () => {
  const { tab } = findTab('event:page');

  it('asks one page of 20, searched case-insensitively on the value, sorted by the chosen column', () => {
    const q = detailsQuery('a', base, tab, 'event:page', { search: 'Blog', sort: 'pageviews:asc', page: 3 });
    expect(q).toMatchObject({
      dimensions: ['event:page'],
      metrics: ['visitors', 'pageviews', 'scroll_depth', 'time_on_page'],
      filters: [['contains', 'event:page', ['Blog'], { case_sensitive: false }]],
      order_by: [['pageviews', 'asc']],
      pagination: { limit: 20, offset: 40 },
      include: { total_rows: true },
    });
    // An order the tab cannot have falls back to its first metric, largest first.
    expect(detailsQuery('a', base, tab, 'event:page', { sort: 'bounce_rate:asc' }).order_by).toEqual([['visitors', 'desc']]);
  });

  it('finds countries by name as well as by code', () => {
    expect(countryCodes('germ')).toEqual(['DE']);
    expect(countryCodes('')).toEqual([]);
    const countries = findTab('visit:country');
    expect(countries.tab.key).toBe('country');
    const q = detailsQuery('a', base, countries.tab, 'visit:country', { search: 'germ', countryCodes });
    expect(q.filters).toEqual([['or', [['contains', 'visit:country', ['germ'], { case_sensitive: false }], ['is', 'visit:country', ['DE']]]]]);
  });

  it('keeps the card\'s own filters, and finds the tab of an option\'s dimension or a property', () => {
    expect(findTab('visit:utm_medium').tab.key).toBe('utm');
    expect(findTab('event:props:plan').tab.key).toBe('props');
    expect(findTab('visit:browser_version').tab.key).toBe('browser');
    expect(findTab('event:name').tab.extraFilters).toEqual([['is_not', 'event:name', ['pageview']]]);
    expect(findTab('visit:nothing')).toBeNull();
  });

  it('shows region and city tabs only where the API has those dimensions', () => {
    const { card } = findTab('visit:country');
    expect(availableTabs(card.tabs, new Set()).map((t) => t.key)).toEqual(['map', 'country']);
    expect(availableTabs(card.tabs, new Set(['visit:region', 'visit:city'])).map((t) => t.key)).toEqual(['map', 'country', 'region', 'city']);
  });
});

describe('geography and refreshes', () => {
  it('reads Natural Earth ids as ISO codes, and the shapes without one by name', () => {
    expect(shapeCode({ id: '276', properties: { name: 'Germany' } })).toBe('DE');
    expect(shapeCode({ id: '840', properties: {} })).toBe('US');
    expect(shapeCode({ id: undefined, properties: { name: 'Kosovo' } })).toBe('XK');
    expect(shapeCode({ id: '-99', properties: { name: 'Nowhere' } })).toBeNull();
  });

  it('refreshes ranges that run until now, not past custom ranges or the realtime view', () => {
    expect(includesToday(base, '2024-03-10')).toBe(true);
    expect(includesToday({ ...base, period: 'custom', from: '2024-03-01', to: '2024-03-10' }, '2024-03-10')).toBe(true);
    expect(includesToday({ ...base, period: 'custom', from: '2024-02-01', to: '2024-02-29' }, '2024-03-10')).toBe(false);
    expect(includesToday({ ...base, period: 'realtime' }, '2024-03-10')).toBe(false);
  });
});

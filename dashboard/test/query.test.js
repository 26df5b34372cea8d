import { describe, expect, it } from 'vitest';
import { breakdownQuery, dateRange, kpiQuery, timeseriesQuery } from '../src/lib/query.js';

const base = { period: '30d', from: null, to: null, metric: 'visitors', filters: [] };
const withCountry = { ...base, filters: [{ op: 'is', dimension: 'visit:country', value: 'DE' }] };

describe('query building', () => {
  it('sends a preset period as is and a custom range as two dates', () => {
    expect(dateRange(base)).toBe('30d');
    expect(dateRange({ ...base, period: 'custom', from: '2024-01-01', to: '2024-01-31' })).toEqual(['2024-01-01', '2024-01-31']);
  });

  it('asks for the six KPIs with the previous period, and every filter', () => {
    expect(kpiQuery('example.com', withCountry)).toEqual({
      site_id: 'example.com',
      metrics: ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'],
      date_range: '30d',
      filters: [['is', 'visit:country', ['DE']]],
      include: { comparisons: { mode: 'previous_period' } },
    });
  });

  it('leaves out the comparison for all time and adds conversions under a goal filter', () => {
    expect(kpiQuery('example.com', { ...base, period: 'all' }).include).toBeUndefined();
    const goal = kpiQuery('example.com', { ...base, filters: [{ op: 'is', dimension: 'event:name', value: 'Signup' }] });
    expect(goal.metrics).toEqual(expect.arrayContaining(['events', 'conversion_rate']));
  });

  it('graphs by hour for one day and by day otherwise, with time labels for gap filling', () => {
    const day = timeseriesQuery('example.com', { ...base, period: 'day' }, 'pageviews');
    expect(day).toMatchObject({
      metrics: ['pageviews'], date_range: 'day', dimensions: ['time:hour'],
      order_by: [['time:hour', 'asc']], include: { time_labels: true },
    });
    expect(timeseriesQuery('example.com', base).dimensions).toEqual(['time:day']);
    expect(timeseriesQuery('example.com', { ...base, period: 'custom', from: '2024-05-01', to: '2024-05-01' }).dimensions)
      .toEqual(['time:hour']);
  });

  it('graphs by the chosen interval when the period allows it', () => {
    expect(timeseriesQuery('example.com', { ...base, period: '12mo', interval: 'month' }).dimensions).toEqual(['time:month']);
    expect(timeseriesQuery('example.com', { ...base, period: '7d', interval: 'month' }).dimensions).toEqual(['time:day']);
  });

  it('asks a breakdown for the top ten by its first metric, with extra filters after the user ones', () => {
    const q = breakdownQuery('example.com', withCountry, 'event:name', {
      metrics: ['visitors', 'events'], extraFilters: [['is_not', 'event:name', ['pageview']]],
    });
    expect(q).toEqual({
      site_id: 'example.com',
      metrics: ['visitors', 'events'],
      date_range: '30d',
      dimensions: ['event:name'],
      filters: [['is', 'visit:country', ['DE']], ['is_not', 'event:name', ['pageview']]],
      order_by: [['visitors', 'desc']],
      include: { total_rows: true },
      pagination: { limit: 10, offset: 0 },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { breakdownQuery, dateRange, exportPath, kpiQuery, timeseriesQuery } from '../src/lib/query.js';

const base = { period: '30d', from: null, to: null, metric: 'visitors', filters: [] };
const withCountry = { ...base, filters: [{ op: 'is', dimension: 'visit:country', value: 'DE' }] };

describe('query building', () => {
  it('asks every query of the view to include imported data when the toggle is on', () => {
    const imports = { ...withCountry, imports: true };
    expect(kpiQuery('example.com', imports).include).toEqual({ comparisons: { mode: 'previous_period' }, imports: true });
    expect(timeseriesQuery('example.com', imports, 'visitors').include).toEqual({ time_labels: true, imports: true });
    expect(breakdownQuery('example.com', imports, 'visit:source').include).toEqual({ total_rows: true, imports: true });
    expect(kpiQuery('example.com', { ...base, period: 'all', imports: true }).include).toEqual({ imports: true });
    expect(kpiQuery('example.com', withCountry).include).toEqual({ comparisons: { mode: 'previous_period' } });
  });

  it('exports the view: its range (a custom one as from,to) and its filters as JSON', () => {
    expect(exportPath('example.com', base)).toBe('/api/sites/example.com/export?date_range=30d');
    const path = exportPath('example.com', { ...withCountry, period: 'custom', from: '2024-01-01', to: '2024-01-31' });
    const params = new URL(path, 'http://x').searchParams;
    expect(params.get('date_range')).toBe('2024-01-01,2024-01-31');
    expect(JSON.parse(params.get('filters'))).toEqual([['is', 'visit:country', ['DE']]]);
  });

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

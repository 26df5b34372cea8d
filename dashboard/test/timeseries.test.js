import { describe, expect, it } from 'vitest';
import { fillSeries, generateLabels, normalizeLabel } from '../src/lib/timeseries.js';
import { currentBucket, intervalFor, intervalsFor, periodDates, todayIn } from '../src/lib/periods.js';

const state = (period, from = null, to = null) => ({ period, from, to, metric: 'visitors', filters: [] });

describe('gap filling', () => {
  it('fills buckets the API left out with zero, following meta.time_labels', () => {
    const response = {
      results: [{ dimensions: ['2024-03-01'], metrics: [5] }, { dimensions: ['2024-03-03'], metrics: [7] }],
      meta: { time_labels: ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04'] },
    };
    expect(fillSeries(response, { state: state('7d'), interval: 'day', today: '2024-03-04' })).toEqual([
      { label: '2024-03-01', value: 5 },
      { label: '2024-03-02', value: 0 },
      { label: '2024-03-03', value: 7 },
      { label: '2024-03-04', value: 0 },
    ]);
  });

  it('makes the labels itself from the period when the API sends none', () => {
    const response = { results: [{ dimensions: ['2024-03-05T13:00:00Z'], metrics: [9] }], meta: {} };
    const series = fillSeries(response, { state: state('day'), interval: 'hour', today: '2024-03-05' });
    expect(series).toHaveLength(24);
    expect(series[0]).toEqual({ label: '2024-03-05 00:00:00', value: 0 });
    expect(series[13]).toEqual({ label: '2024-03-05 13:00:00', value: 9 });
    expect(series.reduce((s, p) => s + p.value, 0)).toBe(9);
  });

  it('leaves buckets after the current one empty so the line stops at now', () => {
    const response = { results: [{ dimensions: ['2024-03-05 09:00:00'], metrics: [4] }], meta: {} };
    const series = fillSeries(response, {
      state: state('day'), interval: 'hour', today: '2024-03-05', current: '2024-03-05 10:00:00',
    });
    expect(series.slice(8, 12).map((p) => p.value)).toEqual([0, 4, 0, null]);
    expect(series.filter((p) => p.value === null)).toHaveLength(13);
  });

  it('spans all time from the first to the last bucket with data', () => {
    const response = { results: [{ dimensions: ['2024-01-30'], metrics: [1] }, { dimensions: ['2024-02-02'], metrics: [2] }] };
    const series = fillSeries(response, { state: state('all'), interval: 'day', today: '2024-03-01' });
    expect(series.map((p) => p.label)).toEqual(['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02']);
    expect(series.map((p) => p.value)).toEqual([1, 0, 0, 2]);
  });

  it('gives an empty series for an empty all-time answer', () => {
    expect(fillSeries({ results: [] }, { state: state('all'), interval: 'day', today: '2024-03-01' })).toEqual([]);
  });

  it('generates month and Monday-start week labels across a year boundary', () => {
    expect(generateLabels('2023-11-15', '2024-02-01', 'month')).toEqual(['2023-11-01', '2023-12-01', '2024-01-01', '2024-02-01']);
    expect(generateLabels('2024-01-03', '2024-01-15', 'week')).toEqual(['2024-01-01', '2024-01-08', '2024-01-15']);
    expect(generateLabels('2024-02-28', '2024-03-01', 'day')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });

  it('normalises ISO timestamps to the API bucket format', () => {
    expect(normalizeLabel('2024-03-05T07:00:00+01:00', 'hour')).toBe('2024-03-05 07:00:00');
    expect(normalizeLabel('2024-03-05T00:00:00Z', 'day')).toBe('2024-03-05');
  });
});

describe('periods', () => {
  it('resolves each preset to the days it covers', () => {
    const today = '2024-03-15';
    expect(periodDates(state('7d'), today)).toEqual(['2024-03-09', '2024-03-15']);
    expect(periodDates(state('30d'), today)).toEqual(['2024-02-15', '2024-03-15']);
    expect(periodDates(state('month'), today)).toEqual(['2024-03-01', '2024-03-15']);
    expect(periodDates(state('6mo'), today)).toEqual(['2023-10-01', '2024-03-15']);
    expect(periodDates(state('12mo'), today)).toEqual(['2023-04-01', '2024-03-15']);
    expect(periodDates(state('year'), today)).toEqual(['2024-01-01', '2024-03-15']);
    expect(periodDates(state('all'), today)).toBeNull();
  });

  it('knows today in the site time zone, not the browser one', () => {
    const instant = new Date('2024-03-15T23:30:00Z');
    expect(todayIn('Europe/Berlin', instant)).toBe('2024-03-16');
    expect(todayIn('America/New_York', instant)).toBe('2024-03-15');
    expect(todayIn('Not/AZone', instant)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('names the bucket of now in the site time zone', () => {
    const instant = new Date('2024-03-15T23:30:00Z');
    expect(currentBucket('Asia/Tokyo', 'hour', instant)).toBe('2024-03-16 08:00:00');
    expect(currentBucket('UTC', 'hour', instant)).toBe('2024-03-15 23:00:00');
    expect(currentBucket('UTC', 'day', instant)).toBe('2024-03-15');
  });

  it('offers longer buckets only for longer periods', () => {
    expect(intervalsFor(state('day'))).toEqual(['hour']);
    expect(intervalsFor(state('7d'))).toEqual(['day']);
    expect(intervalsFor(state('30d'))).toEqual(['day', 'week']);
    expect(intervalsFor(state('custom', '2024-01-01', '2024-01-31'))).toEqual(['day', 'week']);
    expect(intervalsFor(state('custom', '2024-01-01', '2024-02-01'))).toEqual(['day', 'week', 'month']);
    expect(intervalsFor(state('all'))).toEqual(['day', 'week', 'month']);
  });

  it('picks hourly buckets only for single days', () => {
    expect(intervalFor(state('day'))).toBe('hour');
    expect(intervalFor(state('custom', '2024-01-01', '2024-01-01'))).toBe('hour');
    expect(intervalFor(state('custom', '2024-01-01', '2024-01-02'))).toBe('day');
    expect(intervalFor(state('12mo'))).toBe('day');
  });
});

import { describe, expect, it } from 'vitest';
import {
  computeChange, describeChange, formatDuration, formatMetric, formatMoney, formatNumber, formatPercent, formatTimeLabel,
} from '../src/lib/format.js';

describe('formatNumber', () => {
  it('keeps small numbers whole and shortens thousands, millions and billions', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(999)).toBe('999');
    expect(formatNumber(1000)).toBe('1k');
    expect(formatNumber(1234)).toBe('1.2k');
    expect(formatNumber(31234)).toBe('31.2k');
    expect(formatNumber(312345)).toBe('312k');
    expect(formatNumber(999_499)).toBe('999k');
    expect(formatNumber(999_500)).toBe('1M');
    expect(formatNumber(2_500_000)).toBe('2.5M');
    expect(formatNumber(3_000_000_000)).toBe('3B');
  });

  it('shows a dash for missing values and keeps the sign of negatives', () => {
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(undefined)).toBe('–');
    expect(formatNumber(-1500)).toBe('-1.5k');
  });
});

describe('formatDuration', () => {
  it('writes seconds, minutes and hours the way Plausible does', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(60)).toBe('1m');
    expect(formatDuration(65)).toBe('1m 5s');
    expect(formatDuration(170.4)).toBe('2m 50s');
    expect(formatDuration(3600)).toBe('1h');
    expect(formatDuration(3725)).toBe('1h 2m');
    expect(formatDuration(null)).toBe('–');
  });
});

describe('formatMetric', () => {
  it('formats each metric by its kind', () => {
    expect(formatMetric('visitors', 12345)).toBe('12.3k');
    expect(formatMetric('bounce_rate', 45.4)).toBe('45%');
    expect(formatMetric('percentage', 12.6)).toBe('13%');
    expect(formatMetric('conversion_rate', 3.456)).toBe('3.5%');
    expect(formatMetric('visit_duration', 95)).toBe('1m 35s');
    expect(formatMetric('views_per_visit', 2.345)).toBe('2.35');
    expect(formatPercent(undefined)).toBe('–');
  });
});

describe('formatMoney', () => {
  it('formats revenue in its currency from the decimal string, compact from a million, a dash without a currency', () => {
    expect(formatMetric('total_revenue', { value: '15.29', currency: 'EUR' })).toBe('€15.29');
    expect(formatMetric('average_revenue', { value: '1000', currency: 'JPY' })).toBe('¥1,000');
    expect(formatMoney({ value: '-5.00', currency: 'USD' })).toBe('-$5.00');
    // A float would print 0.30000000000000004 somewhere along the way; the string does not.
    expect(formatMoney({ value: '0.30', currency: 'EUR' })).toBe('€0.30');
    expect(formatMoney({ value: '9999999999999.99999', currency: 'EUR' })).toBe('€10T');
    expect(formatMetric('total_revenue', null)).toBe('–');
  });
});

describe('describeChange', () => {
  it('marks a rise of visitors as good and a rise of the bounce rate as bad', () => {
    expect(describeChange('visitors', 12.4)).toEqual({ text: '↑ 12%', direction: 'up', tone: 'good' });
    expect(describeChange('visitors', -3.6)).toEqual({ text: '↓ 4%', direction: 'down', tone: 'bad' });
    expect(describeChange('bounce_rate', 5)).toEqual({ text: '↑ 5 pp', direction: 'up', tone: 'bad' });
    expect(describeChange('bounce_rate', -5)).toEqual({ text: '↓ 5 pp', direction: 'down', tone: 'good' });
    expect(describeChange('pageviews', 0.2)).toEqual({ text: '±0%', direction: 'flat', tone: 'neutral' });
    expect(describeChange('visitors', null)).toBeNull();
  });

  it('computes a change from two values when the API sends none', () => {
    expect(computeChange('visitors', 150, 100)).toBe(50);
    expect(computeChange('visitors', 5, 0)).toBeNull();
    expect(computeChange('visitors', 0, 0)).toBe(0);
    expect(computeChange('bounce_rate', 40, 45)).toBe(-5);
  });
});

describe('formatTimeLabel', () => {
  it('labels hours, days and months', () => {
    expect(formatTimeLabel('2024-03-05 00:00:00', 'hour')).toBe('12am');
    expect(formatTimeLabel('2024-03-05 13:00:00', 'hour')).toBe('1pm');
    expect(formatTimeLabel('2024-03-05 13:00:00', 'hour', true)).toBe('Mar 5, 1pm');
    expect(formatTimeLabel('2024-03-05', 'day')).toBe('Mar 5');
    expect(formatTimeLabel('2024-03-05', 'day', true)).toBe('Mar 5, 2024');
    expect(formatTimeLabel('2024-03-01', 'month')).toBe('Mar 2024');
  });
});

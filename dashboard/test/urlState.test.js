import { describe, expect, it } from 'vitest';
import { parseState, serializeState } from '../src/lib/urlState.js';

describe('URL state', () => {
  it('falls back to the last 30 days and visitors when the query string is empty', () => {
    expect(parseState('')).toEqual({ period: '30d', from: null, to: null, metric: 'visitors', filters: [] });
    expect(serializeState(parseState(''))).toBe('');
  });

  it('round-trips period, metric and filters through a readable query string', () => {
    const state = {
      period: '7d',
      from: null,
      to: null,
      metric: 'pageviews',
      filters: [
        { op: 'is', dimension: 'visit:country', values: ['DE'] },
        { op: 'is', dimension: 'event:page', values: ['/a b&c=d,e'] },
      ],
    };
    const search = serializeState(state);
    expect(search).toBe('?period=7d&metric=pageviews&f=is,visit:country,DE&f=is,event:page,/a%20b%26c%3Dd,e');
    expect(parseState(search)).toEqual(state);
  });

  it('keeps the imported-data toggle in the link only when it is on', () => {
    const state = parseState('?period=7d&imports=1');
    expect(state.imports).toBe(true);
    expect(serializeState(state)).toBe('?period=7d&imports=1');
    expect(parseState('?imports=0').imports).toBeUndefined();
    expect(serializeState({ ...state, imports: undefined })).toBe('?period=7d');
  });

  it('keeps a custom range and orders its dates', () => {
    const state = parseState('?period=custom&from=2024-03-10&to=2024-03-01');
    expect(state).toMatchObject({ period: 'custom', from: '2024-03-01', to: '2024-03-10' });
    expect(parseState(serializeState(state))).toEqual(state);
  });

  it('ignores an invalid period, custom dates or metric', () => {
    expect(parseState('?period=forever').period).toBe('30d');
    expect(parseState('?period=custom&from=2024-02-30&to=2024-03-01')).toMatchObject({ period: '30d', from: null, to: null });
    expect(parseState('?metric=revenue').metric).toBe('visitors');
    expect(parseState('?period=7d&from=2024-01-01&to=2024-01-02')).toMatchObject({ period: '7d', from: null, to: null });
  });

  it('keeps a chosen graph interval only where the period allows it', () => {
    const state = parseState('?period=12mo&interval=month');
    expect(state.interval).toBe('month');
    expect(serializeState(state)).toBe('?period=12mo&interval=month');
    expect(parseState('?period=day&interval=month').interval).toBeUndefined();
    expect(parseState('?period=12mo&interval=decade').interval).toBeUndefined();
    expect(serializeState({ ...parseState('?period=12mo'), interval: 'day' })).toBe('?period=12mo');
  });

  it('keeps the share token of a shared dashboard in every link', () => {
    const state = parseState('?auth=tok123&period=day');
    expect(state.auth).toBe('tok123');
    expect(serializeState({ ...state, metric: 'visits' })).toBe('?auth=tok123&period=day&metric=visits');
  });

  it('keeps a comparison, and a custom one only with its two dates, in order', () => {
    expect(parseState('?period=month&compare=year_over_year')).toMatchObject({ compare: 'year_over_year' });
    const custom = parseState('?compare=custom&compare_from=2024-02-10&compare_to=2024-02-01');
    expect(custom).toMatchObject({ compare: 'custom', compareFrom: '2024-02-01', compareTo: '2024-02-10' });
    expect(serializeState(custom)).toBe('?compare=custom&compare_from=2024-02-01&compare_to=2024-02-10');
    expect(parseState('?compare=custom&compare_from=2024-02-10').compare).toBeUndefined();
    expect(parseState('?compare=last_week').compare).toBeUndefined();
  });

  it('keeps a details dialog with its search, order and page, so reload and back restore it', () => {
    const search = '?period=7d&details=event:page&dq=blog&dsort=pageviews:asc&dpage=3';
    const state = parseState(search);
    expect(state).toMatchObject({ details: 'event:page', detailsSearch: 'blog', detailsSort: 'pageviews:asc', detailsPage: 3 });
    expect(serializeState(state)).toBe(search);
    expect(parseState('?details=visit:secret').details).toBeUndefined();
    expect(parseState('?details=event:page&dsort=x;drop:up&dpage=-2')).toEqual(parseState('?details=event:page'));
  });
});

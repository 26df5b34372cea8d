// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import CardDetails from '../src/components/CardDetails.jsx';
import FilterEditor from '../src/components/FilterEditor.jsx';
import LiveView, { LIVE_REFRESH_MS } from '../src/components/LiveView.jsx';
import WorldMap from '../src/components/WorldMap.jsx';
import ComparePicker from '../src/components/ComparePicker.jsx';
import { useFetch } from '../src/lib/useFetch.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const state = { period: '7d', from: null, to: null, metric: 'visitors', filters: [] };

describe('CardDetails', () => {
  const rows = (n, from = 0) => Array.from({ length: n }, (_, i) => ({ dimensions: [`/p${from + i}`], metrics: [100 - from - i, 200] }));

  it('shows a page of rows with the total, and sorts, pages and searches through the URL state', async () => {
    const client = { query: vi.fn(async () => ({ results: rows(20), meta: { total_rows: 45 } })) };
    const onChange = vi.fn();
    render(<CardDetails client={client} site="a" state={{ ...state, details: 'event:page' }} onChange={onChange} onFilter={() => {}} onClose={() => {}} />);
    expect(await screen.findByText('45 rows')).toBeTruthy();
    expect(screen.getByTestId('details-page').textContent).toBe('Page 1 of 3');
    expect(client.query.mock.calls[0][0]).toMatchObject({ order_by: [['visitors', 'desc']], pagination: { limit: 20, offset: 0 } });
    fireEvent.click(screen.getByRole('button', { name: 'Last' }));
    expect(onChange).toHaveBeenLastCalledWith({ detailsPage: 3 });
    fireEvent.click(screen.getByRole('button', { name: 'Sort by Views' }));
    expect(onChange).toHaveBeenLastCalledWith({ detailsSort: 'pageviews:desc', detailsPage: null });
    fireEvent.click(screen.getByRole('button', { name: 'Sort by Page' }));
    expect(onChange).toHaveBeenLastCalledWith({ detailsSort: 'event:page:asc', detailsPage: null });
    fireEvent.change(screen.getByLabelText('Search rows'), { target: { value: 'needle' } });
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith({ detailsSearch: 'needle', detailsPage: null }));
  });

  it('asks the page, order and search the URL names', async () => {
    const client = { query: vi.fn(async () => ({ results: rows(5, 40), meta: { total_rows: 45 } })) };
    render(<CardDetails client={client} site="a" onChange={() => {}} onFilter={() => {}} onClose={() => {}}
      state={{ ...state, details: 'event:page', detailsPage: 3, detailsSort: 'event:page:desc', detailsSearch: 'p4' }} />);
    expect(await screen.findByText('/p44')).toBeTruthy();
    expect(client.query.mock.calls[0][0]).toMatchObject({
      order_by: [['event:page', 'desc']], pagination: { limit: 20, offset: 40 },
      filters: [['contains', 'event:page', ['p4'], { case_sensitive: false }]],
    });
    expect(screen.getByRole('button', { name: 'Next' }).disabled).toBe(true);
    expect(screen.getByRole('button', { name: 'Sort by Page' }).textContent).toBe('Page ↓');
  });
});

describe('FilterEditor', () => {
  it('composes a filter of several values with the chosen operator, suggesting values of the view', async () => {
    const client = { query: vi.fn(async () => ({ results: [{ dimensions: ['DE'], metrics: [3] }] })) };
    const onSave = vi.fn();
    render(<FilterEditor client={client} site="a" state={state} chip={null} onSave={onSave} onCancel={() => {}} />);
    fireEvent.change(screen.getByLabelText('Dimension'), { target: { value: 'visit:country' } });
    fireEvent.change(screen.getByLabelText('Operator'), { target: { value: 'is_not' } });
    const input = screen.getByLabelText(/^Values/);
    fireEvent.change(input, { target: { value: 'US' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    fireEvent.change(input, { target: { value: 'DE' } });
    await waitFor(() => expect(client.query).toHaveBeenLastCalledWith(
      expect.objectContaining({ dimensions: ['visit:country'], filters: [['contains', 'visit:country', ['DE'], { case_sensitive: false }]] }),
      expect.anything(),
    ));
    fireEvent.click(screen.getByRole('button', { name: 'Apply filter' }));
    expect(onSave).toHaveBeenCalledWith({ op: 'is_not', dimension: 'visit:country', values: ['US', 'DE'] });
  });

  it('edits a custom property filter, keeping its key and values', () => {
    const onSave = vi.fn();
    const chip = { op: 'contains_not', dimension: 'event:props:plan', values: ['free'] };
    render(<FilterEditor client={{ query: vi.fn(async () => ({ results: [] })) }} site="a" state={{ ...state, filters: [chip] }}
      chip={chip} onSave={onSave} onCancel={() => {}} />);
    expect(screen.getByLabelText('Property key').value).toBe('plan');
    fireEvent.click(screen.getByRole('button', { name: 'Remove value free' }));
    expect(screen.getByRole('button', { name: 'Update filter' }).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/^Values/), { target: { value: 'trial' } });
    fireEvent.click(screen.getByRole('button', { name: 'Update filter' }));
    expect(onSave).toHaveBeenCalledWith({ op: 'contains_not', dimension: 'event:props:plan', values: ['trial'] });
  });
});

describe('LiveView', () => {
  const answer = (visitors) => ({
    visitors,
    pageviews_per_minute: [{ minute: '2026-03-01T10:00+00:00', pageviews: 2 }, { minute: '2026-03-01T10:01+00:00', pageviews: 3 }],
    top_pages: [{ value: '/', visitors }],
    top_sources: [{ value: 'Google', visitors }],
  });

  it('refreshes in place while visible and not at all while hidden', async () => {
    vi.useFakeTimers();
    let visitors = 4;
    const client = { realtime: vi.fn(async () => answer(visitors)) };
    render(<LiveView client={client} domain="a" />);
    await act(async () => {});
    expect(screen.getByTestId('live-visitors').textContent).toBe('4');
    expect(screen.getByTestId('live-pageviews').textContent).toBe('5 pageviews in 30 minutes');
    visitors = 5;
    client.realtime.mockImplementationOnce(() => new Promise(() => {}));
    await act(async () => { vi.advanceTimersByTime(LIVE_REFRESH_MS); });
    // While the next answer is on its way, the last one stays: no loading flash.
    expect(screen.getByTestId('live-visitors').textContent).toBe('4');
    await act(async () => { vi.advanceTimersByTime(LIVE_REFRESH_MS); });
    expect(screen.getByTestId('live-visitors').textContent).toBe('5');
    expect(client.realtime).toHaveBeenCalledTimes(3);
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
    await act(async () => { vi.advanceTimersByTime(5 * LIVE_REFRESH_MS); });
    expect(client.realtime).toHaveBeenCalledTimes(3);
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
    document.dispatchEvent(new Event('visibilitychange'));
    await act(async () => {});
    expect(client.realtime).toHaveBeenCalledTimes(4);
  });
});

describe('WorldMap', () => {
  it('draws every country, fills those with visitors and marks small ones by a dot', () => {
    const rows = [{ dimensions: ['DE'], metrics: [12] }, { dimensions: ['US'], metrics: [3] }, { dimensions: ['SG'], metrics: [1] }];
    const { container } = render(<WorldMap rows={rows} onSelect={() => {}} />);
    expect(container.querySelectorAll('path').length).toBeGreaterThan(170);
    expect(container.querySelector('path[data-country="DE"]').getAttribute('data-visitors')).toBe('12');
    expect(container.querySelector('path[data-country="FR"]').getAttribute('data-visitors')).toBe('0');
    expect(container.querySelector('circle[data-country="SG"]').getAttribute('data-visitors')).toBe('1');
    expect(container.querySelector('path[data-country="DE"] title').textContent).toBe('Germany: 12 visitors');
  });
});

describe('ComparePicker', () => {
  it('applies a mode at once, and a custom period only with two valid dates', () => {
    const onChange = vi.fn();
    render(<ComparePicker state={state} today="2026-03-10" onChange={onChange} />);
    fireEvent.change(screen.getByLabelText('Compare with'), { target: { value: 'year_over_year' } });
    expect(onChange).toHaveBeenLastCalledWith({ compare: 'year_over_year', compareFrom: null, compareTo: null });
    fireEvent.change(screen.getByLabelText('Compare with'), { target: { value: 'custom' } });
    expect(screen.getByRole('button', { name: 'Compare' }).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Compare from'), { target: { value: '2026-02-01' } });
    fireEvent.change(screen.getByLabelText('Compare to'), { target: { value: '2026-02-07' } });
    fireEvent.click(screen.getByRole('button', { name: 'Compare' }));
    expect(onChange).toHaveBeenLastCalledWith({ compare: 'custom', compareFrom: '2026-02-01', compareTo: '2026-02-07' });
  });
});

describe('useFetch refresh', () => {
  function Probe({ load, refresh }) {
    const { data, loading } = useFetch(load, 'same', refresh);
    return <span data-testid="probe">{`${data ?? '-'}${loading ? ' loading' : ''}`}</span>;
  }

  it('reloads in the background on a refresh: the last answer stays, nothing shows as loading', async () => {
    let resolve;
    const load = vi.fn().mockResolvedValueOnce('first').mockImplementationOnce(() => new Promise((r) => { resolve = r; }));
    const { rerender } = render(<Probe load={load} refresh={0} />);
    await waitFor(() => expect(screen.getByTestId('probe').textContent).toBe('first'));
    rerender(<Probe load={load} refresh={1} />);
    expect(load).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId('probe').textContent).toBe('first');
    await act(async () => resolve('second'));
    expect(screen.getByTestId('probe').textContent).toBe('second');
  });
});

// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import Overview from '../src/components/Overview.jsx';
import { kpiQuery } from '../src/lib/query.js';
import { readKpis } from '../src/lib/kpis.js';

afterEach(cleanup);

const base = { period: '30d', from: null, to: null, metric: 'visitors', filters: [], compare: 'previous_period' };
const purchase = { ...base, filters: [{ op: 'is', dimension: 'event:goal', value: 'Purchase' }] };
const eur = (value) => ({ value, currency: 'EUR' });

/** The Overview with a given totals answer; the graph's query never answers (its skeleton shows). */
function renderOverview(state, metrics) {
  const kpiBody = kpiQuery('example.com', state);
  const client = { query: vi.fn(() => new Promise(() => {})) };
  const onSelectMetric = vi.fn();
  render(<Overview client={client} site="example.com" state={state} today="2024-03-31" timeZone="UTC" kpiBody={kpiBody}
    kpis={{ data: { results: [{ metrics }] }, loading: false, error: null }} onSelectMetric={onSelectMetric} onSelectInterval={() => {}} />);
  return { kpiBody, onSelectMetric };
}

describe('revenue in the KPI row', () => {
  it('asks for total and average revenue only under a goal filter the API reads revenue for', () => {
    expect(kpiQuery('example.com', base).metrics).not.toContain('total_revenue');
    expect(kpiQuery('example.com', purchase).metrics.slice(-4)).toEqual(['events', 'conversion_rate', 'total_revenue', 'average_revenue']);
    const contains = { ...base, filters: [{ op: 'contains', dimension: 'event:goal', value: 'Purch' }] };
    expect(kpiQuery('example.com', contains).metrics).toContain('average_revenue');
    // A custom event name or a negated goal gives revenue no currency: the API would refuse it.
    for (const filters of [[{ op: 'is', dimension: 'event:name', value: 'Purchase' }],
      [{ op: 'is_not', dimension: 'event:goal', value: 'Purchase' }],
      [{ op: 'contains_not', dimension: 'event:goal', value: 'Purch' }]]) {
      expect(kpiQuery('example.com', { ...base, filters }).metrics).not.toContain('total_revenue');
    }
  });

  it('shows a revenue goal\'s total and average revenue in its currency, and does not graph them', () => {
    const { kpiBody, onSelectMetric } = renderOverview(purchase, [40, 50, 120, 2.4, 30, 95, 44, 4.2, eur('1996.00'), eur('49.90')]);
    expect(kpiBody.metrics).toHaveLength(10);
    const total = document.querySelector('[data-kpi="total_revenue"]');
    expect(total.textContent).toContain('Total revenue');
    expect(total.textContent).toContain('€1,996.00');
    expect(document.querySelector('[data-kpi="average_revenue"]').textContent).toContain('€49.90');
    expect(total.tagName).toBe('DIV');
    fireEvent.click(total);
    expect(onSelectMetric).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: /Conversion rate/ }));
    expect(onSelectMetric).toHaveBeenCalledWith('conversion_rate');
  });

  it('leaves revenue out where the filtered goals have no currency (the API answers null)', () => {
    renderOverview(purchase, [40, 50, 120, 2.4, 30, 95, 44, 4.2, null, null]);
    expect(document.querySelector('[data-kpi="conversion_rate"]')).not.toBeNull();
    expect(document.querySelector('[data-kpi="total_revenue"]')).toBeNull();
    expect(document.querySelector('[data-kpi="average_revenue"]')).toBeNull();
  });

  it('reads missing revenue as none, not as zero, and missing counts as zero', () => {
    expect(readKpis(['visitors', 'total_revenue'], { results: [] }).map((k) => k.value)).toEqual([0, null]);
  });
});

import { describe, expect, it } from 'vitest';
import { funnel, query } from '../dev/mock-server.js';
import { CARDS } from '../src/components/breakdowns.jsx';
import { tabQuery } from '../src/lib/cards.js';
import { kpiQuery } from '../src/lib/query.js';

const state = { period: '30d', from: null, to: null, metric: 'visitors', filters: [] };
const goalsTab = CARDS.find((c) => c.id === 'goals').tabs.find((t) => t.key === 'goal');

describe('the dev mock server', () => {
  it('answers the goals card: each goal with its conversions, and revenue only for the goal with a currency', () => {
    const body = tabQuery('example.com', state, goalsTab, goalsTab.dimension);
    const answer = query(body);
    const rows = Object.fromEntries(answer.results.map((r) => [r.dimensions[0], r.metrics]));
    expect(Object.keys(rows).sort()).toEqual(['Purchase', 'Signup', 'Visit /pricing']);
    const revenue = body.metrics.indexOf('total_revenue');
    expect(rows.Purchase[revenue]).toMatchObject({ currency: 'EUR' });
    expect(rows.Signup[revenue]).toBeNull();
    expect(rows.Signup[body.metrics.indexOf('conversion_rate')]).toBeGreaterThan(0);
  });

  it('answers the KPI row under a revenue goal filter with revenue, and refuses revenue without a goal, as the API does', () => {
    const filtered = { ...state, filters: [{ op: 'is', dimension: 'event:goal', value: 'Purchase' }] };
    const body = kpiQuery('example.com', filtered);
    const [totals] = query(body).results;
    expect(totals.metrics[body.metrics.indexOf('total_revenue')]).toMatchObject({ currency: 'EUR' });
    expect(totals.metrics[0]).toBeLessThan(query(kpiQuery('example.com', state)).results[0].metrics[0]);
    expect(() => query({ site_id: 'example.com', metrics: ['total_revenue'], date_range: '30d' }))
      .toThrow(/event:goal/);
  });

  it('answers the funnel card with steps that only lose visitors', () => {
    const answer = funnel({ site_id: 'example.com', funnel: 'Pricing to signup', date_range: '30d', filters: [] });
    expect(answer.steps.map((s) => s.name)).toEqual(['Visit /pricing', 'Signup']);
    expect(answer.steps[1].visitors).toBeLessThanOrEqual(answer.steps[0].visitors);
    expect(answer.meta.entering_visitors).toBe(answer.steps[0].visitors);
  });
});

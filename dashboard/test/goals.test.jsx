// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import BreakdownCard from '../src/components/BreakdownCard.jsx';
import CardDetails from '../src/components/CardDetails.jsx';
import FunnelCard from '../src/components/goals/FunnelCard.jsx';
import GoalSettingsPage from '../src/components/goals/GoalSettingsPage.jsx';
import { CARDS } from '../src/components/breakdowns.jsx';
import { goalDescription, goalRequest } from '../src/lib/goals.js';
import { funnelQuery } from '../src/lib/funnels.js';
import { propKeysQuery, tabQuery } from '../src/lib/cards.js';
import { matchRoute } from '../src/lib/router.js';

afterEach(cleanup);

const state = { period: '30d', from: null, to: null, metric: 'visitors', filters: [] };
const goalFilter = { ...state, filters: [{ op: 'is', dimension: 'event:goal', value: 'Signup' }] };
const pages = CARDS.find((c) => c.id === 'pages');
const goals = CARDS.find((c) => c.id === 'goals');

describe('pages card', () => {
  it('shows scroll depth and time on page beside visitors and views, unmeasured as a dash', async () => {
    const client = {
      propKeys: vi.fn(),
      query: vi.fn(async () => ({
        results: [{ dimensions: ['/blog'], metrics: [40, 90, 63, 65] }, { dimensions: ['/'], metrics: [30, 31, null, null] }],
        meta: { total_rows: 2 },
      })),
    };
    render(<BreakdownCard title="Top pages" tabs={pages.tabs} client={client} site="example.com" state={state} onFilter={() => {}} />);
    const blog = (await screen.findByText('/blog')).closest('li');
    expect(within(blog).getByText('63%')).toBeTruthy();
    expect(within(blog).getByText('1m 5s')).toBeTruthy();
    expect(within(screen.getByText('/').closest('li')).getAllByText('–')).toHaveLength(2);
    expect(screen.getByText('Scroll')).toBeTruthy();
    expect(client.query.mock.calls[0][0].metrics).toEqual(['visitors', 'pageviews', 'scroll_depth', 'time_on_page']);
  });

  it('leaves engagement out under a goal filter, which engagement pings cannot satisfy', async () => {
    const client = { query: vi.fn(async () => ({ results: [{ dimensions: ['/blog'], metrics: [4, 9] }] })) };
    render(<BreakdownCard title="Top pages" tabs={pages.tabs} client={client} site="example.com" state={goalFilter} onFilter={() => {}} />);
    await screen.findByText('/blog');
    expect(client.query.mock.calls[0][0].metrics).toEqual(['visitors', 'pageviews']);
    expect(screen.queryByText('Scroll')).toBeNull();
  });

  it('lists every page in its details, a page of 20 at a time, with the same columns as the card', async () => {
    const client = {
      query: vi.fn(async (body) => ({
        results: Array.from({ length: 20 }, (_, i) => ({ dimensions: [`/p${body.pagination.offset + i}`], metrics: [120 - i, 1, 50, 10] })),
        meta: { total_rows: 120 },
      })),
    };
    const onChange = vi.fn();
    render(<CardDetails client={client} site="example.com" state={{ ...state, details: 'event:page', detailsPage: 2 }}
      onChange={onChange} onFilter={() => {}} onClose={() => {}} />);
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByText('/p20');
    expect(within(dialog).queryByText('/p40')).toBeNull();
    expect(within(dialog).getByText('Scroll')).toBeTruthy();
    expect(within(within(dialog).getByText('/p27').closest('li')).getByText('50%')).toBeTruthy();
    expect(client.query.mock.calls.at(-1)[0]).toMatchObject({
      metrics: ['visitors', 'pageviews', 'scroll_depth', 'time_on_page'], pagination: { limit: 20, offset: 20 },
    });
    fireEvent.click(within(dialog).getByText('Next'));
    expect(onChange).toHaveBeenLastCalledWith({ detailsPage: 3 });
  }, 30_000);
});

describe('goal conversions card', () => {
  it('lists goals with uniques, total and the conversion rate, and filters by the goal clicked', async () => {
    const client = { query: vi.fn(async () => ({ results: [{ dimensions: ['Signup'], metrics: [12, 15, 4.8, null, null] }] })) };
    const onFilter = vi.fn();
    render(<BreakdownCard title="Goal conversions" tabs={goals.tabs} client={client} site="example.com" state={state} onFilter={onFilter} />);
    const row = (await screen.findByText('Signup')).closest('li');
    expect(within(row).getByText('4.8%')).toBeTruthy();
    expect(client.query.mock.calls[0][0]).toMatchObject({ dimensions: ['event:goal'],
      metrics: ['visitors', 'events', 'conversion_rate', 'total_revenue', 'average_revenue'] });
    // No goal in view has a currency: no revenue columns.
    expect(screen.queryByText('Revenue')).toBeNull();
    fireEvent.click(screen.getByText('Signup'));
    expect(onFilter).toHaveBeenCalledWith({ op: 'is', dimension: 'event:goal', value: 'Signup' });
  });

  it("shows revenue and its average in each goal's currency when a goal in view has revenue", async () => {
    const money = (value, currency) => ({ value, currency });
    const client = {
      query: vi.fn(async () => ({
        results: [{ dimensions: ['Purchase'], metrics: [4, 6, 40, money('15.29', 'EUR'), money('3.82', 'EUR')] },
          { dimensions: ['Tip'], metrics: [1, 2, 10, money('2.50', 'USD'), money('2.50', 'USD')] },
          { dimensions: ['Signup'], metrics: [3, 3, 30, null, null] }],
      })),
    };
    render(<BreakdownCard title="Goal conversions" tabs={goals.tabs} client={client} site="example.com" state={state} onFilter={() => {}} />);
    const purchase = (await screen.findByText('Purchase')).closest('li');
    expect(within(purchase).getByText('€15.29')).toBeTruthy();
    expect(within(purchase).getByText('€3.82')).toBeTruthy();
    expect(within(screen.getByText('Tip').closest('li')).getAllByText('$2.50')).toHaveLength(2);
    expect(within(screen.getByText('Signup').closest('li')).getAllByText('–')).toHaveLength(2);
    expect(screen.getByText('Revenue')).toBeTruthy();
    expect(screen.getByText('Average')).toBeTruthy();
  });

  it('breaks a goal down by the property keys its events carry', async () => {
    const client = {
      propKeys: vi.fn(async () => ({ results: [{ key: 'plan', visitors: 9, events: 12 }, { key: 'seats', visitors: 2, events: 2 }] })),
      query: vi.fn(async (body) => ({ results: [{ dimensions: [body.dimensions[0] === 'event:props:plan' ? 'pro' : '3'], metrics: [5, 6, 2] }] })),
    };
    render(<BreakdownCard title="Goal conversions" tabs={goals.tabs} client={client} site="example.com" state={goalFilter} onFilter={() => {}} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Properties' }));
    expect(await screen.findByText('pro')).toBeTruthy();
    expect(client.propKeys.mock.calls[0][0]).toEqual({
      site_id: 'example.com', date_range: '30d', filters: [['is', 'event:goal', ['Signup']]],
    });
    expect(client.query.mock.calls.at(-1)[0]).toMatchObject({
      dimensions: ['event:props:plan'], metrics: ['visitors', 'events', 'conversion_rate'],
    });
    fireEvent.change(screen.getByLabelText('Properties dimension'), { target: { value: 'event:props:seats' } });
    expect(await screen.findByText('3')).toBeTruthy();
  });

  it('says so when the events in view carry no properties', async () => {
    const client = { propKeys: vi.fn(async () => ({ results: [] })), query: vi.fn(async () => ({ results: [] })) };
    render(<BreakdownCard title="Goal conversions" tabs={goals.tabs} client={client} site="example.com" state={state} onFilter={() => {}} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Properties' }));
    expect(await screen.findByText('No custom properties in this period.')).toBeTruthy();
  });
});

describe('funnel card', () => {
  const answer = {
    steps: [
      { name: 'Visit /pricing', visitors: 120, conversion_rate: 100, conversion_rate_step: 100, dropoff: 0, dropoff_percentage: 0 },
      { name: 'Signup', visitors: 30, conversion_rate: 25, conversion_rate_step: 25, dropoff: 90, dropoff_percentage: 75 },
    ],
    meta: { all_visitors: 1000, entering_visitors: 120, entering_visitors_percentage: 12, conversion_rate: 25 },
  };

  it('draws each step with its visitors, conversion rate and drop-off, for the range and filters shown', async () => {
    const client = {
      funnels: vi.fn(async () => [{ id: 1, name: 'Checkout', steps: ['Visit /pricing', 'Signup'] }]),
      funnel: vi.fn(async () => answer),
    };
    const filtered = { ...state, filters: [{ op: 'is', dimension: 'visit:device', value: 'Mobile' }] };
    render(<FunnelCard client={client} site="example.com" state={filtered} />);
    const list = await screen.findByRole('list', { name: 'Funnel Checkout' });
    expect(within(list).getByText('Signup')).toBeTruthy();
    expect(within(list).getAllByTestId('step-visitors').map((e) => e.textContent)).toEqual(['120', '30']);
    expect(within(list).getByText('Dropped off: 90 (75%)')).toBeTruthy();
    expect(screen.getByText(/120 of 1k visitors entered/)).toBeTruthy();
    expect(client.funnel.mock.calls[0][0]).toEqual({
      site_id: 'example.com', funnel: 'Checkout', date_range: '30d', filters: [['is', 'visit:device', ['Mobile']]],
    });
  });

  it('explains funnels when the site has none', async () => {
    const client = { funnels: vi.fn(async () => []), funnel: vi.fn() };
    render(<FunnelCard client={client} site="example.com" state={state} />);
    expect(await screen.findByText(/No funnels yet/)).toBeTruthy();
    expect(client.funnel).not.toHaveBeenCalled();
  });
});

describe('goals page', () => {
  function client(role) {
    const goalsList = [{ id: 1, display_name: 'Signup', event_name: 'Signup', page_path: null, currency: null }];
    return {
      sites: vi.fn(async () => [{ domain: 'example.com', role }]),
      goals: vi.fn(async () => goalsList),
      funnels: vi.fn(async () => []),
      createGoal: vi.fn(async (domain, goal) => {
        goalsList.push({ id: 2, display_name: goal.display_name ?? goal.event_name, ...goal });
        return goalsList.at(-1);
      }),
      createFunnel: vi.fn(async () => ({})),
      deleteGoal: vi.fn(async () => null),
    };
  }

  it('creates a revenue goal and a funnel of two goals for an admin', async () => {
    const c = client('admin');
    render(<GoalSettingsPage client={c} domain="example.com" />);
    await screen.findByRole('list', { name: 'Goals' });
    const goalForm = screen.getByRole('form', { name: 'Add a goal' });
    fireEvent.change(within(goalForm).getByPlaceholderText('Signup'), { target: { value: ' Purchase ' } });
    fireEvent.change(within(goalForm).getByRole('combobox'), { target: { value: 'EUR' } });
    fireEvent.click(within(goalForm).getByText('Add goal'));
    await waitFor(() => expect(c.createGoal).toHaveBeenCalledWith('example.com', { event_name: 'Purchase', currency: 'EUR' }));
    expect(await screen.findByText('Revenue in EUR')).toBeTruthy();

    const funnelForm = screen.getByRole('form', { name: 'Add a funnel' });
    fireEvent.change(within(funnelForm).getByPlaceholderText('Checkout'), { target: { value: 'Buying' } });
    fireEvent.change(within(funnelForm).getByLabelText('Step 1'), { target: { value: 'Signup' } });
    fireEvent.change(within(funnelForm).getByLabelText('Step 2'), { target: { value: 'Purchase' } });
    fireEvent.click(within(funnelForm).getByText('Add funnel'));
    await waitFor(() => expect(c.createFunnel).toHaveBeenCalledWith('example.com', { name: 'Buying', steps: ['Signup', 'Purchase'] }));
  });

  it('shows goals to viewers without the forms and delete buttons', async () => {
    render(<GoalSettingsPage client={client('viewer')} domain="example.com" />);
    await screen.findByText('Event Signup');
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Add a goal' })).toBeNull());
    expect(screen.queryByLabelText('Delete goal Signup')).toBeNull();
  });
});

describe('goal and funnel requests', () => {
  it('builds goal bodies and describes goals', () => {
    expect(goalRequest({ kind: 'page', target: ' /blog/* ', displayName: '', currency: 'EUR' })).toEqual({ page_path: '/blog/*' });
    expect(goalRequest({ kind: 'event', target: 'Buy', displayName: ' Bought ', currency: 'USD' }))
      .toEqual({ event_name: 'Buy', display_name: 'Bought', currency: 'USD' });
    expect(goalDescription({ page_path: '/x' })).toBe('Visit /x');
    expect(goalDescription({ event_name: 'Buy' })).toBe('Event Buy');
  });

  it('sends the dashboard range and filters with funnels and property keys', () => {
    const custom = { period: 'custom', from: '2026-01-01', to: '2026-01-31', metric: 'visitors',
      filters: [{ op: 'contains', dimension: 'event:page', value: '/blog' }] };
    expect(funnelQuery('a.com', custom, 'F')).toEqual({
      site_id: 'a.com', funnel: 'F', date_range: ['2026-01-01', '2026-01-31'], filters: [['contains', 'event:page', ['/blog']]],
    });
    expect(propKeysQuery('a.com', custom)).toEqual({
      site_id: 'a.com', date_range: ['2026-01-01', '2026-01-31'], filters: [['contains', 'event:page', ['/blog']]],
    });
    expect(tabQuery('a.com', custom, pages.tabs[0], 'event:page', { limit: 100, offset: 0 }).pagination)
      .toEqual({ limit: 100, offset: 0 });
  });

  it('routes a site goals page', () => {
    expect(matchRoute('/example.com/goals')).toEqual({ page: 'goals', domain: 'example.com' });
    expect(matchRoute('/example.com/other')).toEqual({ page: 'notfound' });
  });
});

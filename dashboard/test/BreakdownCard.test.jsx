// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import BreakdownCard from '../src/components/BreakdownCard.jsx';
import FilterBar from '../src/components/FilterBar.jsx';
import { CARDS } from '../src/components/breakdowns.jsx';

afterEach(cleanup);

const state = { period: '7d', from: null, to: null, metric: 'visitors', filters: [] };
const sources = CARDS.find((c) => c.id === 'sources');

describe('BreakdownCard', () => {
  it('lists the rows and adds a filter when one is clicked', async () => {
    const client = {
      query: vi.fn(async () => ({
        results: [{ dimensions: ['Google'], metrics: [1200] }, { dimensions: ['Direct / None'], metrics: [300] }],
        meta: { total_rows: 2 },
      })),
    };
    const onFilter = vi.fn();
    render(<BreakdownCard title="Top sources" tabs={sources.tabs} client={client} site="example.com" state={state} onFilter={onFilter} />);
    fireEvent.click(await screen.findByText('Google'));
    expect(onFilter).toHaveBeenCalledWith({ op: 'is', dimension: 'visit:source', value: 'Google' });
    expect(screen.getByText('1.2k')).toBeTruthy();
    // The API names direct traffic as Plausible's does, and filters on that name.
    fireEvent.click(screen.getByText('Direct / None'));
    expect(onFilter).toHaveBeenLastCalledWith({ op: 'is', dimension: 'visit:source', value: 'Direct / None' });
    expect(client.query.mock.calls[0][0]).toMatchObject({ dimensions: ['visit:source'], pagination: { limit: 10, offset: 0 } });
  });

  it('queries another dimension when a tab is chosen', async () => {
    const client = { query: vi.fn(async () => ({ results: [] })) };
    render(<BreakdownCard title="Top sources" tabs={sources.tabs} client={client} site="example.com" state={state} onFilter={() => {}} />);
    expect(await screen.findByText('No data for this period.')).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Campaigns' }));
    await waitFor(() => expect(client.query).toHaveBeenLastCalledWith(
      expect.objectContaining({ dimensions: ['visit:utm_source'] }), expect.anything(),
    ));
  });

  it('shows the error with a retry that asks again', async () => {
    const client = { query: vi.fn().mockRejectedValueOnce(new Error('date_range: invalid')).mockResolvedValue({ results: [] }) };
    render(<BreakdownCard title="Top sources" tabs={sources.tabs} client={client} site="example.com" state={state} onFilter={() => {}} />);
    expect((await screen.findByRole('alert')).textContent).toContain('date_range: invalid');
    fireEvent.click(screen.getByText('Retry'));
    expect(await screen.findByText('No data for this period.')).toBeTruthy();
  });
});

describe('FilterBar', () => {
  it('shows chips and removes the one whose cross is clicked', () => {
    const onRemove = vi.fn();
    const filters = [
      { op: 'is', dimension: 'visit:country', values: ['FR'] },
      { op: 'is', dimension: 'event:page', values: ['/pricing'] },
    ];
    render(<FilterBar client={{ query: vi.fn() }} site="example.com" state={{ ...state, filters }} onSave={() => {}} onRemove={onRemove} onClear={() => {}} />);
    expect(screen.getByText('Country is France')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Remove filter Page is /pricing'));
    expect(onRemove).toHaveBeenCalledWith(1);
  });
});

import { useCallback } from 'react';
import { useFetch } from '../lib/useFetch.js';
import { goalsPath, navigate, sitePath, siteSettingsPath } from '../lib/router.js';
import { parseState, serializeState } from '../lib/urlState.js';
import { addChip, removeChip, setChip } from '../lib/filters.js';
import { hasGoalFilter, kpiQuery } from '../lib/query.js';
import { includesToday, todayIn } from '../lib/periods.js';
import { useRefreshTick } from '../lib/useVisibleInterval.js';
import { readKpis } from '../lib/kpis.js';
import DatePicker from './DatePicker.jsx';
import SiteSwitcher from './SiteSwitcher.jsx';
import RealtimeBadge from './RealtimeBadge.jsx';
import FilterBar from './FilterBar.jsx';
import DataControls from './DataControls.jsx';
import Overview from './Overview.jsx';
import BreakdownCard from './BreakdownCard.jsx';
import { CARDS } from './breakdowns.jsx';
import { ErrorBox } from './ui.jsx';
import FunnelCard from './goals/FunnelCard.jsx';
import ComparePicker from './ComparePicker.jsx';
import CardDetails from './CardDetails.jsx';
import LiveView from './LiveView.jsx';

/** Ranges that include now are asked again this often, in the background. */
export const LIVE_RANGE_REFRESH_MS = 60_000;

/**
 * The optional dimensions (regions, cities) the site has data for, as the API's capabilities
 * answer says: their tabs show only then. A failed answer shows none of them.
 */
function useAvailableDimensions(client, domain) {
  const answer = useFetch((signal) => client.capabilities(domain, { signal }), `capabilities:${domain}`);
  const dimensions = answer.data?.dimensions ?? {};
  return new Set(Object.keys(dimensions).filter((d) => dimensions[d] === true));
}

export default function Dashboard({ client, domain, search, shared }) {
  const state = parseState(search);
  const base = shared ? `/share/${encodeURIComponent(domain)}` : sitePath(domain);
  const sites = useFetch((signal) => (shared ? Promise.resolve(null) : client.sites({ signal })), `${shared}:${domain}`);
  const site = sites.data?.find((s) => s.domain === domain);
  const today = todayIn(site?.timezone);

  const update = useCallback((patch) => {
    navigate(base + serializeState({ ...parseState(window.location.search), ...patch }));
  }, [base]);

  const realtime = state.period === 'realtime';
  const refresh = useRefreshTick(LIVE_RANGE_REFRESH_MS, !realtime && includesToday(state, today));
  const available = useAvailableDimensions(client, domain);
  const closeDetails = useCallback(() => update({ details: null, detailsSearch: null, detailsSort: null, detailsPage: null }), [update]);
  const kpiBody = kpiQuery(domain, state);
  const kpis = useFetch((signal) => (realtime ? Promise.resolve(null) : client.query(kpiBody, { signal })),
    realtime ? 'realtime' : JSON.stringify(kpiBody), refresh);
  const totals = kpis.data ? readKpis(kpiBody.metrics, kpis.data) : null;
  const totalVisitors = totals && !hasGoalFilter(state) ? totals[0].value : null;

  if (sites.data && !site) {
    return (
      <main className="mx-auto max-w-6xl px-4 py-10">
        <ErrorBox error={{ message: `You have no access to ${domain}, or it does not exist.` }} />
        <button type="button" className="mt-4 text-sm text-indigo-700 underline" onClick={() => navigate('/sites')}>See your sites</button>
      </main>
    );
  }

  return (
    <main className="mx-auto max-w-6xl space-y-4 px-3 py-4 sm:px-4 sm:py-6">
      <div className="sticky top-0 z-20 -mx-3 flex flex-wrap items-center gap-2 bg-gray-50/90 px-3 py-2 backdrop-blur sm:-mx-4 sm:px-4 dark:bg-gray-950/90">
        {shared
          ? <span className="px-2 text-lg font-semibold text-gray-900 dark:text-gray-100">{domain}</span>
          : <SiteSwitcher domain={domain} sites={sites.data} search={search} />}
        {!realtime && <RealtimeBadge client={client} domain={domain} onOpen={() => update({ period: 'realtime', from: null, to: null, interval: null })} />}
        {!shared && <a href={siteSettingsPath(domain)} onClick={(e) => { e.preventDefault(); navigate(siteSettingsPath(domain)); }} className="text-sm text-gray-600 hover:text-gray-900 dark:text-gray-400 dark:hover:text-gray-100">Settings</a>}
        <div className="ml-auto flex flex-wrap items-center justify-end gap-2">
          <DataControls client={client} domain={domain} state={state}
            onToggleImports={(on) => update({ imports: on || undefined })} />
          <ComparePicker key={`${state.compare}:${state.compareFrom}:${state.compareTo}`} state={state} today={today} onChange={update} />
          <DatePicker key={`${state.period}:${state.from}:${state.to}`} state={state} today={today} onChange={update} />
        </div>
      </div>
      {sites.error && <ErrorBox error={sites.error} onRetry={sites.reload} />}
      {realtime
        ? <LiveView client={client} domain={domain} />
        : (
          <>
            <FilterBar client={client} site={domain} state={state}
              onSave={(index, chip) => update({ filters: setChip(state.filters, index, chip) })}
              onRemove={(i) => update({ filters: removeChip(state.filters, i) })}
              onClear={() => update({ filters: [] })} />
            <Overview client={client} site={domain} state={state} today={today} timeZone={site?.timezone} kpiBody={kpiBody} kpis={kpis}
              refresh={refresh} onSelectMetric={(metric) => update({ metric })} onSelectInterval={(interval) => update({ interval })} />
            <div className="grid gap-4 lg:grid-cols-2">
              {CARDS.map((card) => (
                <div key={card.id} className={`min-w-0 ${card.wide ? 'lg:col-span-2' : ''}`}>
                  <BreakdownCard title={card.title} tabs={card.tabs} client={client} site={domain} state={state}
                    totalVisitors={totalVisitors} compact={card.wide} available={available} refresh={refresh}
                    action={card.manageGoals && !shared ? <ManageGoals domain={domain} /> : null}
                    onDetails={(dimension) => update({ details: dimension, detailsSearch: null, detailsSort: null, detailsPage: null })}
                    onFilter={(chip) => update({ filters: addChip(state.filters, chip) })} />
                </div>
              ))}
              <div className="min-w-0 lg:col-span-2">
                <FunnelCard client={client} site={domain} state={state} refresh={refresh} action={shared ? null : <ManageGoals domain={domain} />} />
              </div>
            </div>
            {state.details && (
              <CardDetails key={state.details} client={client} site={domain} state={state} totalVisitors={totalVisitors}
                onChange={update} onClose={closeDetails}
                onFilter={(chip) => update({
                  filters: addChip(state.filters, chip), details: null, detailsSearch: null, detailsSort: null, detailsPage: null,
                })} />
            )}
          </>
        )}
    </main>
  );
}

/** The link from the goal and funnel cards to where goals and funnels are set up. */
function ManageGoals({ domain }) {
  return (
    <a href={goalsPath(domain)} onClick={(e) => { e.preventDefault(); navigate(goalsPath(domain)); }}
      className="text-sm text-indigo-700 hover:underline dark:text-indigo-400">Manage goals</a>
  );
}

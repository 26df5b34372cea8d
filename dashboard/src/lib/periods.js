// Date ranges the stats API accepts, in the order the picker shows them.
export const PERIODS = [
  { key: 'realtime', label: 'Realtime', shortcut: 'r' },
  { key: 'day', label: 'Today', shortcut: 'd' },
  { key: '7d', label: 'Last 7 days', shortcut: 'w' },
  { key: '30d', label: 'Last 30 days', shortcut: 't' },
  { key: 'month', label: 'Month to date', shortcut: 'm' },
  { key: '6mo', label: 'Last 6 months', shortcut: 's' },
  { key: '12mo', label: 'Last 12 months', shortcut: 'l' },
  { key: 'year', label: 'Year to date', shortcut: 'y' },
  { key: 'all', label: 'All time', shortcut: 'a' },
  { key: 'custom', label: 'Custom range', shortcut: 'c' },
];

export const DEFAULT_PERIOD = '30d';
const KEYS = new Set(PERIODS.map((p) => p.key));
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isPeriod(key) {
  return KEYS.has(key);
}

export function isIsoDate(value) {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function periodLabel(state) {
  if (state.period === 'custom') {
    return state.from === state.to
      ? formatDay(state.from)
      : `${formatDay(state.from)} – ${formatDay(state.to)}`;
  }
  return PERIODS.find((p) => p.key === state.period)?.label ?? state.period;
}

function formatDay(iso) {
  const d = new Date(`${iso}T00:00:00Z`);
  return d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
}

/** Today's date (YYYY-MM-DD) in the given IANA time zone; the browser's zone when it is unknown. */
export function todayIn(timeZone, now = new Date()) {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone: timeZone || undefined, year: 'numeric', month: '2-digit', day: '2-digit',
    }).format(now);
  } catch {
    return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  }
}

/** The current bucket label ("2024-03-05 13:00:00" or "2024-03-05") in the given time zone. */
export function currentBucket(timeZone, interval, now = new Date()) {
  const today = todayIn(timeZone, now);
  if (interval !== 'hour') return today;
  let hour;
  try {
    hour = new Intl.DateTimeFormat('en-GB', { timeZone: timeZone || undefined, hour: '2-digit', hourCycle: 'h23' }).format(now);
  } catch {
    hour = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23' }).format(now);
  }
  return `${today} ${hour.padStart(2, '0')}:00:00`;
}

export function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function addMonths(iso, months) {
  const d = new Date(`${iso.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/**
 * The first and last day a period covers, used only when the API sends no time labels.
 * Returns null for "all", whose start only the data knows.
 */
export function periodDates(state, today) {
  switch (state.period) {
    case 'day': return [today, today];
    case '7d': return [addDays(today, -6), today];
    case '30d': return [addDays(today, -29), today];
    case 'month': return [`${today.slice(0, 7)}-01`, today];
    case '6mo': return [addMonths(today, -5), today];
    case '12mo': return [addMonths(today, -11), today];
    case 'year': return [`${today.slice(0, 4)}-01-01`, today];
    case 'custom': return [state.from, state.to];
    default: return null;
  }
}

/** True when the period runs until now, so its numbers still change. */
export function includesToday(state, today) {
  if (state.period === 'custom') return state.to >= today;
  return state.period !== 'realtime';
}

export const INTERVALS = ['hour', 'day', 'week', 'month'];

/** Bucket sizes that make sense for a period; the first is the default. */
export function intervalsFor(state) {
  if (state.period === 'day') return ['hour'];
  if (state.period === 'custom') {
    if (state.from === state.to) return ['hour'];
    const days = (Date.parse(`${state.to}T00:00:00Z`) - Date.parse(`${state.from}T00:00:00Z`)) / 86_400_000 + 1;
    return days <= 31 ? ['day', 'week'] : ['day', 'week', 'month'];
  }
  if (state.period === '7d') return ['day'];
  if (state.period === '30d' || state.period === 'month') return ['day', 'week'];
  return ['day', 'week', 'month'];
}

/** The time dimension of the main graph: hourly for a single day, daily otherwise, unless chosen. */
export function intervalFor(state) {
  const allowed = intervalsFor(state);
  return allowed.includes(state.interval) ? state.interval : allowed[0];
}

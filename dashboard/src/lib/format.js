// Number, duration and metric formatting in the style Plausible users know ("1.2k", "1m 5s").

function short(value, divisor, suffix) {
  const scaled = value / divisor;
  // One decimal below 100 ("31.2k"), none above ("312k"); callers switch unit before 1000.
  const rounded = scaled < 99.95 ? Math.round(scaled * 10) / 10 : Math.round(scaled);
  return `${rounded}${suffix}`;
}

export function formatNumber(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  if (abs >= 999_500_000) return sign + short(abs, 1e9, 'B');
  if (abs >= 999_500) return sign + short(abs, 1e6, 'M');
  if (abs >= 1000) return sign + short(abs, 1e3, 'k');
  return sign + String(Math.round(abs * 100) / 100);
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return s > 0 ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}

export function formatPercent(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const factor = 10 ** digits;
  return `${Math.round(value * factor) / factor}%`;
}

export const METRICS = {
  visitors: { label: 'Unique visitors', short: 'Visitors' },
  visits: { label: 'Total visits', short: 'Visits' },
  pageviews: { label: 'Total pageviews', short: 'Pageviews' },
  events: { label: 'Total events', short: 'Events' },
  views_per_visit: { label: 'Views per visit', short: 'Views/visit' },
  bounce_rate: { label: 'Bounce rate', short: 'Bounce', lowerIsBetter: true },
  visit_duration: { label: 'Visit duration', short: 'Duration' },
  percentage: { label: 'Percentage', short: '%' },
  conversion_rate: { label: 'Conversion rate', short: 'CR' },
  scroll_depth: { label: 'Scroll depth', short: 'Scroll' },
  time_on_page: { label: 'Time on page', short: 'Time' },
  total_revenue: { label: 'Total revenue', short: 'Revenue' },
  average_revenue: { label: 'Average revenue', short: 'Average' },
};

/**
 * Revenue as the API gives it, `{value: "1234.50", currency: "EUR"}`: in the currency's style,
 * from the decimal string itself (no rounding through a float), compact from a million up.
 */
export function formatMoney(money) {
  if (!money || money.value === undefined || money.value === null) return '–';
  const large = Math.abs(Number(money.value)) >= 1_000_000;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: money.currency, ...(large ? { notation: 'compact' } : {}) })
      .format(money.value);
  } catch {
    return `${money.value} ${money.currency}`;
  }
}

export function formatMetric(metric, value) {
  switch (metric) {
    case 'visit_duration':
    case 'time_on_page': return formatDuration(value);
    case 'scroll_depth': return formatPercent(value);
    case 'bounce_rate':
    case 'percentage': return formatPercent(value);
    case 'conversion_rate': return formatPercent(value, 1);
    case 'total_revenue':
    case 'average_revenue': return formatMoney(value);
    case 'views_per_visit':
      return value === null || value === undefined ? '–' : String(Math.round(value * 100) / 100);
    default: return formatNumber(value);
  }
}

/**
 * A change against the previous period, as the API reports it (percent; percentage points for
 * rates). Direction "good"/"bad" accounts for metrics where lower is better.
 */
export function describeChange(metric, change) {
  if (change === null || change === undefined || Number.isNaN(change)) return null;
  const rounded = Math.round(change);
  const direction = rounded > 0 ? 'up' : rounded < 0 ? 'down' : 'flat';
  const lowerIsBetter = Boolean(METRICS[metric]?.lowerIsBetter);
  let tone = 'neutral';
  if (direction === 'up') tone = lowerIsBetter ? 'bad' : 'good';
  if (direction === 'down') tone = lowerIsBetter ? 'good' : 'bad';
  const unit = metric === 'bounce_rate' || metric === 'conversion_rate' ? ' pp' : '%';
  const arrow = direction === 'up' ? '↑ ' : direction === 'down' ? '↓ ' : '±';
  return { text: `${arrow}${Math.abs(rounded)}${unit}`, direction, tone };
}

/** Computes the change the way the API does when a response carries only the two values. */
export function computeChange(metric, current, previous) {
  if (current === null || current === undefined || previous === null || previous === undefined) return null;
  if (metric === 'bounce_rate' || metric === 'conversion_rate') return current - previous;
  if (previous === 0) return current === 0 ? 0 : null;
  return ((current - previous) / previous) * 100;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Axis and tooltip labels for time buckets ("2024-03-05", "2024-03-05 13:00:00"). */
export function formatTimeLabel(label, interval, long = false) {
  if (!label) return '';
  const year = label.slice(0, 4);
  const month = MONTHS[Number(label.slice(5, 7)) - 1] ?? '';
  const day = Number(label.slice(8, 10));
  if (interval === 'hour') {
    const hour = Number(label.slice(11, 13));
    const h12 = hour % 12 === 0 ? 12 : hour % 12;
    const text = `${h12}${hour < 12 ? 'am' : 'pm'}`;
    return long ? `${month} ${day}, ${text}` : text;
  }
  if (interval === 'month') return `${month} ${year}`;
  if (interval === 'week' && long) return `Week of ${month} ${day}, ${year}`;
  return long ? `${month} ${day}, ${year}` : `${month} ${day}`;
}

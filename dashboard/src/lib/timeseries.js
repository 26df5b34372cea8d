// Turns a time-dimension query result into a gap-free series for the graph.
import { addDays, periodDates } from './periods.js';

/** Normalises a bucket label so "2024-03-05T13:00:00Z" and "2024-03-05 13:00:00" meet. */
export function normalizeLabel(label, interval) {
  const text = String(label).replace('T', ' ');
  return interval === 'hour' ? `${text.slice(0, 13)}:00:00` : text.slice(0, 10);
}

/** Every bucket label between two dates (inclusive), in the API's format. */
export function generateLabels(first, last, interval) {
  const labels = [];
  if (!first || !last || first > last) return labels;
  if (interval === 'hour') {
    for (let day = first; day <= last; day = addDays(day, 1)) {
      for (let h = 0; h < 24; h += 1) labels.push(`${day} ${String(h).padStart(2, '0')}:00:00`);
    }
  } else if (interval === 'month') {
    let d = `${first.slice(0, 7)}-01`;
    while (d <= last) {
      labels.push(d);
      const next = new Date(`${d}T00:00:00Z`);
      next.setUTCMonth(next.getUTCMonth() + 1);
      d = next.toISOString().slice(0, 10);
    }
  } else if (interval === 'week') {
    // Weeks start on Monday.
    const start = new Date(`${first}T00:00:00Z`);
    const back = (start.getUTCDay() + 6) % 7;
    for (let d = addDays(first, -back); d <= last; d = addDays(d, 7)) labels.push(d);
  } else {
    for (let d = first; d <= last; d = addDays(d, 1)) labels.push(d);
  }
  return labels;
}

/**
 * Fills missing buckets with 0. Labels come from the API's meta.time_labels when it sends them,
 * else from the period (or, for "all", from the first to the last bucket with data). Buckets
 * after `current` (the bucket of now) have not happened yet: they get null, so the line stops.
 */
export function fillSeries(response, { state, interval, metricIndex = 0, today, current = null }) {
  const values = new Map();
  for (const row of response?.results ?? []) {
    const label = normalizeLabel(row.dimensions[0], interval);
    values.set(label, row.metrics[metricIndex]);
  }
  let labels = response?.meta?.time_labels?.map((l) => normalizeLabel(l, interval));
  if (!labels || labels.length === 0) {
    const range = periodDates(state, today);
    if (range) {
      labels = generateLabels(range[0], range[1], interval);
    } else {
      const known = [...values.keys()].sort();
      labels = known.length ? generateLabels(known[0].slice(0, 10), known[known.length - 1].slice(0, 10), interval) : [];
    }
  }
  // With a comparison each row carries the compared bucket's label and value; buckets past the
  // compared range have no label, and nothing is drawn there.
  const compared = new Map();
  for (const row of response?.results ?? []) {
    if (row.comparison) {
      const label = normalizeLabel(row.dimensions[0], interval);
      const other = row.comparison.dimensions?.[0];
      compared.set(label, other === null || other === undefined
        ? { comparison: null, comparisonLabel: null }
        : { comparison: row.comparison.metrics[metricIndex], comparisonLabel: normalizeLabel(other, interval) });
    }
  }
  return labels.map((label) => ({
    label,
    value: values.get(label) ?? (current && label > current ? null : 0),
    ...(compared.size ? (compared.get(label) ?? { comparison: null, comparisonLabel: null }) : {}),
  }));
}

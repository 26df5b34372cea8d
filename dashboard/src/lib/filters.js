// Filter chips in the UI and their Stats API v2 form: ["is", "visit:country", ["DE"]].

export const DIMENSION_LABELS = {
  'event:page': 'Page',
  'event:goal': 'Goal',
  'event:name': 'Event',
  'event:hostname': 'Hostname',
  'visit:entry_page': 'Entry page',
  'visit:exit_page': 'Exit page',
  'visit:source': 'Source',
  'visit:referrer': 'Referrer',
  'visit:utm_source': 'UTM source',
  'visit:utm_medium': 'UTM medium',
  'visit:utm_campaign': 'UTM campaign',
  'visit:utm_term': 'UTM term',
  'visit:utm_content': 'UTM content',
  'visit:country': 'Country',
  'visit:device': 'Device',
  'visit:browser': 'Browser',
  'visit:browser_version': 'Browser version',
  'visit:os': 'Operating system',
  'visit:os_version': 'OS version',
};

export const OPERATORS = {
  is: 'is',
  is_not: 'is not',
  contains: 'contains',
};

export function isFilterDimension(dimension) {
  return dimension in DIMENSION_LABELS || /^event:props:[^\s]+$/.test(dimension);
}

export function dimensionLabel(dimension) {
  if (dimension.startsWith('event:props:')) return `Property ${dimension.slice('event:props:'.length)}`;
  return DIMENSION_LABELS[dimension] ?? dimension;
}

/** A human label for a chip: "Country is Germany". */
export function chipLabel(chip, displayValue = (d, v) => v) {
  return `${dimensionLabel(chip.dimension)} ${OPERATORS[chip.op] ?? chip.op} ${displayValue(chip.dimension, chip.value)}`;
}

/** Chips → API filters. Several chips combine with "and", as the API does for a top-level list. */
export function toApiFilters(chips) {
  return chips.map((c) => [c.op, c.dimension, [c.value]]);
}

/** API filters → chips; filters the UI cannot show as chips (and/or/not, several values) are dropped. */
export function fromApiFilters(filters) {
  const chips = [];
  for (const f of filters ?? []) {
    if (!Array.isArray(f) || f.length !== 3) continue;
    const [op, dimension, values] = f;
    if (!(op in OPERATORS) || !isFilterDimension(dimension)) continue;
    if (!Array.isArray(values) || values.length !== 1 || typeof values[0] !== 'string') continue;
    chips.push({ op, dimension, value: values[0] });
  }
  return chips;
}

/** Adds a chip; a chip on the same dimension is replaced, since "is A and is B" is always empty. */
export function addChip(chips, chip) {
  return [...chips.filter((c) => c.dimension !== chip.dimension), chip];
}

export function removeChip(chips, index) {
  return chips.filter((_, i) => i !== index);
}

// URL form "op,dimension,value": neither op nor dimension contains a comma, so the value is
// everything after the second one and may contain commas itself.
export function encodeChip(chip) {
  return `${chip.op},${chip.dimension},${chip.value}`;
}

export function decodeChip(text) {
  const first = text.indexOf(',');
  const second = first < 0 ? -1 : text.indexOf(',', first + 1);
  if (second < 0) return null;
  const op = text.slice(0, first);
  const dimension = text.slice(first + 1, second);
  const value = text.slice(second + 1);
  if (!(op in OPERATORS) || !isFilterDimension(dimension)) return null;
  return { op, dimension, value };
}

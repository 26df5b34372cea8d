// Filter chips in the UI and their Stats API v2 form: ["is", "visit:country", ["DE"]].

export const DIMENSION_LABELS = {
  'event:page': 'Page',
  'event:goal': 'Goal',
  'event:name': 'Event',
  'event:hostname': 'Hostname',
  'event:screen_size': 'Screen size',
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
  contains_not: 'does not contain',
};

export function isFilterDimension(dimension) {
  return dimension in DIMENSION_LABELS || /^event:props:[^\s]+$/.test(dimension);
}

export function dimensionLabel(dimension) {
  if (dimension.startsWith('event:props:')) return `Property ${dimension.slice('event:props:'.length)}`;
  return DIMENSION_LABELS[dimension] ?? dimension;
}

/** A chip's values: chips made by clicking a row carry one `value`, the editor's a `values` list. */
export function chipValues(chip) {
  return chip.values ?? [chip.value];
}

/** The one form chips are kept in: `{op, dimension, values}`. */
export function normalizeChip(chip) {
  return { op: chip.op, dimension: chip.dimension, values: chipValues(chip).map(String) };
}

/** A human label for a chip: "Country is Germany or France". */
export function chipLabel(chip, displayValue = (d, v) => v) {
  const values = chipValues(chip).map((v) => displayValue(chip.dimension, v));
  return `${dimensionLabel(chip.dimension)} ${OPERATORS[chip.op] ?? chip.op} ${values.join(' or ')}`;
}

/**
 * Chips → API filters. Several chips combine with "and", as the API does for a top-level list;
 * a chip's values with "or". "Does not contain" is the API's `not` around `contains`.
 */
export function toApiFilters(chips) {
  return chips.map((c) => {
    const values = chipValues(c);
    return c.op === 'contains_not' ? ['not', ['contains', c.dimension, values]] : [c.op, c.dimension, values];
  });
}

const stringList = (values) => Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'string');

/** API filters → chips; filters the UI cannot show as chips (and/or, other negations) are dropped. */
export function fromApiFilters(filters) {
  const chips = [];
  for (const f of filters ?? []) {
    if (!Array.isArray(f)) continue;
    let [op, dimension, values] = f;
    if (op === 'not' && f.length === 2 && Array.isArray(f[1]) && f[1].length === 3 && f[1][0] === 'contains') {
      [, dimension, values] = f[1];
      op = 'contains_not';
    } else if (f.length !== 3) {
      continue;
    }
    if (!(op in OPERATORS) || op === 'contains_not' && f[0] !== 'not' || !isFilterDimension(dimension)) continue;
    if (!stringList(values)) continue;
    chips.push({ op, dimension, values });
  }
  return chips;
}

/**
 * Adds a chip from a click on a row; one on the same dimension with the same operator is
 * replaced, since "is A and is B" is always empty.
 */
export function addChip(chips, chip) {
  const added = normalizeChip(chip);
  return [...chips.filter((c) => c.dimension !== added.dimension || c.op !== added.op), added];
}

/** Puts an edited chip at `index`, or appends it when `index` is null. */
export function setChip(chips, index, chip) {
  const edited = normalizeChip(chip);
  if (index === null || index === undefined || index >= chips.length) return [...chips, edited];
  return chips.map((c, i) => (i === index ? edited : c));
}

export function removeChip(chips, index) {
  return chips.filter((_, i) => i !== index);
}

// URL form "op,dimension,value|value": neither op nor dimension contains a comma, so the values are
// everything after the second one and may contain commas; "|" separates them, "\" escapes a
// "|" or "\" inside one.
const escapeValue = (v) => v.replace(/[\\|]/g, (c) => `\\${c}`);

export function encodeChip(chip) {
  return `${chip.op},${chip.dimension},${chipValues(chip).map(escapeValue).join('|')}`;
}

function splitValues(text) {
  const values = [''];
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      values[values.length - 1] += text[i + 1];
      i += 1;
    } else if (c === '|') {
      values.push('');
    } else {
      values[values.length - 1] += c;
    }
  }
  return values;
}

export function decodeChip(text) {
  const first = text.indexOf(',');
  const second = first < 0 ? -1 : text.indexOf(',', first + 1);
  if (second < 0) return null;
  const op = text.slice(0, first);
  const dimension = text.slice(first + 1, second);
  if (!(op in OPERATORS) || !isFilterDimension(dimension)) return null;
  return { op, dimension, values: splitValues(text.slice(second + 1)) };
}

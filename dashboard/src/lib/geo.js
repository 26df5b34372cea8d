// Country codes for the map and for searching countries by name.
import iso from 'iso-3166-1';
import { countryName } from './labels.js';

/** The alpha-2 code of an ISO 3166-1 numeric code (Natural Earth's ids), or null. */
export function alpha2(numeric) {
  if (!numeric) return null;
  return iso.whereNumeric(String(numeric))?.alpha2 ?? null;
}

// Natural Earth shapes without an ISO id, and the codes visitors from there are counted under.
const UNCODED = { Kosovo: 'XK', 'N. Cyprus': 'CY', Somaliland: 'SO' };

/** The alpha-2 code a Natural Earth country shape stands for. */
export function shapeCode(shape) {
  return alpha2(shape.id) ?? UNCODED[shape.properties?.name] ?? null;
}

/** Codes of the countries whose English name contains `text` (any case), e.g. "germ" → ["DE"]. */
export function countryCodes(text) {
  const needle = String(text ?? '').trim().toLowerCase();
  if (!needle) return [];
  return iso.all().map((c) => c.alpha2)
    .filter((code) => countryName(code).toLowerCase().includes(needle));
}

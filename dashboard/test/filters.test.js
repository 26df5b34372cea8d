import { describe, expect, it } from 'vitest';
import {
  addChip, chipLabel, decodeChip, encodeChip, fromApiFilters, removeChip, toApiFilters,
} from '../src/lib/filters.js';
import { displayValue } from '../src/lib/labels.js';

const country = { op: 'is', dimension: 'visit:country', value: 'DE' };
const page = { op: 'contains', dimension: 'event:page', value: '/blog' };

describe('filter chips and API filters', () => {
  it('turns chips into Stats API v2 filters', () => {
    expect(toApiFilters([country, page])).toEqual([
      ['is', 'visit:country', ['DE']],
      ['contains', 'event:page', ['/blog']],
    ]);
  });

  it('reads back the filters it writes and drops the ones chips cannot show', () => {
    const api = [
      ...toApiFilters([country, page]),
      ['or', [['is', 'visit:os', ['Mac']], ['is', 'visit:os', ['iOS']]]],
      ['is', 'visit:browser', ['Chrome', 'Firefox']],
      ['is', 'visit:nonsense', ['x']],
      ['is', 'event:props:plan', ['pro']],
    ];
    expect(fromApiFilters(api)).toEqual([country, page, { op: 'is', dimension: 'event:props:plan', value: 'pro' }]);
  });

  it('replaces a chip on the same dimension instead of adding an impossible second one', () => {
    const chips = addChip([country, page], { op: 'is', dimension: 'visit:country', value: 'FR' });
    expect(chips).toEqual([page, { op: 'is', dimension: 'visit:country', value: 'FR' }]);
    expect(removeChip(chips, 0)).toEqual([{ op: 'is', dimension: 'visit:country', value: 'FR' }]);
  });

  it('labels chips for people, with country names', () => {
    expect(chipLabel(country, displayValue)).toBe('Country is Germany');
    expect(chipLabel({ op: 'is_not', dimension: 'event:props:plan', value: 'free' })).toBe('Property plan is not free');
  });

  it('encodes a chip for the URL and decodes values that contain commas', () => {
    const chip = { op: 'is', dimension: 'event:page', value: '/search?q=a,b' };
    expect(encodeChip(chip)).toBe('is,event:page,/search?q=a,b');
    expect(decodeChip(encodeChip(chip))).toEqual(chip);
    expect(decodeChip('is,visit:country,')).toEqual({ op: 'is', dimension: 'visit:country', value: '' });
  });

  it('rejects URL filters with an unknown operator or dimension', () => {
    expect(decodeChip('drop,visit:country,DE')).toBeNull();
    expect(decodeChip('is,visit:secret,DE')).toBeNull();
    expect(decodeChip('is')).toBeNull();
  });
});

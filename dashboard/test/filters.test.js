import { describe, expect, it } from 'vitest';
import {
  addChip, chipLabel, decodeChip, encodeChip, fromApiFilters, removeChip, setChip, toApiFilters,
} from '../src/lib/filters.js';
import { displayValue } from '../src/lib/labels.js';

const country = { op: 'is', dimension: 'visit:country', values: ['DE', 'FR'] };
const page = { op: 'contains', dimension: 'event:page', values: ['/blog'] };
const notDrafts = { op: 'contains_not', dimension: 'event:page', values: ['/draft', '/tmp'] };

describe('filter chips and API filters', () => {
  it('turns chips into Stats API v2 filters: values or-ed, "does not contain" as not + contains', () => {
    expect(toApiFilters([country, page, notDrafts])).toEqual([
      ['is', 'visit:country', ['DE', 'FR']],
      ['contains', 'event:page', ['/blog']],
      ['not', ['contains', 'event:page', ['/draft', '/tmp']]],
    ]);
    // A chip from a click on a row carries one value.
    expect(toApiFilters([{ op: 'is_not', dimension: 'visit:source', value: 'Google' }]))
      .toEqual([['is_not', 'visit:source', ['Google']]]);
  });

  it('reads back the filters it writes and drops the ones chips cannot show', () => {
    const api = [
      ...toApiFilters([country, page, notDrafts]),
      ['or', [['is', 'visit:os', ['Mac']], ['is', 'visit:os', ['iOS']]]],
      ['not', ['is', 'visit:os', ['Mac']]],
      ['is', 'visit:nonsense', ['x']],
      ['contains_not', 'event:page', ['x']],
      ['is', 'event:props:plan', ['pro']],
    ];
    expect(fromApiFilters(api)).toEqual([country, page, notDrafts, { op: 'is', dimension: 'event:props:plan', values: ['pro'] }]);
  });

  it('replaces a clicked chip on the same dimension and operator, and keeps edited ones where they are', () => {
    const chips = addChip([country, page], { op: 'is', dimension: 'visit:country', value: 'JP' });
    expect(chips).toEqual([page, { op: 'is', dimension: 'visit:country', values: ['JP'] }]);
    // Another operator on the same dimension is another filter: "contains /blog and does not contain /draft".
    expect(addChip(chips, notDrafts)).toHaveLength(3);
    expect(removeChip(chips, 0)).toEqual([{ op: 'is', dimension: 'visit:country', values: ['JP'] }]);
    expect(setChip(chips, 0, notDrafts)).toEqual([notDrafts, chips[1]]);
    expect(setChip(chips, null, notDrafts)).toEqual([...chips, notDrafts]);
  });

  it('labels chips for people, with country names and every value', () => {
    expect(chipLabel(country, displayValue)).toBe('Country is Germany or France');
    expect(chipLabel(notDrafts)).toBe('Page does not contain /draft or /tmp');
    expect(chipLabel({ op: 'is_not', dimension: 'event:props:plan', value: 'free' })).toBe('Property plan is not free');
  });

  it('encodes a chip for the URL and decodes values that contain commas, bars and backslashes', () => {
    const chip = { op: 'is', dimension: 'event:page', values: ['/search?q=a,b', 'a|b', 'c\\d'] };
    expect(encodeChip(chip)).toBe('is,event:page,/search?q=a,b|a\\|b|c\\\\d');
    expect(decodeChip(encodeChip(chip))).toEqual(chip);
    expect(decodeChip('is,visit:country,')).toEqual({ op: 'is', dimension: 'visit:country', values: [''] });
    // Links written before several values existed still read as one value.
    expect(decodeChip('contains,event:page,/blog')).toEqual(page);
  });

  it('rejects URL filters with an unknown operator or dimension', () => {
    expect(decodeChip('drop,visit:country,DE')).toBeNull();
    expect(decodeChip('is,visit:secret,DE')).toBeNull();
    expect(decodeChip('is')).toBeNull();
  });
});

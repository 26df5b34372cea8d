import { describe, expect, it } from 'vitest';
import { normalizeDomain, timeZones, trackingSnippet } from '../src/lib/sites.js';
import { matchRoute } from '../src/lib/router.js';
import { readKpis } from '../src/lib/kpis.js';
import { countryName, displayValue } from '../src/lib/labels.js';
import { safeNext } from '../src/components/LoginPage.jsx';

describe('site form', () => {
  it('reduces what people paste to a bare host name', () => {
    expect(normalizeDomain('https://www.Example.com/blog?x=1')).toBe('www.example.com');
    expect(normalizeDomain(' example.org. ')).toBe('example.org');
    expect(normalizeDomain('localhost:8080')).toBe('localhost');
    expect(normalizeDomain('not a domain')).toBeNull();
    expect(normalizeDomain('')).toBeNull();
  });

  it('offers IANA time zones including UTC', () => {
    const zones = timeZones();
    expect(zones).toContain('UTC');
    expect(zones).toContain('Europe/Berlin');
  });

  it('writes the tracking snippet for a domain and origin', () => {
    expect(trackingSnippet('example.com', 'https://stats.example.net'))
      .toBe('<script defer data-domain="example.com" src="https://stats.example.net/tracker.js"></script>');
  });
});

describe('routes', () => {
  it('maps paths to pages', () => {
    expect(matchRoute('/')).toEqual({ page: 'home' });
    expect(matchRoute('/login')).toEqual({ page: 'login' });
    expect(matchRoute('/sites')).toEqual({ page: 'sites' });
    expect(matchRoute('/example.com')).toEqual({ page: 'dashboard', domain: 'example.com' });
    expect(matchRoute('/share/example.com')).toEqual({ page: 'share', domain: 'example.com' });
    expect(matchRoute('/a/b/c')).toEqual({ page: 'notfound' });
  });

  it('only returns to same-site paths after login', () => {
    expect(safeNext('?next=%2Fexample.com%3Fperiod%3D7d')).toBe('/example.com?period=7d');
    expect(safeNext('?next=https://evil.test/')).toBe('/');
    expect(safeNext('?next=//evil.test/')).toBe('/');
    expect(safeNext('')).toBe('/');
  });
});

describe('KPI reading', () => {
  it('pairs metrics with values and changes, computing a missing change', () => {
    const response = {
      results: [{ dimensions: [], metrics: [200, 40], comparison: { dimensions: [], metrics: [100, 50] } }],
    };
    expect(readKpis(['visitors', 'bounce_rate'], response)).toEqual([
      { metric: 'visitors', value: 200, change: 100, previous: 100 },
      { metric: 'bounce_rate', value: 40, change: -10, previous: 50 },
    ]);
  });

  it('shows zeros and no change for an empty answer', () => {
    expect(readKpis(['visitors'], { results: [] })).toEqual([{ metric: 'visitors', value: 0, change: null, previous: null }]);
  });
});

describe('value labels', () => {
  it('names countries and empty sources', () => {
    expect(countryName('DE')).toBe('Germany');
    expect(displayValue('visit:source', null)).toBe('Direct / None');
    expect(displayValue('visit:utm_campaign', '')).toBe('(not set)');
    expect(displayValue('visit:device', 'mobile')).toBe('Mobile');
  });
});

// Development stand-in for the query role: serves dist/ (with the index.html fallback the real
// server has) and answers the dashboard's API calls with generated, deterministic data.
// Usage: npm run build && npm run mock  (PORT=5174 by default; log in with any email and "demo").
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const PORT = Number(process.env.PORT || 5174);
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const SHARE_TOKEN = 'share-demo';
const DAY_MS = 86_400_000;

const sites = [
  { domain: 'example.com', name: 'Example shop', timezone: 'Europe/Berlin', role: 'owner', base: 900 },
  { domain: 'blog.example.org', name: 'Engineering blog', timezone: 'America/New_York', role: 'admin', base: 240 },
  { domain: 'new-site.io', name: 'New site', timezone: 'UTC', role: 'viewer', base: 35, since: 10 },
];
// Goals and funnels per site, as the settings pages create them; every site starts with these.
let nextGoalId = 1;
const goal = (fields) => ({ id: nextGoalId++, currency: null, ...fields });
const siteGoals = new Map();
const siteFunnels = new Map();
function goalsOf(domain) {
  if (!siteGoals.has(domain)) {
    siteGoals.set(domain, [
      goal({ display_name: 'Signup', event_name: 'Signup' }),
      goal({ display_name: 'Visit /pricing', page_path: '/pricing' }),
      goal({ display_name: 'Purchase', event_name: 'Purchase', currency: 'EUR' }),
    ]);
  }
  return siteGoals.get(domain);
}
function funnelsOf(domain) {
  if (!siteFunnels.has(domain)) siteFunnels.set(domain, [{ id: nextGoalId++, name: 'Pricing to signup', steps: ['Visit /pricing', 'Signup'] }]);
  return siteFunnels.get(domain);
}
/** Conversions per goal, as shares of visitors (in percent), and revenue per conversion. */
const GOAL_WEIGHTS = { Signup: 4, 'Visit /pricing': 12, Purchase: 2 };
const REVENUE_PER_CONVERSION = 49.9;

const tokens = new Map();
const refreshTokens = new Set();

// ---- deterministic noise ------------------------------------------------------------------
function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return ((h >>> 0) % 100000) / 100000;
}
const jitter = (key, spread) => 1 + (hash(key) - 0.5) * 2 * spread;

// ---- value lists per dimension (weights are shares of visitors) ------------------------------
const V = (pairs) => pairs.map(([value, weight]) => ({ value, weight }));
const DIMENSIONS = {
  'visit:source': V([['Google', 42], [null, 25], ['Twitter', 8], ['Hacker News', 6], ['DuckDuckGo', 5], ['GitHub', 4], ['Bing', 3], ['Reddit', 3], ['LinkedIn', 2], ['Newsletter', 1], ['Facebook', 1]]),
  'visit:referrer': V([['https://www.google.com/', 40], [null, 25], ['https://t.co/', 8], ['https://news.ycombinator.com/', 6], ['https://duckduckgo.com/', 5], ['https://github.com/', 4], ['https://www.bing.com/', 3], ['https://www.reddit.com/r/webdev/', 3], ['https://www.linkedin.com/', 2]]),
  'visit:utm_source': V([[null, 80], ['newsletter', 9], ['twitter', 6], ['producthunt', 3], ['partner', 2]]),
  'visit:utm_medium': V([[null, 80], ['email', 9], ['social', 8], ['cpc', 3]]),
  'visit:utm_campaign': V([[null, 80], ['spring_launch', 10], ['weekly_digest', 7], ['black_friday', 3]]),
  'visit:utm_term': V([[null, 97], ['analytics', 2], ['privacy analytics', 1]]),
  'visit:utm_content': V([[null, 96], ['header_link', 3], ['footer_link', 1]]),
  'event:page': V([['/', 30], ['/pricing', 12], ['/blog', 10], ['/blog/privacy-first-analytics', 9], ['/docs', 8], ['/docs/getting-started', 7], ['/about', 5], ['/signup', 5], ['/blog/self-hosting-guide', 4], ['/contact', 3], ['/changelog', 3], ['/careers', 2], ['/legal/privacy', 1]]),
  'visit:entry_page': V([['/', 38], ['/blog/privacy-first-analytics', 14], ['/pricing', 10], ['/docs/getting-started', 9], ['/blog', 8], ['/blog/self-hosting-guide', 7], ['/docs', 6], ['/about', 4], ['/changelog', 2], ['/careers', 2]]),
  'visit:exit_page': V([['/', 24], ['/pricing', 16], ['/signup', 12], ['/docs/getting-started', 11], ['/blog/privacy-first-analytics', 10], ['/blog', 8], ['/contact', 7], ['/about', 6], ['/docs', 4], ['/legal/privacy', 2]]),
  'visit:country': V([['US', 28], ['DE', 14], ['GB', 9], ['FR', 7], ['IN', 6], ['NL', 5], ['CA', 5], ['BR', 4], ['JP', 3], ['PL', 3], ['SE', 2], ['AU', 2], ['ES', 2]]),
  'visit:device': V([['desktop', 58], ['mobile', 37], ['tablet', 5]]),
  'visit:browser': V([['Chrome', 52], ['Safari', 22], ['Firefox', 11], ['Edge', 9], ['Samsung Internet', 3], ['Opera', 2], ['Brave', 1]]),
  'visit:browser_version': V([['126.0', 30], ['125.0', 20], ['17.5', 15], ['127.0', 10], ['115.0', 5]]),
  'visit:os': V([['Windows', 35], ['Mac', 24], ['iOS', 18], ['Android', 16], ['GNU/Linux', 6], ['Chrome OS', 1]]),
  'visit:os_version': V([['10', 30], ['14.5', 20], ['17.5', 18], ['14', 16]]),
  'event:hostname': V([['www.example.com', 90], ['docs.example.com', 10]]),
  'event:name': V([['pageview', 1000], ['Signup', 4], ['Outbound Link: Click', 9], ['Download', 3], ['Newsletter subscribe', 2], ['404', 1]]),
};
function valuesOf(dimension, site) {
  if (DIMENSIONS[dimension]) return DIMENSIONS[dimension];
  if (dimension === 'event:goal') return V(goalsOf(site?.domain ?? '').map((g) => [g.display_name, GOAL_WEIGHTS[g.display_name] ?? 1]));
  if (dimension.startsWith('event:props:')) return V([['a', 60], ['b', 40]]);
  return null;
}

// ---- dates --------------------------------------------------------------------------------
function todayIn(timeZone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
function hourIn(timeZone) {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
}
const addDays = (iso, n) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (a, b) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
function monthStart(iso, back) {
  const d = new Date(`${iso.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - back);
  return d.toISOString().slice(0, 10);
}
function resolveRange(range, today) {
  if (Array.isArray(range)) return range;
  switch (range) {
    case 'day': return [today, today];
    case '7d': return [addDays(today, -6), today];
    case '30d': return [addDays(today, -29), today];
    case 'month': return [`${today.slice(0, 7)}-01`, today];
    case '6mo': return [monthStart(today, 5), today];
    case '12mo': return [monthStart(today, 11), today];
    case 'year': return [`${today.slice(0, 4)}-01-01`, today];
    case 'all': return [addDays(today, -400), today];
    default: return null;
  }
}

// ---- the model ----------------------------------------------------------------------------
const HOURLY = [2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 7, 7, 8, 8, 7, 6, 6, 6, 5, 4, 3, 2];
const HOURLY_SUM = HOURLY.reduce((a, b) => a + b, 0);

function dayVisitors(site, day, today) {
  if (day > today) return 0;
  if (site.since !== undefined && daysBetween(day, today) > site.since) return 0;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  const weekly = weekday === 0 || weekday === 6 ? 0.7 : 1;
  const trend = 1 + Math.max(0, 400 - daysBetween(day, today)) / 800;
  // A quiet day now and then, so gaps and dips show.
  if (site.since !== undefined && hash(`${site.domain}${day}gap`) < 0.3) return 0;
  return site.base * weekly * trend * jitter(`${site.domain}${day}`, 0.25);
}

function share(dimension, op, values, site) {
  const list = valuesOf(dimension, site);
  if (!list) return 1;
  const total = list.reduce((s, v) => s + v.weight, 0);
  const matched = list.filter((v) => matches(op, v.value, values)).reduce((s, v) => s + v.weight, 0);
  // A goal's weight is the share of all visitors converting it, in percent.
  return dimension === 'event:goal' ? Math.min(1, matched / 100) : matched / total;
}
function matches(op, value, values) {
  const text = value ?? '';
  switch (op) {
    case 'is': return values.includes(text);
    case 'is_not': return !values.includes(text);
    case 'contains': return values.some((v) => text.toLowerCase().includes(String(v).toLowerCase()));
    case 'matches': return values.some((v) => new RegExp(`^${String(v).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(text));
    default: return true;
  }
}

/** The metric values for a set of visitors, deterministic per key. */
/** Revenue of `conversions` in `currency`, as the API gives it; null without a currency. */
function money(conversions, currency, average) {
  if (!currency) return null;
  const value = average ? (conversions ? REVENUE_PER_CONVERSION : 0) : Math.round(conversions) * REVENUE_PER_CONVERSION;
  return { value: value.toFixed(2), currency };
}

function metricValues(metrics, visitors, key, totalVisitors, goalVisitors, currency = null) {
  const visits = visitors * 1.25 * jitter(`${key}v`, 0.05);
  const pageviews = visits * 2.4 * jitter(`${key}p`, 0.1);
  return metrics.map((m) => {
    switch (m) {
      case 'visitors': return Math.round(visitors);
      case 'visits': return Math.round(visits);
      case 'pageviews': return Math.round(pageviews);
      case 'events': return Math.round(pageviews * 1.08);
      case 'views_per_visit': return visits ? Math.round((pageviews / visits) * 100) / 100 : 0;
      case 'bounce_rate': return visits ? Math.round(48 * jitter(`${key}b`, 0.12)) : 0;
      case 'visit_duration': return visits ? Math.round(164 * jitter(`${key}d`, 0.2)) : 0;
      case 'percentage': return totalVisitors ? Math.round((visitors / totalVisitors) * 1000) / 10 : 0;
      case 'conversion_rate': return goalVisitors ? Math.round((visitors / goalVisitors) * 1000) / 10 : 0;
      case 'total_revenue': return money(pageviews * 1.08, currency, false);
      case 'average_revenue': return money(pageviews * 1.08, currency, true);
      default: return 0;
    }
  });
}

const METRICS = new Set(['visitors', 'visits', 'pageviews', 'events', 'views_per_visit', 'bounce_rate', 'visit_duration', 'percentage', 'conversion_rate', 'total_revenue', 'average_revenue']);
const REVENUE = ['total_revenue', 'average_revenue'];

/**
 * The one currency of the revenue goals a query's top-level event:goal conditions select (not
 * is_not), as the API reads revenue: null for several or none; undefined without such a condition.
 */
function revenueCurrency(site, filters) {
  const conditions = filters.filter((f) => f[1] === 'event:goal' && f[0] !== 'is_not');
  if (conditions.length === 0) return undefined;
  const currencies = new Set(goalsOf(site.domain)
    .filter((g) => g.currency && conditions.every((f) => matches(f[0], g.display_name, f[2])))
    .map((g) => g.currency));
  return currencies.size === 1 ? [...currencies][0] : null;
}

class BadRequest extends Error {}

function runQuery(site, body, range) {
  const today = todayIn(site.timezone);
  const [from, to] = range;
  const dimensions = body.dimensions ?? [];
  const metrics = body.metrics;
  const filters = body.filters ?? [];
  let factor = 1;
  for (const f of filters) {
    if (!Array.isArray(f) || f.length !== 3) throw new BadRequest('filters: expected [operator, dimension, values]');
    if (!dimensions.includes(f[1])) factor *= share(f[1], f[0], f[2], site);
  }
  const days = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  // Visitors over several days overlap; a returning share keeps totals below the daily sum.
  const dedup = days.length > 1 ? 0.82 : 1;
  const totalVisitors = days.reduce((s, d) => s + dayVisitors(site, d, today), 0) * dedup * factor;
  const key = `${site.domain}${from}${to}${JSON.stringify(filters)}`;
  const currency = revenueCurrency(site, filters) ?? null;

  if (dimensions.length === 0) {
    return [{ dimensions: [], metrics: metricValues(metrics, totalVisitors, key, totalVisitors, totalVisitors, currency) }];
  }
  const dimension = dimensions[0];
  if (dimension.startsWith('time:')) {
    const interval = dimension.slice(5);
    const buckets = new Map();
    for (const day of days) {
      const v = dayVisitors(site, day, today) * factor;
      if (interval === 'hour') {
        const lastHour = day === today ? hourIn(site.timezone) : 23;
        for (let h = 0; h <= lastHour; h += 1) {
          buckets.set(`${day} ${String(h).padStart(2, '0')}:00:00`, (v * HOURLY[h]) / HOURLY_SUM);
        }
      } else {
        let label = day;
        if (interval === 'month') label = `${day.slice(0, 7)}-01`;
        if (interval === 'week') label = addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
        buckets.set(label, (buckets.get(label) ?? 0) + v);
      }
    }
    return [...buckets.entries()]
      .filter(([, v]) => Math.round(v) > 0)
      .map(([label, v]) => ({ dimensions: [label], metrics: metricValues(metrics, v, `${key}${label}`, totalVisitors, totalVisitors, currency) }));
  }
  const list = valuesOf(dimension, site);
  if (!list) throw new BadRequest(`dimensions: unknown dimension "${dimension}"`);
  const own = filters.filter((f) => f[1] === dimension);
  const kept = list.filter((v) => own.every((f) => matches(f[0], v.value, f[2])));
  const weightSum = list.reduce((s, v) => s + v.weight, 0);
  const isGoal = dimension === 'event:name' || dimension === 'event:goal';
  const goalCurrency = (value) => (dimension === 'event:goal' ? goalsOf(site.domain).find((g) => g.display_name === value)?.currency ?? null : null);
  const grandTotal = isGoal ? days.reduce((s, d) => s + dayVisitors(site, d, today), 0) * dedup * factor : totalVisitors;
  return kept.map((v) => {
    const visitors = isGoal
      ? grandTotal * Math.min(1, v.weight / 100) * jitter(`${key}${v.value}`, 0.15)
      : (totalVisitors * v.weight) / weightSum * jitter(`${key}${v.value}`, 0.15);
    return { dimensions: [v.value], metrics: metricValues(metrics, visitors, `${key}${v.value}`, grandTotal, grandTotal, goalCurrency(v.value)) };
  }).filter((r) => r.metrics[0] > 0);
}

function change(metric, current, previous) {
  if (REVENUE.includes(metric)) {
    return current && previous ? change('events', Number(current.value), Number(previous.value)) : null;
  }
  if (metric === 'bounce_rate' || metric === 'conversion_rate') return Math.round((current - previous) * 10) / 10;
  if (!previous) return current ? 100 : 0;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

function query(body) {
  const site = sites.find((s) => s.domain === body.site_id);
  if (!site) throw Object.assign(new Error('site_id: no such site'), { status: 404 });
  if (!Array.isArray(body.metrics) || body.metrics.length === 0) throw new BadRequest('metrics: at least one metric is required');
  for (const m of body.metrics) if (!METRICS.has(m)) throw new BadRequest(`metrics: unknown metric "${m}"`);
  if (body.metrics.some((m) => REVENUE.includes(m)) && !(body.dimensions ?? []).includes('event:goal')
    && revenueCurrency(site, body.filters ?? []) === undefined) {
    throw new BadRequest('metrics: total_revenue and average_revenue need the event:goal dimension or a top-level event:goal filter naming revenue goals');
  }
  const today = todayIn(site.timezone);
  const range = resolveRange(body.date_range, today);
  if (!range) throw new BadRequest(`date_range: invalid value ${JSON.stringify(body.date_range)}`);
  let results = runQuery(site, body, range);

  const order = body.order_by?.[0];
  if (order) {
    const index = body.metrics.indexOf(order[0]);
    const dimIndex = (body.dimensions ?? []).indexOf(order[0]);
    const sign = order[1] === 'asc' ? 1 : -1;
    results.sort((a, b) => {
      const x = index >= 0 ? a.metrics[index] : a.dimensions[dimIndex];
      const y = index >= 0 ? b.metrics[index] : b.dimensions[dimIndex];
      return x < y ? -sign : x > y ? sign : 0;
    });
  }
  const totalRows = results.length;
  const limit = body.pagination?.limit ?? 10000;
  const offset = body.pagination?.offset ?? 0;
  results = results.slice(offset, offset + limit);

  if (body.include?.comparisons) {
    const length = daysBetween(range[0], range[1]) + 1;
    const previous = [addDays(range[0], -length), addDays(range[0], -1)];
    const before = runQuery(site, body, previous);
    results = results.map((row) => {
      const match = before.find((b) => JSON.stringify(b.dimensions) === JSON.stringify(row.dimensions)) ?? { dimensions: row.dimensions, metrics: body.metrics.map(() => 0) };
      return { ...row, comparison: { dimensions: match.dimensions, metrics: match.metrics, change: body.metrics.map((m, i) => change(m, row.metrics[i], match.metrics[i])) } };
    });
  }
  const meta = {};
  const timeDimension = (body.dimensions ?? []).find((d) => d.startsWith('time:'));
  if (body.include?.time_labels && timeDimension) {
    const labels = [];
    const interval = timeDimension.slice(5);
    for (let d = range[0]; d <= range[1]; d = addDays(d, 1)) {
      if (interval === 'hour') for (let h = 0; h < 24; h += 1) labels.push(`${d} ${String(h).padStart(2, '0')}:00:00`);
      else if (interval === 'day') labels.push(d);
      else if (interval === 'month' && (d === range[0] || d.endsWith('-01'))) labels.push(`${d.slice(0, 7)}-01`);
      else if (interval === 'week' && (d === range[0] || new Date(`${d}T00:00:00Z`).getUTCDay() === 1)) labels.push(addDays(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7)));
    }
    meta.time_labels = labels;
  }
  if (body.include?.total_rows) meta.total_rows = totalRows;
  return { results, meta, query: { ...body, date_range: range } };
}

function realtime(site) {
  const minute = Math.floor(Date.now() / 60000);
  const level = site.base / 60;
  const perMinute = Array.from({ length: 30 }, (_, i) => {
    const m = minute - 29 + i;
    return { minute: new Date(m * 60000).toISOString(), pageviews: Math.round(level * 2 * jitter(`${site.domain}${m}`, 0.8)) };
  });
  const visitors = Math.round(level * 5 * jitter(`${site.domain}${Math.floor(minute / 1)}rt`, 0.3));
  const top = (values) => values.map((value, i) => ({ value, visitors: Math.max(0, Math.round(visitors / (i + 2))) }))
    .filter((r) => r.visitors > 0);
  return {
    visitors,
    pageviews_per_minute: perMinute,
    top_pages: top(['/', '/pricing', '/blog/launch', '/docs']),
    top_sources: top(['Google', 'Direct / None', 'Twitter']),
  };
}

// ---- HTTP ---------------------------------------------------------------------------------
function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
const error = (res, status, code, message) => send(res, status, { code, message });

async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('body: not valid JSON');
  }
}

function issue() {
  const token = randomBytes(16).toString('hex');
  const refresh = randomBytes(16).toString('hex');
  const expires = Date.now() + 15 * 60_000;
  tokens.set(token, expires);
  refreshTokens.add(refresh);
  return { token, expires_at: new Date(expires).toISOString(), refresh_token: refresh, user: { email: 'demo@trackflow.dev' } };
}

function authorized(req, url) {
  if (url.searchParams.get('auth') === SHARE_TOKEN) return 'share';
  const header = req.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : null;
  return token && tokens.get(token) > Date.now() ? 'user' : null;
}

async function api(req, res, url) {
  const path = url.pathname;
  if (req.method === 'POST' && path === '/api/auth/login') {
    const body = await readJson(req);
    if (!body.email || body.password !== 'demo') return error(res, 401, 'invalid_credentials', 'Wrong email or password');
    return send(res, 200, issue());
  }
  if (req.method === 'POST' && path === '/api/auth/refresh') {
    const body = await readJson(req);
    if (!refreshTokens.delete(body.refresh_token)) return error(res, 401, 'invalid_refresh_token', 'Session expired');
    return send(res, 200, issue());
  }
  if (req.method === 'POST' && path === '/api/auth/logout') {
    tokens.delete((req.headers.authorization ?? '').slice(7));
    return send(res, 204);
  }
  if (req.method === 'GET' && path === '/api/setup') return send(res, 200, { needed: false });
  const who = authorized(req, url);
  if (!who) return error(res, 401, 'unauthorized', 'Sign in to continue');
  const realtimeMatch = path.match(/^\/api\/sites\/([^/]+)\/realtime$/);
  if (req.method === 'GET' && realtimeMatch) {
    const site = sites.find((s) => s.domain === decodeURIComponent(realtimeMatch[1]));
    return site ? send(res, 200, realtime(site)) : error(res, 404, 'not_found', 'No such site');
  }
  if (req.method === 'POST' && path === '/api/v2/query') {
    return send(res, 200, query(await readJson(req)));
  }
  if (req.method === 'POST' && path === '/api/v2/funnel') {
    return send(res, 200, funnel(await readJson(req)));
  }
  const goalsMatch = path.match(/^\/api\/sites\/([^/]+)\/(goals|funnels)(?:\/(\d+))?$/);
  if (goalsMatch && req.method === 'GET' && !goalsMatch[3]) {
    const domain = decodeURIComponent(goalsMatch[1]);
    return send(res, 200, goalsMatch[2] === 'goals' ? goalsOf(domain) : funnelsOf(domain));
  }
  if (who === 'share') return error(res, 403, 'forbidden', 'Share links are read-only');
  if (req.method === 'GET' && path === '/api/sites') {
    return send(res, 200, sites.map(({ domain, name, timezone, role }) => ({ domain, name, timezone, role })));
  }
  if (req.method === 'POST' && path === '/api/sites') {
    const body = await readJson(req);
    if (typeof body.domain !== 'string' || !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(body.domain)) throw new BadRequest('domain: expected a host name such as example.com');
    try {
      new Intl.DateTimeFormat('en', { timeZone: body.timezone });
    } catch {
      throw new BadRequest('timezone: unknown IANA time zone');
    }
    if (sites.some((s) => s.domain === body.domain)) return error(res, 409, 'conflict', `${body.domain} already exists`);
    const site = { domain: body.domain, name: body.name ?? body.domain, timezone: body.timezone, role: 'owner', base: 20, since: 3 };
    sites.push(site);
    return send(res, 201, { domain: site.domain, name: site.name, timezone: site.timezone, role: site.role });
  }
  if (goalsMatch) return goalSettings(req, res, decodeURIComponent(goalsMatch[1]), goalsMatch[2], goalsMatch[3]);
  const settings = await team(req, path);
  if (settings) return send(res, settings.status, settings.body);
  return error(res, 404, 'not_found', `No route for ${req.method} ${path}`);
}

/** Creating and deleting goals and funnels, with the API's answers for duplicates and bad bodies. */
async function goalSettings(req, res, domain, kind, id) {
  const list = kind === 'goals' ? goalsOf(domain) : funnelsOf(domain);
  if (req.method === 'DELETE' && id) {
    const index = list.findIndex((item) => item.id === Number(id));
    if (index < 0) return error(res, 404, 'not_found', `No such ${kind === 'goals' ? 'goal' : 'funnel'}`);
    list.splice(index, 1);
    return send(res, 204);
  }
  if (req.method !== 'POST' || id) return error(res, 404, 'not_found', `No route for ${req.method} ${kind}`);
  const body = await readJson(req);
  if (kind === 'goals') {
    if (!body.event_name === !body.page_path) throw new BadRequest('a goal has either event_name or page_path');
    const name = body.display_name ?? (body.event_name ?? `Visit ${body.page_path}`);
    if (list.some((g) => g.display_name === name)) return error(res, 409, 'goal_exists', `${name} exists already`);
    const created = goal({ display_name: name, ...(body.event_name ? { event_name: body.event_name } : { page_path: body.page_path }), currency: body.currency ?? null });
    list.push(created);
    return send(res, 201, created);
  }
  if (!body.name || !Array.isArray(body.steps) || body.steps.length < 2) throw new BadRequest('a funnel has a name and 2 to 8 steps');
  const created = { id: nextGoalId++, name: body.name, steps: body.steps };
  list.push(created);
  return send(res, 201, created);
}

/** A funnel's steps: each step keeps a share of the one before, from the goal's conversions. */
function funnel(body) {
  const site = sites.find((s) => s.domain === body.site_id);
  if (!site) throw Object.assign(new Error('site_id: no such site'), { status: 404 });
  const found = funnelsOf(site.domain).find((f) => f.name === body.funnel);
  if (!found) throw new BadRequest(`funnel: no funnel named ${JSON.stringify(body.funnel)}`);
  const [all] = query({ site_id: site.domain, metrics: ['visitors'], date_range: body.date_range, filters: body.filters ?? [] }).results;
  const allVisitors = all.metrics[0];
  let visitors = Math.round(allVisitors * Math.min(1, (GOAL_WEIGHTS[found.steps[0]] ?? 5) / 100));
  const entering = visitors;
  const steps = found.steps.map((name, i) => {
    if (i > 0) visitors = Math.round(visitors * 0.4 * jitter(`${site.domain}${name}${i}`, 0.2));
    return { name, visitors };
  }).map((step, i, list) => {
    const dropoff = i === 0 ? 0 : list[i - 1].visitors - step.visitors;
    return {
      ...step,
      conversion_rate: entering ? Math.round((step.visitors / entering) * 1000) / 10 : 0,
      dropoff,
      dropoff_percentage: i === 0 || !list[i - 1].visitors ? 0 : Math.round((dropoff / list[i - 1].visitors) * 1000) / 10,
    };
  });
  return {
    steps,
    meta: {
      all_visitors: allVisitors,
      entering_visitors: entering,
      entering_visitors_percentage: allVisitors ? Math.round((entering / allVisitors) * 1000) / 10 : 0,
      conversion_rate: entering ? Math.round((steps[steps.length - 1].visitors / entering) * 1000) / 10 : 0,
    },
  };
}

// Just enough of the settings routes to click through the settings pages; nothing is enforced.
const team = (() => {
  const lists = { members: new Map(), invitations: new Map(), shares: new Map() };
  const keys = [];
  let next = 1;
  const now = () => new Date().toISOString();
  return async (req, path) => {
    if (path === '/api/account' && req.method === 'GET') return { status: 200, body: { id: 1, email: 'demo@trackflow.dev', admin: true, created_at: now() } };
    if (path === '/api/users' && req.method === 'GET') return { status: 200, body: [{ id: 1, email: 'demo@trackflow.dev', admin: true, created_at: now() }] };
    if (path === '/api/keys' && req.method === 'GET') return { status: 200, body: keys };
    if (path === '/api/keys' && req.method === 'POST') {
      const body = await readJson(req);
      const key = { id: next++, name: body.name, prefix: 'tf_demo123', sites: body.sites, created_at: now(), last_used_at: null };
      keys.push(key);
      return { status: 201, body: { ...key, key: `tf_demo123${randomBytes(12).toString('hex')}` } };
    }
    const m = path.match(/^\/api\/sites\/([^/]+)\/(members|invitations|shares)$/);
    if (!m) return req.method === 'GET' ? null : { status: 204, body: undefined };
    const domain = decodeURIComponent(m[1]);
    const list = lists[m[2]];
    if (!list.has(domain)) list.set(domain, m[2] === 'members' ? [{ user_id: 1, email: 'demo@trackflow.dev', role: 'owner', created_at: now() }] : []);
    if (req.method === 'GET') return { status: 200, body: list.get(domain) };
    const body = await readJson(req);
    const item = { id: next++, ...body, created_at: now(), expires_at: body.expires_at ?? null, expired: false, password: Boolean(body.password) };
    list.get(domain).push(item);
    const token = randomBytes(16).toString('hex');
    const link = m[2] === 'invitations' ? `/invite#${token}` : `/share/${domain}?auth=${token}`;
    return { status: 201, body: { ...item, token, path: link, mailed: false } };
  };
})();

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };

async function serveStatic(res, pathname) {
  if (pathname === '/tracker.js') {
    res.writeHead(200, { 'Content-Type': 'text/javascript' });
    return res.end('/* tracker stub served by the dashboard mock */\n');
  }
  const safe = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = join(DIST, safe);
  try {
    if (!file.startsWith(DIST) || !(await stat(file)).isFile()) throw new Error('not a file');
  } catch {
    // Client-side routes get the app; missing assets stay 404s.
    if (pathname.startsWith('/assets/')) {
      res.writeHead(404);
      return res.end();
    }
    file = join(DIST, 'index.html');
  }
  try {
    const data = await readFile(file);
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    return res.end(data);
  } catch {
    res.writeHead(503, { 'Content-Type': 'text/plain' });
    return res.end('dist/ is missing: run "npm run build" first\n');
  }
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  try {
    if (url.pathname.startsWith('/api/')) await api(req, res, url);
    else await serveStatic(res, url.pathname);
  } catch (e) {
    if (e instanceof BadRequest) error(res, 400, 'invalid_request', e.message);
    else if (e.status) error(res, e.status, 'not_found', e.message);
    else error(res, 500, 'internal', String(e));
  }
});

// The tests import the module for its answers; `npm run mock` runs it.
export { funnel, query };
if (import.meta.url === `file://${process.argv[1]}`) {
  server.listen(PORT, '127.0.0.1', () => {
    console.log(`dashboard mock on http://127.0.0.1:${PORT}/  (login: any email, password "demo"; share: /share/example.com?auth=${SHARE_TOKEN})`);
  });
}

// Browser test of the dashboard's analysis tools in Debian's headless Chromium, against a running
// TrackFlow that already holds the site's traffic (server/src/test/.../DashboardExplorationBrowserIT
// sends it and runs this script). Each check compares what the page shows with what the stats API
// answers for the same question, asked from here over plain HTTP:
//
//   details     the pages card's details find a page outside the top 10 by search, and paging
//               reaches the last row of the API's full list; the dialog survives a reload
//   filters     two filters composed in the editor (several values; "does not contain") reach
//               every card's numbers and survive a reload and Back
//   comparison  the graph's comparison line carries the API's comparison numbers, drawn in order
//   map         every country with visitors has a shape (or dot) carrying its visitors
//   realtime    with the page's clock installed, new hits show up after one refresh, no reload
//   theme       the header's theme toggle overrides the system's scheme, survives a reload
//   screenshots 1280 px, 375 px and dark mode, into SCREENSHOTS_DIR (the IT passes target/screenshots,
//               or docs/screenshots when asked to update them: docs/testing.md)
//
//   TRACKFLOW_URL=… TRACKFLOW_SITE=… TRACKFLOW_EMAIL=… TRACKFLOW_PASSWORD=… SCREENSHOTS_DIR=… \
//     [CHROMIUM_PATH=/usr/bin/chromium] node e2e/exploration.e2e.mjs
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const TIMEOUT = 30_000;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

const url = required('TRACKFLOW_URL').replace(/\/$/, '');
const site = required('TRACKFLOW_SITE');
const email = required('TRACKFLOW_EMAIL');
const password = required('TRACKFLOW_PASSWORD');
const screenshots = required('SCREENSHOTS_DIR');
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function step(name) {
  console.log(`- ${name}`);
}

// ---- the API, as a script would ask it ---------------------------------------------------------

const login = await fetch(`${url}/api/auth/login`, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
});
assert.equal(login.status, 200, 'API sign-in');
const { token } = await login.json();

async function query(body) {
  const response = await fetch(`${url}/api/v2/query`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, `query ${JSON.stringify(body)}: ${response.status}`);
  return response.json();
}

async function realtime() {
  const response = await fetch(`${url}/api/sites/${site}/realtime`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  return response.json();
}

/** A full-page screenshot from the top, where the sticky bar belongs. */
async function screenshot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(screenshots, name), fullPage: true });
}

/** Polls `probe` until `done(value)`, for at most `ms`: for the server's own pace (writer flush, cache). */
async function until(what, probe, done, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((resolve) => { setTimeout(resolve, 250); });
  }
}

const breakdown = (dimension, filters = [], extra = {}) => query({
  site_id: site, metrics: ['visitors'], date_range: '30d', dimensions: [dimension], filters, ...extra,
});

// ---- the browser ---------------------------------------------------------------------------------

await mkdir(screenshots, { recursive: true });
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
let failed = false;
try {
  const signedIn = async (options = {}) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    page.on('pageerror', (e) => { console.error('page error:', e.message); failed = true; });
    await page.goto(`${url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    return page;
  };
  const card = (page, title) => page.locator('section').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
  const kpi = (page, label) => page.getByRole('button', { name: new RegExp(`^${label}`) }).locator('span.text-2xl');

  // First, while the seeded visitors are still within the last 5 minutes.
  step('realtime: new hits show up after one refresh, on the page clock, without a reload');
  const live = await signedIn();
  // The page's clock stands still from before the view mounts: its timers fire only as the test
  // moves the clock on, so one refresh interval later means exactly that.
  const start = Date.now();
  await live.clock.install({ time: start });
  await live.clock.pauseAt(start + 1_000);
  await live.goto(`${url}/${site}?period=realtime`);
  const before = (await until('a settled realtime answer', realtime, (r) => r.visitors > 0)).visitors;
  await live.getByTestId('live-visitors').filter({ hasText: new RegExp(`^${before}$`) }).waitFor();
  await screenshot(live, 'realtime-1280.png');
  const hit = await fetch(`${url}/api/event`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0', 'X-Forwarded-For': '10.77.0.1' },
    body: JSON.stringify({ n: 'pageview', u: `https://${site}/just-arrived`, d: site, w: 1280 }),
  });
  assert.equal(hit.status, 202, 'the new hit is accepted');
  const after = await until('the API to count the new visitor', realtime, (r) => r.visitors === before + 1);
  const navigations = [];
  live.on('framenavigated', (f) => { if (f === live.mainFrame()) navigations.push(f.url()); });
  // Nothing changes on screen until the page's clock reaches the next refresh.
  assert.equal(await live.getByTestId('live-visitors').textContent(), String(before));
  // The view refreshes every 10 s; the issue asks for at most 15.
  await live.clock.runFor(15_000);
  await live.getByTestId('live-visitors').filter({ hasText: new RegExp(`^${before + 1}$`) }).waitFor();
  const pageviews = after.pageviews_per_minute.reduce((sum, m) => sum + m.pageviews, 0);
  await live.getByTestId('live-pageviews').filter({ hasText: `${pageviews} pageviews in 30 minutes` }).waitFor();
  const topPages = await live.getByTestId('live-pages').getByRole('listitem').evaluateAll(
    (items) => items.map((li) => [li.firstChild.textContent, Number(li.lastChild.textContent)]),
  );
  assert.deepEqual(topPages, after.top_pages.map((r) => [r.value, r.visitors]), 'top pages of the last 5 minutes');
  assert.deepEqual(navigations, [], 'no reload');

  const page = await signedIn();
  await page.goto(`${url}/${site}`);

  step('details: search finds a page outside the top 10; paging reaches the last row');
  const pages = (await breakdown('event:page')).results.map((r) => r.dimensions[0]);
  const topTen = pages.slice(0, 10);
  assert.ok(pages.length > 20, `enough pages for two pages of details: ${pages.length}`);
  const needle = '/stories/needle-in-a-haystack';
  assert.ok(pages.includes(needle) && !topTen.includes(needle), 'the needle lies outside the top 10');
  const pagesCard = card(page, 'Top pages');
  await pagesCard.getByRole('button', { name: 'Details' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('details-total').filter({ hasText: `${pages.length} rows` }).waitFor();
  await dialog.getByLabel('Search rows').fill('NEEDLE');
  await page.waitForURL((u) => u.searchParams.get('dq') === 'NEEDLE');
  await dialog.getByRole('button', { name: needle }).waitFor();
  assert.equal(await dialog.getByTestId('details-rows').getByRole('listitem').count(), 1);
  await dialog.getByLabel('Search rows').fill('');
  await page.waitForURL((u) => !u.searchParams.has('dq'));
  await dialog.getByRole('button', { name: 'Last' }).click();
  const lastPage = Math.ceil(pages.length / 20);
  await dialog.getByTestId('details-page').filter({ hasText: `Page ${lastPage} of ${lastPage}` }).waitFor();
  const lastRow = pages[pages.length - 1];
  await dialog.getByTestId('details-rows').getByRole('listitem').last().getByRole('button', { name: lastRow, exact: true }).waitFor();
  // The dialog is part of the URL: a reload opens it on the same page.
  await page.reload();
  await page.getByRole('dialog').getByTestId('details-page').filter({ hasText: `Page ${lastPage} of ${lastPage}` }).waitFor();
  // Sorting by page name, A to Z, puts "/" first.
  await page.getByRole('dialog').getByRole('button', { name: 'Sort by Page' }).click();
  await page.waitForURL((u) => u.searchParams.get('dsort') === 'event:page:asc' && !u.searchParams.has('dpage'));
  await page.getByRole('dialog').getByTestId('details-rows').getByRole('listitem').first().getByRole('button', { name: '/', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Close details' }).click();
  await page.waitForURL((u) => !u.searchParams.has('details'));

  step('map: every country with visitors has a shape carrying its visitors');
  const countries = (await breakdown('visit:country')).results.filter((r) => r.dimensions[0]);
  assert.ok(countries.length >= 3, `visitors from several countries: ${JSON.stringify(countries)}`);
  const map = card(page, 'Locations');
  // Without a city database the site has no regions or cities, and their tabs stay hidden.
  const capabilities = await (await fetch(`${url}/api/sites/${site}/capabilities`, { headers: { Authorization: `Bearer ${token}` } })).json();
  assert.deepEqual(capabilities.dimensions, { 'visit:region': false, 'visit:city': false });
  await map.getByRole('tab', { name: 'Countries' }).waitFor();
  assert.equal(await map.getByRole('tab', { name: 'Regions' }).count(), 0);
  for (const row of countries) {
    const shape = map.locator(`[data-country="${row.dimensions[0]}"]`).first();
    await shape.waitFor();
    assert.equal(await shape.getAttribute('data-visitors'), String(row.metrics[0]), `visitors of ${row.dimensions[0]} on the map`);
  }

  step('screenshots: 1280 px');
  await screenshot(page, 'dashboard-1280.png');

  step('filters: two filters composed in the editor change every card and survive reload and Back');
  const filters = [['is', 'visit:country', ['US', 'DE']], ['not', ['contains', 'event:page', ['/docs']]]];
  const bodies = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v2/query')) bodies.push(r.postDataJSON()); });
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  const editor = page.getByRole('form', { name: 'Add filter' });
  await editor.getByLabel('Dimension').selectOption('visit:country');
  await editor.getByLabel('Operator').selectOption('is');
  await editor.getByLabel('Values').fill('US');
  await editor.getByLabel('Values').press('Enter');
  await editor.getByLabel('Values').fill('DE');
  await editor.getByRole('button', { name: 'Apply filter' }).click();
  await page.getByTestId('filter-pill').filter({ hasText: 'Country is United States or Germany' }).waitFor();
  const oneFilter = page.url();
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await editor.getByLabel('Dimension').selectOption('event:page');
  await editor.getByLabel('Operator').selectOption('contains_not');
  await editor.getByLabel('Values').fill('/docs');
  bodies.length = 0;
  await editor.getByRole('button', { name: 'Apply filter' }).click();
  await page.getByTestId('filter-pill').filter({ hasText: 'Page does not contain /docs' }).waitFor();
  const expectedVisitors = (await query({ site_id: site, metrics: ['visitors'], date_range: '30d', filters })).results[0].metrics[0];
  const allVisitors = (await query({ site_id: site, metrics: ['visitors'], date_range: '30d' })).results[0].metrics[0];
  assert.ok(expectedVisitors < allVisitors, 'the filters narrow the visitors');
  const checkFiltered = async (p) => {
    await kpi(p, 'Unique visitors').filter({ hasText: new RegExp(`^${expectedVisitors}$`) }).waitFor();
    // Every card's list is the API's answer under both filters.
    for (const [title, dimension, extra, tab] of [['Top sources', 'visit:source'], ['Top pages', 'event:page'], ['Devices', 'visit:device'],
      ['Goal conversions', 'event:name', [['is_not', 'event:name', ['pageview']]], 'Custom events']]) {
      const rows = (await breakdown(dimension, [...filters, ...(extra ?? [])], { pagination: { limit: 10 } })).results;
      const section = card(p, title);
      if (tab) await section.getByRole('tab', { name: tab }).click();
      await section.getByRole('listitem').first().waitFor();
      await until(`${title} under the filters`, async () => section.getByRole('listitem').evaluateAll(
        (items) => items.map((li) => li.querySelector('button').textContent.trim()),
      ), (labels) => JSON.stringify(labels) === JSON.stringify(rows.map((r) => r.dimensions[0])), 10_000);
    }
    const mapped = (await breakdown('visit:country', filters)).results;
    for (const row of mapped) {
      assert.equal(await card(p, 'Locations').locator(`[data-country="${row.dimensions[0]}"]`).first().getAttribute('data-visitors'),
        String(row.metrics[0]));
    }
    assert.equal(await card(p, 'Locations').locator('[data-country="JP"]').first().getAttribute('data-visitors'), '0');
  };
  await checkFiltered(page);
  // The cards' queries (the editor's suggestions, 20 rows, are not a card's).
  const cardQueries = bodies.filter((b) => b.dimensions && !b.dimensions[0].startsWith('time:') && b.pagination?.limit !== 20);
  assert.ok(cardQueries.length >= 5, `the cards asked again: ${cardQueries.length}`);
  for (const body of cardQueries) {
    assert.deepEqual(body.filters.slice(0, 2), filters, `filters of ${JSON.stringify(body)}`);
  }
  await page.reload();
  await page.getByTestId('filter-pill').nth(1).waitFor();
  assert.equal(await page.getByTestId('filter-pill').count(), 2);
  await checkFiltered(page);
  await page.goBack();
  await page.waitForURL(oneFilter);
  await page.getByTestId('filter-pill').filter({ hasText: 'Country is United States or Germany' }).waitFor();
  assert.equal(await page.getByTestId('filter-pill').count(), 1);

  step('comparison: the second line carries the API\'s comparison numbers, drawn to scale');
  await page.goto(`${url}/${site}?period=7d`);
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Compare with').selectOption('custom');
  await page.getByLabel('Compare from').fill(from);
  await page.getByLabel('Compare to').fill(today);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await page.waitForURL((u) => u.searchParams.get('compare') === 'custom');
  const series = await query({
    site_id: site, metrics: ['visitors'], date_range: '7d', dimensions: ['time:day'], order_by: [['time:day', 'asc']],
    include: { time_labels: true, comparisons: { mode: 'custom', date_range: [from, today] } },
  });
  const expected = series.results.filter((r) => r.comparison.dimensions[0] !== null).map((r) => r.comparison.metrics[0]);
  assert.ok(expected.some((v) => v > 0), `the comparison has visitors: ${JSON.stringify(expected)}`);
  const points = page.getByTestId('comparison-point');
  await until('the comparison line', () => points.count(), (n) => n === expected.length, 10_000);
  const drawn = await points.evaluateAll((circles) => circles.map((c) => ({ value: Number(c.dataset.value), y: Number(c.getAttribute('cy')) })));
  assert.deepEqual(drawn.map((p) => p.value), expected);
  // The same scale as the axis: y falls linearly as the value grows.
  const low = drawn.reduce((a, b) => (b.value < a.value ? b : a));
  const high = drawn.reduce((a, b) => (b.value > a.value ? b : a));
  const perVisitor = (low.y - high.y) / (high.value - low.value);
  assert.ok(perVisitor > 0, 'larger values are drawn higher');
  for (const p of drawn) assert.ok(Math.abs(low.y - (p.value - low.value) * perVisitor - p.y) < 1, `point ${JSON.stringify(p)} on the scale`);

  step('screenshots: 375 px and dark mode');
  const phone = await signedIn({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await phone.goto(`${url}/${site}`);
  await kpi(phone, 'Unique visitors').filter({ hasText: String(allVisitors) }).waitFor();
  await card(phone, 'Locations').locator('[data-country="US"]').first().waitFor();
  await screenshot(phone, 'dashboard-375.png');
  const dark = await signedIn({ colorScheme: 'dark' });
  await dark.goto(`${url}/${site}?compare=previous_period`);
  await kpi(dark, 'Unique visitors').filter({ hasText: String(allVisitors) }).waitFor();
  await card(dark, 'Locations').locator('[data-country="US"]').first().waitFor();
  assert.equal(await dark.evaluate(() => window.matchMedia('(prefers-color-scheme: dark)').matches), true);
  await screenshot(dark, 'dashboard-dark.png');

  step('theme toggle: dark on a light system, kept over a reload, and back to the system');
  const background = (p) => p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const darkBackground = await background(dark);
  const themed = await signedIn({ colorScheme: 'light' });
  await themed.goto(`${url}/${site}`);
  await kpi(themed, 'Unique visitors').waitFor();
  const lightBackground = await background(themed);
  assert.notEqual(lightBackground, darkBackground, 'light and dark pages differ');
  await themed.getByLabel('Theme').selectOption('dark');
  assert.equal(await background(themed), darkBackground, 'dark chosen on a light system');
  await themed.reload();
  await kpi(themed, 'Unique visitors').waitFor();
  assert.equal(await background(themed), darkBackground, 'the choice survives a reload');
  assert.equal(await themed.getByLabel('Theme').inputValue(), 'dark');
  await themed.getByLabel('Theme').selectOption('system');
  assert.equal(await background(themed), lightBackground, 'system follows the light system again');
  await dark.getByLabel('Theme').selectOption('light');
  assert.equal(await background(dark), lightBackground, 'light chosen on a dark system');

  assert.equal(failed, false, 'no errors in the pages');
  console.log('exploration scenario passed');
} finally {
  await browser.close();
}

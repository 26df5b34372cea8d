// Browser test of the built tracker in Debian's headless Chromium.
//
// A small single-page app (three routes, two custom events with props, an outbound link) is served
// from a loopback Node server; the browser walks through it and closes the tab; everything the
// tracker sent is recorded and checked: each pageview, custom event, outbound click and engagement
// exactly once.
//
//   TRACKFLOW_URL unset: a fake collector in this script serves dist/tracker.js and takes the
//     events itself; it answers the first request 503 so the retry path runs in a real browser.
//   TRACKFLOW_URL=http://127.0.0.1:8080 [TRACKFLOW_SITE=e2e.trackflow.test]: the page loads
//     <TRACKFLOW_URL>/tracker.js from that running TrackFlow and posts through a recording proxy to
//     <TRACKFLOW_URL>/api/event (the site must exist there); TrackFlow's answers are recorded too.
//
// Run with `npm run test:e2e` (builds first). `runScenario` is exported for tests that go on to
// check TrackFlow's stats API.
import assert from 'node:assert/strict';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
// HeadlessChrome in the default user agent would (rightly) be dropped as a bot by the collector.
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

/**
 * Starts an HTTP server on a free loopback port; resolves to { server, origin, idle }. idle() is
 * true when no connection is open and no request is being handled.
 */
function listen(handler) {
  let connections = 0;
  let handling = 0;
  const server = http.createServer((req, res) => {
    handling++;
    res.on('close', () => handling--);
    handler(req, res).catch((error) => {
      res.writeHead(500).end(String(error));
    });
  });
  server.on('connection', (socket) => {
    connections++;
    socket.on('close', () => connections--);
  });
  const idle = () => connections == 0 && handling == 0;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, idle, origin: `http://127.0.0.1:${server.address().port}` })
    )
  );
}

function body(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type' };

function spaPage({ site, scriptSrc, api, outboundUrl }) {
  const apiAttr = api ? ` data-api="${api}"` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TrackFlow SPA</title>
<script>
  window.trackflow = window.trackflow || function(){(window.trackflow.q = window.trackflow.q || []).push(arguments)};
  trackflow('Signup', {props: {plan: 'starter', step: 1}});
</script>
<script defer data-domain="${site}" data-allow-localhost data-outbound-links${apiAttr} src="${scriptSrc}"></script>
</head><body>
<nav><a href="/" data-route>Home</a> <a href="/pricing" data-route id="nav-pricing">Pricing</a>
<a href="/about" data-route id="nav-about">About</a></nav>
<main><h1 id="title"></h1><button id="buy">Buy</button>
<a id="outbound" href="${outboundUrl}" target="_blank" rel="noopener">Elsewhere</a></main>
<script>
  function render() {
    document.getElementById('title').textContent = 'Route ' + location.pathname;
    // Routers keep scroll positions in the state: a replaceState of the same URL, not a route change.
    history.replaceState({ renderedAt: Date.now() }, '', location.href);
  }
  document.addEventListener('click', function (event) {
    var link = event.target.closest('a[data-route]');
    if (!link) return;
    event.preventDefault();
    history.pushState({}, '', link.getAttribute('href'));
    render();
  });
  window.addEventListener('popstate', render);
  document.getElementById('buy').onclick = function () {
    trackflow('Purchase', {props: {plan: 'pro', seats: 3}, revenue: {amount: 49, currency: 'EUR'}});
  };
  render();
</script>
</body></html>`;
}

async function waitFor(condition, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Runs the SPA scenario and returns what the tracker sent.
 *
 * @param {{trackflowUrl?: string, site?: string}} options
 * @returns {Promise<{requests: object[], delivered: object[], siteOrigin: string, outboundUrl: string}>}
 *   requests: every POST with its status; delivered: events of the requests answered 2xx
 */
export async function runScenario({ trackflowUrl, site = 'e2e.trackflow.test' } = {}) {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    await access(executablePath, constants.X_OK);
  } catch {
    throw new Error(`the tracker's browser test needs Chromium at ${executablePath}: install the Debian package 'chromium' (apt-get install chromium), or set CHROMIUM_PATH`);
  }
  const requests = [];
  const tracker = trackflowUrl ? null : await readFile(join(root, 'dist/tracker.js'));
  let posts = 0;

  const collector = await listen(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method == 'OPTIONS') return void res.writeHead(204, CORS).end();
    if (req.method == 'GET' && path == '/tracker.js' && tracker) {
      return void res.writeHead(200, { 'Content-Type': 'text/javascript', ...CORS }).end(tracker);
    }
    if (req.method != 'POST' || path != '/api/event') return void res.writeHead(404).end();

    const text = await body(req);
    const record = {
      contentType: req.headers['content-type'],
      fetchMode: req.headers['sec-fetch-mode'],
      events: JSON.parse(text),
    };
    requests.push(record);
    if (trackflowUrl) {
      const upstream = await fetch(new URL('/api/event', trackflowUrl), {
        method: 'POST',
        headers: { 'Content-Type': req.headers['content-type'] || 'text/plain', 'User-Agent': USER_AGENT },
        body: text,
      });
      record.status = upstream.status;
      record.answer = await upstream.text();
    } else {
      // The first request fails as an overloaded collector would: the tracker must retry it.
      record.status = posts++ == 0 ? 503 : 202;
      record.answer = '{}';
    }
    res.writeHead(record.status, { 'Content-Type': 'application/json', ...CORS }).end(record.answer);
  });

  const siteServer = await listen(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path == '/favicon.ico') return void res.writeHead(404).end();
    if (path == '/elsewhere') {
      return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Elsewhere</title>');
    }
    const scriptSrc = trackflowUrl ? new URL('/tracker.js', trackflowUrl).href : `${collector.origin}/tracker.js`;
    const api = trackflowUrl ? `${collector.origin}/api/event` : null;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(spaPage({ site, scriptSrc, api, outboundUrl }));
  });
  const siteOrigin = siteServer.origin;
  // Another host name for the same loopback server: a link there leaves the site.
  const outboundUrl = siteOrigin.replace('127.0.0.1', 'localhost') + '/elsewhere';

  const userDataDir = await mkdtemp(join(tmpdir(), 'trackflow-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    userAgent: USER_AGENT,
  });
  const delivered = () => requests.filter((r) => r.status >= 200 && r.status < 300).flatMap((r) => r.events);
  const has = (name, path) => delivered().some((e) => e.n == name && (!path || new URL(e.u).pathname == path));
  let browserClosed = false;
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(siteOrigin + '/');
    await waitFor(() => has('pageview', '/') && has('Signup'), 'the first pageview and the queued event');

    await page.click('#nav-pricing');
    await page.click('#nav-pricing'); // the same route again: no second pageview
    await page.click('#buy');
    await page.click('#nav-about');
    await waitFor(() => has('pageview', '/about') && has('Purchase'), 'the second and third routes');

    const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#outbound')]);
    await waitFor(() => has('Outbound Link: Click'), 'the outbound click');
    await popup.close();

    await page.close({ runBeforeUnload: true });
    await waitFor(() => has('engagement', '/about'), 'the engagement sent when the tab closed');
    // Anything sent twice (or late) must be counted too: once the browser has exited and the
    // collector has answered every connection it opened, nothing more can arrive.
    await context.close();
    browserClosed = true;
    await waitFor(collector.idle, 'the collector to have answered every request of the exited browser');
  } finally {
    if (!browserClosed) await context.close();
    await rm(userDataDir, { recursive: true, force: true });
    collector.server.close();
    siteServer.server.close();
  }
  return { requests, delivered: delivered(), siteOrigin, outboundUrl, site };
}

/** The checks: exactly the expected events, each once. */
export function verify({ requests, delivered, siteOrigin, outboundUrl, site }, { expectRetry }) {
  const ids = delivered.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'no event was delivered twice');
  const summary = delivered.map((e) => `${e.n} ${new URL(e.u).pathname}`).sort();
  assert.deepEqual(summary, [
    'Outbound Link: Click /about',
    'Purchase /pricing',
    'Signup /',
    'engagement /',
    'engagement /about',
    'engagement /pricing',
    'pageview /',
    'pageview /about',
    'pageview /pricing',
  ]);

  const one = (name) => delivered.find((e) => e.n == name);
  assert.deepEqual(one('Signup').p, { plan: 'starter', step: '1' });
  assert.deepEqual(one('Purchase').p, { plan: 'pro', seats: '3' });
  assert.deepEqual(one('Purchase').$, { amount: 49, currency: 'EUR' });
  assert.deepEqual(one('Outbound Link: Click').p, { url: outboundUrl });
  for (const event of delivered) {
    assert.equal(event.d, site);
    assert.ok(event.u.startsWith(siteOrigin + '/'), event.u);
    assert.ok(event.w > 0);
    assert.equal(event.h, 0);
    assert.equal(typeof event.ts, 'number');
  }
  for (const engagement of delivered.filter((e) => e.n == 'engagement')) {
    assert.ok(engagement.e >= 0 && engagement.sd > 0 && engagement.sd <= 100, JSON.stringify(engagement));
  }
  for (const request of requests) {
    assert.ok(request.events.length <= 100);
    assert.match(request.contentType, /^text\/plain/);
  }
  if (expectRetry) {
    const [rejected] = requests;
    assert.equal(rejected.status, 503);
    const retried = requests.slice(1).find((r) => r.events.some((e) => e.id == rejected.events[0].id));
    assert.ok(retried, 'the batch answered 503 was sent again');
    assert.deepEqual(
      retried.events.slice(0, rejected.events.length).map((e) => e.id),
      rejected.events.map((e) => e.id)
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const trackflowUrl = process.env.TRACKFLOW_URL;
  const result = await runScenario({ trackflowUrl, site: process.env.TRACKFLOW_SITE });
  for (const r of result.requests) {
    console.log(`POST ${r.status} ${r.fetchMode} ${r.events.map((e) => `${e.n}:${new URL(e.u).pathname}`).join(', ')}`);
  }
  verify(result, { expectRetry: !trackflowUrl });
  console.log(`e2e: ${result.delivered.length} events delivered, each once, against ${trackflowUrl || 'the fake collector'}`);
  console.log('1 passed, 0 failed');
}

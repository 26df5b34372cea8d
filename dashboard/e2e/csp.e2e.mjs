// The built dashboard in Debian's headless Chromium under TrackFlow's own security headers.
//
// Against a running TrackFlow that holds a site with traffic on /, /pricing and /about, and a share
// link for it: signs in through the login page, opens the site's dashboard, opens the share link,
// then embeds both in iframes of a page on another site. Passes when every page renders (KPIs, the
// Recharts chart, the top pages) with no Content-Security-Policy violation, console error or
// uncaught exception, the share link renders inside the iframe, and the dashboard itself is refused
// there (frame-ancestors 'none').
//
//   TRACKFLOW_URL=http://127.0.0.1:8080 TRACKFLOW_SITE=example.com TRACKFLOW_EMAIL=… \
//   TRACKFLOW_PASSWORD=… TRACKFLOW_SHARE_PATH='/share/example.com?auth=…' node e2e/csp.e2e.mjs
import assert from 'node:assert/strict';
import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, watchProblems } from './browser.mjs';

const TIMEOUT_MS = 60_000;

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

const base = env('TRACKFLOW_URL').replace(/\/$/, '');
const site = env('TRACKFLOW_SITE');
const sharePath = env('TRACKFLOW_SHARE_PATH');
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
try {
  await access(executablePath, constants.X_OK);
} catch {
  throw new Error(`the dashboard's browser test needs Chromium at ${executablePath}: install the Debian package 'chromium', or set CHROMIUM_PATH`);
}

// The one console error expected: the page on another site may not frame the dashboard.
const expectedRefusals = [];
function refusedFraming(label, text) {
  if (label !== 'embedder' || !/frame-ancestors 'none'/.test(text)) return false;
  expectedRefusals.push(text);
  return true;
}

/** A page on another site (localhost, not 127.0.0.1) that frames the share link and the dashboard. */
function embedder(shareUrl, dashboardUrl) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>A site owner's page</title>
<iframe id="share" src="${shareUrl}" width="1200" height="900"></iframe>
<iframe id="dashboard" src="${dashboardUrl}" width="1200" height="900"></iframe>`);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://localhost:${server.address().port}` })));
}

/** The dashboard of the site has rendered: a number in the KPIs, the chart, the top pages. */
async function dashboardRendered(frame, label) {
  await frame.locator('svg.recharts-surface').first().waitFor({ timeout: TIMEOUT_MS });
  await frame.getByText('/pricing', { exact: true }).first().waitFor({ timeout: TIMEOUT_MS });
  console.log(`${label}: rendered`);
}

const userDataDir = await mkdtemp(join(tmpdir(), 'trackflow-csp-e2e-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: CHROMIUM_ARGS,
});
const page0 = context.pages()[0];
const { server, origin } = await embedder(base + sharePath, `${base}/${site}`);
const { problems, watch } = await watchProblems(context, { expected: refusedFraming });
try {
  const page = page0 || (await context.newPage());
  watch(page, 'dashboard');
  const csp = (await page.goto(`${base}/login?next=${encodeURIComponent(`/${site}`)}`)).headers()['content-security-policy'];
  assert.ok(csp && /frame-ancestors 'none'/.test(csp), `the login page carries the dashboard's CSP: ${csp}`);
  await page.locator('input[type=email]').fill(env('TRACKFLOW_EMAIL'));
  await page.locator('input[type=password]').fill(env('TRACKFLOW_PASSWORD'));
  await page.locator('button[type=submit]').click();
  await page.waitForURL(`${base}/${site}`, { timeout: TIMEOUT_MS });
  await dashboardRendered(page, 'dashboard');
  await page.locator('svg.recharts-surface').first().hover(); // the chart's tooltip renders too
  await page.goto(`${base}/sites`);
  await page.getByText(site, { exact: true }).first().waitFor({ timeout: TIMEOUT_MS });
  console.log('sites page: rendered');

  const shared = await context.newPage();
  watch(shared, 'share link');
  await shared.goto(base + sharePath);
  await dashboardRendered(shared, 'share link');

  const host = await context.newPage();
  watch(host, 'embedder');
  const refused = host.waitForEvent('console', {
    predicate: (message) => /frame-ancestors 'none'/.test(message.text()),
    timeout: TIMEOUT_MS,
  });
  await host.goto(origin + '/');
  const shareFrame = await (await host.$('#share')).contentFrame();
  await dashboardRendered(shareFrame, 'share link in an iframe of another site');
  await refused; // Chromium refused to frame the dashboard itself
  const dashboardFrame = await (await host.$('#dashboard')).contentFrame();
  assert.equal(await dashboardFrame.locator('#root').count(), 0, 'the framed dashboard did not load');
  console.log(`dashboard in an iframe: refused (${expectedRefusals[0].slice(0, 120)}…)`);
} catch (error) {
  // A blocked stylesheet or script shows as a page that never renders: say what the browser saw.
  if (problems.length > 0) error.message += `\nwhat the browser reported:\n${problems.join('\n')}`;
  // An exception in a frame of another site may reach no listener: what each frame shows.
  for (const frame of context.pages().flatMap((p) => p.frames())) {
    const text = await frame.locator('body').innerText().catch(() => '(unreadable)');
    error.message += `\n--- ${frame.url()}\n${text.slice(0, 300)}`;
  }
  throw error;
} finally {
  await context.close();
  server.close();
  await rm(userDataDir, { recursive: true, force: true });
}
assert.deepEqual(problems, [], 'no CSP violation, console error or uncaught exception');
console.log('csp e2e: dashboard, sites page, share link and embedded share link rendered with no violation');
console.log('1 passed, 0 failed');

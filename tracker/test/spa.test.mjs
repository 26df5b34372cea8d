import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTracker } from './fake-browser.mjs';

const pageviews = (page) => page.sent.filter((e) => e.n == 'pageview').map((e) => e.u);

async function settled(page) {
  page.hide(); // flushes everything queued
  return page;
}

test('each pushState to a new route sends one pageview with the new URL', async () => {
  const page = await startTracker({ url: 'https://example.com/' });
  page.push('/pricing');
  page.push('/about?ref=nav');
  await settled(page);
  assert.deepEqual(pageviews(page), [
    'https://example.com/',
    'https://example.com/pricing',
    'https://example.com/about?ref=nav',
  ]);
});

test('the same route is never counted twice, whatever reports it', async () => {
  const page = await startTracker({ url: 'https://example.com/docs' });
  page.push('/docs'); // router re-pushes the current route
  page.replace('/docs?tab=api'); // query-only state updates are not new routes
  page.push('/docs#install'); // neither are fragments without hash routing
  page.win.fire('popstate');
  await settled(page);
  assert.deepEqual(pageviews(page), ['https://example.com/docs']);
});

test('replaceState to another path counts as a route change (redirects inside the app)', async () => {
  const page = await startTracker({ url: 'https://example.com/login' });
  page.replace('/dashboard');
  await settled(page);
  assert.deepEqual(pageviews(page), ['https://example.com/login', 'https://example.com/dashboard']);
});

test('the back button (popstate) sends a pageview for the route it returns to', async () => {
  const page = await startTracker({ url: 'https://example.com/' });
  page.push('/a');
  page.push('/b');
  page.back();
  await settled(page);
  assert.deepEqual(pageviews(page), [
    'https://example.com/',
    'https://example.com/a',
    'https://example.com/b',
    'https://example.com/a',
  ]);
});

test('the wrapped pushState passes arguments through and returns what the original returns', async () => {
  const page = await startTracker();
  assert.equal(page.push('/x'), 'original-result');
  assert.equal(page.history.entries.at(-1), 'https://example.com/x');
});

test('hash routing is opt-in: with data-hash each fragment is a route and events carry h=1', async () => {
  const page = await startTracker({ url: 'https://example.com/#/', attrs: { hash: true } });
  page.setHash('#/pricing');
  page.setHash('#/pricing');
  page.win.fire('popstate'); // browsers fire popstate and hashchange for one back step
  page.setHash('#/about');
  await settled(page);
  assert.deepEqual(pageviews(page), [
    'https://example.com/#/',
    'https://example.com/#/pricing',
    'https://example.com/#/about',
  ]);
  assert.ok(page.sent.every((e) => e.h === 1));
});

test('without data-hash fragment changes are not pageviews and events carry h=0', async () => {
  const page = await startTracker({ url: 'https://example.com/#/' });
  page.setHash('#/pricing');
  await settled(page);
  assert.deepEqual(pageviews(page), ['https://example.com/#/']);
  assert.ok(page.sent.every((e) => e.h === 0));
});

test('leaving a route reports its engagement under its own URL before the next pageview', async () => {
  const page = await startTracker({ url: 'https://example.com/' });
  await page.advance(4000);
  page.push('/pricing');
  await settled(page);
  const names = page.sent.map((e) => `${e.n} ${new URL(e.u).pathname}`);
  assert.deepEqual(names, ['pageview /', 'engagement /', 'pageview /pricing', 'engagement /pricing']);
  assert.equal(page.sent[1].e, 4000);
});

test('a page restored from the back/forward cache counts as a new pageview', async () => {
  const page = await startTracker({ url: 'https://example.com/post' });
  page.win.fire('pagehide', { persisted: true });
  page.win.fire('pageshow', { persisted: true });
  page.win.fire('pageshow', { persisted: false });
  page.hide();
  assert.deepEqual(pageviews(page), ['https://example.com/post', 'https://example.com/post']);
});

test('a prerendered page sends its pageview only when the visitor opens it', async () => {
  const page = await startTracker({ prerendering: true, hidden: true });
  await page.advance(5000);
  assert.equal(page.sent.length, 0);

  page.doc.prerendering = false;
  page.doc.hidden = false;
  page.doc.fire('visibilitychange');
  page.doc.fire('prerenderingchange');
  await page.advance(1000);
  assert.deepEqual(pageviews(page), ['https://example.com/']);
});

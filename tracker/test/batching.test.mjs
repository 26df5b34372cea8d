import assert from 'node:assert/strict';
import { test } from 'node:test';
import { response, startTracker } from './fake-browser.mjs';

test('the load pageview waits for the batch delay, then goes out as one text/plain JSON array', async () => {
  const page = await startTracker({ url: 'https://example.com/pricing?plan=pro', attrs: { domain: 'example.com' } });
  assert.equal(page.fetches.length, 0, 'nothing is sent before the batch delay');

  await page.advance(999);
  assert.equal(page.fetches.length, 0);
  await page.advance(1);

  assert.equal(page.fetches.length, 1);
  const request = page.fetches[0];
  assert.equal(request.url, 'https://stats.example.com/api/event');
  assert.equal(request.method, 'POST');
  assert.equal(request.keepalive, true);
  assert.equal(typeof request.body, 'string', 'a string body is sent as text/plain, so no CORS preflight');
  assert.equal(request.headers, undefined);
  const [event] = JSON.parse(request.body);
  assert.deepEqual(Object.keys(event).sort(), ['d', 'h', 'id', 'n', 'r', 'ts', 'u', 'w']);
  assert.equal(event.n, 'pageview');
  assert.equal(event.u, 'https://example.com/pricing?plan=pro');
  assert.equal(event.d, 'example.com');
  assert.equal(event.r, 'https://search.example/');
  assert.equal(event.w, 1280);
  assert.equal(event.h, 0);
  assert.equal(event.ts, page.now - 1000);
  assert.match(event.id, /^\d+-\d+-\d+$/);
});

test('events raised within the delay are flushed together in one request', async () => {
  const page = await startTracker();
  await page.advance(300);
  page.call('Signup', { props: { plan: 'pro' } });
  page.push('/docs');
  await page.advance(700);

  assert.equal(page.fetches.length, 1);
  assert.deepEqual(
    page.fetches[0].events.map((e) => e.n),
    ['pageview', 'Signup', 'engagement', 'pageview']
  );
});

test('the tenth waiting event flushes at once, without waiting for the delay', async () => {
  const page = await startTracker();
  for (let i = 0; i < 8; i++) page.call('Click', { props: { i } });
  assert.equal(page.fetches.length, 0);
  page.call('Click', { props: { i: 8 } });

  assert.equal(page.fetches.length, 1);
  assert.equal(page.fetches[0].events.length, 10);
  assert.equal(page.timers.size, 0, 'no stale delay timer is left behind');
});

test('every event gets its own random id', async () => {
  const page = await startTracker();
  for (let i = 0; i < 30; i++) page.call('Click');
  await page.advance(1000);
  const ids = page.sent.map((e) => e.id);
  assert.equal(ids.length, 31);
  assert.equal(new Set(ids).size, 31);
});

test('hiding the page hands the whole queue to sendBeacon and cancels the pending timer', async () => {
  const page = await startTracker();
  page.call('Signup');
  page.hide();

  assert.equal(page.fetches.length, 0);
  assert.equal(page.beacons.length, 1);
  assert.equal(page.beacons[0].url, 'https://stats.example.com/api/event');
  assert.equal(typeof page.beacons[0].body, 'string');
  assert.deepEqual(
    page.beacons[0].events.map((e) => e.n),
    ['pageview', 'Signup', 'engagement']
  );
  assert.equal(page.timers.size, 0);
  await page.advance(60_000);
  assert.equal(page.fetches.length, 0, 'nothing is sent twice');
});

test('pagehide flushes through sendBeacon too', async () => {
  const page = await startTracker();
  page.win.fire('pagehide', { persisted: false });
  assert.equal(page.beacons.length, 1);
  assert.deepEqual(
    page.beacons[0].events.map((e) => e.n),
    ['pageview', 'engagement']
  );
});

test('a beacon the browser refuses falls back to fetch with keepalive', async () => {
  const page = await startTracker({ beacon: () => false });
  page.hide();

  assert.equal(page.beacons.length, 1);
  assert.equal(page.fetches.length, 1);
  assert.equal(page.fetches[0].keepalive, true);
  assert.deepEqual(page.fetches[0].events, page.beacons[0].events);
});

test('without sendBeacon the page-hide flush uses fetch with keepalive', async () => {
  const page = await startTracker({ beacon: false });
  page.hide();
  assert.equal(page.fetches.length, 1);
  assert.equal(page.fetches[0].keepalive, true);
});

test('a backlog is sent in requests of at most 100 events', async () => {
  let down = true;
  const page = await startTracker({ respond: () => response(down ? new Error('offline') : 202) });
  for (let i = 0; i < 249; i++) page.call('Click', { props: { i } });
  await page.advance(0);
  const failedAttempts = page.fetches.length;
  assert.ok(failedAttempts >= 25);

  down = false;
  await page.advance(1000);
  const sizes = page.fetches.slice(failedAttempts).map((r) => r.events.length);
  assert.deepEqual(sizes, [100, 100, 50]);
  const delivered = page.fetches.slice(failedAttempts).flatMap((r) => r.events);
  assert.equal(new Set(delivered.map((e) => e.id)).size, 250);
  assert.equal(delivered.filter((e) => e.n == 'Click').length, 249);
});

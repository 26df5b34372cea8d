import assert from 'node:assert/strict';
import { test } from 'node:test';
import { response, startTracker } from './fake-browser.mjs';

/** Answers fetches from a script of statuses (or Errors), then 202 for ever. */
function scripted(...answers) {
  return () => response(answers.length ? answers.shift() : 202);
}

test('a 503 is retried after one second with the very same events and ids', async () => {
  const page = await startTracker({ respond: scripted(503) });
  page.call('Signup', { props: { plan: 'pro' } });
  await page.advance(1000);
  assert.equal(page.fetches.length, 1);

  await page.advance(999);
  assert.equal(page.fetches.length, 1, 'the retry waits for its backoff');
  await page.advance(1);

  assert.equal(page.fetches.length, 2);
  assert.equal(page.fetches[1].body, page.fetches[0].body, 'a retry resends the batch byte for byte');
  await page.advance(120_000);
  assert.equal(page.fetches.length, 2, 'nothing more after the 202');
});

test('network failures back off exponentially, doubling per failed round up to 32 seconds', async () => {
  const failures = Array(9).fill(new TypeError('Failed to fetch'));
  const page = await startTracker({ respond: scripted(...failures) });
  await page.advance(300_000);

  assert.equal(page.fetches.length, 10, 'nine failures, then the delivery');
  const gaps = page.fetches.slice(1).map((r, i) => r.at - page.fetches[i].at);
  assert.deepEqual(gaps, [1000, 2000, 4000, 8000, 16000, 32000, 32000, 32000, 32000]);
});

test('a success resets the backoff to one second', async () => {
  const page = await startTracker({ respond: scripted(503, 503, 202, 503) });
  await page.advance(1000); // 503
  await page.advance(1000); // 503 again, next try in 2 s
  await page.advance(2000); // 202
  assert.equal(page.fetches.length, 3);

  page.call('Later');
  await page.advance(1000); // 503
  await page.advance(1000); // retried after one second, not four
  assert.equal(page.fetches.length, 5);
  assert.equal(page.fetches[4].at - page.fetches[3].at, 1000);
});

test('429 and other 5xx answers are retried, 4xx answers are not', async () => {
  for (const status of [429, 500, 502, 504]) {
    const page = await startTracker({ respond: scripted(status) });
    await page.advance(2000);
    assert.equal(page.fetches.length, 2, `status ${status} is retried`);
  }
  for (const status of [400, 404, 413]) {
    const page = await startTracker({ respond: scripted(status) });
    await page.advance(60_000);
    assert.equal(page.fetches.length, 1, `status ${status} is final`);
  }
});

test('batches failing together count as one failed round', async () => {
  const page = await startTracker({ respond: scripted(503, 503, 503) });
  for (let i = 0; i < 29; i++) page.call('Click'); // with the pageview: three requests of ten
  await page.advance(0);
  assert.equal(page.fetches.length, 3);

  await page.advance(1000);
  assert.equal(page.fetches.length, 4, 'one retry after one second, not an escalated backoff');
  assert.equal(page.fetches[3].events.length, 30);
});

test('events raised during a backoff wait for it and go out with the retried batch', async () => {
  const page = await startTracker({ respond: scripted(503) });
  await page.advance(1000);
  for (let i = 0; i < 12; i++) page.call('Click', { props: { i } });
  assert.equal(page.fetches.length, 1, 'the size trigger does not cut a backoff short');

  await page.advance(1000);
  assert.equal(page.fetches.length, 2);
  assert.deepEqual(
    page.fetches[1].events.map((e) => e.n),
    ['pageview', ...Array(12).fill('Click')]
  );
});

test('events still awaiting a retry are handed to sendBeacon when the page is hidden', async () => {
  const page = await startTracker({ respond: scripted(new TypeError('Failed to fetch')) });
  page.call('Signup');
  await page.advance(1000);
  const failed = page.fetches[0].events.map((e) => e.id);

  page.hide();
  const beaconed = page.beacons[0].events;
  assert.deepEqual(beaconed.slice(0, 2).map((e) => e.id), failed);
  assert.equal(beaconed[2].n, 'engagement');
  await page.advance(60_000);
  assert.equal(page.fetches.length, 1);
});

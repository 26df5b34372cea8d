import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTracker } from './fake-browser.mjs';

const engagements = (page) => page.sent.filter((e) => e.n == 'engagement');

test('hiding the page reports the visible milliseconds and the scroll depth reached', async () => {
  const page = await startTracker({ url: 'https://example.com/post', scrollHeight: 2000 });
  await page.advance(2500);
  page.scrollTo(1000); // (1000 + 500) / 2000
  page.scrollTo(200); // scrolling back up keeps the maximum
  await page.advance(2500);
  page.hide();

  const [engagement] = engagements(page);
  assert.equal(engagement.u, 'https://example.com/post');
  assert.equal(engagement.e, 5000);
  assert.equal(engagement.sd, 75);
  assert.equal(engagement.d, 'example.com');
  assert.ok(engagement.id);
});

test('hidden time is not engaged time, and each report carries only the time since the last one', async () => {
  const page = await startTracker();
  await page.advance(4000);
  page.hide();
  await page.advance(60_000);
  page.show();
  await page.advance(3000);
  page.win.fire('pagehide', { persisted: false });

  assert.deepEqual(
    engagements(page).map((e) => e.e),
    [4000, 3000]
  );
});

test('short visible stretches without deeper scrolling are kept and added to the next report', async () => {
  const page = await startTracker();
  await page.advance(1000);
  page.hide(); // first report: the initial depth is news
  page.show();
  await page.advance(1000);
  page.hide(); // 1 s, no deeper scroll: not worth a request
  page.show();
  await page.advance(2500);
  page.hide(); // 3.5 s in total: reported

  assert.deepEqual(
    engagements(page).map((e) => e.e),
    [1000, 3500]
  );
});

test('visibilitychange and pagehide on the same exit report the engagement once', async () => {
  const page = await startTracker();
  await page.advance(8000);
  page.hide();
  page.win.fire('pagehide', { persisted: false });
  assert.equal(engagements(page).length, 1);
  assert.equal(page.beacons.length, 1);
});

test('a page opened in a background tab counts no engaged time until it is shown', async () => {
  const page = await startTracker({ hidden: true });
  await page.advance(10_000);
  page.show();
  await page.advance(3000);
  page.hide();
  assert.equal(engagements(page)[0].e, 3000);
});

test('a page shorter than the window is fully seen', async () => {
  const page = await startTracker({ scrollHeight: 400 });
  page.hide();
  assert.equal(engagements(page)[0].sd, 100);
});

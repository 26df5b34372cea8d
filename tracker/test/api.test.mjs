import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTracker } from './fake-browser.mjs';

async function sentAfterHide(options) {
  const page = await startTracker(options);
  page.hide();
  return page;
}

test('custom events carry string props, revenue and the non-interactive flag', async () => {
  const page = await startTracker();
  page.call('Purchase', {
    props: { plan: 'pro', seats: 3, trial: false },
    revenue: { amount: 19.99, currency: 'EUR' },
    interactive: false,
  });
  page.call('Signup');
  page.hide();

  const [purchase, signup] = page.sent.filter((e) => e.n != 'pageview' && e.n != 'engagement');
  assert.deepEqual(purchase.p, { plan: 'pro', seats: '3', trial: 'false' });
  assert.deepEqual(purchase.$, { amount: 19.99, currency: 'EUR' });
  assert.equal(purchase.i, false);
  assert.equal(purchase.u, 'https://example.com/');
  assert.equal(signup.p, undefined);
  assert.equal(signup.$, undefined);
  assert.equal(signup.i, undefined);
});

test('calls queued by the snippet before the script loaded are sent, in order, after the pageview', async () => {
  const page = await sentAfterHide({
    preloadQueue: [['Signup', { props: { plan: 'pro' } }], ['Newsletter']],
  });
  assert.deepEqual(
    page.sent.map((e) => e.n),
    ['pageview', 'Signup', 'Newsletter', 'engagement']
  );
  assert.deepEqual(page.sent[1].p, { plan: 'pro' });
});

test('the endpoint defaults to the script origin and data-api overrides it', async () => {
  const byDefault = await sentAfterHide({ src: 'https://stats.example.org/js/tracker.js?v=2' });
  assert.equal(byDefault.beacons[0].url, 'https://stats.example.org/api/event');

  const proxied = await sentAfterHide({ attrs: { api: '/stats/event' } });
  assert.equal(proxied.beacons[0].url, '/stats/event');
});

test('the site domain comes from data-domain', async () => {
  const page = await sentAfterHide({ url: 'https://www.shop.example/', attrs: { domain: 'shop.example' } });
  assert.ok(page.sent.every((e) => e.d == 'shop.example'));
});

test('outbound links are tracked only with data-outbound-links, and handed to sendBeacon at once', async () => {
  const page = await startTracker({ attrs: { 'outbound-links': true } });
  page.click('https://github.com/trackflow');
  page.click('/pricing'); // same site
  page.click('mailto:team@example.com'); // not a web link
  page.click('https://other.example/x', { type: 'auxclick', button: 1 }); // middle click
  page.click('https://other.example/y', { type: 'auxclick', button: 2 }); // context menu

  const clicks = page.beacons.flatMap((b) => b.events).filter((e) => e.n == 'Outbound Link: Click');
  assert.deepEqual(
    clicks.map((e) => e.p.url),
    ['https://github.com/trackflow', 'https://other.example/x']
  );
  assert.equal(page.beacons.length, 2, 'each tracked click is beaconed immediately');

  const off = await startTracker();
  off.click('https://github.com/trackflow');
  off.hide();
  assert.ok(!off.sent.some((e) => e.n == 'Outbound Link: Click'));
});

test('file downloads are tracked only with data-file-downloads', async () => {
  const page = await startTracker({ attrs: { 'file-downloads': true } });
  page.click('/files/report.PDF');
  page.click('https://cdn.example.net/app-1.2.dmg');
  page.click('/files/readme.html');
  page.hide();
  assert.deepEqual(
    page.sent.filter((e) => e.n == 'File Download').map((e) => e.p.url),
    ['https://example.com/files/report.PDF', 'https://cdn.example.net/app-1.2.dmg']
  );

  const off = await sentAfterHide();
  off.click('/files/report.pdf');
  off.hide();
  assert.ok(!off.sent.some((e) => e.n == 'File Download'));
});

test('localhost and file: pages are ignored unless data-allow-localhost is set', async () => {
  for (const url of ['http://localhost:3000/', 'http://127.0.0.1:8080/', 'http://[::1]/', 'file:///tmp/index.html']) {
    const page = await sentAfterHide({ url });
    page.call('Signup');
    await page.advance(5000);
    assert.equal(page.sent.length, 0, url);
  }
  const allowed = await sentAfterHide({ url: 'http://localhost:3000/', attrs: { 'allow-localhost': true } });
  assert.ok(allowed.sent.some((e) => e.n == 'pageview'));
});

test('the localStorage opt-out flag stops all sending', async () => {
  const page = await sentAfterHide({ storage: { trackflow_ignore: 'true' } });
  page.call('Signup');
  await page.advance(5000);
  assert.equal(page.sent.length, 0);

  const other = await sentAfterHide({ storage: { trackflow_ignore: 'false' } });
  assert.ok(other.sent.length > 0);
});

test('Do Not Track is honoured only when the site sets data-respect-dnt', async () => {
  const respected = await sentAfterHide({ doNotTrack: '1', attrs: { 'respect-dnt': true } });
  assert.equal(respected.sent.length, 0);
  const notAsked = await sentAfterHide({ doNotTrack: '1' });
  assert.ok(notAsked.sent.length > 0);
});

test('no cookies are read or written and nothing is stored in localStorage', async () => {
  const page = await startTracker({ attrs: { 'outbound-links': true, 'file-downloads': true } });
  page.push('/a');
  page.call('Signup', { props: { plan: 'pro' } });
  page.click('https://github.com/');
  page.hide();
  assert.deepEqual(page.cookieAccess, []);
  assert.deepEqual(page.storageWrites, []);
});

test('nothing the page can call throws, even when the browser environment is broken', async () => {
  const page = await startTracker({ storageThrows: true });
  const circular = {};
  circular.self = circular;
  assert.doesNotThrow(() => page.call());
  assert.doesNotThrow(() => page.call('Bad', null));
  assert.doesNotThrow(() => page.call('Bad', { revenue: circular }));
  assert.doesNotThrow(() => page.call('Bad', { props: { big: 10n } }));
  assert.doesNotThrow(() => page.doc.fire('click', { target: {} }));
  assert.doesNotThrow(() => page.doc.fire('click', { target: null }));
  page.hide();
  assert.ok(page.sent.some((e) => e.n == 'pageview'), 'blocked storage does not stop tracking');
  assert.ok(!page.sent.some((e) => e.n == 'Bad' && e.$), 'an event JSON cannot carry is dropped alone');
  assert.ok(page.sent.every((e) => e.n), 'a call without a name sends nothing');
});

test('a failure while loading leaves the page untouched and the snippet queue intact', async () => {
  const page = await startTracker({ src: 'not a url', preloadQueue: [['Signup']] });
  assert.equal(page.sent.length, 0);
  assert.equal(page.win.trackflow.q.length, 1, 'the queue waits for a working tracker');
});

// TrackFlow tracker: the one script a site embeds. Built by scripts/build.mjs into dist/tracker.js
// (a minified IIFE, no modules). Wire format and options: docs/tracker.md.
//
// Size matters more than style here (the gzipped budget is 1,500 bytes): browser globals are read
// once into locals the minifier can rename, numbers are written inline, and every entry point the
// host page can reach is wrapped by `safe`, so a failure inside the tracker never surfaces as an
// exception in the page.

const safe =
  (f) =>
  (...args) => {
    try {
      return f(...args);
    } catch {
      // Swallowed on purpose: analytics must never break the host page.
    }
  };

safe(() => {
  const w = window;
  const doc = document;
  const nav = navigator;
  const loc = location;
  const hist = history;
  const now = Date.now;
  // Set while a classic script (defer or async included) first runs; the tracker is never a module.
  const script = doc.currentScript;
  const attr = (name) => script.getAttribute('data-' + name);
  const on = (name) => attr(name) != null;
  const listen = (target, type, f) => target.addEventListener(type, safe(f));

  const api = attr('api') || new URL(script.src || loc).origin + '/api/event';
  const domain = attr('domain') || loc.hostname;
  const hash = on('hash');
  const outbound = on('outbound-links');
  const downloads = on('file-downloads');
  const blocked =
    (!on('allow-localhost') &&
      (/^(localhost$|127\.|\[::1\]$)/.test(loc.hostname) || loc.protocol == 'file:')) ||
    (on('respect-dnt') && nav.doNotTrack == '1');

  let queue = [];
  let timer = 0;
  // Consecutive failed rounds, and the pending backoff delay (0 when none is pending).
  let failures = 0;
  let backoff = 0;

  const schedule = (delay) => {
    clearTimeout(timer);
    timer = setTimeout(safe(flush), delay);
  };

  // Normal flushes use fetch so that a 503 or a network failure is seen and the batch retried with
  // exponential backoff: 1 s, doubling to 32 s per failed round (batches failing together count
  // once), and new events wait for it too. On page hide (`beacon` set) sendBeacon is the delivery
  // the browser guarantees past unload, at the cost of no status. A string body goes out as
  // text/plain: a CORS-simple request, no preflight.
  const flush = (beacon) => {
    clearTimeout(timer);
    timer = backoff = 0;
    while (queue.length) {
      const batch = queue.splice(0, 100); // the collector's per-request limit
      const body = JSON.stringify(batch);
      if (!(beacon && nav.sendBeacon?.(api, body))) {
        fetch(api, { method: 'POST', body, keepalive: true })
          .then((response) => {
            if (response.status > 499 || response.status == 429) throw 0;
            failures = 0;
          })
          .catch(() => {
            queue = batch.concat(queue);
            if (!backoff) schedule((backoff = 1000 << Math.min(failures++, 5)));
          });
      }
    }
  };

  const push = (name, event) => {
    if (blocked) return;
    try {
      if (localStorage.trackflow_ignore == 'true') return;
    } catch {
      // Storage can be unavailable (sandboxed frames, blocked storage): track as usual.
    }
    const size = queue.push({
      n: name,
      u: loc.href,
      d: domain,
      r: doc.referrer,
      w: w.innerWidth,
      // The collector's deduplication key, so a retried batch counts once: 96 random bits.
      id: crypto.getRandomValues(new Uint32Array(3)).join('-'),
      ts: now(),
      h: +hash,
      ...event,
    });
    // Flush when 10 events wait, or a second after the first one was queued.
    if (size > 9 && !backoff) flush();
    else if (!timer) schedule(1000);
  };

  const track = (name, options = {}) => {
    const event = {};
    const props = options.props;
    if (props) {
      event.p = {};
      for (const key in props) event.p[key] = '' + props[key];
    }
    if (options.revenue) event.$ = options.revenue;
    if (options.interactive === false) event.i = false;
    // Fails here, inside `safe`, for a value JSON cannot carry, instead of poisoning a batch later.
    JSON.stringify(event);
    if (name) push(name, event);
  };

  // Engagement of the current pageview: visible milliseconds not yet reported, the start of the
  // running visible stretch, and the deepest scroll seen and already reported (percent).
  let pageUrl = 0;
  let lastPath;
  let engaged = 0;
  let visibleSince = 0;
  let depth = 0;
  let sentDepth = 0;

  const scrolled = () => {
    const seen = Math.round(((w.scrollY + w.innerHeight) / doc.documentElement.scrollHeight) * 100);
    depth = Math.max(depth, Math.min(seen, 100));
  };

  const resume = () => {
    if (!doc.hidden && !visibleSince) visibleSince = now();
  };

  // Reports only news: deeper scrolling, or at least 3 s of engagement (shorter stretches add up
  // to the next report). `e` is therefore a delta the collector sums; `sd` is the maximum so far.
  const engage = () => {
    if (visibleSince) engaged += now() - visibleSince;
    visibleSince = 0;
    scrolled();
    if (pageUrl && (depth > sentDepth || engaged > 2999)) {
      push('engagement', { u: pageUrl, e: engaged, sd: depth });
      sentDepth = depth;
      engaged = 0;
    }
  };

  // One pageview per route: the same path (plus fragment in hash mode) is never counted twice in
  // a row, whichever of pushState, replaceState, popstate or hashchange reported it.
  const page = (force) => {
    const path = loc.pathname + (hash ? loc.hash : '');
    if (path == lastPath && force !== true) return;
    lastPath = path;
    engage();
    pageUrl = loc.href;
    engaged = depth = sentDepth = 0;
    push('pageview', {});
    resume();
  };

  const leave = () => {
    engage();
    flush(1);
  };

  const onLink = (event) => {
    const link = event.target.closest?.('a[href]');
    // click: primary button; auxclick: the middle one (new tab). Never the context menu.
    if (!link || event.button > 1) return;
    const name =
      downloads && /\.(pdf|xlsx?|docx?|pptx?|odt|csv|txt|zip|rar|7z|gz|dmg|exe|msi|apk|mp[34])$/i.test(link.pathname)
        ? 'File Download'
        : outbound && /^http/.test(link.protocol) && link.host != loc.host && 'Outbound Link: Click';
    if (name) {
      track(name, { props: { url: link.href } });
      // The click may navigate away: hand the event to sendBeacon now rather than after the delay.
      flush(1);
    }
  };

  for (const method of ['pushState', 'replaceState']) {
    const original = hist[method];
    hist[method] = (...args) => {
      const result = original.apply(hist, args);
      safe(page)();
      return result;
    };
  }
  listen(w, 'popstate', page);
  if (hash) listen(w, 'hashchange', page);
  listen(w, 'scroll', scrolled);
  listen(doc, 'visibilitychange', () => (doc.hidden ? leave() : resume()));
  listen(w, 'pagehide', leave);
  // The back/forward cache restores a page without rerunning the script: that is a new view.
  listen(w, 'pageshow', (event) => event.persisted && page(true));
  listen(doc, 'click', onLink);
  listen(doc, 'auxclick', onLink);

  const pending = w.trackflow?.q || [];
  w.trackflow = safe(track);

  // A prerendered page (speculation rules) counts only once the visitor actually opens it.
  if (doc.prerendering) listen(doc, 'prerenderingchange', page);
  else page();

  for (const args of pending) w.trackflow(...args);
})();

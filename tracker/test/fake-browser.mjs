// A tiny fake browser for unit tests: just the window, document, history, timers and network the
// tracker touches, with a virtual clock. The built tracker runs in a fresh V8 context that holds
// only these objects (plus the language built-ins), so a stray global reference fails loudly.
import vm from 'node:vm';
import { bundle } from '../scripts/build.mjs';

let built;
/** The minified tracker exactly as the build ships it (built once per test process). */
export async function trackerCode() {
  built ??= await bundle();
  return built;
}

/** Listener registry whose `fire` hands listeners a plain event object. */
class FakeTarget {
  listeners = {};
  addEventListener(type, listener) {
    (this.listeners[type] ||= []).push(listener);
  }
  fire(type, props = {}) {
    for (const listener of this.listeners[type] || []) listener({ type, target: this, ...props });
  }
}

/** Resolves once every queued promise callback (fetch results and their retries) has run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A response for `respond`: a status, or an Error for a network failure. */
export function response(status) {
  return status instanceof Error ? Promise.reject(status) : Promise.resolve({ status });
}

/**
 * Starts the tracker in a fake page.
 *
 * @param {object} options
 * @param {string} [options.url] page URL
 * @param {object} [options.attrs] the script tag's data-* attributes, without the `data-` prefix
 * @param {string} [options.src] the script's src
 * @param {(request: object) => Promise} [options.respond] answers each fetch (default: 202)
 * @param {boolean|((url: string, body: string) => boolean)} [options.beacon] sendBeacon result; false
 *     hides sendBeacon entirely
 * @param {Array} [options.preloadQueue] calls made through the documented snippet before loading
 */
export async function startTracker(options = {}) {
  const code = await trackerCode();
  let clock = 1_700_000_000_000;
  let timerSeq = 0;
  const timers = new Map();
  const fetches = [];
  const beacons = [];
  const cookieAccess = [];
  const storageWrites = [];
  let current = new URL(options.url ?? 'https://example.com/');

  const win = new FakeTarget();
  const doc = new FakeTarget();
  const attrs = { domain: 'example.com', ...(options.attrs || {}) };

  const location = {
    get href() {
      return current.href;
    },
    get pathname() {
      return current.pathname;
    },
    get hash() {
      return current.hash;
    },
    get hostname() {
      return current.hostname;
    },
    get host() {
      return current.host;
    },
    get protocol() {
      return current.protocol;
    },
    get origin() {
      return current.origin;
    },
    toString() {
      return current.href;
    },
  };

  const history = {
    entries: [current.href],
    index: 0,
    pushState(state, title, url) {
      current = new URL(url, current);
      this.entries.splice(this.index + 1, Infinity, current.href);
      this.index++;
      return 'original-result';
    },
    replaceState(state, title, url) {
      current = new URL(url, current);
      this.entries[this.index] = current.href;
    },
  };

  const storage = options.storage ?? {};
  const localStorage = new Proxy(storage, {
    get(target, key) {
      if (options.storageThrows) throw new Error('SecurityError: storage disabled');
      return target[key];
    },
    set(target, key, value) {
      storageWrites.push(key);
      target[key] = value;
      return true;
    },
  });

  Object.assign(doc, {
    currentScript: {
      src: options.src ?? 'https://stats.example.com/tracker.js',
      getAttribute: (name) => {
        const key = name.replace(/^data-/, '');
        return key in attrs ? String(attrs[key] === true ? '' : attrs[key]) : null;
      },
    },
    referrer: options.referrer ?? 'https://search.example/',
    hidden: !!options.hidden,
    prerendering: !!options.prerendering,
    documentElement: { scrollHeight: options.scrollHeight ?? 2000 },
  });
  Object.defineProperty(doc, 'cookie', {
    get: () => (cookieAccess.push('get'), ''),
    set: () => cookieAccess.push('set'),
  });

  const navigator = {
    doNotTrack: options.doNotTrack ?? null,
  };
  if (options.beacon !== false) {
    navigator.sendBeacon = (url, body) => {
      const accepted = typeof options.beacon === 'function' ? options.beacon(url, body) : true;
      beacons.push({ url, body, accepted, events: JSON.parse(body), at: clock });
      return accepted;
    };
  }

  const context = {
    window: win,
    document: doc,
    navigator,
    location,
    history,
    localStorage,
    crypto: globalThis.crypto,
    URL,
    Date: { now: () => clock },
    setTimeout: (fn, ms) => {
      timers.set(++timerSeq, { at: clock + ms, fn });
      return timerSeq;
    },
    clearTimeout: (id) => timers.delete(id),
    fetch: (url, init) => {
      const request = { url, ...init, events: JSON.parse(init.body), at: clock };
      fetches.push(request);
      return options.respond ? options.respond(request) : response(202);
    },
  };
  Object.assign(win, { innerWidth: 1280, innerHeight: 500, scrollY: 0 });
  if (options.preloadQueue) {
    win.trackflow = function () {
      (win.trackflow.q = win.trackflow.q || []).push(arguments);
    };
    for (const args of options.preloadQueue) win.trackflow(...args);
  }
  vm.createContext(context);
  vm.runInContext(code, context);
  await settle();

  const page = {
    win,
    doc,
    history,
    fetches,
    beacons,
    cookieAccess,
    storageWrites,
    timers,
    get now() {
      return clock;
    },
    /** Every event delivered so far, by fetch or beacon, in send order. */
    get sent() {
      return [...fetches, ...beacons].sort((a, b) => a.at - b.at).flatMap((r) => r.events);
    },
    /** Moves the virtual clock forward, running due timers and the promise work they start. */
    async advance(ms) {
      const end = clock + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= end)
          .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        timers.delete(due[0]);
        clock = Math.max(clock, due[1].at);
        due[1].fn();
        await settle();
      }
      clock = end;
      await settle();
    },
    /** The page's own history navigation: pushState as a router would call it. */
    push(url) {
      return history.pushState({}, '', url);
    },
    replace(url) {
      return history.replaceState({}, '', url);
    },
    /** Back button: the URL changes first, then popstate fires. */
    back() {
      history.index--;
      current = new URL(history.entries[history.index]);
      win.fire('popstate');
    },
    setHash(hash) {
      current = new URL(hash, current);
      win.fire('hashchange');
    },
    hide() {
      doc.hidden = true;
      doc.fire('visibilitychange');
    },
    show() {
      doc.hidden = false;
      doc.fire('visibilitychange');
    },
    scrollTo(y) {
      win.scrollY = y;
      win.fire('scroll');
    },
    /** A click on a link: the target is an element inside it, as with real markup. */
    click(href, { type = 'click', button = type == 'auxclick' ? 1 : 0 } = {}) {
      const url = new URL(href, current);
      const link = {
        href: url.href,
        host: url.host,
        protocol: url.protocol,
        pathname: url.pathname,
      };
      const inner = { closest: (selector) => (selector == 'a[href]' ? link : null) };
      doc.fire(type, { target: inner, button });
    },
    call(...args) {
      return win.trackflow(...args);
    },
  };
  return page;
}

import { useEffect, useRef, useState } from 'react';

/**
 * Calls `tick()` every `ms` while the page is visible; a hidden tab sends nothing, and one that
 * becomes visible again calls `tick()` at once and resumes.
 */
export function useVisibleInterval(tick, ms, enabled = true) {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  useEffect(() => {
    if (!enabled) return undefined;
    let timer = null;
    const start = () => {
      if (timer === null) timer = setInterval(() => tickRef.current(), ms);
    };
    const stop = () => {
      clearInterval(timer);
      timer = null;
    };
    const onVisibility = () => {
      if (document.hidden) {
        stop();
      } else {
        tickRef.current();
        start();
      }
    };
    if (!document.hidden) start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [ms, enabled]);
}

/** A number that grows every `ms` while the page is visible: a `refresh` for useFetch. */
export function useRefreshTick(ms, enabled = true) {
  const [tick, setTick] = useState(0);
  useVisibleInterval(() => setTick((t) => t + 1), ms, enabled);
  return tick;
}

/**
 * The site's realtime answer, fetched now and every `ms` while the page is visible. The last
 * answer stays on screen while the next one loads; `failed` says the latest attempt failed.
 */
export function useRealtime(client, domain, ms) {
  const [state, setState] = useState({ data: null, failed: false });
  const controllerRef = useRef(null);
  const load = () => {
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    client.realtime(domain, { signal: controller.signal }).then(
      (data) => { if (!controller.signal.aborted) setState({ data, failed: false }); },
      (e) => { if (e?.name !== 'AbortError' && !controller.signal.aborted) setState((s) => ({ ...s, failed: true })); },
    );
  };
  useEffect(() => {
    setState({ data: null, failed: false });
    load();
    return () => controllerRef.current?.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, domain]);
  useVisibleInterval(load, ms);
  return state;
}

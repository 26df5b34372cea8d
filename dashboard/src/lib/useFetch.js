import { useEffect, useRef, useState } from 'react';

/**
 * Runs `load(signal)` whenever `key` changes; keeps the last data while reloading so the page
 * dims instead of flashing skeletons. `reload()` retries after an error. A change of `refresh`
 * reloads in the background: nothing dims, and the answer replaces the data when it arrives (a
 * failed background reload keeps the data shown; the next one tries again).
 */
export function useFetch(load, key, refresh = 0) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const [attempt, setAttempt] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    loadRef.current(controller.signal).then(
      (data) => { if (!controller.signal.aborted) setState({ data, error: null, loading: false }); },
      (error) => { if (!controller.signal.aborted) setState((s) => ({ data: s.data, error, loading: false })); },
    );
    return () => controller.abort();
  }, [key, attempt]);

  useEffect(() => {
    if (!refresh) return undefined;
    const controller = new AbortController();
    loadRef.current(controller.signal).then(
      (data) => { if (!controller.signal.aborted) setState((s) => (s.loading ? s : { data, error: null, loading: false })); },
      () => {},
    );
    return () => controller.abort();
  }, [refresh]);

  return { ...state, reload: () => setAttempt((a) => a + 1) };
}

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { problemOf, type Problem } from '../api/client.ts';

/** Loads once per change of `deps` (and on reload()); the last answer wins when loads overlap. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    load().then(
      (d) => mine === seq.current && (setData(d), setError(null), setLoading(false)),
      (e: unknown) => mine === seq.current && (setError(problemOf(e)), setLoading(false)),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** A page of any list the API sends ({ results, next_cursor }). */
export interface Page<T> {
  results: T[];
  next_cursor: string | null;
}

/**
 * Cursor pagination over a list endpoint: `load(cursor)` fetches one page; the
 * cursors already seen are kept so "Previous" goes back. Changing `deps`
 * (the filters) starts again at the first page.
 */
export function usePagedList<T>(load: (cursor: string | undefined) => Promise<Page<T>>, deps: unknown[]) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setCursors([undefined]), deps);
  const cursor = cursors[cursors.length - 1];
  const { data, error, loading, reload } = useLoad(() => load(cursor), [...deps, cursor]);
  return {
    rows: data?.results ?? [],
    error,
    loading,
    reload,
    page: cursors.length,
    hasNext: Boolean(data?.next_cursor),
    hasPrevious: cursors.length > 1,
    next: () => data?.next_cursor && setCursors((c) => [...c, data.next_cursor!]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
  };
}

/** Runs one action at a time (a second click while it runs does nothing) and keeps its problem. */
export function useAction<A extends unknown[], R>(run: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Problem | null>(null);
  const running = useRef(false);
  const act = useCallback(
    async (...args: A): Promise<R | undefined> => {
      if (running.current) return undefined;
      running.current = true;
      setBusy(true);
      setError(null);
      try {
        return await run(...args);
      } catch (e) {
        setError(problemOf(e));
        return undefined;
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
    [run],
  );
  return { act, busy, error, clearError: () => setError(null) };
}

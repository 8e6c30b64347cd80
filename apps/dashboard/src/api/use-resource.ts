import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './client';

export type Resource<T> =
  | { status: 'loading' }
  | { status: 'ready'; data: T; refreshing: boolean }
  | { status: 'unavailable'; httpStatus: number }
  | { status: 'error'; error: Error };

/**
 * Loads one thing from the API and keeps it; `reload` fetches it again while the old answer
 * stays on screen (live updates do not flicker). Statuses in `unavailableOn` (e.g. 404 from an
 * endpoint this bus does not serve yet, 403 for a viewer it is not for) show as unavailable.
 */
export function useResource<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  unavailableOn: readonly number[] = [],
): [Resource<T>, () => void] {
  const [state, setState] = useState<Resource<T>>({ status: 'loading' });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => (s.status === 'ready' ? { ...s, refreshing: true } : { status: 'loading' }));
    loadRef.current().then(
      (data) => {
        if (mine === generation.current) setState({ status: 'ready', data, refreshing: false });
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        if (error instanceof ApiError && unavailableOn.includes(error.status))
          setState({ status: 'unavailable', httpStatus: error.status });
        else
          setState({
            status: 'error',
            error: error instanceof Error ? error : new Error(String(error)),
          });
      },
    );
  }, deps);
  useEffect(() => {
    run();
    return () => {
      generation.current++;
    };
  }, [run]);
  return [state, run];
}

/**
 * After a command the read side catches up a moment later: `awaitChange(done)` reloads the
 * resource once a second until `done(data)` holds (at most `maxTries` times), so what was just
 * filed or voted shows without a page reload.
 */
export function useReloadUntil<T>(
  resource: Resource<T>,
  reload: () => void,
  maxTries = 30,
): (done: (data: T) => boolean) => void {
  const [waiting, setWaiting] = useState<{ done: (data: T) => boolean; tries: number } | null>(
    null,
  );
  useEffect(() => {
    if (!waiting || resource.status !== 'ready' || resource.refreshing) return;
    if (waiting.done(resource.data) || waiting.tries >= maxTries) {
      setWaiting(null);
      return;
    }
    const timer = setTimeout(() => {
      setWaiting((w) => w && { ...w, tries: w.tries + 1 });
      reload();
    }, 1000);
    return () => clearTimeout(timer);
  }, [waiting, resource, reload, maxTries]);
  return useCallback((done: (data: T) => boolean) => {
    setWaiting({ done, tries: 0 });
  }, []);
}

/**
 * For a live event: reload until the resource differs from what is shown now (or `maxTries`
 * reloads), whenever `signal` moves. The event says something changed; the read side shows it a
 * moment later.
 */
export function useReloadOnSignal<T>(
  resource: Resource<T>,
  reload: () => void,
  signal: number,
  maxTries = 10,
): void {
  const awaitChange = useReloadUntil(resource, reload, maxTries);
  const shown = useRef<string | null>(null);
  shown.current = resource.status === 'ready' ? JSON.stringify(resource.data) : null;
  useEffect(() => {
    if (signal === 0) return;
    const before = shown.current;
    awaitChange((d) => JSON.stringify(d) !== before);
  }, [signal, awaitChange]);
}

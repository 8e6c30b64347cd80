import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * A counter bumped at most once per `ms` however many events arrive: a burst of stream events
 * becomes one refresh of what they changed.
 */
export function useThrottledSignal(ms: number): [number, () => void] {
  const [signal, setSignal] = useState(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pending.current !== null) clearTimeout(pending.current);
    },
    [],
  );
  const bump = useCallback(() => {
    if (pending.current !== null) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      setSignal((n) => n + 1);
    }, ms);
  }, [ms]);
  return [signal, bump];
}

/**
 * Coalesces bursts of calls (one per streamed event) into one call of `fn`:
 * the first call schedules it after `wait` ms (or at the next animation frame),
 * later calls until then are dropped. A scheduled call is cancelled when `deps`
 * change and on unmount; `fn` is the latest render's.
 */
import { useCallback, useEffect, useRef, type Inputs } from 'preact/hooks';

export function useCoalesced(fn: () => void, wait: number | 'frame', deps: Inputs): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  /** Cancels the scheduled call; set while one is scheduled. */
  const cancel = useRef<(() => void) | undefined>(undefined);

  useEffect(
    () => () => {
      cancel.current?.();
      cancel.current = undefined;
    },
    // The caller's deps say what a scheduled call belongs to.
    deps,
  );

  return useCallback(() => {
    if (cancel.current) return;
    const run = (): void => {
      cancel.current = undefined;
      latest.current();
    };
    if (wait === 'frame') {
      const frame = requestAnimationFrame(run);
      cancel.current = () => cancelAnimationFrame(frame);
    } else {
      const timer = setTimeout(run, wait);
      cancel.current = () => clearTimeout(timer);
    }
  }, [wait]);
}

/**
 * A resource the screen shows, fetched from the gateway: loaded on mount and
 * again whenever `deps` change, with its error (also the slot for the errors
 * of the screen's actions on it) and `reload` for refresh buttons and events.
 */
import { useCallback, useEffect, useRef, useState, type Dispatch, type Inputs, type StateUpdater } from 'preact/hooks';
import { messageOf } from '../api';

export interface Resource<T> {
  /** The last loaded value; undefined until a load succeeds. The screen may update it locally (`setData`). */
  data: T | undefined;
  setData: Dispatch<StateUpdater<T | undefined>>;
  /** The message of the last failed load, or of an action reported with `setError`. */
  error: string | undefined;
  setError: Dispatch<StateUpdater<string | undefined>>;
  /** A load is in flight. */
  loading: boolean;
  /** Loads again: the value, or undefined when the load failed (its message is `error` then). */
  reload: () => Promise<T | undefined>;
}

export interface ResourceOptions {
  /** A successful load clears `error` (default true); false keeps an action's error shown until the screen clears it. */
  clearsError?: boolean;
}

/** `load` is called with the values of the render that calls `reload`; `reload` changes only when `deps` do. */
export function useResource<T>(load: () => Promise<T>, deps: Inputs, options: ResourceOptions = {}): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const latest = useRef({ load, clearsError: options.clearsError ?? true });
  latest.current = { load, clearsError: options.clearsError ?? true };

  const reload = useCallback(async (): Promise<T | undefined> => {
    setLoading(true);
    try {
      const value = await latest.current.load();
      setData(() => value);
      if (latest.current.clearsError) setError(undefined);
      return value;
    } catch (err) {
      setError(messageOf(err));
      return undefined;
    } finally {
      setLoading(false);
    }
    // The caller's deps say when the resource is another one (`load` is read from `latest`).
  }, deps);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, setData, error, setError, loading, reload };
}

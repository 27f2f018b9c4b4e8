/**
 * Whether Temporal answers, kept by a background probe, so requests fail fast (503
 * `temporal_unavailable`) while it is down instead of each waiting for its gRPC deadline, and the
 * gateway can start (and come up by itself) before Temporal does.
 */
import type { Client } from '@temporalio/client';
import { ApiError } from '../http/errors';
import type { Logger } from '../log';

export interface ReachabilityOptions {
  /** Time between probes. Default 1 s. */
  intervalMs?: number | undefined;
  /** Deadline of one probe (`getSystemInfo`). Default 1 s. */
  timeoutMs?: number | undefined;
  /**
   * Probes in a row that must time out before a reachable Temporal counts as down. Default 3. A busy server
   * (or a starved gateway) misses one deadline without being gone; marking it down would fail every request
   * in flight with 503. A refused or broken connection, and any failure before Temporal was first reached,
   * count at once.
   */
  timeoutsToDown?: number | undefined;
  log?: Logger | undefined;
  /** Told each time the state changes (after the first probe: always). */
  onChange?: ((up: boolean, error: string | undefined) => void) | undefined;
}

export interface Reachability {
  /** undefined until the first probe answered. */
  readonly up: boolean | undefined;
  /** Why the last probe failed. */
  readonly lastError: string | undefined;
  /** Resolves when Temporal was reachable at the last probe (waits for the first one); else throws 503. */
  check(): Promise<void>;
  /** The 503 of "Temporal is down" (for callers that cannot wait, e.g. streams). */
  unavailable(): ApiError;
  /** Calls `fn` the next time a probe finds Temporal down; returns the unsubscribe. */
  onDown(fn: () => void): () => void;
  stop(): void;
}

const GRPC_DEADLINE_EXCEEDED = 4;

export function startReachabilityProbe(client: Client, o: ReachabilityOptions = {}): Reachability {
  const intervalMs = o.intervalMs ?? 1_000;
  const timeoutMs = o.timeoutMs ?? 1_000;
  const timeoutsToDown = o.timeoutsToDown ?? 3;
  let timeouts = 0;
  let up: boolean | undefined;
  let lastError: string | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const downListeners = new Set<() => void>();
  let firstDone: () => void = () => {};
  const first = new Promise<void>((resolve) => (firstDone = resolve));

  const set = (next: boolean, error: string | undefined): void => {
    lastError = error;
    if (next === up) return;
    up = next;
    firstDone();
    if (!next) for (const fn of [...downListeners]) fn();
    o.onChange?.(next, error);
    if (next) o.log?.info('Temporal is reachable');
    else o.log?.warn('Temporal is unreachable: requests answer 503 temporal_unavailable until it is back', { error });
  };

  const probe = async (): Promise<void> => {
    try {
      await client.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
      timeouts = 0;
      set(true, undefined);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const timedOut = (err as { code?: unknown } | null)?.code === GRPC_DEADLINE_EXCEEDED;
      if (timedOut && up === true && ++timeouts < timeoutsToDown) lastError = message; // slow, not gone (yet)
      else set(false, message);
    }
    if (!stopped) {
      timer = setTimeout(() => void probe(), intervalMs);
      timer.unref?.();
    }
  };
  void probe();

  const unavailable = (): ApiError =>
    new ApiError(503, 'temporal_unavailable', 'Temporal is unavailable', undefined, lastError ? { cause: new Error(lastError) } : undefined);

  return {
    get up() {
      return up;
    },
    get lastError() {
      return lastError;
    },
    async check() {
      // The first probe settles within its deadline; no answer by then counts as down.
      if (up === undefined) await Promise.race([first, new Promise((r) => setTimeout(r, timeoutMs + 500).unref?.())]);
      if (up !== true) throw unavailable();
    },
    unavailable,
    onDown(fn) {
      downListeners.add(fn);
      return () => void downListeners.delete(fn);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

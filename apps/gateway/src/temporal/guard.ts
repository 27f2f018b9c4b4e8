/**
 * Deadlines and client-disconnect aborts for every service call, by construction: `createServices`
 * wraps each service with {@link guardService}, so every Temporal call a route makes
 *  - fails fast (503) while the reachability probe knows Temporal is down,
 *  - carries the route's deadline (`client.withDeadline`; short calls keep their own, capped by it),
 *  - is cancelled when the request's client goes away (`client.withAbortSignal` with the request's
 *    signal: the one in the request scope, else the `signal` of a `{ signal }` first argument).
 * Stream methods (`events`) are left to the SSE pump, which ends them when the client leaves.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Client } from '@temporalio/client';
import { ApiError } from '../http/errors';
import type { Logger } from '../log';
import type { Reachability } from './reachability';

/** Default deadline of a route's Temporal calls. */
export const DEFAULT_ROUTE_DEADLINE_MS = 15_000;
/** Default deadline of the calls that wait for an agent's turn (a message with `wait`, a session created with one). */
export const DEFAULT_TURN_DEADLINE_MS = 10 * 60_000;

export interface RequestScope {
  /** Aborted when the client goes away (the request's `c.req.raw.signal`). */
  signal?: AbortSignal | undefined;
  /** Absolute deadline (ms since epoch) of the request's Temporal calls. */
  deadline?: number | undefined;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` (a request's handling) with its scope: every guarded call inside sees the request's signal. */
export function runInRequestScope<R>(scope: RequestScope, fn: () => R): R {
  return scopes.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return scopes.getStore();
}

/** `fetch` with a request scope (the request's own signal) around it: for the server's `fetch`. */
export function scopedFetch<A extends unknown[]>(fetch: (req: Request, ...rest: A) => Response | Promise<Response>) {
  return (req: Request, ...rest: A): Response | Promise<Response> => runInRequestScope({ signal: req.signal }, () => fetch(req, ...rest));
}

/** Counters of the guard (all services of one `createServices`). */
export interface GuardStats {
  /** Calls cancelled because their client went away. */
  abortedByClient: number;
  /** Calls refused at once because Temporal is known to be down. */
  failedFast: number;
}

export interface GuardOptions {
  client: Client;
  /** Name of the service, for the log. */
  name: string;
  reachability?: Reachability | undefined;
  deadlineMs?: number | undefined;
  /** Methods that wait for a turn, and their deadline. */
  long?: ReadonlyArray<string> | undefined;
  longDeadlineMs?: number | undefined;
  /** Methods returning streams: only the fail-fast check applies. Default `['events']`. */
  streams?: ReadonlyArray<string> | undefined;
  log?: Logger | undefined;
  stats?: GuardStats | undefined;
}

function signalOf(args: unknown[]): AbortSignal | undefined {
  const scoped = scopes.getStore()?.signal;
  if (scoped) return scoped;
  const first = args[0] as { signal?: unknown } | undefined;
  return first && typeof first === 'object' && first.signal instanceof AbortSignal ? first.signal : undefined;
}

/** A stream that fails on its first read. */
function failing(err: unknown): AsyncGenerator<never, void, unknown> {
  const stream: AsyncGenerator<never, void, unknown> = {
    next: () => Promise.reject(err),
    return: async () => ({ done: true, value: undefined }),
    throw: (e) => Promise.reject(e),
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}

/** The service with each method guarded (see the module comment). */
export function guardService<S extends object>(service: S, o: GuardOptions): S {
  const { client } = o;
  const streams = new Set(o.streams ?? ['events']);
  const long = new Set(o.long ?? []);
  const guarded: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(service)) {
    if (typeof member !== 'function') {
      guarded[name] = member;
      continue;
    }
    const call = (...args: unknown[]): unknown => (member as (...a: unknown[]) => unknown).apply(service, args);
    if (streams.has(name)) {
      guarded[name] = (...args: unknown[]) => {
        if (o.reachability?.up === false) {
          if (o.stats) o.stats.failedFast++;
          return failing(o.reachability.unavailable());
        }
        return call(...args);
      };
      continue;
    }
    const deadlineMs = long.has(name) ? (o.longDeadlineMs ?? DEFAULT_TURN_DEADLINE_MS) : (o.deadlineMs ?? DEFAULT_ROUTE_DEADLINE_MS);
    guarded[name] = async (...args: unknown[]) => {
      if (o.reachability) {
        try {
          await o.reachability.check();
        } catch (err) {
          if (o.stats) o.stats.failedFast++;
          throw err;
        }
      }
      const signal = signalOf(args);
      if (signal?.aborted) throw new ApiError(504, 'upstream_timeout', 'the client went away');
      const started = Date.now();
      const deadline = Math.min(started + deadlineMs, scopes.getStore()?.deadline ?? Infinity);
      const scope: RequestScope = { signal, deadline };
      // Temporal found down while the call waits: answer 503 now rather than at the deadline.
      let offDown = (): void => {};
      const wentDown = new Promise<never>((_, reject) => {
        offDown = o.reachability?.onDown(() => reject(o.reachability!.unavailable())) ?? offDown;
      });
      wentDown.catch(() => {});
      try {
        const result = scopes.run(scope, () =>
          client.withDeadline(deadline, () => (signal ? client.withAbortSignal(signal, () => call(...args) as Promise<unknown>) : (call(...args) as Promise<unknown>))),
        );
        return await (o.reachability ? Promise.race([result, wentDown]) : result);
      } catch (err) {
        if (signal?.aborted) {
          if (o.stats) o.stats.abortedByClient++;
          o.log?.info('Temporal call aborted: the client went away', { service: o.name, method: name, heldMs: Date.now() - started });
        }
        throw err;
      } finally {
        offDown();
      }
    };
  }
  return guarded as S;
}

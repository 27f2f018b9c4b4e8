/** Deadlines of the services' Temporal calls: a dead server or a missing worker can't hang a request. */
import type { Client } from '@temporalio/client';

/** Default deadline of short Temporal calls (describe, query, list, start). */
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

export type ShortCalls = <R>(fn: () => Promise<R>) => Promise<R>;

/** Runs short Temporal calls with a deadline of `rpcTimeoutMs`. */
export function shortCalls(client: Client, rpcTimeoutMs = DEFAULT_RPC_TIMEOUT_MS): ShortCalls {
  return (fn) => client.withDeadline(Date.now() + rpcTimeoutMs, fn);
}

/** Long calls (waiting for a turn) have no deadline but stop waiting when the caller's signal aborts. */
export function cancellableCalls(client: Client): <R>(signal: AbortSignal | undefined, fn: () => Promise<R>) => Promise<R> {
  return (signal, fn) => (signal ? client.withAbortSignal(signal, fn) : fn());
}


/** Deadlines of the services' Temporal calls: a dead server or a missing worker can't hang a request. */
import type { Client } from '@temporalio/client';
import { currentRequestScope } from './guard';

/** Default deadline of short Temporal calls (describe, query, list, start). */
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

export type ShortCalls = <R>(fn: () => Promise<R>) => Promise<R>;

/** Runs short Temporal calls with a deadline of `rpcTimeoutMs`, never past the request's own deadline (guard.ts). */
export function shortCalls(client: Client, rpcTimeoutMs = DEFAULT_RPC_TIMEOUT_MS): ShortCalls {
  return (fn) => client.withDeadline(Math.min(Date.now() + rpcTimeoutMs, currentRequestScope()?.deadline ?? Infinity), fn);
}

/** Long calls (waiting for a turn) stop waiting when the caller's signal aborts (and at the request's deadline, guard.ts). */
export function cancellableCalls(client: Client): <R>(signal: AbortSignal | undefined, fn: () => Promise<R>) => Promise<R> {
  return (signal, fn) => (signal ? client.withAbortSignal(signal, fn) : fn());
}

import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

/**
 * The workflow's current time as ISO text. Inside the workflow sandbox `Date`
 * is deterministic (it reads the workflow task's time), so this is replay-safe.
 */
export function nowIso(): string {
  return new Date().toISOString();
}

/** The workflow's current time in ms since the epoch (the workflow task's time: replay-safe). */
export function nowMs(): number {
  return new Date().getTime();
}

/** A user-readable reason for a failed activity or turn. */
export function describeFailure(err: unknown): string {
  let e: unknown = err;
  // Walk ActivityFailure -> ApplicationFailure / TimeoutFailure to the root cause.
  while (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) return e.message;
  if (e instanceof TimeoutFailure) return `timed out (${e.timeoutType})`;
  if (e instanceof Error) return e.message;
  return String(e);
}

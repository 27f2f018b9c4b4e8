/**
 * Which trace a piece of workflow work belongs to. A message's turn runs in the session's main loop, not in
 * the `sendMessage` update handler that queued it, so its activities and child workflows would hang under
 * the workflow run's span (the trace of the request that created the session). `inUpdateTrace` runs the turn
 * in the trace of its update instead: the bundle's telemetry interceptors (telemetry-interceptors.ts, the one
 * module that imports OpenTelemetry) install the hook per workflow. Without them, or without an update id,
 * `fn` just runs. Neither changes a command: only the span the turn's activities and children are parented to.
 */
export const UPDATE_TRACE_HOOK = '__hubRunInUpdateTrace';

export type UpdateTraceHook = <T>(updateId: string, fn: () => Promise<T>) => Promise<T>;

export function inUpdateTrace<T>(updateId: string | undefined, fn: () => Promise<T>): Promise<T> {
  const hook = (globalThis as Record<string, unknown>)[UPDATE_TRACE_HOOK] as UpdateTraceHook | undefined;
  return updateId !== undefined && hook !== undefined ? hook(updateId, fn) : fn();
}

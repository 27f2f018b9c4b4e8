/**
 * How the session service talks to a session's updates: failures mapped to API errors, the
 * hand-over to the next run (continue-as-new) waited out by resending the same update id, and the
 * update id of each request (from its `Idempotency-Key`, or one random id per request so the
 * resend is still the same update).
 */
import { randomUUID } from 'node:crypto';
import {
  ApplicationFailure,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
  type WorkflowUpdateHandle,
} from '@temporalio/client';
import { sessionStateQuery } from '@hub/contracts';
import { ApiError } from '../http/errors';
import { idempotentUpdateId } from '../http/idempotency';
import type { ShortCalls } from '../temporal/deadlines';
import { workflowStatus } from '../temporal/status';

/** How long a request waits out a session's hand-over to its next run (compaction may call the model). */
export const HANDOVER_WAIT_MS = 60_000;

export function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  return err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure ? err.cause : undefined;
}

/**
 * `SessionHandover`: the message was taken and is carried into the session's next run; the same
 * update id sent again reaches that run and answers the turn. `SessionBusy` (close during a
 * hand-over, and messages on sessions started before the hand-over carried them): try again.
 */
const isHandover = (err: unknown): boolean => applicationFailureOf(err)?.type === 'SessionHandover';
const isBusy = (err: unknown): boolean => applicationFailureOf(err)?.type === 'SessionBusy';
export const carriedToNextRun = isHandover;

/** The update id of a request: derived from its key, else random (one per request, reused by resends). */
export function updateIdFor(tenant: string, route: string, key: string | undefined): string {
  return key !== undefined ? idempotentUpdateId(tenant, route, key) : randomUUID();
}

export function createUpdateRunner(client: Client, short: ShortCalls) {
  const describeStatus = (handle: WorkflowHandle): Promise<string | undefined> => workflowStatus(short, handle);

  /** Whether the session is closed: its workflow ended, or it reports status "closed". */
  const isClosed = async (handle: WorkflowHandle): Promise<boolean> => {
    try {
      const status = await describeStatus(handle);
      if (status !== 'RUNNING') return status !== undefined;
      const state = await short(() => handle.query(sessionStateQuery));
      return state.status === 'closed';
    } catch {
      return false;
    }
  };

  /** Sends again (same update id) while the session hands over to its next run; bounded by time, not by attempts. */
  const retryHandover = async <R>(fn: () => Promise<R>): Promise<R> => {
    const deadline = Date.now() + HANDOVER_WAIT_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!(isHandover(err) || isBusy(err)) || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(50 * attempt, 500)));
      }
    }
  };

  /**
   * Runs an update against a session and maps its failures:
   * unknown workflow → 404, ended workflow or closed session → 409,
   * rejected by the workflow (validator) → `onRejected`.
   */
  const runUpdate = async <R>(
    handle: WorkflowHandle,
    fn: () => Promise<R>,
    onRejected: (message: string, failure: ApplicationFailure | undefined) => ApiError,
  ): Promise<R> => {
    try {
      return await retryHandover(fn);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        // Updates on a finished workflow fail with NOT_FOUND too: tell the two apart.
        const status = await describeStatus(handle).catch(() => undefined);
        if (status !== undefined && status !== 'RUNNING') throw new ApiError(409, 'session_closed', 'session is closed');
        throw new ApiError(404, 'session_not_found', 'session not found');
      }
      if (err instanceof WorkflowUpdateFailedError) {
        const failure = applicationFailureOf(err);
        if (failure?.type === 'SessionClosed' || failure?.type === 'AcceptedUpdateCompletedWorkflow' || (await isClosed(handle))) {
          throw new ApiError(409, 'session_closed', 'session is closed');
        }
        if (isHandover(err) || isBusy(err)) {
          throw new ApiError(504, 'upstream_timeout', 'the session is still handing over to its next run; send the request again', undefined, { cause: err });
        }
        throw onRejected(failure?.message ?? err.cause?.message ?? err.message, failure);
      }
      throw err;
    }
  };

  /**
   * `startUpdate(..., ACCEPTED)` does not throw when the validator rejects the update: the
   * rejection is the handle's (already known) outcome. `result()` surfaces it without any RPC;
   * for an accepted update it would start polling for completion, which we cancel at once.
   * A message carried into the next run counts as accepted.
   */
  const throwIfRejected = async (update: WorkflowUpdateHandle<unknown>): Promise<void> => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), 20);
    try {
      await client.withAbortSignal(ctrl.signal, () => update.result());
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && !isHandover(err)) throw err;
      // Cancelled poll: the update was accepted and is still running.
    } finally {
      clearTimeout(timer);
    }
  };

  return { describeStatus, runUpdate, throwIfRejected };
}

/**
 * The saga engine shared by tasks (`./task`) and the per-turn compensations
 * of sessions (`./turn-compensation`):
 *
 * - a compensation is pushed BEFORE its step runs, so a crash between the
 *   step and its bookkeeping can never lose it;
 * - it becomes due once its step completed (`done`) AND when the step's
 *   outcome is unknown (`unknown`): a call that timed out, ran out of
 *   retries, or was cancelled mid-call may have had its effect (the server
 *   may have applied it and the answer got lost), so it is undone too —
 *   compensations are idempotent, undoing an effect that never happened is
 *   a no-op. Only a step KNOWN NOT TO HAVE RUN skips its compensation; see
 *   {@link KNOWN_NOT_RUN};
 * - `unwind` runs the due compensations in reverse order, each as its own
 *   `executeTool` activity with the stable id the caller gave it (so its
 *   idempotency key is stable too), in a non-cancellable scope; one that
 *   still fails after its retries is reported, and the others still run.
 *
 * The stack schedules exactly one activity per due compensation, in that
 * order, so the command sequence of histories recorded before it existed is
 * unchanged.
 */
import { CancellationScope, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { SessionActivities, ToolRequest } from '@hub/contracts';
import { describeFailure } from './util';

/**
 * The failure classes after which a step is known not to have run, so its
 * compensation is NOT due. Everything else a step's call can end with
 * (a thrown activity failure: start-to-close or schedule-to-close timeout,
 * heartbeat timeout, retries exhausted on transport errors, cancellation
 * while the call was in flight, a worker lost mid-call) leaves the outcome
 * unknown, and the compensation runs.
 *
 * - `answered_error`: `executeTool` answered `ok: false`. That covers the
 *   refusals before anything is sent (unknown tool, arguments that are not
 *   JSON or break the tool's schema, a tool disabled by pinning) and the
 *   tool's own error answer (an MCP `isError` result or a JSON-RPC refusal:
 *   the server answered that the call failed). A tool that reports an
 *   error must have applied nothing (or undone it itself) — the hub's
 *   contract for side-effecting tools, as important as honouring the
 *   idempotency key.
 * - `denied`: the step needed an approval that was denied or timed out:
 *   it was never sent.
 * - `not_started`: the saga stopped (a failure or a cancellation) before the
 *   step was scheduled.
 */
export const KNOWN_NOT_RUN = ['answered_error', 'denied', 'not_started'] as const;
export type KnownNotRun = (typeof KNOWN_NOT_RUN)[number];

/** One compensation: how to undo a step. */
export interface Compensation {
  /** Activity id of the compensating call, unique within the workflow id (across continue-as-new runs). */
  activityId: string;
  /**
   * The compensating tool call, given the step's result (undefined when the step's outcome is unknown);
   * throwing fails this compensation (nothing is called).
   */
  request(stepResult: string | undefined): ToolRequest;
}

export type CompensationOutcome = { ok: true; result: string } | { ok: false; error: string };

/** A pushed compensation; `done` marks its step completed, `unknown` its outcome unknown. */
export interface StackEntry<C> {
  readonly compensation: C;
  /** Whether the compensation is due: its step completed or its outcome is unknown. */
  due?: 'completed' | 'unknown';
  /** The step's result, once it completed. */
  stepResult?: string;
}

export interface UnwindHooks<C> {
  /** Before a compensation runs. */
  starting?(compensation: C): void;
  /** After it ran (or failed to). */
  finished(compensation: C, outcome: CompensationOutcome): void;
}

export class CompensationStack<C extends Compensation = Compensation> {
  private readonly entries: StackEntry<C>[] = [];

  /** `activityOptions`: timeouts and retries of every compensating call (its `activityId` is the compensation's). */
  constructor(private readonly activityOptions: ActivityOptions) {}

  /** Before the step: remember how to undo it. */
  push(compensation: C): StackEntry<C> {
    const entry: StackEntry<C> = { compensation };
    this.entries.push(entry);
    return entry;
  }

  /** After the step completed: its compensation is due if the saga unwinds. */
  done(entry: StackEntry<C>, stepResult: string): void {
    entry.due = 'completed';
    entry.stepResult = stepResult;
  }

  /** After the step's call failed without an answer: its effect may have happened, so its compensation is due (without a result). */
  unknown(entry: StackEntry<C>): void {
    entry.due = 'unknown';
  }

  /** The compensations that would run, in the order they would run (last completed step first). */
  due(): C[] {
    return this.dueEntries().map((e) => e.compensation);
  }

  /** Forget everything (the saga completed: its effects stand). */
  clear(): void {
    this.entries.length = 0;
  }

  /** Undo the completed steps, last first; the stack is empty afterwards. */
  async unwind(hooks: UnwindHooks<C>): Promise<void> {
    const due = this.dueEntries();
    this.clear();
    await CancellationScope.nonCancellable(async () => {
      for (const { compensation, stepResult } of due) {
        hooks.starting?.(compensation);
        hooks.finished(compensation, await this.run(compensation, stepResult));
      }
    });
  }

  private dueEntries(): StackEntry<C>[] {
    return this.entries.filter((e) => e.due !== undefined).reverse();
  }

  private async run(compensation: C, stepResult: string | undefined): Promise<CompensationOutcome> {
    try {
      const request = compensation.request(stepResult);
      const { executeTool } = proxyActivities<SessionActivities>({ ...this.activityOptions, activityId: compensation.activityId });
      const r = await executeTool(request);
      return r.ok ? { ok: true, result: r.content } : { ok: false, error: r.content };
    } catch (err) {
      return { ok: false, error: describeFailure(err) };
    }
  }
}

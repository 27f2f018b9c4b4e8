/**
 * The saga engine shared by tasks (`./task`) and the per-turn compensations
 * of sessions (`./turn-compensation`):
 *
 * - a compensation is pushed BEFORE its step runs, so a crash between the
 *   step and its bookkeeping can never lose it;
 * - it becomes due only once its step completed (`done`): a failed or
 *   cancelled step has nothing to undo;
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

/** One compensation: how to undo a step. */
export interface Compensation {
  /** Activity id of the compensating call, unique within the workflow id (across continue-as-new runs). */
  activityId: string;
  /** The compensating tool call, given the step's result; throwing fails this compensation (nothing is called). */
  request(stepResult: string): ToolRequest;
}

export type CompensationOutcome = { ok: true; result: string } | { ok: false; error: string };

/** A pushed compensation; `done` marks its step completed. */
export interface StackEntry<C> {
  readonly compensation: C;
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
    entry.stepResult = stepResult;
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
        hooks.finished(compensation, await this.run(compensation, stepResult!));
      }
    });
  }

  private dueEntries(): StackEntry<C>[] {
    return this.entries.filter((e) => e.stepResult !== undefined).reverse();
  }

  private async run(compensation: C, stepResult: string): Promise<CompensationOutcome> {
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

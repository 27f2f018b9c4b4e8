/**
 * Turn compensations: tools whose hub config declares a compensation
 * (`compensations` in hub.config.json) are undone when the session turn that
 * called them fails or is cancelled, on the saga engine of
 * `./compensation-stack`:
 *
 * - the compensation is registered (and announced) BEFORE the tool runs;
 * - it becomes due once the tool call completed successfully, and when the
 *   call failed without an answer (`outcomeUnknown`: timed out, out of
 *   retries, cancelled mid-call — its effect may have happened); a call that
 *   answered an error is known not to have run (`KNOWN_NOT_RUN` in
 *   `./compensation-stack`);
 * - on rollback, due compensations run in reverse order, each as its own
 *   `executeTool` activity with id `<turnId>/compensate/<toolCallId>` and the
 *   tool retry policy; one that still fails is reported, never dropped.
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import type { WorkflowTopicHandle } from '@temporalio/workflow-streams/workflow';
import { resolveCompensationArgs } from '@hub/contracts/task/wire';
import type { SessionEvent, ToolCall, ToolSpec } from '@hub/contracts';
import { toolActivityOptions } from './activity-options';
import { CompensationStack, type Compensation, type StackEntry } from './compensation-stack';

interface TurnCompensation extends Compensation {
  turnId: string;
  toolCallId: string;
  /** The tool whose call it undoes. */
  tool: string;
}

/**
 * A tool call that failed without an answer has its compensation run. Histories from before this
 * patch replay the old rule (nothing was due).
 */
export const TURN_UNKNOWN_OUTCOME_PATCH = 'turn-compensate-unknown-outcome';

/** A registered compensation, to mark its call completed. */
export type TurnCompensationEntry = StackEntry<TurnCompensation>;

export interface RollbackOutcome {
  undone: number;
  failed: Array<{ tool: string; error: string }>;
}

export class TurnCompensations {
  private readonly stack = new CompensationStack<TurnCompensation>(toolActivityOptions);

  constructor(
    private readonly events: Pick<WorkflowTopicHandle<SessionEvent>, 'publish'>,
    private readonly sessionId: string,
  ) {}

  /** Before the call: remember how to undo it. Returns undefined for tools without a compensation. */
  register(turnId: string, call: ToolCall, spec: ToolSpec): TurnCompensationEntry | undefined {
    const compensation = spec.compensation;
    if (!compensation) return undefined;
    let args: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(call.arguments);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) args = parsed as Record<string, unknown>;
    } catch {
      // The tool will refuse the arguments; nothing will be due.
    }
    // The idempotency key of the call (`<workflowId>/<activityId>`; the agent loop's tool activity id is `<turnId>/tool/<callId>`).
    const key = `${workflowInfo().workflowId}/${turnId}/tool/${call.id}`;
    const entry = this.stack.push({
      activityId: `${turnId}/compensate/${call.id}`,
      turnId,
      toolCallId: call.id,
      tool: call.name,
      request: (result) => ({
        name: compensation.tool,
        arguments: JSON.stringify(resolveCompensationArgs(compensation.args, { args, result, key })),
        sessionId: this.sessionId,
        turnId,
        toolCallId: call.id,
      }),
    });
    this.events.publish({ type: 'compensation.registered', turnId, toolCallId: call.id, tool: call.name, compensationTool: compensation.tool });
    return entry;
  }

  /** After a successful call: its compensation is due if the turn fails. */
  completed(entry: TurnCompensationEntry, result: string): void {
    this.stack.done(entry, result);
  }

  /**
   * After a call that threw (no answer: timed out, out of retries, cancelled mid-call): its effect may
   * have happened, so its compensation is due, without a result (`$key` and `$args` resolve, `$result` does not).
   */
  outcomeUnknown(entry: TurnCompensationEntry): void {
    if (patched(TURN_UNKNOWN_OUTCOME_PATCH)) this.stack.unknown(entry);
  }

  /** Undo the completed calls of the turn (and those whose outcome is unknown), last first. */
  async rollback(): Promise<RollbackOutcome> {
    const outcome: RollbackOutcome = { undone: 0, failed: [] };
    await this.stack.unwind({
      finished: ({ turnId, toolCallId, tool }, r) => {
        if (r.ok) {
          outcome.undone += 1;
          this.events.publish({ type: 'compensation.completed', turnId, toolCallId, tool, result: r.result });
        } else {
          outcome.failed.push({ tool, error: r.error });
          this.events.publish({ type: 'compensation.failed', turnId, toolCallId, tool, error: r.error });
        }
      },
    });
    return outcome;
  }
}

/** How a rollback reads in the turn's error. */
export function describeRollback(o: RollbackOutcome): string {
  const parts: string[] = [];
  if (o.undone > 0) parts.push(`${o.undone} tool side effect${o.undone === 1 ? '' : 's'} rolled back`);
  for (const f of o.failed) parts.push(`compensation of ${f.tool} FAILED: ${f.error}`);
  return parts.join('; ');
}

/**
 * Compensations of a session turn: tools whose hub config declares a
 * compensation (`compensations` in hub.config.json) are undone when the turn
 * that called them fails or is cancelled, the saga way:
 *
 * - the compensation is registered (state and event) BEFORE the tool runs;
 * - it becomes due only once the tool call completed successfully (a failed
 *   or cancelled call has nothing to undo);
 * - on rollback, due compensations run in reverse order, each as its own
 *   `executeTool` activity with id `<turnId>/compensate/<toolCallId>` (its
 *   own idempotency key) and the tool retry policy, in a non-cancellable
 *   scope; one that still fails is reported, never dropped, and the others
 *   still run.
 */
import { CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { WorkflowTopicHandle } from '@temporalio/workflow-streams/workflow';
import { resolveCompensationArgs } from '@hub/contracts/task/wire';
import type { SessionActivities, SessionEvent, ToolCall, ToolSpec } from '@hub/contracts';
import { toolActivityOptions } from './activity-options';
import { describeFailure } from './util';

interface Entry {
  turnId: string;
  toolCallId: string;
  tool: string;
  compensation: NonNullable<ToolSpec['compensation']>;
  args: Record<string, unknown>;
  /** The tool call's result, once it completed successfully. */
  result?: string;
}

export interface RollbackOutcome {
  undone: number;
  failed: Array<{ tool: string; error: string }>;
}

const compensate = (activityId: string) => proxyActivities<SessionActivities>({ ...toolActivityOptions, activityId }).executeTool;

export class TurnCompensations {
  private readonly entries: Entry[] = [];

  constructor(private readonly events: WorkflowTopicHandle<SessionEvent>) {}

  /** Before the call: remember how to undo it. Returns undefined for tools without a compensation. */
  register(turnId: string, call: ToolCall, spec: ToolSpec): Entry | undefined {
    if (!spec.compensation) return undefined;
    let args: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(call.arguments);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) args = parsed as Record<string, unknown>;
    } catch {
      // The tool will refuse the arguments; nothing will be due.
    }
    const entry: Entry = { turnId, toolCallId: call.id, tool: call.name, compensation: spec.compensation, args };
    this.entries.push(entry);
    this.events.publish({ type: 'compensation.registered', turnId, toolCallId: call.id, tool: call.name, compensationTool: spec.compensation.tool });
    return entry;
  }

  /** After a successful call: its compensation is due if the turn fails. */
  completed(entry: Entry, result: string): void {
    entry.result = result;
  }

  /** Forget everything (the turn completed: its effects stand). */
  clear(): void {
    this.entries.length = 0;
  }

  /** Undo the completed calls of the turn, last first. */
  async rollback(sessionId: string): Promise<RollbackOutcome> {
    const due = this.entries.filter((e) => e.result !== undefined).reverse();
    this.clear();
    const outcome: RollbackOutcome = { undone: 0, failed: [] };
    await CancellationScope.nonCancellable(async () => {
      for (const e of due) {
        let error: string | undefined;
        let result = '';
        try {
          const args = resolveCompensationArgs(e.compensation.args, { args: e.args, result: e.result! });
          const r = await compensate(`${e.turnId}/compensate/${e.toolCallId}`)({
            name: e.compensation.tool,
            arguments: JSON.stringify(args),
            sessionId,
            turnId: e.turnId,
            toolCallId: e.toolCallId,
          });
          if (r.ok) result = r.content;
          else error = r.content;
        } catch (err) {
          error = describeFailure(err);
        }
        if (error === undefined) {
          outcome.undone += 1;
          this.events.publish({ type: 'compensation.completed', turnId: e.turnId, toolCallId: e.toolCallId, tool: e.tool, result });
        } else {
          outcome.failed.push({ tool: e.tool, error });
          this.events.publish({ type: 'compensation.failed', turnId: e.turnId, toolCallId: e.toolCallId, tool: e.tool, error });
        }
      }
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

/**
 * Approvals of task steps (issue 11 #6). A step whose tool requires approval
 * pauses the task (`awaiting_approval`) until a human decides
 * (`approveTaskStep` update, `POST /v1/tasks/:id/approvals/:approvalId`),
 * with the sessions' rule: no decision within the approval timeout counts
 * as a denial. A denied step is known not to have run: it fails, its
 * compensation is not needed, the completed steps before it are undone.
 *
 * Which tools need approval is decided exactly as for session tool calls:
 * the `requiresApproval` flag of the tool's spec in the hub's tool catalogue
 * (the `listTools` activity: built-in tools such as `save_note` declare it,
 * MCP tools get it from their server's `requiresApproval` config), read once
 * when the task starts. Fail closed: a step whose tool is missing from the
 * catalogue (an unknown tool, or a server that did not list its tools in
 * time, whose `requiresApproval` therefore cannot be known) is not sent: it
 * fails as not run. The catalogue is read again a few times first, so a
 * stdio server that is still starting gets its chance. Compensations never
 * ask: they undo what was approved, and may run during a cancellation.
 */
import { ApplicationFailure, condition, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { WorkflowTopicHandle } from '@temporalio/workflow-streams/workflow';
import { DEFAULTS } from '@hub/contracts/session/wire';
import { approveTaskStepUpdate, taskApprovalId, taskToolName } from '@hub/contracts/task/wire';
import type { SessionActivities, TaskEvent, TaskPendingApproval, TaskState, TaskStatus, TaskWorkflowInput } from '@hub/contracts';
import { listToolsActivityOptions } from './activity-options';
import { nowIso } from './util';

/** New tasks check approvals; histories from before this patch replay without the `listTools` call. */
export const TASK_APPROVALS_PATCH = 'task-approvals';

export interface StepDecision {
  approved: boolean;
  reason?: string | undefined;
  timedOut: boolean;
}

/** How often, and how far apart, the catalogue is read again while a step's tool is missing from it. */
export const CATALOGUE_REREADS = 5;
export const CATALOGUE_REREAD_INTERVAL = '2 seconds';

export interface ApprovalPolicy {
  /** Step tools (as the task writes them) that require approval. */
  needing: Set<string>;
  /** Step tools missing from the catalogue: not sent (their approval rule is unknown). */
  missing: Set<string>;
}

/** Reads the tool catalogue for the task's steps (see the module comment). */
export async function readApprovalPolicy(input: TaskWorkflowInput): Promise<ApprovalPolicy> {
  const names = [...new Set(input.steps.map((s) => taskToolName(s.tool)))];
  const catalogue = (attempt: number) =>
    proxyActivities<SessionActivities>({ ...listToolsActivityOptions, activityId: attempt === 0 ? 'approvals/tools' : `approvals/tools/${attempt}` }).listTools;
  let specs = await catalogue(0)({ allow: names, tenant: input.tenant });
  for (let attempt = 1; attempt <= CATALOGUE_REREADS && !names.every((n) => specs.some((s) => s.name === n)); attempt++) {
    await sleep(CATALOGUE_REREAD_INTERVAL);
    specs = await catalogue(attempt)({ allow: names, tenant: input.tenant });
  }
  const needing = new Set(specs.filter((s) => s.requiresApproval).map((s) => s.name));
  const listed = new Set(specs.map((s) => s.name));
  const tools = input.steps.map((s) => s.tool);
  return {
    needing: new Set(tools.filter((t) => needing.has(taskToolName(t)))),
    missing: new Set(tools.filter((t) => !listed.has(taskToolName(t)))),
  };
}

export class TaskApprovals {
  private slot: { pending: TaskPendingApproval; decided?: { approve: boolean; reason?: string | undefined } } | undefined;
  private readonly timeoutMs: number;

  /** Registers the update handler: construct before the workflow's first await. */
  constructor(
    private readonly state: TaskState,
    private readonly events: WorkflowTopicHandle<TaskEvent>,
    private readonly setStatus: (status: TaskStatus) => void,
    input: TaskWorkflowInput,
  ) {
    this.timeoutMs = input.approvalTimeoutMs ?? DEFAULTS.approvalTimeoutMs;
    setHandler(
      approveTaskStepUpdate,
      (decision) => {
        this.slot!.decided = { approve: decision.approve, reason: decision.reason };
        return { accepted: true as const };
      },
      {
        validator: (decision) => {
          const slot = this.slot;
          if (!slot || slot.decided || slot.pending.approvalId !== decision?.approvalId) {
            throw ApplicationFailure.create({
              type: 'ApprovalNotFound',
              message: `no pending approval with id '${String(decision?.approvalId)}'`,
              nonRetryable: true,
            });
          }
        },
      },
    );
  }

  /** Pauses the task until the step is approved, denied or the timeout passes (a denial). Throws when the task is cancelled meanwhile. */
  async ask(index: number, tool: string, args: Record<string, unknown>): Promise<StepDecision> {
    const requestedAt = nowIso();
    const pending: TaskPendingApproval = {
      approvalId: taskApprovalId(index),
      index,
      tool,
      arguments: JSON.stringify(args),
      requestedAt,
      expiresAt: new Date(Date.parse(requestedAt) + this.timeoutMs).toISOString(),
    };
    const slot: NonNullable<TaskApprovals['slot']> = { pending };
    this.slot = slot;
    this.state.steps[index]!.status = 'awaiting_approval';
    this.state.pendingApprovals = [pending];
    this.events.publish({ type: 'approval.requested', approval: pending });
    this.setStatus('awaiting_approval');
    try {
      const inTime = await condition(() => slot.decided !== undefined, this.timeoutMs);
      const d = inTime && slot.decided ? slot.decided : { approve: false, reason: undefined };
      this.events.publish({
        type: 'approval.resolved',
        approvalId: pending.approvalId,
        index,
        approved: d.approve,
        ...(d.reason !== undefined ? { reason: d.reason } : {}),
        timedOut: !inTime,
      });
      return { approved: d.approve, reason: d.reason, timedOut: !inTime };
    } finally {
      this.slot = undefined;
      this.state.pendingApprovals = [];
    }
  }
}

/** How a denial reads in the step's error. */
export function describeDenial(d: StepDecision): string {
  if (d.timedOut) return 'not approved in time (treated as denied)';
  return d.reason ? `denied: ${d.reason}` : 'denied';
}

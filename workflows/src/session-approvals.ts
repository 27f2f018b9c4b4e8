/**
 * The session's tool approvals: the gate the agent loop (and, through the delegation relay, delegated
 * agents) waits on, the `approveTool` Update that decides, and the pending ones the state shows. Several
 * may be pending at once (parallel tool calls); the session is `awaiting_approval` while any is.
 */
import { ApplicationFailure, condition, currentUpdateInfo, setHandler } from '@temporalio/workflow';
import { approveToolUpdate } from '@hub/contracts/session/wire';
import type { PendingApproval } from '@hub/contracts';
import type { ApprovalGate, EventSink } from './agent-turn-types';
import { approvalRequested, approvalResolved } from './metrics';
import { nowIso } from './util';

/** A tool call waiting for a human: what is shown, and the decision once it arrives. */
interface ApprovalSlot {
  pending: PendingApproval;
  decided?: { approve: boolean; reason?: string };
}

export interface SessionApprovals {
  gate: ApprovalGate;
  /** The approvals waiting for a decision, oldest first. */
  pending(): PendingApproval[];
  /** Update ids of accepted decisions (carried across continue-as-new: a resend is answered, not refused). */
  acceptedUpdates(): string[];
}

/** Installs the `approveToolUpdate` handler; `onDecision` runs when a decision is taken. */
export function installSessionApprovals(opts: {
  events: EventSink;
  approvalTimeoutMs: number;
  carriedUpdates?: string[];
  onDecision(): void;
}): SessionApprovals {
  const { events, approvalTimeoutMs } = opts;
  const approvedUpdates = new Set<string>(opts.carriedUpdates ?? []);
  const approvals = new Map<string, ApprovalSlot>();

  setHandler(
    approveToolUpdate,
    (decision) => {
      const updateId = currentUpdateInfo()?.id;
      const slot = approvals.get(decision.approvalId);
      if (slot && !slot.decided) {
        slot.decided = { approve: decision.approve, reason: decision.reason };
        opts.onDecision();
      }
      if (updateId !== undefined) approvedUpdates.add(updateId);
      return { accepted: true as const };
    },
    {
      validator: (decision) => {
        // A resend of a decision already taken (e.g. in the previous run) is answered, not refused.
        const updateId = currentUpdateInfo()?.id;
        if (updateId !== undefined && approvedUpdates.has(updateId)) return;
        const slot = approvals.get(decision?.approvalId);
        if (!slot || slot.decided) {
          throw ApplicationFailure.create({
            type: 'ApprovalNotFound',
            message: `no pending approval with id '${String(decision?.approvalId)}'`,
            nonRetryable: true,
          });
        }
      },
    },
  );

  const gate: ApprovalGate = async (request) => {
    const scoped = request.delegationId !== undefined ? `${request.delegationId}.${request.toolCallId}` : `${request.turnId}.${request.toolCallId}`;
    const approvalId = scoped.replace(/[^a-zA-Z0-9_.-]/g, '_');
    const requestedAt = nowIso();
    const expiresAt = new Date(Date.parse(requestedAt) + approvalTimeoutMs).toISOString();
    const pending: PendingApproval = {
      approvalId,
      turnId: request.turnId,
      toolCallId: request.toolCallId,
      tool: request.tool,
      arguments: request.arguments,
      requestedAt,
      expiresAt,
      ...(request.delegationId !== undefined ? { delegationId: request.delegationId } : {}),
      ...(request.agent !== undefined ? { agent: request.agent } : {}),
    };
    const slot: ApprovalSlot = { pending };
    approvals.set(approvalId, slot);
    approvalRequested(approvals.size);
    events.publish({ type: 'approval.requested', approval: pending });
    let outcome: 'approved' | 'denied' | 'timeout' | undefined;
    try {
      const decidedInTime = await condition(() => slot.decided !== undefined, approvalTimeoutMs);
      const decision = decidedInTime && slot.decided ? slot.decided : { approve: false, reason: undefined };
      events.publish({
        type: 'approval.resolved',
        approvalId,
        approved: decision.approve,
        reason: decision.reason,
        timedOut: !decidedInTime,
        ...(request.delegationId !== undefined ? { delegationId: request.delegationId } : {}),
      });
      outcome = !decidedInTime ? 'timeout' : decision.approve ? 'approved' : 'denied';
      return { approved: decision.approve, reason: decision.reason, timedOut: !decidedInTime };
    } finally {
      approvals.delete(approvalId);
      approvalResolved(outcome ?? 'cancelled', approvals.size); // none: the turn was cancelled while it waited
    }
  };

  return {
    gate,
    pending: () => [...approvals.values()].map((a) => a.pending),
    acceptedUpdates: () => [...approvedUpdates],
  };
}

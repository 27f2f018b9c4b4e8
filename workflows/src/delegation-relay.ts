/**
 * How a delegated agent (an `agentDelegation` child workflow, at any depth)
 * reaches the root session of its tree:
 *
 * - its events (tool calls and results, compensations, nested delegations)
 *   go to the root as signals, in order and batched, and the root publishes
 *   them on its stream (each tagged with the delegation id);
 * - a tool that needs approval is asked of the root: the root decides through
 *   its own approval gate (so it shows in the session's pending approvals and
 *   is approved through the session, its timeout applies there) and signals
 *   the decision back to the child that asked. A child cancelled while waiting
 *   withdraws its request, so no stale approval stays pending.
 *
 * Signals between workflows are exactly-once commands: a worker crash neither
 * drops nor repeats one.
 */
import {
  CancellationScope,
  condition,
  defineSignal,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  setHandler,
  workflowInfo,
  type SignalDefinition,
} from '@temporalio/workflow';
import type { SessionEvent } from '@hub/contracts';
import type { ApprovalGate, ApprovalRequest, EventSink } from './agent-loop';

/** Events of a delegated agent, oldest first, for the root session's stream. */
export const delegationEventsSignal = defineSignal<[{ events: SessionEvent[] }]>('delegationEvents');

export interface DelegationApprovalRequest {
  /** The child workflow that asks (the decision is signalled back there). */
  workflowId: string;
  /** Unique within that workflow (the tool call's id). */
  requestId: string;
  turnId: string;
  toolCallId: string;
  tool: string;
  arguments: string;
  delegationId: string;
  agent: string;
}
export interface DelegationApprovalDecision {
  requestId: string;
  approved: boolean;
  reason?: string;
  timedOut: boolean;
}
/** Child → root: a tool call needs approval. */
export const delegationApprovalRequestSignal = defineSignal<[DelegationApprovalRequest]>('delegationApprovalRequest');
/** Child → root: the child no longer waits (cancelled); the pending approval is dropped. */
export const delegationApprovalWithdrawSignal = defineSignal<[{ workflowId: string; requestId: string }]>('delegationApprovalWithdraw');
/** Root → child: the decision. */
export const delegationApprovalDecisionSignal = defineSignal<[DelegationApprovalDecision]>('delegationApprovalDecision');

/** Most events in one signal, and most characters of their JSON (a tool result can be large; payloads stay well under Temporal's limits). */
const EVENTS_PER_SIGNAL = 20;
const CHARS_PER_SIGNAL = 200_000;

/** The next batch to send: the oldest events, at least one, within both limits. */
function nextBatch(buffer: SessionEvent[]): SessionEvent[] {
  let chars = 0;
  let n = 0;
  while (n < buffer.length && n < EVENTS_PER_SIGNAL) {
    chars += JSON.stringify(buffer[n]).length;
    if (n > 0 && chars > CHARS_PER_SIGNAL) break;
    n += 1;
  }
  return buffer.splice(0, n);
}
/** The child waits this much longer than the root's approval timeout before it treats silence as a denial. */
const DECISION_GRACE_MS = 60_000;

/** Signals sent no matter whether the sender's scope is being cancelled (a cancelled child still reports). */
function sendSignal<A extends unknown[]>(workflowId: string, signal: SignalDefinition<A>, ...args: A): Promise<void> {
  return CancellationScope.nonCancellable(() => getExternalWorkflowHandle(workflowId).signal(signal, ...args)).catch((err: unknown) => {
    // The root (or child) is gone: nobody is left to tell.
    log.warn('delegation signal not delivered', { workflowId, signal: signal.name, error: String(err) });
  });
}

// ---- the child's side ---------------------------------------------------------------

/** An event sink that relays to the root session; `flush()` resolves once everything published was delivered. */
export interface RelaySink extends EventSink {
  flush(): Promise<void>;
}

/** The child's events go to the root in order (one signal in flight at a time, the rest batched behind it). */
export function relayTo(rootWorkflowId: string, delegationId: string): RelaySink {
  const buffer: SessionEvent[] = [];
  let sending: Promise<void> | undefined;
  const pump = async (): Promise<void> => {
    while (buffer.length > 0) {
      await sendSignal(rootWorkflowId, delegationEventsSignal, { events: nextBatch(buffer) });
    }
    sending = undefined;
  };
  return {
    publish(ev) {
      buffer.push('delegationId' in ev && ev.delegationId !== undefined ? ev : ({ ...ev, delegationId } as SessionEvent));
      sending ??= pump();
    },
    async flush() {
      while (sending) await sending;
    },
  };
}

/**
 * The child's approval gate: asks the root and waits for its decision. Installs the decision handler, so call
 * it once, at the start of the child workflow.
 */
export function relayedApprovalGate(opts: {
  rootWorkflowId: string;
  delegationId: string;
  agent: string;
  timeoutMs: number;
  /** The child's relay: flushed before a request, so the root's stream shows the tool call before its approval. */
  events?: RelaySink;
}): ApprovalGate {
  const decisions = new Map<string, DelegationApprovalDecision>();
  setHandler(delegationApprovalDecisionSignal, (d) => void decisions.set(d.requestId, d));
  const self = workflowInfo().workflowId;
  return async (req) => {
    const requestId = req.toolCallId;
    await opts.events?.flush();
    await sendSignal(opts.rootWorkflowId, delegationApprovalRequestSignal, {
      workflowId: self,
      requestId,
      turnId: req.turnId,
      toolCallId: req.toolCallId,
      tool: req.tool,
      arguments: req.arguments,
      delegationId: opts.delegationId,
      agent: opts.agent,
    });
    try {
      const decided = await condition(() => decisions.has(requestId), opts.timeoutMs + DECISION_GRACE_MS);
      const d = decisions.get(requestId);
      if (!decided || !d) return { approved: false, timedOut: true };
      return { approved: d.approved, timedOut: d.timedOut, ...(d.reason !== undefined ? { reason: d.reason } : {}) };
    } catch (err) {
      if (isCancellation(err)) await sendSignal(opts.rootWorkflowId, delegationApprovalWithdrawSignal, { workflowId: self, requestId });
      throw err;
    }
  };
}

// ---- the root session's side ------------------------------------------------------------

/** What the root's approval gate is asked for a delegated agent's tool call. */
export type RelayedApprovalRequest = ApprovalRequest & { delegationId: string; agent: string };

/**
 * Root session only: handles the children's event and approval signals (approvals via the session's
 * approvalGate). Call it once, at the start of the session workflow.
 */
export function installDelegationRelay(opts: { events: EventSink; approvalGate: ApprovalGate }): void {
  const waiting = new Map<string, CancellationScope>();
  const key = (workflowId: string, requestId: string) => `${workflowId}#${requestId}`;

  setHandler(delegationEventsSignal, ({ events }) => {
    for (const ev of events) opts.events.publish(ev);
  });

  setHandler(delegationApprovalRequestSignal, async (req) => {
    const k = key(req.workflowId, req.requestId);
    if (waiting.has(k)) return; // asked already
    const scope = new CancellationScope();
    waiting.set(k, scope);
    const request: RelayedApprovalRequest = {
      turnId: req.turnId,
      toolCallId: req.toolCallId,
      tool: req.tool,
      arguments: req.arguments,
      delegationId: req.delegationId,
      agent: req.agent,
    };
    let decision: Omit<DelegationApprovalDecision, 'requestId'>;
    try {
      decision = await scope.run(() => opts.approvalGate(request));
    } catch (err) {
      if (isCancellation(err)) return; // withdrawn: the child is gone
      decision = { approved: false, reason: `approval failed: ${String(err)}`, timedOut: false };
    } finally {
      waiting.delete(k);
    }
    await sendSignal(req.workflowId, delegationApprovalDecisionSignal, {
      requestId: req.requestId,
      approved: decision.approved,
      timedOut: decision.timedOut,
      ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
    });
  });

  setHandler(delegationApprovalWithdrawSignal, ({ workflowId, requestId }) => {
    waiting.get(key(workflowId, requestId))?.cancel();
  });
}

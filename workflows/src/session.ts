/**
 * The agent session: one entity workflow per session.
 *
 * - `sendMessage` (Update) queues a user message and resolves when its turn ends (arrival
 *   order; `interrupt: true` cancels the running turn and answers the new message next).
 * - `approveTool` (Update) decides a pending tool approval (`./session-approvals`; several may wait at
 *   once, delegated agents' included); `closeSession` (Update) / `closeSessionSignal` end the session;
 *   `sessionState` (Query) reads it.
 *
 * The turn itself lives in `./agent-loop`. The session's agent is the active member of its pinned team
 * (`./handoffs`: `transfer_to_<agent>` switches it); each model call is offered the active agent's
 * workflow tools: research, handoffs and delegates (`./delegation-tools`, whose child workflows report
 * back through the relay installed here). History stays bounded: the workflow continues-as-new
 * after `maxTurnsPerRun` turns or when Temporal suggests it, carrying the conversation (compacted
 * above a size budget), messages arriving meanwhile and the event stream (`./session-handover`).
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  isCancellation,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowStream } from '@temporalio/workflow-streams/workflow';
import type { WorkflowStreamState } from '@temporalio/workflow-streams/workflow';
import { AGENT_LIMITS, addUsage, ZERO_USAGE } from '@hub/contracts/agent/wire';
import { LIMITS } from '@hub/contracts/common/wire';
import { researchProgressToSessionSignal } from '@hub/contracts/research/wire';
import {
  SESSION_EVENTS_TOPIC,
  cancelTurnUpdate,
  closeSessionSignal,
  closeSessionUpdate,
  sendMessageSchemas,
  sendMessageUpdate,
  sessionStateQuery,
} from '@hub/contracts/session/wire';
import type {
  AgentProfile,
  ChatMessage,
  SessionEvent,
  SessionState,
  SessionStatus,
  SessionWorkflowInput,
  Summary,
  TokenUsage,
  TurnResult,
} from '@hub/contracts';
import { closeOpenToolCalls, runAgentTurn, type TurnContext, type WorkflowTool } from './agent-loop';
import { compactConversation } from './compaction';
import { delegateToolsFor, installDelegationRelay } from './delegation-tools';
import { SessionAgents } from './handoffs';
import { installSessionApprovals } from './session-approvals';
import { HANDOVER_PATCH, budgetCarried, handoverFailure, remember, repeatedFirstMessage } from './session-handover';
import { IDLE_WATCH_PATCH, IdleWatch } from './session-idle';
import { researchToolFor } from './research-tool';
import { BudgetWake, turnBudgetHooks } from './budget-wait';
import { TurnCompensations, describeRollback } from './turn-compensation';
import { timedTurn } from './metrics';
import { describeFailure, nowIso } from './util';
import { inUpdateTrace } from './trace-scope';
import { check, withZod } from './validators';

const sendMessageInput = withZod((z) => sendMessageSchemas(z).sendMessageInput);

interface QueuedMessage {
  turnId: string;
  text: string;
  /** The `sendMessage` update that brought it (a resend with the same id answers the same turn). */
  updateId?: string | undefined;
}

export async function agentSession(input: SessionWorkflowInput): Promise<SessionState> {
  const { sessionId, tenant, profile, options } = input;
  const carried = input.carried;

  // ---- state (all of it is either carried across continue-as-new or per-run) ----
  let messages: ChatMessage[] = carried?.messages ?? [];
  let summary: Summary | undefined = carried?.summary;
  let usage: TokenUsage = carried?.usage ?? ZERO_USAGE;
  let turns = carried?.turns ?? 0;
  let turnSeq = carried?.turnSeq ?? 0;
  const createdAt = carried?.createdAt ?? nowIso();
  const generation = carried?.generation ?? 0;
  let lastActivityAt = nowIso();
  let status: SessionStatus = 'idle';
  let waitingBudget = false; // the running turn waits for the tenant's budget
  const budgetWake = new BudgetWake();
  let closeReason: string | undefined;
  let draining = false;
  /** Hand-over that carries arriving messages into the next run (HANDOVER_PATCH) instead of refusing them. */
  let carryOnHandover = false;
  let turnsThisRun = 0;

  const queue: QueuedMessage[] = [...(carried?.pending ?? [])];
  /** Update ids of messages carried from the previous run: their resends wait for the turn here. */
  const carriedUpdates = new Set(queue.map((q) => q.updateId).filter((id) => id !== undefined));
  const results = new Map<string, TurnResult>();
  /** Results of recent `sendMessage` updates by update id (Temporal dedups within a run; this spans runs). */
  const recent = new Map<string, TurnResult>((carried?.recent ?? []).map((r) => [r.updateId, r.result]));
  let running: { turnId: string; scope: CancellationScope } | undefined;

  const stream = new WorkflowStream(input.streamState as WorkflowStreamState | undefined);
  const events = stream.topic<SessionEvent>(SESSION_EVENTS_TOPIC);
  const agents = new SessionAgents(profile, input.team, carried, events);
  const approvals = installSessionApprovals({
    events,
    approvalTimeoutMs: options.approvalTimeoutMs,
    carriedUpdates: carried?.approvals,
    onDecision: () => (lastActivityAt = nowIso()),
  });
  // Delegated agents (child workflows) publish their events and ask for approvals here.
  installDelegationRelay({ events, approvalGate: approvals.gate });

  const state = (): SessionState => ({
    sessionId,
    tenant,
    agent: agents.active.name,
    ...(profile.version !== undefined ? { agentVersion: profile.version } : {}),
    ...(agents.handoffs().length > 0 ? { handoffs: agents.handoffs() } : {}),
    status: status === 'running' && approvals.pending().length > 0 ? 'awaiting_approval' : status === 'running' && waitingBudget ? 'waiting_budget' : status,
    messages,
    summary,
    pendingApprovals: approvals.pending(),
    usage,
    turns,
    queued: queue.length,
    createdAt,
    lastActivityAt,
    closedReason: closeReason,
    generation,
  });

  // ---- message handlers ----
  setHandler(sessionStateQuery, state);

  setHandler(
    sendMessageUpdate,
    async (msg) => {
      const updateId = currentUpdateInfo()?.id;
      if (updateId !== undefined && (recent.has(updateId) || carriedUpdates.has(updateId))) {
        // A resend: the same turn's result (it was answered, or it came with the previous run's hand-over).
        await condition(() => recent.has(updateId));
        return recent.get(updateId)!;
      }
      const firstAgain = updateId !== undefined ? repeatedFirstMessage(updateId, turnSeq, messages) : undefined;
      if (firstAgain) return firstAgain;
      turnSeq += 1;
      const turnId = `turn-${turnSeq}`;
      lastActivityAt = nowIso();
      if (msg.interrupt && running) {
        queue.unshift({ turnId, text: msg.text, updateId });
        log.info('interrupting running turn', { interrupted: running.turnId, by: turnId });
        running.scope.cancel();
      } else {
        queue.push({ turnId, text: msg.text, updateId });
      }
      if (running || queue.length > 1) {
        events.publish({ type: 'message.queued', turnId, text: msg.text, position: queue.findIndex((q) => q.turnId === turnId) });
      }
      // Handing over: the message goes to the next run with the queue; the resend of this update id answers it there.
      if (draining) throw handoverFailure(turnId);
      await condition(() => results.has(turnId));
      const result = results.get(turnId)!;
      results.delete(turnId);
      return result;
    },
    {
      validator: (msg) => {
        const checked = check(sendMessageInput(), msg, 'input');
        if (!checked.ok) throw ApplicationFailure.create({ type: 'InvalidInput', message: checked.error, nonRetryable: true });
        rejectIfUnavailable(carryOnHandover);
      },
    },
  );

  const requestClose = (reason: string): void => {
    if (closeReason) return;
    closeReason = reason;
    running?.scope.cancel();
  };
  setHandler(
    closeSessionUpdate,
    async ({ reason }) => {
      requestClose(reason ?? 'closed by user');
      await condition(() => status === 'closed');
      return state();
    },
    { validator: (_req) => rejectIfUnavailable(false) },
  );
  setHandler(closeSessionSignal, ({ reason }) => requestClose(reason ?? 'closed by user'));
  // One turn cancelled, the session kept: the running turn's scope (its tools, delegations and compensations
  // settle as for an interrupt), or a queued message dropped (its sendMessage answers `cancelled`).
  const cancelledTurns = new Set<string>();
  setHandler(
    cancelTurnUpdate,
    ({ turnId }) => {
      if (running?.turnId === turnId) {
        cancelledTurns.add(turnId);
        running.scope.cancel();
        return { turnId, cancelled: true, was: 'running' as const };
      }
      const at = queue.findIndex((q) => q.turnId === turnId);
      if (at < 0) return { turnId, cancelled: false, was: 'ended' as const };
      const [dropped] = queue.splice(at, 1);
      const result: TurnResult = { turnId, status: 'cancelled', error: 'turn cancelled before it started', usage: ZERO_USAGE };
      results.set(turnId, result);
      if (dropped?.updateId !== undefined) remember(recent, dropped.updateId, result);
      events.publish({ type: 'turn.interrupted', turnId });
      return { turnId, cancelled: true, was: 'queued' as const };
    },
    { validator: (_req) => rejectIfUnavailable(true) },
  );
  // Research jobs started by the `research` tool report their milestones here; they join the conversation's stream.
  setHandler(researchProgressToSessionSignal, ({ turnId, toolCallId, jobId, event }) => {
    events.publish({ type: 'research.progress', turnId, toolCallId, jobId, event });
  });

  function rejectIfUnavailable(carryMessages: boolean): void {
    if (closeReason || status === 'closed') {
      throw ApplicationFailure.create({ type: 'SessionClosed', message: 'session is closed', nonRetryable: true });
    }
    if (draining && !carryMessages) {
      // A few milliseconds while the run hands over to its successor; the gateway retries.
      throw ApplicationFailure.create({ type: 'SessionBusy', message: 'session is compacting its history; retry', nonRetryable: true });
    }
  }

  // ---- one turn ---- (counted and timed: ./metrics)
  const runTurn = (item: QueuedMessage): Promise<TurnResult> => timedTurn(() => runOneTurn(item));
  async function runOneTurn(item: QueuedMessage): Promise<TurnResult> {
    status = 'running';
    lastActivityAt = nowIso();
    messages.push({ role: 'user', content: item.text, turnId: item.turnId });
    events.publish({ type: 'turn.started', turnId: item.turnId, text: item.text });
    const compensations = new TurnCompensations(events, sessionId);
    let turnUsage: TokenUsage = ZERO_USAGE;
    const onUsage = (u: TokenUsage) => {
      turnUsage = addUsage(turnUsage, u);
      usage = addUsage(usage, u);
    };
    const rootWorkflowId = workflowInfo().workflowId;
    /** The workflow tools of the active agent, recomputed per model call: research, handoffs, delegates. */
    const toolsFor = (active: AgentProfile): WorkflowTool[] => {
      const research = researchToolFor({ sessionWorkflowId: rootWorkflowId, sessionId, tenant, profileTools: active.tools, options });
      const delegates = delegateToolsFor(active, {
        rootWorkflowId,
        sessionId,
        tenant,
        team: agents.team,
        path: [active.name],
        depth: 0,
        maxDepth: AGENT_LIMITS.maxDelegationDepth,
        ...(options.toolAllowlist ? { toolAllowlist: options.toolAllowlist } : {}),
        approvalTimeoutMs: options.approvalTimeoutMs,
        ...(options.waitForBudget === false ? { waitForBudget: false } : {}),
        events,
        onUsage,
      });
      return [...(research ? [research] : []), ...agents.handoffTools(active), ...delegates];
    };
    const ctx: TurnContext = {
      sessionId,
      tenant,
      turnId: item.turnId,
      profile: agents.active,
      currentProfile: () => agents.active,
      sessionAllow: options.toolAllowlist,
      summary,
      messages,
      events,
      approvalGate: approvals.gate,
      toolsFor,
      compensations,
      budget: turnBudgetHooks({ wake: budgetWake, wait: options.waitForBudget !== false, turnId: item.turnId, events, onChange: (w) => (waitingBudget = w) }),
    };
    const scope = new CancellationScope();
    running = { turnId: item.turnId, scope };
    try {
      const outcome = await scope.run(() => runAgentTurn(ctx, onUsage));
      const structured = outcome.structured !== undefined ? { structured: outcome.structured } : {};
      events.publish({ type: 'turn.completed', turnId: item.turnId, reply: outcome.reply, usage: turnUsage, ...structured });
      return { turnId: item.turnId, status: 'completed', reply: outcome.reply, usage: turnUsage, ...structured };
    } catch (err) {
      closeOpenToolCalls(messages, item.turnId, isCancellation(err) ? 'cancelled: the turn was interrupted' : 'not run: the turn failed');
      // Side effects of the failed turn with a declared compensation are undone (last first).
      const rolledBack = describeRollback(await compensations.rollback());
      const withRollback = (text: string) => (rolledBack ? `${text}; ${rolledBack}` : text);
      if (isCancellation(err)) {
        const why = closeReason || cancelledTurns.delete(item.turnId) ? 'cancelled' : 'interrupted';
        messages.push({ role: 'assistant', content: '', turnId: item.turnId, error: withRollback(`turn ${why}`) });
        events.publish({ type: 'turn.interrupted', turnId: item.turnId });
        return { turnId: item.turnId, status: why, usage: turnUsage, ...(rolledBack ? { error: withRollback(`turn ${why}`) } : {}) };
      }
      const error = withRollback(describeFailure(err));
      log.warn('turn failed', { turnId: item.turnId, error });
      messages.push({ role: 'assistant', content: '', turnId: item.turnId, error });
      events.publish({ type: 'turn.failed', turnId: item.turnId, error });
      return { turnId: item.turnId, status: 'failed', error, usage: turnUsage };
    } finally {
      running = undefined;
      waitingBudget = false;
      turns += 1;
      turnsThisRun += 1;
      lastActivityAt = nowIso();
      status = 'idle';
      truncateStream();
    }
  }

  /**
   * Keep the last `streamRetainEvents` events for reconnecting clients; drop
   * older ones. Checked every few turns (taking the snapshot encodes the log).
   */
  function truncateStream(): void {
    if (turns % 10 !== 0) return;
    const snapshot = stream.getState();
    const end = snapshot.base_offset + snapshot.log.length;
    if (snapshot.log.length > LIMITS.streamRetainEvents) stream.truncate(end - LIMITS.streamRetainEvents);
  }

  const shouldContinueAsNew = (): boolean =>
    turnsThisRun >= options.maxTurnsPerRun || workflowInfo().continueAsNewSuggested;

  // ---- main loop ----
  // One timer watches the idle deadline (./session-idle), not one started and cancelled per turn.
  const idle = patched(IDLE_WATCH_PATCH) ? new IdleWatch(options.idleTimeoutMs) : undefined;
  const ready = () => queue.length > 0 || closeReason !== undefined || shouldContinueAsNew();
  for (;;) {
    const woke = idle ? await idle.wait(ready) : await condition(ready, options.idleTimeoutMs);
    if (!woke) {
      closeReason = `idle for ${Math.round(options.idleTimeoutMs / 1000)} s`;
    }
    if (closeReason !== undefined) break;
    const next = queue.shift();
    if (next) {
      const result = await inUpdateTrace(next.updateId, () => runTurn(next)); // the turn's spans under its sendMessage update's
      results.set(next.turnId, result);
      if (next.updateId !== undefined) remember(recent, next.updateId, result);
      continue;
    }
    // Nothing queued and a new run is due: hand over. Messages arriving from now on are carried into the next run.
    const v2 = patched(HANDOVER_PATCH);
    draining = true;
    carryOnHandover = v2;
    stream.detachPollers();
    await condition(allHandlersFinished);
    // Bounded before summarising too: the summary activity's input is a payload as well.
    if (v2) messages = budgetCarried.messages(messages);
    const compacted = await compactConversation({
      profile: agents.active,
      messages,
      summary,
      ...options.compaction,
      ...(v2 ? { maxInputBytes: budgetCarried.summarizeInputBytes } : {}),
      onUsage: (u) => (usage = addUsage(usage, u)),
    });
    if (compacted.summarizedMessages > 0) {
      events.publish({ type: 'session.compacted', generation: generation + 1, summarizedMessages: compacted.summarizedMessages });
    }
    messages = compacted.messages;
    summary = compacted.summary;
    if (!v2) {
      await continueAsNew<typeof agentSession>({
        sessionId,
        tenant,
        profile,
        ...(input.team ? { team: input.team } : {}),
        options,
        carried: { messages, summary, usage, turns, turnSeq, createdAt, generation: generation + 1, ...agents.carried() },
        streamState: stream.getState(),
      });
    }
    await condition(allHandlersFinished);
    if (closeReason !== undefined) break; // closed (signal) during the hand-over: close here rather than lose it
    const base = { messages, summary, usage, turns, turnSeq, createdAt, generation: generation + 1, ...agents.carried() };
    const extra = { pending: [...queue], recent: [...recent], approvals: approvals.acceptedUpdates() };
    const team = input.team ? { team: input.team } : {};
    await continueAsNew<typeof agentSession>({ sessionId, tenant, profile, ...team, options, ...budgetCarried.input(base, extra, stream) });
  }

  // ---- close ----
  for (const q of queue.splice(0)) {
    results.set(q.turnId, { turnId: q.turnId, status: 'cancelled', error: `session closed: ${closeReason}`, usage: ZERO_USAGE });
  }
  status = 'closed';
  events.publish({ type: 'session.closed', reason: closeReason });
  stream.detachPollers();
  await condition(allHandlersFinished);
  return state();
}

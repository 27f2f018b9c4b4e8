/**
 * `agentDelegation`: an agent called as a tool (`ask_<name>`) by the session's
 * agent or by another delegate. A sub-conversation `[user: task]` run with the
 * agent loop and the delegate's own instructions, tools, model and round
 * limit; its final answer is the result (`ok: false` with the error when the
 * turn fails; `structured` is the parsed answer when the delegate has an
 * `outputSchema`).
 *
 * Nothing goes to its own stream: its events are relayed to the root session
 * (./delegation-relay.ts), its activities publish tokens and tool progress
 * straight to the root's stream (`streamTo`), and approvals are asked of the
 * root. Side effects with a declared compensation are rolled back when its
 * turn fails or is cancelled. Cancelling it (the parent turn was interrupted)
 * cancels its activities and its own delegations; it then ends cancelled.
 */
import { CancellationScope, isCancellation, log } from '@temporalio/workflow';
import { addUsage, ZERO_USAGE } from '@hub/contracts/agent/wire';
import type { ChatMessage, DelegationInput, DelegationResult, TokenUsage } from '@hub/contracts';
import { runAgentTurn } from './agent-loop';
import { relayTo, relayedApprovalGate } from './delegation-relay';
import { delegateToolsFor } from './delegation-tools';
import { TurnCompensations, describeRollback } from './turn-compensation';
import { describeFailure } from './util';
import { BudgetWake, turnBudgetHooks } from './budget-wait';

export async function agentDelegation(input: DelegationInput): Promise<DelegationResult> {
  const { agent, delegationId, turnId } = input;
  const events = relayTo(input.rootWorkflowId, delegationId);
  const approvalGate = relayedApprovalGate({
    rootWorkflowId: input.rootWorkflowId,
    delegationId,
    agent: agent.name,
    timeoutMs: input.approvalTimeoutMs,
    events,
  });
  const budgetWake = new BudgetWake();
  let usage: TokenUsage = ZERO_USAGE;
  const onUsage = (u: TokenUsage) => (usage = addUsage(usage, u));
  const delegates = delegateToolsFor(agent, {
    rootWorkflowId: input.rootWorkflowId,
    sessionId: input.sessionId,
    tenant: input.tenant,
    team: new Map(input.team.map((p) => [p.name, p])),
    path: input.path,
    depth: input.depth,
    maxDepth: input.maxDepth,
    parentDelegationId: delegationId,
    ...(input.toolAllowlist ? { toolAllowlist: input.toolAllowlist } : {}),
    approvalTimeoutMs: input.approvalTimeoutMs,
    ...(input.waitForBudget === false ? { waitForBudget: false } : {}),
    events,
    onUsage,
  });
  const messages: ChatMessage[] = [{ role: 'user', content: input.task, turnId }];
  const compensations = new TurnCompensations(events, input.sessionId);
  try {
    const out = await runAgentTurn(
      {
        sessionId: input.sessionId,
        tenant: input.tenant,
        turnId,
        profile: agent,
        ...(input.toolAllowlist ? { sessionAllow: input.toolAllowlist } : {}),
        messages,
        events,
        approvalGate,
        streamTo: { workflowId: input.rootWorkflowId, delegationId },
        ...(delegates.length > 0 ? { workflowTools: delegates } : {}),
        compensations,
        bornAfterToolsPatch: true,
        budget: turnBudgetHooks({ wake: budgetWake, wait: input.waitForBudget !== false, turnId, events }),
      },
      onUsage,
    );
    if (agent.outputSchema === undefined) return { ok: true, reply: out.reply, usage };
    // The loop asked for the schema (responseFormat) and parsed the answer.
    if (out.structuredError !== undefined) return { ok: false, reply: out.reply, error: `${out.structuredError}: ${out.reply.slice(0, 500)}`, usage };
    return { ok: true, reply: out.reply, usage, structured: out.structured };
  } catch (err) {
    // Side effects of the failed (or cancelled) turn with a declared compensation are undone, last first.
    const rolledBack = describeRollback(await CancellationScope.nonCancellable(() => compensations.rollback()));
    if (isCancellation(err)) throw err;
    const error = rolledBack ? `${describeFailure(err)}; ${rolledBack}` : describeFailure(err);
    log.warn('delegation failed', { delegationId, agent: agent.name, error });
    return { ok: false, reply: '', error, usage };
  } finally {
    await CancellationScope.nonCancellable(() => events.flush());
  }
}

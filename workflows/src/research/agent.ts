/**
 * `researchAgent`: one sub-agent of a research job. It runs the same
 * tool-using agent loop as a session turn (LLM and MCP tools as activities)
 * on one sub-question and returns its finding with provenance: the tool calls
 * it made and the sources (URLs, paths) that appeared in their results.
 *
 * It never fails for agent errors: a failed or cancelled agent returns a
 * finding with that status and the reason, so the job can apply its policy.
 * Nobody watches a sub-agent live, so tokens are not streamed and tools that
 * need a human's approval are refused.
 *
 * Started from a batch activity (./agent-batches) with a `seed`, the agent's
 * first model reply (which asked for tools) was already made there: the
 * agent runs its tool calls and goes on with the loop, one round fewer.
 */
import { isCancellation, workflowInfo } from '@temporalio/workflow';
import { WorkflowStream } from '@temporalio/workflow-streams/workflow';
import { addUsage, ZERO_USAGE } from '@hub/contracts/agent/wire';
import { RESEARCH_LIMITS, agentFirstMessage, cutText } from '@hub/contracts/research/wire';
import { SESSION_EVENTS_TOPIC } from '@hub/contracts/session/wire';
import type { AgentFinding, ChatMessage, ResearchAgentInput, SessionEvent, TokenUsage } from '@hub/contracts';
import { runAgentTurn, type ApprovalGate, type TurnContext } from '../agent-loop';
import { BudgetWake } from '../budget-wait';
import { runToolCalls } from '../parallel-tool-calls';
import { describeFailure } from '../util';

const UNATTENDED: ApprovalGate = async () => ({
  approved: false,
  reason: 'research agents run unattended; tools that need a human approval are not available to them',
  timedOut: false,
});


const SOURCE_RE = /\bhttps?:\/\/[^\s"'<>()\]]+|\bfile:\/\/[^\s"'<>()\]]+/g;

/** Tool calls and sources of an agent's conversation (the provenance of its finding). */
export function provenanceOf(messages: ChatMessage[]): Pick<AgentFinding, 'toolCalls' | 'sources'> {
  const results = new Map<string, { ok: boolean; content: string }>();
  for (const m of messages) {
    if (m.role === 'tool') results.set(m.toolCallId, { ok: !m.content.startsWith('Error:'), content: m.content });
  }
  const toolCalls: AgentFinding['toolCalls'] = [];
  const sources = new Set<string>();
  for (const m of messages) {
    if (m.role !== 'assistant' || !m.toolCalls) continue;
    for (const call of m.toolCalls) {
      const r = results.get(call.id);
      toolCalls.push({ tool: call.name, arguments: cut(call.arguments, 500), ok: r?.ok ?? false });
      if (r?.ok) for (const s of r.content.match(SOURCE_RE) ?? []) sources.add(s.replace(/[.,;:]+$/, ''));
    }
  }
  return { toolCalls, sources: [...sources].slice(0, 50) };
}

export const cut = cutText;

export async function researchAgent(input: ResearchAgentInput): Promise<AgentFinding> {
  const workflowId = workflowInfo().workflowId;
  // A local stream: tool calls are published as in a session, for anyone who subscribes to this agent.
  const events = new WorkflowStream().topic<SessionEvent>(SESSION_EVENTS_TOPIC);
  const messages: ChatMessage[] = [agentFirstMessage(input)];
  let usage: TokenUsage = ZERO_USAGE;
  const base = { index: input.task.index, workflowId };
  const ctx: TurnContext = {
    sessionId: workflowId,
    tenant: input.tenant,
    turnId: 'research',
    profile: input.profile,
    sessionAllow: input.tools,
    messages,
    events,
    approvalGate: UNATTENDED,
    streamTokens: false,
    tokenBudget: input.perAgentTokens,
    bornAfterToolsPatch: true,
    budget: { wake: new BudgetWake(), wait: input.waitForBudget !== false, onWait: () => undefined, onResume: () => undefined },
  };
  try {
    const seed = input.seed;
    if (seed) {
      // The first reply came from the batch activity: run its tool calls, then go on with the loop, which
      // makes the agent's further calls (its own turn id, so no idempotency key is reused), one round fewer.
      usage = addUsage(usage, seed.usage);
      messages.push({ role: 'assistant', content: seed.content, toolCalls: seed.toolCalls, turnId: 'research' });
      await runToolCalls(ctx, seed.toolCalls, { byName: new Map(seed.offeredTools.map((t) => [t.name, t])), workflowTools: new Map(), agent: input.profile.name });
      ctx.turnId = 'research/seeded';
      ctx.profile = { ...input.profile, maxToolRounds: Math.max(0, input.profile.maxToolRounds - 1) };
      if (input.perAgentTokens !== undefined) ctx.tokenBudget = Math.max(1, input.perAgentTokens - seed.usage.totalTokens);
    }
    const out = await runAgentTurn(ctx, (u) => (usage = addUsage(usage, u)));
    return {
      ...base,
      status: 'succeeded',
      answer: cut(out.reply, RESEARCH_LIMITS.maxFindingChars),
      ...provenanceOf(messages),
      usage,
      ...(out.budgetExhausted ? { budgetExhausted: true } : {}),
    };
  } catch (err) {
    const cancelled = isCancellation(err);
    return {
      ...base,
      status: cancelled ? 'cancelled' : 'failed',
      error: cancelled ? 'cancelled' : describeFailure(err),
      ...provenanceOf(messages),
      usage,
    };
  }
}

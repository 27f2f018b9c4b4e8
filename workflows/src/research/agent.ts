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
 */
import { isCancellation, workflowInfo } from '@temporalio/workflow';
import { WorkflowStream } from '@temporalio/workflow-streams/workflow';
import { addUsage, ZERO_USAGE } from '@hub/contracts/agent/wire';
import { RESEARCH_LIMITS } from '@hub/contracts/research/wire';
import { SESSION_EVENTS_TOPIC } from '@hub/contracts/session/wire';
import type { AgentFinding, ChatMessage, ResearchAgentInput, SessionEvent, TokenUsage } from '@hub/contracts';
import { runAgentTurn, type ApprovalGate } from '../agent-loop';
import { describeFailure } from '../util';

const UNATTENDED: ApprovalGate = async () => ({
  approved: false,
  reason: 'research agents run unattended; tools that need a human approval are not available to them',
  timedOut: false,
});

export function agentPrompt(input: Pick<ResearchAgentInput, 'overallQuestion' | 'task'>): string {
  return [
    `Overall research question: ${input.overallQuestion}`,
    '',
    `Your part (sub-question ${input.task.index + 1}): ${input.task.question}`,
    input.task.focus ? `Why it matters: ${input.task.focus}` : '',
    '',
    'Research your part with the available tools and report your findings concisely, citing the source of each claim.',
  ]
    .filter((l, i, all) => l !== '' || all[i - 1] !== '')
    .join('\n');
}

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

export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [cut: ${text.length - max} more characters]`;
}

export async function researchAgent(input: ResearchAgentInput): Promise<AgentFinding> {
  const workflowId = workflowInfo().workflowId;
  // A local stream: tool calls are published as in a session, for anyone who subscribes to this agent.
  const events = new WorkflowStream().topic<SessionEvent>(SESSION_EVENTS_TOPIC);
  const messages: ChatMessage[] = [{ role: 'user', content: agentPrompt(input), turnId: 'research' }];
  let usage: TokenUsage = ZERO_USAGE;
  const base = { index: input.task.index, workflowId };
  try {
    const out = await runAgentTurn(
      {
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
      },
      (u) => (usage = addUsage(usage, u)),
    );
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

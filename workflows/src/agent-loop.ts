/**
 * One agent turn: call the model, run the tools it asks for (pausing for
 * approval where a tool requires it; the calls of one response run at once,
 * `./parallel-tool-calls`), feed the results back, until the model answers
 * without tool calls or the round limit is reached.
 *
 * The active agent is read before every model call (`currentProfile`): a
 * handoff (`./handoffs`) switches the instructions, tools, model, temperature
 * and round limit from the next call on. An agent with an `outputSchema` is
 * asked for JSON (`responseFormat`) and its final answer is parsed.
 *
 * Every activity gets an explicit id derived from the turn id, so the
 * idempotency key `<workflowId>/<activityId>` that activities send to LLM
 * endpoints and tools stays unique across continue-as-new runs.
 */
import { patched, proxyActivities } from '@temporalio/workflow';
import type { AgentProfile, ChatMessage, LlmRequest, SessionActivities, Summary, TokenUsage, ToolSpec } from '@hub/contracts';
import { listToolsActivityOptions, llmActivityOptions } from './activity-options';
import type { TurnContext, TurnOutcome } from './agent-turn-types';
import { runToolCalls } from './parallel-tool-calls';
import { withBudget } from './budget-wait';

export type { ApprovalGate, ApprovalRequest, EventSink, TurnContext, TurnOutcome, WorkflowTool } from './agent-turn-types';

const llm = (activityId: string) => proxyActivities<SessionActivities>({ ...llmActivityOptions, activityId });
const catalog = (activityId: string) => proxyActivities<SessionActivities>({ ...listToolsActivityOptions, activityId });

/**
 * Patch `tools-in-llm-activity`: the LLM activity resolves the tool catalogue
 * itself (`toolAllow`) and reports what it offered, instead of a separate
 * `listTools` activity before each turn (one task round trip less per turn).
 * Histories from before the patch replay the old path.
 */
export const TOOLS_IN_LLM_ACTIVITY = 'tools-in-llm-activity';

/** The system prompt, with the summary of compacted history appended. */
export function systemPromptFor(profile: AgentProfile, summary?: Summary): string {
  if (!summary) return profile.systemPrompt;
  return `${profile.systemPrompt}\n\nSummary of the earlier conversation (${summary.coveredMessages} messages):\n${summary.text}`;
}

/** Messages the model sees: failed-turn notes are for people, not for the model. */
export function modelMessages(messages: ChatMessage[]): ChatMessage[] {
  return messages.filter((m) => !(m.role === 'assistant' && m.error !== undefined));
}

export async function runAgentTurn(ctx: TurnContext, onUsage: (u: TokenUsage) => void): Promise<TurnOutcome> {
  const { turnId } = ctx;
  const activeProfile = (): AgentProfile => ctx.currentProfile?.() ?? ctx.profile;
  let profile = activeProfile();
  let usedTokens = 0;
  const toolsOf = (p: AgentProfile) => (ctx.toolsFor ? ctx.toolsFor(p) : (ctx.workflowTools ?? []));
  // First, as before handoffs: the research tool's patch check comes before the catalogue's in histories.
  const firstTools = toolsOf(profile);
  // Before the patch: the catalogue came from its own activity, once per turn.
  const legacyCatalog: ToolSpec[] | undefined =
    profile.tools.length === 0 || ctx.bornAfterToolsPatch || patched(TOOLS_IN_LLM_ACTIVITY)
      ? undefined
      : await catalog(`${turnId}/tools`).listTools({ allow: profile.tools, alsoAllow: ctx.sessionAllow });
  /** Model calls of the active agent (a handoff gives the new agent its own `maxToolRounds`). */
  let agentRounds = 0;

  for (let round = 0; ; round++, agentRounds++) {
    const current = activeProfile();
    if (current !== profile) {
      profile = current;
      agentRounds = 0;
    }
    // The tool set of the active agent, recomputed per model call (a handoff changes it).
    const workflowTools = new Map((round === 0 ? firstTools : toolsOf(profile)).map((t) => [t.spec.name, t]));
    const wantsTools = profile.tools.length > 0 || workflowTools.size > 0;
    const mayUseTools = agentRounds < profile.maxToolRounds && wantsTools && (legacyCatalog === undefined || legacyCatalog.length > 0);
    const format = responseFormatOf(profile);
    const offered = mayUseTools && legacyCatalog ? legacyCatalog : mayUseTools ? [...workflowTools.values()].map((t) => t.spec) : [];
    const request: LlmRequest = {
      model: profile.model,
      agent: profile.name,
      ...(ctx.budget?.wait === false ? { budgetWait: false } : {}),
      temperature: profile.temperature,
      systemPrompt: systemPromptFor(profile, ctx.summary),
      messages: modelMessages(ctx.messages),
      tools: offered,
      ...(mayUseTools && !legacyCatalog && profile.tools.length > 0
        ? { toolAllow: { allow: profile.tools, alsoAllow: ctx.sessionAllow, tenant: ctx.tenant } }
        : {}),
      ...(ctx.streamTokens === false ? {} : { stream: { turnId, round, ...ctx.streamTo } }),
      ...(format ? { responseFormat: format } : {}),
    };
    // A spent tenant budget: wait for it (ctx.budget) and call again under a fresh activity id.
    const res = await withBudget(ctx.budget, (n) => llm(n === 0 ? `${turnId}/llm/${round}` : `${turnId}/llm/${round}/budget-${n}`).llmComplete(request));
    // What the model was offered: the activity reports it when it resolved the catalogue (`toolAllow`).
    const byName = new Map((legacyCatalog ?? res.offeredTools ?? offered).map((t) => [t.name, t]));
    onUsage(res.usage);
    usedTokens += res.usage.totalTokens;
    const budgetSpent = ctx.tokenBudget !== undefined && usedTokens >= ctx.tokenBudget;
    if (res.toolCalls.length === 0 || !mayUseTools || budgetSpent) {
      ctx.messages.push({ role: 'assistant', content: res.content, turnId });
      const outcome: TurnOutcome = { reply: res.content, agent: profile.name, ...structuredOf(profile, res.content) };
      return budgetSpent && res.toolCalls.length > 0 ? { ...outcome, budgetExhausted: true } : outcome;
    }
    ctx.messages.push({ role: 'assistant', content: res.content, toolCalls: res.toolCalls, turnId });
    await runToolCalls(ctx, res.toolCalls, { byName, workflowTools, agent: profile.name });
  }
}

/** The structured-output request of an agent with an `outputSchema` (OpenAI names: `[a-zA-Z0-9_-]{1,64}`). */
export function responseFormatOf(profile: AgentProfile): LlmRequest['responseFormat'] {
  if (!profile.outputSchema) return undefined;
  const name = profile.name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'answer';
  return { name, schema: profile.outputSchema };
}

/** The parsed final answer of an agent with an `outputSchema` (a fenced ```json block is unwrapped). */
export function structuredOf(profile: AgentProfile, content: string): Pick<TurnOutcome, 'structured' | 'structuredError'> {
  if (!profile.outputSchema) return {};
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(content);
  try {
    return { structured: JSON.parse(fenced ? fenced[1]! : content) as unknown };
  } catch {
    return { structuredError: 'the final answer is not JSON' };
  }
}

/** Every tool call the model made must be answered before the conversation can go on. */
export function closeOpenToolCalls(messages: ChatMessage[], turnId: string, why: string): void {
  const answered = new Set(messages.filter((m) => m.role === 'tool').map((m) => (m.role === 'tool' ? m.toolCallId : '')));
  for (const m of messages) {
    if (m.role !== 'assistant' || m.turnId !== turnId || !m.toolCalls) continue;
    for (const call of m.toolCalls) {
      if (!answered.has(call.id)) messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: why, turnId });
    }
  }
}

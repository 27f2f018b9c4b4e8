/**
 * One agent turn: call the model, run the tools it asks for (pausing for
 * approval where a tool requires it), feed the results back, until the
 * model answers without tool calls or the round limit is reached.
 *
 * Every activity gets an explicit id derived from the turn id, so the
 * idempotency key `<workflowId>/<activityId>` that activities send to LLM
 * endpoints and tools stays unique across continue-as-new runs.
 */
import { ActivityCancellationType, patched, proxyActivities } from '@temporalio/workflow';
import type { WorkflowTopicHandle } from '@temporalio/workflow-streams/workflow';
import type {
  AgentProfile,
  ChatMessage,
  SessionActivities,
  SessionEvent,
  StreamTarget,
  Summary,
  TokenUsage,
  ToolCall,
  ToolSpec,
} from '@hub/contracts';
import { listToolsActivityOptions, llmActivityOptions, toolActivityOptions } from './activity-options';
import type { TurnCompensations } from './turn-compensation';

export interface ApprovalRequest {
  turnId: string;
  toolCallId: string;
  tool: string;
  arguments: string;
}
/** Where a turn publishes its events: the session's stream topic, or (in a delegation) a relay to the root session. */
export type EventSink = Pick<WorkflowTopicHandle<SessionEvent>, 'publish'>;

export type ApprovalGate = (req: ApprovalRequest) => Promise<{ approved: boolean; reason?: string; timedOut: boolean }>;

export interface TurnContext {
  sessionId: string;
  tenant: string;
  turnId: string;
  profile: AgentProfile;
  sessionAllow?: string[];
  summary?: Summary;
  /** The conversation; the loop appends to it. */
  messages: ChatMessage[];
  events: EventSink;
  approvalGate: ApprovalGate;
  /** Activities publish their events (tokens, tool progress) to this workflow's stream, tagged (delegations). */
  streamTo?: StreamTarget;
  /** Stream token deltas to the workflow's event stream (default true; sub-agents nobody watches turn it off). */
  streamTokens?: boolean;
  /**
   * Token budget of this turn: once the model has used this many tokens, no
   * more tools run and its last answer stands (the result says so).
   */
  tokenBudget?: number;
  /** Tools the workflow itself implements (e.g. `research`), offered next to the catalogue. */
  workflowTools?: WorkflowTool[];
  /** Where compensations of side-effecting tools are registered (rolled back by the caller if the turn fails). */
  compensations?: TurnCompensations;
  /**
   * The workflow type never ran the pre-`tools-in-llm-activity` code, so the patch check (a marker and a
   * search-attribute update per workflow) is skipped: research agents, thousands per job.
   */
  bornAfterToolsPatch?: boolean;
}

/** A tool run by workflow code (child workflows, timers) rather than by an activity. */
export interface WorkflowTool {
  spec: ToolSpec;
  run(call: ToolCall, turnId: string): Promise<{ ok: boolean; content: string }>;
}

export interface TurnOutcome {
  reply: string;
  /** The turn stopped early because its token budget was spent. */
  budgetExhausted?: boolean;
}

const llm = (activityId: string) => proxyActivities<SessionActivities>({ ...llmActivityOptions, activityId });
/** Tool activities get the tool's own limits when its server sets them (MCP `timeouts`). */
const tools = (activityId: string, spec: ToolSpec) =>
  proxyActivities<SessionActivities>({
    ...toolActivityOptions,
    ...(spec.timeouts?.callMs ? { startToCloseTimeout: spec.timeouts.callMs } : {}),
    ...(spec.timeouts?.heartbeatMs ? { heartbeatTimeout: spec.timeouts.heartbeatMs } : {}),
    // A compensable call that is cancelled must settle first: a call that completed anyway is then undone.
    ...(spec.compensation ? { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED } : {}),
    activityId,
  });
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
  const { profile, turnId } = ctx;
  const workflowTools = new Map((ctx.workflowTools ?? []).map((t) => [t.spec.name, t]));
  const wantsTools = profile.tools.length > 0;
  let usedTokens = 0;
  // Before the patch: the catalogue came from its own activity, once per turn.
  const legacyCatalog: ToolSpec[] | undefined =
    !wantsTools || ctx.bornAfterToolsPatch || patched(TOOLS_IN_LLM_ACTIVITY)
      ? undefined
      : await catalog(`${turnId}/tools`).listTools({ allow: profile.tools, alsoAllow: ctx.sessionAllow });

  for (let round = 0; ; round++) {
    const mayUseTools = round < profile.maxToolRounds && wantsTools && (legacyCatalog === undefined || legacyCatalog.length > 0);
    const res = await llm(`${turnId}/llm/${round}`).llmComplete({
      model: profile.model,
      temperature: profile.temperature,
      systemPrompt: systemPromptFor(profile, ctx.summary),
      messages: modelMessages(ctx.messages),
      tools: mayUseTools && legacyCatalog ? legacyCatalog : mayUseTools ? [...workflowTools.values()].map((t) => t.spec) : [],
      ...(mayUseTools && !legacyCatalog ? { toolAllow: { allow: profile.tools, alsoAllow: ctx.sessionAllow, tenant: ctx.tenant } } : {}),
      ...(ctx.streamTokens === false ? {} : { stream: { turnId, round, ...ctx.streamTo } }),
    });
    const byName = new Map((legacyCatalog ?? res.offeredTools ?? []).map((t) => [t.name, t]));
    onUsage(res.usage);
    usedTokens += res.usage.totalTokens;
    const budgetSpent = ctx.tokenBudget !== undefined && usedTokens >= ctx.tokenBudget;
    if (res.toolCalls.length === 0 || !mayUseTools || budgetSpent) {
      ctx.messages.push({ role: 'assistant', content: res.content, turnId });
      return budgetSpent && res.toolCalls.length > 0 ? { reply: res.content, budgetExhausted: true } : { reply: res.content };
    }
    ctx.messages.push({ role: 'assistant', content: res.content, toolCalls: res.toolCalls, turnId });

    for (const call of res.toolCalls) {
      ctx.events.publish({ type: 'tool.call', turnId, toolCallId: call.id, tool: call.name, arguments: call.arguments });
      const spec = byName.get(call.name);
      let ok = false;
      let content: string;
      if (!spec) {
        content = `Unknown tool '${call.name}'. Available tools: ${[...byName.keys()].join(', ') || 'none'}.`;
      } else {
        const decision = spec.requiresApproval
          ? await ctx.approvalGate({ turnId, toolCallId: call.id, tool: call.name, arguments: call.arguments })
          : { approved: true, timedOut: false };
        if (!decision.approved) {
          content = decision.timedOut
            ? `The user did not approve calling '${call.name}' in time; treated as denied. Do not retry it unless asked.`
            : `The user denied calling '${call.name}'${decision.reason ? `: ${decision.reason}` : '.'}`;
        } else if (workflowTools.has(call.name)) {
          const result = await workflowTools.get(call.name)!.run(call, turnId);
          ok = result.ok;
          content = result.ok ? result.content : `Error: ${result.content}`;
        } else {
          const compensation = ctx.compensations?.register(turnId, call, spec);
          let result: Awaited<ReturnType<SessionActivities['executeTool']>>;
          try {
            result = await tools(`${turnId}/tool/${call.id}`, spec).executeTool({
              name: call.name,
              arguments: call.arguments,
              sessionId: ctx.sessionId,
              turnId,
              toolCallId: call.id,
              ...(ctx.streamTo ? { streamTo: ctx.streamTo } : {}),
            });
          } catch (err) {
            // No answer (timed out, out of retries, cancelled mid-call): the effect may have happened, so undo it too.
            if (compensation) ctx.compensations!.outcomeUnknown(compensation);
            throw err;
          }
          ok = result.ok;
          content = result.ok ? result.content : `Error: ${result.content}`;
          if (compensation && result.ok) ctx.compensations!.completed(compensation, result.content);
        }
      }
      ctx.messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content, turnId });
      ctx.events.publish({ type: 'tool.result', turnId, toolCallId: call.id, tool: call.name, ok, content });
    }
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

/**
 * The tool calls of one model response. Each call: `tool.call`, the approval where the tool requires it,
 * then the workflow tool (research, handoffs, delegations) or the `executeTool` activity (its compensation
 * registered before it runs), then `tool.result`.
 *
 * Behind `patched('parallel-tool-calls')`, a response with several calls runs them concurrently, at most
 * AGENT_LIMITS.maxParallelToolCalls at once (the rest start as others finish, in the model's order). Events
 * are published as calls start and end; the results join the conversation in the order the model asked
 * (each as soon as every call before it has answered). When one call throws (no answer: out of retries,
 * timed out), the others are cancelled, the batch settles, and that error fails the turn, whose
 * compensations then see every call's outcome. Histories from before the patch run them one after another.
 */
import { ActivityCancellationType, CancellationScope, patched, proxyActivities } from '@temporalio/workflow';
import { AGENT_LIMITS } from '@hub/contracts/agent/wire';
import type { SessionActivities, ToolCall, ToolSpec } from '@hub/contracts';
import { toolActivityOptions } from './activity-options';
import type { TurnContext, WorkflowTool } from './agent-turn-types';

export const PARALLEL_TOOL_CALLS_PATCH = 'parallel-tool-calls';

/** What the calls of one response are resolved against. */
export interface ToolLookup {
  /** The tools the model was offered, by name. */
  byName: ReadonlyMap<string, ToolSpec>;
  /** Those of them the workflow runs itself. */
  workflowTools: ReadonlyMap<string, WorkflowTool>;
  /** The agent whose calls they are (shown with approvals). */
  agent: string;
}

interface CallResult {
  ok: boolean;
  content: string;
}

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

/** Runs the calls of one model response and appends their results to the conversation, in the model's order. */
export async function runToolCalls(ctx: TurnContext, calls: readonly ToolCall[], lookup: ToolLookup): Promise<void> {
  if (calls.length > 1 && patched(PARALLEL_TOOL_CALLS_PATCH)) {
    await runConcurrently(ctx, calls, lookup, AGENT_LIMITS.maxParallelToolCalls);
    return;
  }
  for (const call of calls) answer(ctx, call, await runToolCall(ctx, call, lookup));
}

function answer(ctx: TurnContext, call: ToolCall, r: CallResult): void {
  ctx.messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: r.content, turnId: ctx.turnId });
}

async function runConcurrently(ctx: TurnContext, calls: readonly ToolCall[], lookup: ToolLookup, limit: number): Promise<void> {
  const results: Array<CallResult | undefined> = calls.map(() => undefined);
  let answered = 0;
  let next = 0;
  let failure: { error: unknown } | undefined;
  const batch = new CancellationScope();
  const flush = () => {
    while (answered < calls.length && results[answered]) {
      answer(ctx, calls[answered]!, results[answered]!);
      answered++;
    }
  };
  const lane = async () => {
    while (!failure && next < calls.length) {
      const i = next++;
      try {
        results[i] = await runToolCall(ctx, calls[i]!, lookup);
        flush();
      } catch (error) {
        if (!failure) {
          failure = { error };
          batch.cancel();
        }
      }
    }
  };
  await batch.run(() => Promise.all(Array.from({ length: Math.min(limit, calls.length) }, lane)));
  if (failure) throw failure.error;
}

/** One call, from `tool.call` to `tool.result`. Throws when the call got no answer (the turn fails). */
async function runToolCall(ctx: TurnContext, call: ToolCall, lookup: ToolLookup): Promise<CallResult> {
  const { turnId } = ctx;
  ctx.events.publish({ type: 'tool.call', turnId, toolCallId: call.id, tool: call.name, arguments: call.arguments });
  const spec = lookup.byName.get(call.name);
  let ok = false;
  let content: string;
  if (!spec) {
    content = `Unknown tool '${call.name}'. Available tools: ${[...lookup.byName.keys()].join(', ') || 'none'}.`;
  } else {
    const decision = spec.requiresApproval
      ? await ctx.approvalGate({ turnId, toolCallId: call.id, tool: call.name, arguments: call.arguments, agent: lookup.agent })
      : { approved: true, timedOut: false };
    const workflowTool = lookup.workflowTools.get(call.name);
    if (!decision.approved) {
      content = decision.timedOut
        ? `The user did not approve calling '${call.name}' in time; treated as denied. Do not retry it unless asked.`
        : `The user denied calling '${call.name}'${decision.reason ? `: ${decision.reason}` : '.'}`;
    } else if (workflowTool) {
      const result = await workflowTool.run(call, turnId);
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
  ctx.events.publish({ type: 'tool.result', turnId, toolCallId: call.id, tool: call.name, ok, content });
  return { ok, content };
}

/**
 * The session's `research` tool: the model asks for a research job, the
 * session runs it as a child workflow (`researchJob`), the job's milestones
 * (planned, progress, synthesizing, done) arrive as signals and are streamed
 * into the conversation as `research.progress` events, and the report is the
 * tool's result. Interrupting the turn cancels the job (and its agents).
 *
 * Offered only when the session has research profiles (set by the gateway),
 * its allowlists admit `research`, and the workflow runs code with the
 * `session-research-tool` patch (histories from before it replay without).
 */
import { ChildWorkflowCancellationType, ParentClosePolicy, executeChild, isCancellation, patched } from '@temporalio/workflow';
import { WORKFLOW_TYPES } from '@hub/contracts/common/wire';
import { researchWorkflowId } from '@hub/contracts/research/wire';
import type { ResearchJobInput, SessionOptions, ToolSpec } from '@hub/contracts';
import type { WorkflowTool } from './agent-loop';
import type { researchJob } from './research/job';
import { cut } from './research/agent';
import { describeFailure, nowIso } from './util';
import { check, withZod } from './validators';

export const RESEARCH_TOOL_PATCH = 'session-research-tool';
export const RESEARCH_TOOL_NAME = 'research';
/** Most agents a chat may start per research call. */
export const CHAT_RESEARCH_MAX_AGENTS = 20;

const researchArgs = withZod((z) =>
  z
    .object({
      question: z.string().min(1).max(8_000),
      maxAgents: z.number().int().min(1).max(CHAT_RESEARCH_MAX_AGENTS).optional(),
    })
    .strict(),
);

export const RESEARCH_TOOL_SPEC: ToolSpec = {
  name: RESEARCH_TOOL_NAME,
  description:
    'Start a research job: the question is split into parts that several agents research in parallel with their tools, ' +
    'and a report citing their findings is written. Use it for broad questions that need several sources; it can take minutes.',
  parameters: {
    type: 'object',
    properties: {
      question: { type: 'string', description: 'The research question' },
      maxAgents: { type: 'integer', minimum: 1, maximum: CHAT_RESEARCH_MAX_AGENTS, description: 'Most parallel agents (default 3)' },
    },
    required: ['question'],
    additionalProperties: false,
  },
  requiresApproval: false,
};

/** Glob match of a tool allowlist entry (`*` any run of characters, `?` one), as the tool registry applies it. */
export function toolPatternMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}

export interface ResearchToolContext {
  sessionWorkflowId: string;
  sessionId: string;
  tenant: string;
  profileTools: string[];
  options: SessionOptions;
}

/** The tool, when this session may use it. */
export function researchToolFor(ctx: ResearchToolContext): WorkflowTool | undefined {
  const profiles = ctx.options.research;
  if (!profiles) return undefined;
  const allowed = (list: string[]) => list.some((p) => toolPatternMatches(p, RESEARCH_TOOL_NAME));
  if (!allowed(ctx.profileTools) || (ctx.options.toolAllowlist && !allowed(ctx.options.toolAllowlist))) return undefined;
  if (!patched(RESEARCH_TOOL_PATCH)) return undefined;
  return {
    spec: RESEARCH_TOOL_SPEC,
    async run(call, turnId) {
      let json: unknown;
      try {
        json = JSON.parse(call.arguments);
      } catch {
        return { ok: false, content: 'invalid arguments: not JSON' };
      }
      const checked = check(researchArgs(), json, 'arguments');
      if (!checked.ok) return { ok: false, content: `invalid arguments: ${checked.error}` };
      const args = checked.value;
      const suffix = `-${turnId}-${call.id}`.replace(/[^a-zA-Z0-9_-]/g, '_');
      const id = `${ctx.sessionId.slice(0, Math.max(1, 128 - suffix.length))}${suffix}`.slice(0, 128);
      const input: ResearchJobInput = {
        id,
        tenant: ctx.tenant,
        question: args.question,
        maxAgents: args.maxAgents ?? 3,
        planner: profiles.planner,
        researcher: profiles.researcher,
        synthesizer: profiles.synthesizer,
        minSuccessRatio: 0.5,
        ...(ctx.options.waitForBudget === false ? { waitForBudget: false } : {}),
        createdAt: nowIso(),
        parent: { workflowId: ctx.sessionWorkflowId, turnId, toolCallId: call.id },
      };
      try {
        const final = await executeChild<typeof researchJob>(WORKFLOW_TYPES.researchJob, {
          workflowId: researchWorkflowId(ctx.tenant, id),
          args: [input],
          cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        });
        const counts = `${final.progress.succeeded} of ${final.progress.total} agents succeeded`;
        if (final.status !== 'completed') {
          return { ok: false, content: `research job ${id} ended ${final.status} (${counts}): ${final.error ?? 'no report'}` };
        }
        const report = final.result?.report ?? '';
        const sources = (final.result?.citations ?? []).map((c) => `[${c.ref}] agent ${c.agent}: ${c.question}`).join('\n');
        return { ok: true, content: cut(`${report}\n\nCitations:\n${sources || '(none)'}\n\nResearch job ${id}: ${counts}.`, 12_000) };
      } catch (err) {
        if (isCancellation(err)) throw err; // the turn was interrupted: the job was cancelled with it
        return { ok: false, content: `research job ${id} failed: ${describeFailure(err)}` };
      }
    },
  };
}

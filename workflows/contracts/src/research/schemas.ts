/**
 * Schemas of research jobs: the API body, the job's input, and its state and
 * events (the shapes in `./wire`, checked below). A question is planned into
 * sub-questions, each researched by a child agent workflow, and the findings
 * are synthesised into one report with provenance.
 */
import { z } from 'zod';
import { AgentProfileSchema, AgentRefSchema, TokenUsageSchema } from '../agent/schemas';
import type { Expect, Same } from '../common/schemas';
import {
  RESEARCH_LIMITS,
  parseDurationMs,
  researchPlanSchemas,
  type AgentFinding,
  type AgentOutcomeStatus,
  type AgentStatus,
  type Citation,
  type ResearchAgentState,
  type ResearchEvent,
  type ResearchProgress,
  type ResearchResult,
  type ResearchState,
  type ResearchStatus,
  type SubTask,
  type ToolUse,
} from './wire';

// ---- API -------------------------------------------------------------------

/** What `parseDurationMs` reads (it trims first), as a pattern the OpenAPI document shows. */
const DURATION_PATTERN = /^\s*\d{1,7}(ms|s|m|h)\s*$/;
const DURATION_MESSAGE = 'deadline must be a duration like "90s", "10m" or "2h"';

export const DeadlineSchema = z
  .string()
  .regex(DURATION_PATTERN, { message: DURATION_MESSAGE })
  .refine((s) => (parseDurationMs(s) ?? 1) > 0, { message: DURATION_MESSAGE })
  .refine((s) => (parseDurationMs(s) ?? 0) <= 7 * 24 * 3_600_000, { message: 'deadline must be at most 7 days' })
  .describe('Time the sub-agents have, from the job start (e.g. "90s", "10m", "2h"); agents still running then are cancelled and count as timed out');

export const ResearchPolicySchema = z
  .object({
    minSuccessRatio: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('The job succeeds when at least this share of its sub-agents succeed (default 0.5)'),
    deadline: DeadlineSchema.optional(),
  })
  .strict();
export type ResearchPolicy = z.infer<typeof ResearchPolicySchema>;

export const ResearchBudgetSchema = z
  .object({
    tokens: z.number().int().positive().optional().describe('Token budget of the whole job (planner, agents, synthesizer); when spent, no new agents start'),
    perAgentTokens: z.number().int().positive().optional().describe('Token budget of each sub-agent; an agent over it must answer with what it has'),
  })
  .strict();
export type ResearchBudget = z.infer<typeof ResearchBudgetSchema>;

const ToolPatternSchema = z.string().regex(/^[a-zA-Z0-9_*?.-]{1,128}$/, { message: 'tool patterns use letters, digits, _, -, ., * and ?' });

/** Body of `POST /v1/research`. */
export const CreateResearchBodySchema = z
  .object({
    question: z
      .string()
      .max(8_000, { message: 'question must be at most 8000 characters' })
      .refine((s) => s.trim().length > 0, { message: 'question must not be empty' }),
    maxAgents: z
      .number()
      .int({ message: 'maxAgents must be an integer' })
      .min(1, { message: 'maxAgents must be at least 1' })
      .max(RESEARCH_LIMITS.maxAgents, { message: `maxAgents must be at most ${RESEARCH_LIMITS.maxAgents}` })
      .default(5),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(RESEARCH_LIMITS.maxInFlight)
      .optional()
      .describe(`Most sub-agents running at once (default and maximum ${RESEARCH_LIMITS.maxInFlight})`),
    agent: AgentRefSchema.optional().describe('The agent every sub-agent runs ("name" or "name@version"; default: researcher)'),
    planner: AgentRefSchema.optional().describe('The agent that splits the question (structured output; default: research-planner)'),
    synthesizer: AgentRefSchema.optional().describe('The agent that writes the report (default: research-synthesizer)'),
    tools: z.array(ToolPatternSchema).max(100).optional().describe('Tools the sub-agents may use (names or globs; default: the profile\'s)'),
    policy: ResearchPolicySchema.optional(),
    budget: ResearchBudgetSchema.optional(),
    waitForBudget: z.boolean().optional().describe("When the tenant's spending budget is spent: agents wait for a top-up or the next period (default), or fail at once (false)"),
  })
  .strict();
export type CreateResearchBody = z.input<typeof CreateResearchBodySchema>;

// ---- workflow inputs and results -----------------------------------------------

export const ResearchParentSchema = z.object({
  /** The session workflow to report progress to. */
  workflowId: z.string(),
  turnId: z.string(),
  toolCallId: z.string(),
});
export type ResearchParent = z.infer<typeof ResearchParentSchema>;

export const ResearchJobInputSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  question: z.string(),
  maxAgents: z.number().int().min(1).max(RESEARCH_LIMITS.maxAgents),
  /** Profiles: the planner, the sub-agents, the synthesizer (resolved by the caller). */
  planner: AgentProfileSchema,
  researcher: AgentProfileSchema,
  synthesizer: AgentProfileSchema,
  /** Extra allowlist of the sub-agents' tools (both this and the profile's must match). */
  tools: z.array(z.string()).optional(),
  minSuccessRatio: z.number().min(0).max(1),
  /** Most sub-agents in flight (default RESEARCH_LIMITS.maxInFlight). */
  concurrency: z.number().int().min(1).max(RESEARCH_LIMITS.maxInFlight).optional(),
  /** Sub-tasks per batch workflow, and the size above which batches are used (default and maximum 1,000; tests use less). */
  batchSize: z.number().int().min(1).max(RESEARCH_LIMITS.maxChildrenPerWorkflow).optional(),
  /** Milliseconds from the job start. */
  deadlineMs: z.number().int().positive().optional(),
  budget: ResearchBudgetSchema.optional(),
  /** false: agents whose tenant budget is spent fail instead of waiting. */
  waitForBudget: z.boolean().optional(),
  createdAt: z.string(),
  /** Set when a session's `research` tool started the job. */
  parent: ResearchParentSchema.optional(),
});
export type ResearchJobInput = z.infer<typeof ResearchJobInputSchema>;

export const SubTaskSchema = z.object({ index: z.number().int().nonnegative(), question: z.string(), focus: z.string() });

export const ToolUseSchema = z.object({
  tool: z.string(),
  arguments: z.string().describe('JSON arguments (cut to 500 characters)'),
  ok: z.boolean(),
});

export const AgentOutcomeStatusSchema = z.enum(['succeeded', 'failed', 'timed_out', 'cancelled']);

/** What one sub-agent returns: its answer and where it came from. */
export const AgentFindingSchema = z.object({
  index: z.number().int().nonnegative(),
  workflowId: z.string(),
  status: AgentOutcomeStatusSchema,
  answer: z.string().optional(),
  error: z.string().optional(),
  toolCalls: z.array(ToolUseSchema),
  /** URLs and other references found in the tool results the agent used. */
  sources: z.array(z.string()),
  usage: TokenUsageSchema,
  /** The agent stopped early because it spent its per-agent token budget. */
  budgetExhausted: z.boolean().optional(),
});

// ---- job state (query) -----------------------------------------------------------

export const ResearchStatusSchema = z
  .enum(['planning', 'running', 'waiting_budget', 'synthesizing', 'completed', 'failed', 'cancelled'])
  .describe(
    'planning: the planner is splitting the question; running: sub-agents are working; waiting_budget: sub-agents wait for the tenant\'s budget (a top-up or the next period); synthesizing: the report is being written; ' +
      'completed: a report was written (enough agents succeeded); failed: planning failed or too few agents succeeded; cancelled: cancelled, partial results kept',
  );

export const AgentStatusSchema = z.enum(['pending', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'skipped']);

export const ResearchAgentStateSchema = z.object({
  index: z.number().int().nonnegative(),
  question: z.string(),
  status: AgentStatusSchema,
  error: z.string().optional(),
  totalTokens: z.number().int().nonnegative().optional(),
});

export const ResearchProgressSchema = z.object({
  total: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative().describe('failed, timed out, cancelled or skipped'),
  percent: z.number().min(0).max(100).describe('share of sub-agents that have finished, in percent'),
});

export const CitationSchema = z.object({
  ref: z.number().int().positive().describe('The [n] marker in the report'),
  agent: z.number().int().nonnegative().describe('Index of the sub-agent whose finding it cites'),
  question: z.string(),
  sources: z.array(z.string()),
});

export const ResearchResultSchema = z.object({
  report: z.string(),
  citations: z.array(CitationSchema),
  /** The successful findings, with provenance (which agent, which tool calls, which sources). */
  findings: z.array(AgentFindingSchema),
  failures: z.array(z.object({ index: z.number().int(), status: AgentStatusSchema, reason: z.string() })),
  policy: z.object({ minSuccessRatio: z.number(), successRatio: z.number(), met: z.boolean() }),
  notes: z.array(z.string()).describe('What limited the job, e.g. the token budget or the deadline'),
  findingsOmitted: z.number().int().optional().describe('Successful findings left out of this answer to keep it within the payload limit (large jobs)'),
  failuresOmitted: z.number().int().optional().describe('Failures left out of this answer to keep it within the payload limit (large jobs)'),
});

export const ResearchStateSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  question: z.string(),
  status: ResearchStatusSchema,
  maxAgents: z.number().int(),
  plan: z.object({ requested: z.number().int(), planned: z.number().int(), capped: z.boolean(), attempts: z.number().int() }).optional(),
  progress: ResearchProgressSchema,
  agents: z.array(ResearchAgentStateSchema),
  usage: TokenUsageSchema,
  budget: z.object({ tokens: z.number().int().optional(), perAgentTokens: z.number().int().optional(), exhausted: z.boolean() }),
  deadlinePassed: z.boolean(),
  batches: z.number().int().nonnegative().describe('Batch workflows used (0: the job runs its agents itself)'),
  error: z.string().optional(),
  result: ResearchResultSchema.optional(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
});

/** Events on the job's durable stream (topic {@link RESEARCH_EVENTS_TOPIC}). */
export const ResearchEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('research.planning'), question: z.string() }),
  z.object({
    type: z.literal('research.planned'),
    subQuestions: z.array(z.string()).describe('The sub-questions (the first 1,000, each cut to 300 characters)'),
    requested: z.number().int(),
    capped: z.boolean(),
    batches: z.number().int(),
  }),
  z.object({ type: z.literal('agent.started'), index: z.number().int(), question: z.string() }),
  z.object({ type: z.literal('agent.finished'), index: z.number().int(), totalTokens: z.number().int() }),
  z.object({ type: z.literal('agent.failed'), index: z.number().int(), status: AgentStatusSchema, error: z.string() }),
  z.object({ type: z.literal('research.progress'), progress: ResearchProgressSchema }),
  z.object({ type: z.literal('research.budget_exhausted'), usedTokens: z.number().int(), budgetTokens: z.number().int() }),
  z.object({ type: z.literal('research.deadline'), deadlineMs: z.number().int() }),
  z.object({ type: z.literal('budget.waiting'), agents: z.number().int(), scope: z.enum(['tenant', 'agent']), resetsAt: z.string().describe('ISO time the period rolls over') }),
  z.object({ type: z.literal('budget.resumed'), agents: z.number().int() }),
  z.object({ type: z.literal('research.synthesizing'), findings: z.number().int() }),
  z.object({ type: z.literal('research.done'), status: ResearchStatusSchema, error: z.string().optional(), progress: ResearchProgressSchema }),
]);

// ---- the planner's plan --------------------------------------------------------

const plan = researchPlanSchemas(z);
export const ResearchPlanSchema = plan.plan;
/** JSON Schema of the plan, for `response_format: {type: 'json_schema'}`. */
export const researchPlanJsonSchema = plan.jsonSchema;

type _Proofs = [
  Expect<Same<z.infer<typeof SubTaskSchema>, SubTask>>,
  Expect<Same<z.infer<typeof ToolUseSchema>, ToolUse>>,
  Expect<Same<z.infer<typeof AgentOutcomeStatusSchema>, AgentOutcomeStatus>>,
  Expect<Same<z.infer<typeof AgentFindingSchema>, AgentFinding>>,
  Expect<Same<z.infer<typeof ResearchStatusSchema>, ResearchStatus>>,
  Expect<Same<z.infer<typeof AgentStatusSchema>, AgentStatus>>,
  Expect<Same<z.infer<typeof ResearchAgentStateSchema>, ResearchAgentState>>,
  Expect<Same<z.infer<typeof ResearchProgressSchema>, ResearchProgress>>,
  Expect<Same<z.infer<typeof CitationSchema>, Citation>>,
  Expect<Same<z.infer<typeof ResearchResultSchema>, ResearchResult>>,
  Expect<Same<z.infer<typeof ResearchStateSchema>, ResearchState>>,
  Expect<Same<z.infer<typeof ResearchEventSchema>, ResearchEvent>>,
];

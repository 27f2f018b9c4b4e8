/**
 * The zod-free half of research jobs: limits, workflow ids, the messages
 * between a job, its batches and a session, the inputs of the child
 * workflows and the plain types of a job's state and events. Workflow code
 * imports this at runtime (module scope runs again for every workflow run, so
 * it constructs no schema); the API schemas are in `./schemas`.
 *
 * Workflow ids derive from the job id, so a retried spawn can never start a
 * second copy of the same work:
 *
 *   research/<tenant>/<id>                     the job
 *   research/<tenant>/<id>/agent/<i>           sub-agent i (up to 1,000 sub-tasks)
 *   research/<tenant>/<id>/batch/<b>           batch b (above 1,000 sub-tasks)
 *   research/<tenant>/<id>/batch/<b>/agent/<i> sub-agent i, run by batch b
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { z } from 'zod';
import type { AgentProfile, ChatMessage, ToolCall, ToolSpec, TokenUsage } from '../agent/wire';
import type { ZodBuilders } from '../common/wire';

export const RESEARCH_LIMITS = {
  /** Most sub-agents one job may ask for. */
  maxAgents: 10_000,
  /** Most children one workflow runs at a time (per job across its batches). */
  maxInFlight: 500,
  /** Most children one workflow ever starts (Temporal's pending-children limit is 2,000; we stay far below). */
  maxChildrenPerWorkflow: 1_000,
  /** Planner answers that fail validation are re-asked this many times in total. */
  plannerAttempts: 3,
  /** Longest finding kept per agent (characters); longer ones are cut with a note. */
  maxFindingChars: 4_000,
  /** Budget of the synthesizer's input for all findings together (characters). */
  synthesisInputChars: 60_000,
  /**
   * Budget of the job's state as a query answer or result (characters of findings' answers); with
   * thousands of agents, answers are cut shorter and the rest are left out, saying how many, so the
   * state stays within Temporal's 2 MB payload limit.
   */
  stateFindingsChars: 600_000,
  /** Most findings and failures listed in the job's state. */
  stateMaxListed: 1_000,
  /** How often batch workflows report progress to their job (ms). */
  batchReportMs: 1_000,
  /** Most sub-agents one `researchAgentBatch` activity runs (its result and heartbeat details stay far below 2 MB). */
  maxAgentsPerActivity: 50,
  /** Largest first reply (JSON characters) carried from a batch activity to the child it escalates to; larger ones are asked again. */
  maxSeedChars: 16_000,
} as const;

const DURATION_RE = /^(\d{1,7})(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `"90s"`, `"10m"`, `"2h"`, `"500ms"` → milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

export const RESEARCH_EVENTS_TOPIC = 'events';

export function researchWorkflowId(tenant: string, id: string): string {
  return `research/${tenant}/${id}`;
}
export function researchWorkflowIdPrefix(tenant: string): string {
  return `research/${tenant}/`;
}
export function researchAgentWorkflowId(parentWorkflowId: string, index: number): string {
  return `${parentWorkflowId}/agent/${index}`;
}
export function researchBatchWorkflowId(jobWorkflowId: string, batch: number): string {
  return `${jobWorkflowId}/batch/${batch}`;
}

// ---- the plan --------------------------------------------------------------------

/**
 * The plan a job's planner returns (structured output), built with the zod the
 * caller passes: the job workflow validates planner answers with it, and
 * `jsonSchema()` is the `response_format` schema (computed on use: most
 * workflow runs never need it).
 */
export function researchPlanSchemas(zod: ZodBuilders) {
  const plan = zod
    .object({
      subQuestions: zod
        .array(
          zod
            .object({
              question: zod.string().min(1).max(2_000).describe('A self-contained question one agent can research'),
              focus: zod.string().max(500).describe('What this part contributes to the whole answer'),
            })
            .strict(),
        )
        .min(1),
    })
    .strict();
  const jsonSchema = (): Record<string, unknown> => {
    const { $schema: _ignored, ...schema } = zod.toJSONSchema(plan) as Record<string, unknown>;
    return schema;
  };
  return { plan, jsonSchema };
}
export type ResearchPlan = z.infer<ReturnType<typeof researchPlanSchemas>['plan']>;

// ---- the types of a job's state, events and children --------------------------------

export interface SubTask {
  index: number;
  question: string;
  focus: string;
}

export type AgentStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'skipped';
export type AgentOutcomeStatus = 'succeeded' | 'failed' | 'timed_out' | 'cancelled';
export type ResearchStatus = 'planning' | 'running' | 'waiting_budget' | 'synthesizing' | 'completed' | 'failed' | 'cancelled';

export interface ToolUse {
  tool: string;
  /** JSON arguments (cut to 500 characters). */
  arguments: string;
  ok: boolean;
}

/** What one sub-agent returns: its answer and where it came from. */
export interface AgentFinding {
  index: number;
  workflowId: string;
  status: AgentOutcomeStatus;
  answer?: string;
  error?: string;
  toolCalls: ToolUse[];
  /** URLs and other references found in the tool results the agent used. */
  sources: string[];
  usage: TokenUsage;
  /** The agent stopped early because it spent its per-agent token budget. */
  budgetExhausted?: boolean;
}

export interface ResearchAgentState {
  index: number;
  question: string;
  status: AgentStatus;
  error?: string;
  totalTokens?: number;
}

export interface ResearchProgress {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  /** Failed, timed out, cancelled or skipped. */
  failed: number;
  /** Share of sub-agents that have finished, in percent. */
  percent: number;
}

export interface Citation {
  /** The [n] marker in the report. */
  ref: number;
  /** Index of the sub-agent whose finding it cites. */
  agent: number;
  question: string;
  sources: string[];
}

export interface ResearchResult {
  report: string;
  citations: Citation[];
  /** The successful findings, with provenance (which agent, which tool calls, which sources). */
  findings: AgentFinding[];
  failures: Array<{ index: number; status: AgentStatus; reason: string }>;
  policy: { minSuccessRatio: number; successRatio: number; met: boolean };
  /** What limited the job, e.g. the token budget or the deadline. */
  notes: string[];
  /** Successful findings left out of this answer to keep it within the payload limit (large jobs). */
  findingsOmitted?: number;
  /** Failures left out of this answer to keep it within the payload limit (large jobs). */
  failuresOmitted?: number;
}

export interface ResearchState {
  id: string;
  tenant: string;
  question: string;
  status: ResearchStatus;
  maxAgents: number;
  plan?: { requested: number; planned: number; capped: boolean; attempts: number };
  progress: ResearchProgress;
  agents: ResearchAgentState[];
  usage: TokenUsage;
  budget: { tokens?: number; perAgentTokens?: number; exhausted: boolean };
  deadlinePassed: boolean;
  /** Batch workflows used (0: the job runs its agents itself). */
  batches: number;
  error?: string;
  result?: ResearchResult;
  createdAt: string;
  finishedAt?: string;
}

/** Events on the job's durable stream (topic {@link RESEARCH_EVENTS_TOPIC}). */
export type ResearchEvent =
  | { type: 'research.planning'; question: string }
  | {
      type: 'research.planned';
      /** The sub-questions (the first 1,000, each cut to 300 characters). */
      subQuestions: string[];
      requested: number;
      capped: boolean;
      batches: number;
    }
  | { type: 'agent.started'; index: number; question: string }
  | { type: 'agent.finished'; index: number; totalTokens: number }
  | { type: 'agent.failed'; index: number; status: AgentStatus; error: string }
  | { type: 'research.progress'; progress: ResearchProgress }
  | { type: 'research.budget_exhausted'; usedTokens: number; budgetTokens: number }
  | { type: 'research.deadline'; deadlineMs: number }
  | { type: 'budget.waiting'; agents: number; scope: 'tenant' | 'agent'; resetsAt: string }
  | { type: 'budget.resumed'; agents: number }
  | { type: 'research.synthesizing'; findings: number }
  | { type: 'research.done'; status: ResearchStatus; error?: string; progress: ResearchProgress };

/** Input of one sub-agent (`researchAgent`). */
export interface ResearchAgentInput {
  jobId: string;
  tenant: string;
  overallQuestion: string;
  task: SubTask;
  profile: AgentProfile;
  tools?: string[];
  perAgentTokens?: number;
  /** false: a spent tenant budget fails the agent instead of waiting. */
  waitForBudget?: boolean;
  /**
   * The agent's first model reply, made in a `researchAgentBatch` activity, that asked for tools: the child
   * runs those tool calls and goes on from there (the first call is not repeated).
   */
  seed?: AgentSeed;
}

/** A first model reply with tool calls, handed from a batch activity to the agent's child workflow. */
export interface AgentSeed {
  content: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  /** The tools the model was offered (the child resolves the calls against them). */
  offeredTools: ToolSpec[];
}

/** Input of the `researchAgentBatch` activity: the first (often only) model call of up to 50 sub-agents. */
export interface ResearchAgentBatchInput {
  /** The workflow the agents belong to (the job, or a batch workflow): their ids derive from it. */
  parentWorkflowId: string;
  agent: Omit<ResearchAgentInput, 'task' | 'seed'>;
  tasks: SubTask[];
  /** Most model calls in flight at once inside the activity. */
  concurrency: number;
  /** Longest answer kept per finding (characters). */
  answerChars: number;
}

/** What `researchAgentBatch` returns (and records in its heartbeat details as agents finish). */
export interface ResearchAgentBatchResult {
  /** Agents that finished in the activity (their first reply had no tool calls, or their budget was spent). */
  findings: AgentFinding[];
  /** Agents whose first reply asked for tools: they go on as `researchAgent` children, seeded when it fits. */
  escalated: Array<{ index: number; seed?: AgentSeed }>;
  /** The tenant's budget was spent: these agents made no call (the workflow waits for budget, then runs them). */
  budget?: { pending: number[]; scope: 'tenant' | 'agent'; resetsAt: number };
}

/** The research activities (`agents/src/research`). */
export interface ResearchActivities {
  researchAgentBatch(input: ResearchAgentBatchInput): Promise<ResearchAgentBatchResult>;
}

/** The prompt of sub-agent `task` (the same in the batch activity and in the `researchAgent` workflow). */
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

/** The first message of a sub-agent's conversation. */
export function agentFirstMessage(input: Pick<ResearchAgentInput, 'overallQuestion' | 'task'>): ChatMessage {
  return { role: 'user', content: agentPrompt(input), turnId: 'research' };
}

/** `text` cut to `max` characters, saying how much was cut. */
export function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [cut: ${text.length - max} more characters]`;
}

/** Input of a batch workflow (jobs above 1,000 sub-tasks). */
export interface ResearchBatchInput {
  jobWorkflowId: string;
  batch: number;
  agent: Omit<ResearchAgentInput, 'task'>;
  tasks: SubTask[];
  concurrency: number;
  /**
   * Longest answer handed back per agent (default 1,000): no more than the job's state and synthesizer use
   * of each finding at this size (200 characters at 10,000 agents), so the batches' results keep the job's
   * history small.
   */
  answerChars?: number;
  /**
   * Most successful findings handed back whole (the lowest indices); the other agents come back as outcomes
   * (status, tokens, error): the job lists at most 1,000 findings and synthesises fewer, so a 10,000-agent
   * job's history need not carry every answer. Unset: every finding whole.
   */
  fullFindings?: number;
}

/** What a batch workflow returns. */
export interface ResearchBatchResult {
  findings: AgentFinding[];
  /** The agents not in `findings` (see `fullFindings`). */
  outcomes?: AgentUpdate[];
}

/** One agent's change, as a batch reports it to its job. */
export interface AgentUpdate {
  index: number;
  status: AgentStatus;
  error?: string;
  totalTokens?: number;
}

// ---- Temporal messages ----------------------------------------------------------------

export const researchStateQuery = defineQuery<ResearchState>('researchState');
/** Batch → job: agents that started or finished since the last report. */
export const researchBatchProgressSignal = defineSignal<[{ batch: number; updates: AgentUpdate[] }]>('researchBatchProgress');
/** Job → batch: start no more agents (budget spent). */
export const researchStopStartingSignal = defineSignal<[{ reason: string }]>('researchStopStarting');
/** Job → the session that started it: progress for the conversation's event stream. */
export const researchProgressToSessionSignal = defineSignal<[{ turnId: string; toolCallId: string; jobId: string; event: ResearchEvent }]>(
  'researchProgress',
);

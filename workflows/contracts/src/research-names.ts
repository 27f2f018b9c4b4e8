/**
 * The zod-free half of research jobs: limits, workflow types and ids, the
 * messages between a job, its batches and a session, and the inputs of the
 * child workflows. Workflow code imports these at runtime (module scope runs
 * again for every workflow run, so it stays free of schema construction);
 * the schemas live in `research.ts` and `research-plan.ts`.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AgentProfile } from './agent';
import type { AgentStatus, ResearchEvent, ResearchState, SubTask } from './research';

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
} as const;

const DURATION_RE = /^(\d{1,7})(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `"90s"`, `"10m"`, `"2h"`, `"500ms"` → milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

/** Input of one sub-agent (`researchAgent`). */
export interface ResearchAgentInput {
  jobId: string;
  tenant: string;
  overallQuestion: string;
  task: SubTask;
  profile: AgentProfile;
  tools?: string[];
  perAgentTokens?: number;
}

/** Input of a batch workflow (jobs above 1,000 sub-tasks). */
export interface ResearchBatchInput {
  jobWorkflowId: string;
  batch: number;
  agent: Omit<ResearchAgentInput, 'task'>;
  tasks: SubTask[];
  concurrency: number;
}

export const RESEARCH_EVENTS_TOPIC = 'events';

export const RESEARCH_WORKFLOW_TYPES = {
  job: 'researchJob',
  batch: 'researchBatch',
  agent: 'researchAgent',
} as const;

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

/** One agent's change, as a batch reports it to its job. */
export interface AgentUpdate {
  index: number;
  status: AgentStatus;
  error?: string;
  totalTokens?: number;
}

export const researchStateQuery = defineQuery<ResearchState>('researchState');
/** Batch → job: agents that started or finished since the last report. */
export const researchBatchProgressSignal = defineSignal<[{ batch: number; updates: AgentUpdate[] }]>('researchBatchProgress');
/** Job → batch: start no more agents (budget spent). */
export const researchStopStartingSignal = defineSignal<[{ reason: string }]>('researchStopStarting');
/** Job → the session that started it: progress for the conversation's event stream. */
export const researchProgressToSessionSignal = defineSignal<[{ turnId: string; toolCallId: string; jobId: string; event: ResearchEvent }]>(
  'researchProgress',
);

/**
 * `researchBatch`: runs up to 1,000 sub-agents of a large research job (jobs
 * above 1,000 sub-tasks split their work into batches so no workflow has more
 * than 1,000 children). It reports agent starts and ends to its job every
 * second (one signal carrying every change since the last one), stops
 * starting agents when the job says so (budget spent), and returns every
 * finding (answers cut shorter than in a small job, to keep its result
 * payload within Temporal's limits). Cancelled (job cancelled, deadline), it
 * cancels its running agents, waits for them, and returns what it has.
 */
import { CancellationScope, condition, getExternalWorkflowHandle, patched, setHandler } from '@temporalio/workflow';
import { RESEARCH_LIMITS, researchAgentWorkflowId, researchBatchProgressSignal, researchStopStartingSignal } from '@hub/contracts/research/wire';
import type { AgentFinding, AgentUpdate, ResearchBatchInput, ResearchBatchResult, SubTask } from '@hub/contracts';
import { cut } from './agent';
import { AGENT_ACTIVITIES_PATCH, runAgentBatches } from './agent-batches';
import { researchBudget } from './budget';
import { BudgetWake } from '../budget-wait';
import { fanOut } from './fan-out';

/** Longest answer a batch hands back per agent (1,000 of them must fit in one result payload). */
export const BATCH_FINDING_CHARS = 1_000;

export async function researchBatch(input: ResearchBatchInput): Promise<ResearchBatchResult> {
  const job = getExternalWorkflowHandle(input.jobWorkflowId);
  let stopReason: string | undefined;
  setHandler(researchStopStartingSignal, ({ reason }) => {
    stopReason ??= reason;
  });

  const findings: AgentFinding[] = [];
  let pending: AgentUpdate[] = [];
  let finished = false;

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const updates = pending;
    pending = [];
    await job.signal(researchBatchProgressSignal, { batch: input.batch, updates });
  };
  // Report changes at most once per interval, until the fan-out is over.
  const reporter = CancellationScope.nonCancellable(async () => {
    while (!finished) {
      await condition(() => finished, RESEARCH_LIMITS.batchReportMs);
      await flush();
    }
  });

  const batchWorkflowId = `${input.jobWorkflowId}/batch/${input.batch}`;
  const answerChars = input.answerChars ?? BATCH_FINDING_CHARS;
  const common = {
    tasks: input.tasks,
    concurrency: input.concurrency,
    mayStart: () => stopReason === undefined,
    onStarted: (task: SubTask) => pending.push({ index: task.index, status: 'running' }),
    onSettled: (f: AgentFinding) => {
      findings.push({
        ...f,
        ...(f.answer !== undefined ? { answer: cut(f.answer, answerChars) } : {}),
        toolCalls: f.toolCalls.slice(0, 10),
        sources: f.sources.slice(0, 10),
      });
      pending.push({ index: f.index, status: f.status, totalTokens: f.usage.totalTokens, ...(f.error ? { error: f.error } : {}) });
    },
  };
  if (patched(AGENT_ACTIVITIES_PATCH)) {
    // Single-call agents in batch activities, children only for agents that use tools (./agent-batches).
    // Its agents wait for a spent budget here (the job's status does not show it; the agents stay running).
    const budget = researchBudget({ wake: new BudgetWake(), wait: input.agent.waitForBudget !== false, state: { status: 'running' }, emit: () => undefined });
    await runAgentBatches({ ...common, parentWorkflowId: batchWorkflowId, agent: input.agent, answerChars, budget });
  } else {
    await fanOut({
      ...common,
      workflowIdFor: (task) => researchAgentWorkflowId(batchWorkflowId, task.index),
      inputFor: (task) => ({ ...input.agent, task }),
    });
  }
  finished = true;
  await reporter;
  return input.fullFindings === undefined ? { findings } : splitFindings(findings, input.fullFindings);
}

/** The lowest-index `full` successes whole, every other agent as its outcome (status, tokens, error). Pure. */
export function splitFindings(findings: AgentFinding[], full: number): Required<ResearchBatchResult> {
  const whole = findings
    .filter((f) => f.status === 'succeeded')
    .sort((a, b) => a.index - b.index)
    .slice(0, full);
  const kept = new Set(whole.map((f) => f.index));
  const outcomes: AgentUpdate[] = findings
    .filter((f) => !kept.has(f.index))
    .sort((a, b) => a.index - b.index)
    .map((f) => ({ index: f.index, status: f.status, totalTokens: f.usage.totalTokens, ...(f.error ? { error: f.error } : {}) }));
  return { findings: whole, outcomes };
}

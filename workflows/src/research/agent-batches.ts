/**
 * Sub-agents as batch activities (behind `patched('research-agent-activities')`), shared by the job (up to
 * 1,000 sub-tasks) and its batch workflows (above that).
 *
 * Shape: the sub-tasks are cut into chunks of {@link agentsPerActivity} (at most 50; small jobs get several
 * small chunks so progress moves), each run by one `researchAgentBatch` activity (`agents/src/research`) that
 * makes every agent's first model call, its tools offered. An agent whose first reply has no tool calls is
 * done: its finding comes back in the activity's result (three history events per chunk instead of about
 * eleven per agent). An agent whose first reply asks for tools really loops over tools: it goes on as a
 * `researchAgent` child workflow (id `<parent>/agent/<i>`), seeded with that reply so no model call is made
 * twice.
 *
 * - At most `concurrency` agents are in flight: a chunk starts when its agents fit; an escalated agent keeps
 *   its slot until its child closes.
 * - `mayStart()` is asked before every chunk (budget spent: stop starting, let the running ones finish).
 * - A crash or a retryable failure retries the activity, which skips the agents its heartbeat details
 *   recorded; an activity that fails for good fails its chunk's agents with the reason.
 * - Cancelled (job cancelled, deadline): no chunk starts; running activities get a cancellation request
 *   (through their heartbeats), abort their calls in flight and return the finished agents' findings; running
 *   children are cancelled and return their partial findings; this waits for all of them.
 */
import { ActivityCancellationType, CancellationScope, condition, isCancellation, proxyActivities } from '@temporalio/workflow';
import { ZERO_USAGE } from '@hub/contracts/agent/wire';
import { RESEARCH_LIMITS, researchAgentWorkflowId } from '@hub/contracts/research/wire';
import type { AgentFinding, ResearchActivities, ResearchAgentBatchResult, ResearchAgentInput, SubTask } from '@hub/contracts';
import { RETRY_MAXIMUM_INTERVAL } from '../activity-options';
import { describeFailure } from '../util';
import { runAgentChild } from './fan-out';
import type { ResearchBudget } from './budget';

/** The patch under which a job's (and a batch workflow's) sub-agents run as batch activities. */
export const AGENT_ACTIVITIES_PATCH = 'research-agent-activities';

/**
 * Retries are bounded by time: a batch of 50 concurrent calls takes about one call's time; the activity
 * itself turns retryable failures into failed agents after 5 minutes (`RETRYABLE_FOR_MS`), so every
 * finished agent's result comes back.
 *
 * Heartbeat timeout: a dead worker's batch is retried after {@link BATCH_HEARTBEAT_TIMEOUT}. Longer than a
 * single call's (4 s): a batch that misses it on a live but overloaded worker (seen at a load of 24 on two
 * cores) is run again beside the late attempt, repeating its calls in flight and doubling the load.
 */
export const BATCH_HEARTBEAT_TIMEOUT = '10 seconds';

const batch = (activityId: string) =>
  proxyActivities<ResearchActivities>({
    startToCloseTimeout: '10 minutes',
    scheduleToCloseTimeout: '30 minutes',
    heartbeatTimeout: BATCH_HEARTBEAT_TIMEOUT,
    // A cancelled batch returns its finished agents' findings: wait for them.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: RETRY_MAXIMUM_INTERVAL, nonRetryableErrorTypes: ['PayloadsTooLarge'] },
    activityId,
  }).researchAgentBatch;

/** Agents per activity: a quarter of the job (so small jobs show progress), at most 50 and at most `concurrency`. */
export function agentsPerActivity(tasks: number, concurrency: number): number {
  return Math.max(1, Math.min(RESEARCH_LIMITS.maxAgentsPerActivity, concurrency, Math.ceil(tasks / 4)));
}

export interface AgentBatchesOptions {
  tasks: SubTask[];
  concurrency: number;
  /** The workflow the agents belong to (their ids and idempotency keys derive from it). */
  parentWorkflowId: string;
  agent: Omit<ResearchAgentInput, 'task' | 'seed'>;
  /** Longest answer kept per finding. */
  answerChars: number;
  mayStart(): boolean;
  onStarted(task: SubTask): void;
  onSettled(finding: AgentFinding): void;
  /** A spent tenant budget: the agents that made no call wait for it (or fail, `wait: false`). */
  budget?: ResearchBudget;
}

const lost = (parent: string, t: SubTask, status: AgentFinding['status'], error: string): AgentFinding => ({
  index: t.index,
  workflowId: researchAgentWorkflowId(parent, t.index),
  status,
  error,
  toolCalls: [],
  sources: [],
  usage: ZERO_USAGE,
});

/** Runs the sub-agents; resolves when every started one has settled. */
export async function runAgentBatches(o: AgentBatchesOptions): Promise<void> {
  const size = agentsPerActivity(o.tasks.length, o.concurrency);
  let inFlight = 0;
  const settling: Promise<void>[] = [];
  const settle = (f: AgentFinding): void => {
    inFlight -= 1;
    o.onSettled(f);
  };

  async function runChunk(chunk: SubTask[], n = 0): Promise<void> {
    let result: ResearchAgentBatchResult;
    const wakes = o.budget?.wake.count ?? 0;
    try {
      result = await batch(n === 0 ? `agents/${chunk[0]!.index}` : `agents/${chunk[0]!.index}/budget-${n}`)({
        parentWorkflowId: o.parentWorkflowId,
        agent: o.agent,
        tasks: chunk,
        concurrency: chunk.length,
        answerChars: o.answerChars,
      });
    } catch (err) {
      const cancelled = isCancellation(err);
      for (const t of chunk) settle(lost(o.parentWorkflowId, t, cancelled ? 'cancelled' : 'failed', cancelled ? 'cancelled' : describeFailure(err)));
      return;
    }
    const seen = new Set<number>();
    for (const f of result.findings) {
      seen.add(f.index);
      settle(f);
    }
    const byIndex = new Map(chunk.map((t) => [t.index, t]));
    const children = result.escalated.map(async ({ index, seed }) => {
      seen.add(index);
      const task = byIndex.get(index)!;
      settle(await runAgentChild(researchAgentWorkflowId(o.parentWorkflowId, index), task, { ...o.agent, task, ...(seed ? { seed } : {}) }));
    });
    const waiting = waitForBudget(chunk, result.budget, wakes, n);
    for (const i of result.budget?.pending ?? []) seen.add(i);
    // Every agent of the chunk settles, even one the activity did not report (it never does).
    for (const t of chunk) if (!seen.has(t.index)) settle(lost(o.parentWorkflowId, t, 'failed', 'the batch activity returned no result for this agent'));
    await Promise.all([...children, waiting]);
  }

  /** The agents a spent budget stopped: they wait for it and run in a new batch activity (or fail at once). */
  async function waitForBudget(chunk: SubTask[], budget: ResearchAgentBatchResult['budget'], wakes: number, n: number): Promise<void> {
    const pending = chunk.filter((t) => budget?.pending.includes(t.index));
    if (!budget || pending.length === 0) return;
    const why = `the tenant's spending budget is spent (it starts again at ${new Date(budget.resetsAt).toISOString()})`;
    if (!o.budget?.wait) {
      for (const t of pending) settle(lost(o.parentWorkflowId, t, 'failed', why));
      return;
    }
    const hooks = o.budget.hooks(pending.length);
    const d = { tenant: '', scope: budget.scope, resetsAt: budget.resetsAt };
    hooks.onWait(d);
    try {
      await o.budget.wake.wait(wakes, d);
    } catch (err) {
      if (!isCancellation(err)) throw err;
      for (const t of pending) settle(lost(o.parentWorkflowId, t, 'cancelled', 'cancelled'));
      return;
    } finally {
      hooks.onResume();
    }
    await runChunk(pending, n + 1);
  }

  try {
    for (let start = 0; start < o.tasks.length; start += size) {
      const chunk = o.tasks.slice(start, start + size);
      await condition(() => inFlight + chunk.length <= o.concurrency || inFlight === 0 || !o.mayStart());
      if (!o.mayStart()) break;
      inFlight += chunk.length;
      for (const t of chunk) o.onStarted(t);
      settling.push(runChunk(chunk));
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
  await CancellationScope.nonCancellable(() => Promise.all(settling));
}

/**
 * Bounded fan-out of sub-agent child workflows, shared by the job (up to
 * 1,000 sub-tasks) and its batch workflows (above that).
 *
 * - At most `concurrency` children run at once; the next starts as one ends.
 * - Child ids come from the caller (derived from the job id), so a retried
 *   start can never run the same sub-task twice.
 * - `mayStart()` is asked before every start (budget spent: stop starting,
 *   let the running ones finish).
 * - When the surrounding scope is cancelled (job cancelled, deadline), no
 *   more children start, every running child gets a cancellation request
 *   (which reaches its activities through their heartbeats), and the
 *   fan-out waits until each has closed and returned its partial finding.
 */
import {
  ChildWorkflowCancellationType,
  CancellationScope,
  ParentClosePolicy,
  condition,
  executeChild,
  isCancellation,
} from '@temporalio/workflow';
import { ZERO_USAGE } from '@hub/contracts/agent/wire';
import { WORKFLOW_TYPES } from '@hub/contracts/common/wire';
import type { AgentFinding, ResearchAgentInput, SubTask } from '@hub/contracts';
import { describeFailure } from '../util';
import type { researchAgent } from './agent';

export interface FanOutOptions {
  tasks: SubTask[];
  concurrency: number;
  workflowIdFor(task: SubTask): string;
  inputFor(task: SubTask): ResearchAgentInput;
  mayStart(): boolean;
  onStarted(task: SubTask): void;
  onSettled(finding: AgentFinding): void;
}

/** Runs one sub-agent child workflow; never rejects (a failed or cancelled child is a finding with that status). */
export function runAgentChild(workflowId: string, task: SubTask, input: ResearchAgentInput): Promise<AgentFinding> {
  return executeChild<typeof researchAgent>(WORKFLOW_TYPES.researchAgent, {
    workflowId,
    args: [input],
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    parentClosePolicy: ParentClosePolicy.TERMINATE,
  }).catch(
    (err: unknown): AgentFinding => ({
      index: task.index,
      workflowId,
      status: isCancellation(err) ? 'cancelled' : 'failed',
      error: isCancellation(err) ? 'cancelled' : describeFailure(err),
      toolCalls: [],
      sources: [],
      usage: ZERO_USAGE,
    }),
  );
}

/** Runs the sub-agents; resolves when every started one has settled. Returns the tasks never started. */
export async function fanOut(o: FanOutOptions): Promise<{ notStarted: SubTask[] }> {
  let inFlight = 0;
  let next = 0;
  const settling: Promise<void>[] = [];
  try {
    while (next < o.tasks.length) {
      await condition(() => inFlight < o.concurrency || !o.mayStart());
      if (!o.mayStart()) break;
      const task = o.tasks[next++]!;
      const workflowId = o.workflowIdFor(task);
      inFlight += 1;
      o.onStarted(task);
      settling.push(
        runAgentChild(workflowId, task, o.inputFor(task))
          .then((finding) => o.onSettled(finding))
          .finally(() => {
            inFlight -= 1;
          }),
      );
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
  // Cancelled or not, every started child settles (cancelled ones return their partial finding).
  await CancellationScope.nonCancellable(() => Promise.all(settling));
  return { notStarted: o.tasks.slice(next) };
}

/**
 * Bench-only workflows (never part of the hub's `@hub/workflows` bundle): the
 * bare Temporal baseline of the fan-out benchmark. A parent starts N child
 * workflows, at most `concurrency` in flight (the next starts as one ends,
 * like the research job), each running one activity that makes the same HTTP
 * call a research sub-agent makes to the same fake LLM. Bundled on its own
 * for the bench's baseline worker, on its own task queue.
 */
import { ParentClosePolicy, condition, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { BaselineActivities } from '../baseline/activities';

const { complete } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

export interface BareFanOutInput {
  question: string;
  n: number;
  concurrency: number;
}

/** The prompt shape of a research sub-agent, so the fake LLM does the same work for both. */
export function barePrompt(question: string, index: number): string {
  return `Overall research question: ${question}\n\nYour part (sub-question ${index + 1}): Part ${index + 1} of: ${question}`;
}

/** One child: one activity. */
export async function bareFanOutChild(prompt: string): Promise<string> {
  return complete(prompt);
}

/** The parent: N children, bounded in flight; returns how many answered. */
export async function bareFanOut(input: BareFanOutInput): Promise<{ succeeded: number; failed: number }> {
  const parentId = workflowInfo().workflowId;
  let inFlight = 0;
  let succeeded = 0;
  let failed = 0;
  const settling: Promise<void>[] = [];
  for (let i = 0; i < input.n; i++) {
    await condition(() => inFlight < input.concurrency);
    inFlight += 1;
    settling.push(
      executeChild(bareFanOutChild, {
        workflowId: `${parentId}/child/${i}`,
        args: [barePrompt(input.question, i)],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
      })
        .then(
          () => void (succeeded += 1),
          () => void (failed += 1),
        )
        .finally(() => {
          inFlight -= 1;
        }),
    );
  }
  await Promise.all(settling);
  return { succeeded, failed };
}

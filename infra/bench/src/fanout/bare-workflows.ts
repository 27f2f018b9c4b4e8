/**
 * Bench-only workflows (never part of the hub's `@hub/workflows` bundle): the
 * bare Temporal baselines of the fan-out benchmark, bundled on their own for
 * the bench's baseline worker, on its own task queue.
 *
 * - bareFanOut: a parent starts N child workflows, at most `concurrency` in
 *   flight (the next starts as one ends), each running one activity that makes
 *   the same HTTP call a research sub-agent makes to the same fake LLM;
 * - bareBatchedFanOut: a parent runs the N calls as activities of `batchSize`
 *   calls each (the shape of the hub's `researchAgentBatch`), with at most
 *   `concurrency` calls in flight overall.
 */
import { ParentClosePolicy, condition, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { BareActivities } from './bare-activities';

const { complete } = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });
const { completeBatch } = proxyActivities<BareActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '1 minute' });

export interface BareFanOutInput {
  question: string;
  n: number;
  concurrency: number;
  /** Index of the first call (a sub-parent's share of a larger fan-out). */
  offset?: number;
  /** Most calls one workflow fans out itself; above it, sub-parents of this many each (the hub's 1K x 1K rule). */
  maxPerWorkflow: number;
}

/**
 * Above `maxPerWorkflow` calls, the fan-out is split as the research job splits its sub-agents into
 * `researchBatch` workflows: ceil(n / max) sub-parents running at once, sharing the in-flight slots.
 */
async function splitFanOut<I extends BareFanOutInput>(
  input: I,
  workflow: (input: I) => Promise<{ succeeded: number }>,
): Promise<{ succeeded: number } | undefined> {
  if (input.n <= input.maxPerWorkflow) return undefined;
  const parts = Math.ceil(input.n / input.maxPerWorkflow);
  const perPart = Math.max(1, Math.floor(input.concurrency / parts));
  const parentId = workflowInfo().workflowId;
  const offset = input.offset ?? 0;
  const results = await Promise.all(
    Array.from({ length: parts }, (_, b) =>
      executeChild(workflow, {
        workflowId: `${parentId}/batch/${b}`,
        args: [{ ...input, offset: offset + b * input.maxPerWorkflow, n: Math.min(input.maxPerWorkflow, input.n - b * input.maxPerWorkflow), concurrency: perPart }],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
      }),
    ),
  );
  return { succeeded: results.reduce((a, r) => a + r.succeeded, 0) };
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
export async function bareFanOut(input: BareFanOutInput): Promise<{ succeeded: number }> {
  const split = await splitFanOut(input, bareFanOut);
  if (split) return split;
  const parentId = workflowInfo().workflowId;
  const offset = input.offset ?? 0;
  let inFlight = 0;
  let succeeded = 0;
  let failed = 0;
  const settling: Promise<void>[] = [];
  for (let k = 0; k < input.n; k++) {
    const i = offset + k;
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
  if (failed > 0) throw new Error(`${failed} of ${input.n} children failed`);
  return { succeeded };
}

export interface BareBatchedFanOutInput extends BareFanOutInput {
  batchSize: number;
}

/** The parent of the batched baseline: ceil(N / batchSize) batch activities, bounded in flight. */
export async function bareBatchedFanOut(input: BareBatchedFanOutInput): Promise<{ succeeded: number }> {
  const split = await splitFanOut(input, bareBatchedFanOut);
  if (split) return split;
  const offset = input.offset ?? 0;
  const batches: string[][] = [];
  for (let i = 0; i < input.n; i += input.batchSize) {
    batches.push(Array.from({ length: Math.min(input.batchSize, input.n - i) }, (_, k) => barePrompt(input.question, offset + i + k)));
  }
  const maxBatches = Math.max(1, Math.floor(input.concurrency / input.batchSize));
  let inFlight = 0;
  let succeeded = 0;
  const settling: Promise<void>[] = [];
  for (const prompts of batches) {
    await condition(() => inFlight < maxBatches);
    inFlight += 1;
    settling.push(
      completeBatch({ prompts, concurrency: input.batchSize })
        .then((answers) => void (succeeded += answers.length))
        .finally(() => {
          inFlight -= 1;
        }),
    );
  }
  await Promise.all(settling);
  return { succeeded };
}

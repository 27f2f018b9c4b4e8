/**
 * The hub's real worker for a benchmark: its activities, on an empty hub config, against the given LLM endpoint,
 * on the prebuilt workflow bundle as `npm start` runs it (bundling only when that is stale, saying why).
 */
import OpenAI from 'openai';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { HubConfigSchema } from '@hub/contracts';
import { createHubActivities, createHubWorker } from '@hub/worker';
import { resolveWorkflowBundle } from '@hub/worker/workflow-bundle';

export async function startBenchHubWorker(opts: {
  connection: NativeConnection;
  taskQueue: string;
  llmUrl: string;
  model: string;
  timeoutMs?: number;
  /** The model client's fetch (e.g. a tap timing the chunks as they arrive). */
  fetch?: typeof globalThis.fetch;
  /** The LLM activity's reply cap, when a bench needs a larger one than the hub's default. */
  maxReplyBytes?: number;
}): Promise<{ worker: Worker; close(): Promise<void> }> {
  const openai = new OpenAI({
    baseURL: opts.llmUrl,
    apiKey: 'bench',
    maxRetries: 0,
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const llm = { openai, defaultModel: opts.model, ...(opts.maxReplyBytes ? { maxReplyBytes: opts.maxReplyBytes } : {}) };
  const acts = createHubActivities({ hubConfig: HubConfigSchema.parse({}), taskQueue: opts.taskQueue, llm });
  const { bundle } = await resolveWorkflowBundle({ log: (msg, fields) => process.stderr.write(`bench worker: ${msg} ${JSON.stringify(fields)}\n`) });
  const worker = await createHubWorker({ connection: opts.connection, namespace: 'default', taskQueue: opts.taskQueue, activities: acts.activities, workflowBundle: bundle });
  return { worker, close: () => acts.close() };
}

/** The hub's real worker for a benchmark: its activities, on an empty hub config, against the given LLM endpoint. */
import OpenAI from 'openai';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { HubConfigSchema } from '@hub/contracts';
import { createHubActivities, createHubWorker } from '@hub/worker';

export async function startBenchHubWorker(opts: {
  connection: NativeConnection;
  taskQueue: string;
  llmUrl: string;
  model: string;
  timeoutMs?: number;
}): Promise<{ worker: Worker; close(): Promise<void> }> {
  const openai = new OpenAI({ baseURL: opts.llmUrl, apiKey: 'bench', maxRetries: 0, ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}) });
  const acts = createHubActivities({ hubConfig: HubConfigSchema.parse({}), taskQueue: opts.taskQueue, llm: { openai, defaultModel: opts.model } });
  const worker = await createHubWorker({ connection: opts.connection, namespace: 'default', taskQueue: opts.taskQueue, activities: acts.activities });
  return { worker, close: () => acts.close() };
}

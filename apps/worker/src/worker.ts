/**
 * Builds the hub's Temporal worker: the session workflow bundle plus the LLM
 * and tool activities. Used by `main.ts`, by tests and by the benchmark.
 */
import { createRequire } from 'node:module';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createLlmActivities, createOpenAIClient, loadLlmConfig } from '@hub/agents';
import { createToolActivities } from '@hub/tools';
import type { SessionActivities } from '@hub/contracts';

const require = createRequire(import.meta.url);
/** Path of the workflows package entry, bundled by the worker (or by `bundleWorkflowCode`). */
export const workflowsPath = require.resolve('@hub/workflows');

export interface HubWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Override activities (tests); defaults to the real LLM + tool activities from env. */
  activities?: SessionActivities;
  /** Pre-built bundle (tests, to avoid re-bundling); defaults to bundling `workflowsPath`. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** How long shutdown waits for running activities before cancelling them. */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  maxConcurrentActivityTaskExecutions?: number;
}

export function defaultActivities(env: NodeJS.ProcessEnv = process.env): SessionActivities {
  const cfg = loadLlmConfig(env);
  const tools = createToolActivities();
  return {
    ...createLlmActivities({ openai: createOpenAIClient(cfg), defaultModel: cfg.model, listTools: tools.listTools }),
    ...tools,
  };
}

export async function createHubWorker(opts: HubWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
    activities: opts.activities ?? defaultActivities(),
    shutdownGraceTime: opts.shutdownGraceTime ?? '30 seconds',
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 100,
  });
}

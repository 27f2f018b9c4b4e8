/**
 * The four hub workers of the models bench, one task queue each, on the prebuilt hub workflow bundle (so
 * the tenants' `budgetLedger` workflows run on them, as on a real worker):
 * - `none`: no budget meter (the LLM activity without `meter`, as before budgets);
 * - `usage`: the meter with budgets off (hub.config.json without `budgets`): after each call one
 *   Signal-with-Start records its usage in the tenant's ledger;
 * - `blocks`: budgets on (a budget that never runs out), as the hub runs them: the worker's calls are granted
 *   from its budget block (one `acquireBlock` Update every few seconds), each told to the ledger by one Signal
 *   before it is made, then the settle signal;
 * - `leases`: budgets on with blocks off: before each call one Update takes a lease, after it the settle signal.
 * `usage`, `blocks` and `leases` are the hub's activities as `createHubActivities` wires them from the config.
 * Each worker times its `llmComplete` activity from its start to its end (`activityMs`).
 */
import OpenAI from 'openai';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createLlmActivities } from '@hub/agents';
import { HubConfigSchema, type LlmRequest } from '@hub/contracts';
import { createHubActivities, createHubWorker } from '@hub/worker';
import { resolveWorkflowBundle } from '@hub/worker/workflow-bundle';

export const CONFIGS = ['none', 'usage', 'blocks', 'leases'] as const;
export type ConfigName = (typeof CONFIGS)[number];

export const CONFIG_LABELS: Record<ConfigName, string> = {
  none: '(a) no meter',
  usage: '(b) meter, budgets off (usage record)',
  blocks: '(c) budgets on (block grant + settle)',
  leases: '(d) budgets on, no blocks (lease + settle)',
};

/** The tenant each configuration bills (own ledgers, so the configurations never share one). */
export const tenantOf = (c: ConfigName): string => `bench-${c}`;

/** A budget that never runs out. */
export const HUGE_BUDGET = { usd: 1e6, tokens: 1e12 };

export interface ConfigWorker {
  name: ConfigName;
  taskQueue: string;
  worker: Worker;
  /** Durations of the `llmComplete` activities run since the last `reset()`, in ms. */
  activityMs: number[];
  reset(): void;
  close(): Promise<void>;
}

export async function startConfigWorkers(opts: { connection: NativeConnection; queuePrefix: string; llmUrl: string; model: string }): Promise<ConfigWorker[]> {
  const { bundle } = await resolveWorkflowBundle({ log: (msg, fields) => process.stderr.write(`bench worker: ${msg} ${JSON.stringify(fields)}\n`) });
  const out: ConfigWorker[] = [];
  for (const name of CONFIGS) {
    const taskQueue = `${opts.queuePrefix}-${name}`;
    const openai = new OpenAI({ baseURL: opts.llmUrl, apiKey: 'bench', maxRetries: 0 });
    const llm = { openai, defaultModel: opts.model };
    const metered = name === 'blocks' || name === 'leases';
    const hubConfig = HubConfigSchema.parse(metered ? { budgets: { [tenantOf(name)]: HUGE_BUDGET } } : {});
    const acts = createHubActivities({ hubConfig, taskQueue, llm, ...(name === 'leases' ? { budgetBlocks: false as const } : {}) });
    // `none`: the same activity without a meter (createHubActivities always gives it one).
    const { llmComplete } = name === 'none' ? createLlmActivities({ ...llm, listTools: acts.activities.listTools }) : acts.activities;
    const activityMs: number[] = [];
    const timed = async (req: LlmRequest) => {
      const t0 = performance.now();
      try {
        return await llmComplete(req);
      } finally {
        activityMs.push(performance.now() - t0);
      }
    };
    const worker = await createHubWorker({
      connection: opts.connection,
      namespace: 'default',
      taskQueue,
      activities: { ...acts.activities, llmComplete: timed },
      workflowBundle: bundle,
    });
    out.push({ name, taskQueue, worker, activityMs, reset: () => void activityMs.splice(0), close: () => acts.close() });
  }
  return out;
}

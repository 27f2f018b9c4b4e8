/**
 * Builds the hub's Temporal worker: the session workflow bundle plus the LLM
 * and tool activities. Used by `main.ts`, by tests and by the benchmark.
 */
import { createRequire } from 'node:module';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createBudgetMeter, createLlmActivities, type BudgetMeterOptions, createModelRouter, createOpenAIClient, createRemoteAgentActivities, createResearchActivities, loadLlmConfig } from '@hub/agents';
import { createDefaultRegistry, createToolActivities } from '@hub/tools';
import type { HubConfig, McpActivities, RemoteAgentActivities, SessionActivities } from '@hub/contracts';
import type { SharedCooldowns } from '@hub/agents/activities';
import type OpenAI from 'openai';
import { createMcpIntegration } from './mcp';
import type { Telemetry } from '@hub/runtime/telemetry';
import { hubWorkflowSources } from './bundle-key';
import { withMetricsSinks } from './metrics';
import { workerTelemetryOptions } from './telemetry';

export {
  WORKFLOW_BUNDLE_DIR_ENV,
  buildWorkflowBundle,
  hubWorkflowSources,
  loadPrebuiltWorkflowBundle,
  resolveWorkflowBundle,
  workflowBundleCacheDir,
  workflowBundleKey,
  type ResolvedWorkflowBundle,
} from './workflow-bundle';

const require = createRequire(import.meta.url);
/** Path of the workflows package entry, bundled by the worker (or by `bundleWorkflowCode`). */
export const workflowsPath = require.resolve('@hub/workflows');

export type HubActivities = SessionActivities & McpActivities & RemoteAgentActivities;

export interface HubActivitiesOptions {
  hubConfig: HubConfig;
  taskQueue: string;
  /** The model endpoint; default from OPENAI_BASE_URL / OPENAI_API_KEY / HUB_MODEL. */
  llm?: { openai: OpenAI; defaultModel: string };
  env?: NodeJS.ProcessEnv;
  /** Provider cooldowns shared by the workers (createSharedCooldowns: the `providers/health` workflow); default: this process's. */
  cooldowns?: SharedCooldowns;
  /** The budget meter's blocks (default on; `false`: a lease per call, as the models bench compares). */
  budgetBlocks?: BudgetMeterOptions['blocks'];
}

/**
 * Every activity the hub's workflows call: LLM (agents/), tools (built-in
 * and MCP, tools/) and the MCP registry's inspection. `close()` ends the MCP
 * connections (stdio servers are child processes of the worker).
 */
export function createHubActivities(opts: HubActivitiesOptions): { activities: HubActivities; close(): Promise<void> } {
  const env = opts.env ?? process.env;
  const cfg = loadLlmConfig(env);
  const base = opts.llm ?? { openai: createOpenAIClient(cfg), defaultModel: cfg.model };
  // hub.config.json `providers` and `models`: aliases, fallbacks, cooldowns, prices (one router for all LLM activities).
  const router = createModelRouter({
    defaultClient: base.openai,
    defaultModel: base.defaultModel,
    providers: opts.hubConfig.providers,
    models: opts.hubConfig.models,
    timeoutMs: cfg.timeoutMs,
    ...(cfg.toolChoice !== undefined ? { toolChoice: cfg.toolChoice } : {}),
    env,
    ...(opts.cooldowns ? { cooldowns: opts.cooldowns } : {}),
  });
  const llm = { ...base, router };
  const mcp = createMcpIntegration({ hubConfig: opts.hubConfig, taskQueue: opts.taskQueue });
  const tools = createToolActivities({
    registry: createDefaultRegistry().addProvider(mcp.provider),
    compensations: opts.hubConfig.compensations,
  });
  // One set of LLM activities (one router, so sessions and research agents share providers' cooldowns and slots).
  // Every call takes a lease from its tenant's budget ledger (with a `budgets` section) and records its usage there.
  const meter = createBudgetMeter({
    taskQueue: opts.taskQueue,
    ...(opts.hubConfig.budgets ? { budgets: opts.hubConfig.budgets } : {}),
    ...(opts.budgetBlocks !== undefined ? { blocks: opts.budgetBlocks } : {}),
  });
  const llmActivities = createLlmActivities({ ...llm, listTools: tools.listTools, meter });
  return {
    activities: {
      ...llmActivities,
      ...tools,
      ...mcp.activities,
      // Remote A2A agents as delegates: their headers are read from the tenant's agent registry at call time.
      ...createRemoteAgentActivities({ hubConfig: opts.hubConfig }),
      // Research sub-agents' first model calls, many per activity (agents/src/research).
      ...createResearchActivities({ ...llmActivities, listTools: tools.listTools }),
    },
    close: async () => {
      await meter.flush(); // usage settlements still on their way
      await mcp.close();
    },
  };
}

export interface HubWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The activities (see createHubActivities). */
  activities: HubActivities;
  /** The workflow bundle (see resolveWorkflowBundle: the prebuilt one); default: bundling `workflowsPath` here. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** How long shutdown waits for running activities before cancelling them. */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  maxConcurrentActivityTaskExecutions?: number;
  /** Payload codecs etc. (see hubDataConverter of @hub/runtime); default: the SDK's. */
  dataConverter?: WorkerOptions['dataConverter'];
  /**
   * How long a session's next workflow task waits on this worker's sticky queue before Temporal hands it
   * to any worker (default {@link DEFAULT_STICKY_SCHEDULE_TO_START}; the SDK default is 10 s, which is how
   * long a killed worker's sessions stalled).
   */
  stickyQueueScheduleToStartTimeout?: WorkerOptions['stickyQueueScheduleToStartTimeout'];
  /**
   * How many workflows (sessions, registries, jobs) stay cached in this worker between their tasks (default
   * {@link DEFAULT_MAX_CACHED_WORKFLOWS}). An evicted one is replayed from its history on its next task.
   */
  maxCachedWorkflows?: number;
  /** Traces (startTelemetry of @hub/runtime/telemetry): activity spans, the workflow span sink; off when unset. */
  telemetry?: Telemetry;
}

/**
 * Workflow cache size. The SDK's default grows with the heap limit (about 2,300 on a 4 GB heap) and a cached
 * session costs the worker about 1.3 MB (`npm run bench -- idle`), so 2,000 idle sessions took it past 3 GB.
 * Bounded here (about 0.3 GB of cache over a 0.3 GB worker), the rest are evicted (least recently used) and
 * replayed from their history when their next turn comes (a one-turn session's first turn back costs about
 * 2x a cached one's).
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 250;

/** HUB_WORKER_MAX_CACHED_WORKFLOWS, checked (0 disables the cache); default {@link DEFAULT_MAX_CACHED_WORKFLOWS}. */
export function maxCachedWorkflowsFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env['HUB_WORKER_MAX_CACHED_WORKFLOWS']?.trim();
  if (!raw) return DEFAULT_MAX_CACHED_WORKFLOWS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`HUB_WORKER_MAX_CACHED_WORKFLOWS must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * Sticky queue schedule-to-start timeout: a dead worker's sessions move to a live one after this. Short
 * enough for a ~2-3 s failover; a busy but live worker that misses it only costs a history replay.
 */
export const DEFAULT_STICKY_SCHEDULE_TO_START = '2 seconds';

/** Longest time a heartbeat (and its details) waits on the worker before it is sent. */
export const HEARTBEAT_THROTTLE = '250 milliseconds';

export async function createHubWorker(opts: HubWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
    // Traces: the sink for the bundle's workflow spans and, when on, the activity and client interceptors;
    // metrics: the pending-approvals sink (./metrics).
    ...withMetricsSinks(withWorkflowInterceptors(workerTelemetryOptions(opts.telemetry), !opts.workflowBundle)),
    activities: opts.activities,
    shutdownGraceTime: opts.shutdownGraceTime ?? '30 seconds',
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 100,
    stickyQueueScheduleToStartTimeout: opts.stickyQueueScheduleToStartTimeout ?? DEFAULT_STICKY_SCHEDULE_TO_START,
    // Heartbeat details reach the server within this (default: 80% of the heartbeat timeout): a batch activity
    // records each finished item in them, so a retry after a worker crash repeats only what was in flight.
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
    maxCachedWorkflows: opts.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    // One V8 context for all cached workflows (the SDK's default, said here because the cache size depends on it).
    reuseV8Context: true,
    ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
  });
}

/** Bundling here (no prebuilt bundle): the bundle's interceptor modules too, as the prebuilt one has them. */
function withWorkflowInterceptors(o: ReturnType<typeof workerTelemetryOptions>, bundlingHere: boolean): ReturnType<typeof workerTelemetryOptions> {
  if (!bundlingHere) return o;
  return { ...o, interceptors: { ...o.interceptors, workflowModules: hubWorkflowSources().interceptorModules } };
}

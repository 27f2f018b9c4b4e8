/**
 * Test harness: a real worker (real LLM and tool activities) on the suite's
 * real Temporal dev server, talking to the scripted OpenAI-compatible test
 * fixture. Each harness gets its own task queue so test files don't interfere.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createBudgetMeter, createLlmActivities, createResearchActivities, type BudgetMeterOptions } from '@hub/agents';
import { createToolActivities } from '@hub/tools';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { testTemporalAddress } from '@hub/testing';
import { hubWorkflowBundle } from '@hub/testing/workflow-bundle';
import type { BudgetLimits } from '@hub/contracts';
import {
  DEFAULTS,
  WORKFLOW_TYPES,
  sendMessageUpdate,
  sessionWorkflowId,
  type AgentProfile,
  type SessionOptions,
  type SessionWorkflowInput,
  type TurnResult,
} from '@hub/contracts';

/** The hub's workflow bundle: the prebuilt one when current (see @hub/testing/workflow-bundle). */
export function workflowBundle(): Promise<WorkflowBundleOption> {
  return hubWorkflowBundle();
}

export const testProfile: AgentProfile = {
  name: 'test-agent',
  description: 'agent used by tests',
  systemPrompt: 'You are a test agent.',
  temperature: 0,
  tools: ['*'],
  maxToolRounds: 4,
};

export interface Harness {
  client: Client;
  llm: ScriptedLlmServer;
  taskQueue: string;
  notesFile: string;
  worker: Worker;
  /** Start a session and send its first message with Update-with-Start. */
  startSession(first: string, opts?: Partial<SessionOptions> & { profile?: AgentProfile }): Promise<{ workflowId: string; result: TurnResult }>;
  /** Start a session without a message. */
  createSession(opts?: Partial<SessionOptions> & { profile?: AgentProfile }): Promise<{ workflowId: string }>;
  close(): Promise<void>;
}

/**
 * `budgets`: the worker's LLM calls take leases from the tenants' ledgers (hub.config.json `budgets`);
 * `blocks`: the budget meter's block options (`false`: a lease per call); `tenant`: the sessions' (default `test`).
 */
export async function startHarness(opts: { budgets?: Record<string, BudgetLimits>; blocks?: BudgetMeterOptions['blocks']; tenant?: string } = {}): Promise<Harness> {
  const tenant = opts.tenant ?? 'test';
  const address = testTemporalAddress();
  const llm = await startScriptedLlmServer();
  const dir = mkdtempSync(join(tmpdir(), 'hub-notes-'));
  const notesFile = join(dir, 'notes.jsonl');
  process.env.HUB_NOTES_FILE = notesFile;
  const taskQueue = `test-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address });
  const openai = new OpenAI({ baseURL: llm.url, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    // The hub worker's metrics sink (apps/worker/src/metrics.ts), as a no-op: sessions report their pending approvals.
    sinks: { hubMetrics: { approvalsPending: { fn: () => undefined } } },
    activities: (() => {
      const tools = createToolActivities();
      const meter = opts.budgets ? { meter: createBudgetMeter({ taskQueue, budgets: opts.budgets, ...(opts.blocks !== undefined ? { blocks: opts.blocks } : {}) }) } : {};
      const llmActivities = createLlmActivities({ openai, defaultModel: 'scripted-model', listTools: tools.listTools, ...meter });
      return { ...llmActivities, ...tools, ...createResearchActivities({ ...llmActivities, listTools: tools.listTools }) };
    })(),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });

  const input = (opts: Partial<SessionOptions> & { profile?: AgentProfile } = {}) => {
    const { profile, ...rest } = opts;
    const sessionId = randomUUID();
    const workflowInput: SessionWorkflowInput = {
      sessionId,
      tenant,
      profile: profile ?? testProfile,
      options: {
        idleTimeoutMs: DEFAULTS.idleTimeoutMs,
        approvalTimeoutMs: DEFAULTS.approvalTimeoutMs,
        maxTurnsPerRun: DEFAULTS.maxTurnsPerRun,
        ...rest,
      },
    };
    return { workflowId: sessionWorkflowId(tenant, sessionId), workflowInput };
  };

  return {
    client,
    llm,
    taskQueue,
    notesFile,
    worker,
    async startSession(first, opts) {
      const { workflowId, workflowInput } = input(opts);
      const result = await client.workflow.executeUpdateWithStart(sendMessageUpdate, {
        args: [{ text: first }],
        startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.session, {
          workflowId,
          taskQueue,
          args: [workflowInput],
          workflowIdConflictPolicy: 'FAIL',
        }),
      });
      return { workflowId, result };
    },
    async createSession(opts) {
      const { workflowId, workflowInput } = input(opts);
      await client.workflow.start(WORKFLOW_TYPES.session, { workflowId, taskQueue, args: [workflowInput] });
      return { workflowId };
    },
    async close() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await llm.close();
    },
  };
}

/** Poll `fn` until it returns a truthy value (bounded). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

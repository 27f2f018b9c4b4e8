/**
 * Test harness for compensations (tasks and turn compensations): a real
 * worker running the hub's workflows with the real `executeTool` activity,
 * whose registry holds the built-in tools and the
 * first-party bookings MCP server (a real stdio process writing a real file).
 * The bookings server's environment can be changed between tests; the
 * connection manager restarts the server when its config changes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import OpenAI from 'openai';
import { createLlmActivities } from '@hub/agents';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { workflowBundle } from './harness';
import { McpConnectionManager, McpToolProvider, createDefaultRegistry, createToolActivities, type ResolvedMcpServer } from '@hub/tools';
import { testTemporalAddress } from '@hub/testing';
import { WORKFLOW_TYPES, taskStateQuery, taskWorkflowId, type TaskState, type TaskStep, type TaskWorkflowInput } from '@hub/contracts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BOOKINGS_MAIN = fileURLToPath(new URL('../../tools/servers/bookings/src/main.ts', import.meta.url));

export interface BookingEffect {
  seq: number;
  op: 'create' | 'cancel';
  key?: string;
  bookingId: string;
  resource: string;
  slot: string;
}

/** The compensation the harness's tool catalogue declares (as hub.config.json `compensations` would). */
export const BOOKING_COMPENSATIONS = {
  'bookings/create_booking': { tool: 'bookings/cancel_booking', args: { bookingId: '$result.bookingId' } },
};
/** The same, naming the booking by the create call's idempotency key (undoes a call whose answer never arrived too). */
export const BOOKING_COMPENSATIONS_BY_KEY = {
  'bookings/create_booking': { tool: 'bookings/cancel_booking', args: { key: '$key' } },
};

export interface CompensationHarness {
  client: Client;
  taskQueue: string;
  bookingsFile: string;
  /** The scripted LLM test fixture the worker's LLM activity talks to (for session turns). */
  llm: ScriptedLlmServer;
  /** Extra environment of the bookings server (e.g. BOOKINGS_FAIL_RESOURCE); takes effect on the next call (the server restarts). */
  setBookingsEnv(env: Record<string, string>): void;
  /** The bookings server's `requiresApproval` config (undefined: none); takes effect on the next call. */
  setBookingsApproval(requiresApproval: boolean | string[] | undefined): void;
  /** Start a `sagaTask` workflow for tenant `test`. */
  startTask(steps: TaskStep[], extra?: Pick<TaskWorkflowInput, 'approvalTimeoutMs'>): Promise<{ workflowId: string; handle: WorkflowHandle }>;
  state(workflowId: string): Promise<TaskState>;
  /** Effects the bookings server applied for this workflow (by idempotency key prefix), in order. */
  effects(workflowId: string): BookingEffect[];
  close(): Promise<void>;
}

/** The bookings server as a config-file MCP server. */
export function bookingsServer(
  bookingsFile: string,
  env: Record<string, string> = {},
  requiresApproval?: boolean | string[],
): ResolvedMcpServer {
  return {
    name: 'bookings',
    source: 'config',
    config: {
      command: process.execPath,
      args: ['--import', 'tsx', BOOKINGS_MAIN],
      cwd: REPO_ROOT,
      env: { BOOKINGS_FILE: bookingsFile, ...env },
      ...(requiresApproval !== undefined ? { requiresApproval } : {}),
    },
    allowPrivateHosts: [],
    pins: {},
    flagged: new Set(),
  };
}

export async function startCompensationHarness(opts: { compensateBy?: 'result' | 'key' } = {}): Promise<CompensationHarness> {
  const address = testTemporalAddress();
  const dir = mkdtempSync(join(tmpdir(), 'hub-bookings-'));
  const bookingsFile = join(dir, 'bookings.json');
  let extraEnv: Record<string, string> = {};
  let approval: boolean | string[] | undefined;
  const manager = new McpConnectionManager();
  const mcpProvider = new McpToolProvider({ manager, servers: async () => [bookingsServer(bookingsFile, extraEnv, approval)] });
  const taskQueue = `saga-test-${randomUUID()}`;
  const llm = await startScriptedLlmServer();
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: (() => {
      const tools = createToolActivities({
        registry: createDefaultRegistry().addProvider(mcpProvider),
        compensations: opts.compensateBy === 'key' ? BOOKING_COMPENSATIONS_BY_KEY : BOOKING_COMPENSATIONS,
      });
      const openai = new OpenAI({ baseURL: llm.url, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
      return { ...createLlmActivities({ openai, defaultModel: 'scripted-model', listTools: tools.listTools }), ...tools };
    })(),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });

  return {
    client,
    taskQueue,
    bookingsFile,
    llm,
    setBookingsEnv(env) {
      extraEnv = env;
    },
    setBookingsApproval(requiresApproval) {
      approval = requiresApproval;
    },
    async startTask(steps, extra = {}) {
      const id = randomUUID();
      const workflowId = taskWorkflowId('test', id);
      const handle = await client.workflow.start(WORKFLOW_TYPES.task, {
        workflowId,
        taskQueue,
        args: [{ id, tenant: 'test', steps, ...extra }],
      });
      return { workflowId, handle };
    },
    state: (workflowId) => client.workflow.getHandle(workflowId).query(taskStateQuery),
    effects(workflowId) {
      if (!existsSync(bookingsFile)) return [];
      const store = JSON.parse(readFileSync(bookingsFile, 'utf8')) as { effects: BookingEffect[] };
      return store.effects.filter((e) => e.key?.startsWith(`${workflowId}/`));
    },
    async close() {
      worker.shutdown();
      await running;
      await manager.closeAll();
      await nativeConnection.close();
      await connection.close();
      await llm.close();
    },
  };
}

/**
 * With HUB_RECORD_HISTORIES=1, writes the workflow's history as the replay fixture `histories/<name>.json`
 * (and its id into `histories/workflow-ids.map`), in the format infra/e2e's recorder writes.
 */
export async function recordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.HUB_RECORD_HISTORIES !== '1') return;
  const dir = fileURLToPath(new URL('./histories/', import.meta.url));
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(`${dir}${name}.json`, historyToJSON(history) + '\n');
  const idsFile = `${dir}workflow-ids.map`;
  const ids = JSON.parse(readFileSync(idsFile, 'utf8')) as Record<string, string>;
  ids[name] = workflowId;
  writeFileSync(idsFile, JSON.stringify(Object.fromEntries(Object.entries(ids).sort()), null, 2) + '\n');
}

export { eventually } from './harness';

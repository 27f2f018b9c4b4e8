/* eslint-disable @typescript-eslint/no-explicit-any -- parsed JSON bodies */
/**
 * Shared setup of the budget end-to-end tests: a real worker (the hub's workflow bundle and the activities
 * the hub's worker builds, `createHubActivities`, from a hub config with a `budgets` section), the gateway's
 * app on real services, and the scripted OpenAI-compatible LLM (the only fake). A tenant key and an admin
 * key; helpers to read a tenant's budget and to work out a call's lease estimate from what the LLM received.
 */
import { randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { HubConfigSchema, budgetLedgerWorkflowId, type BudgetLimits, type HubConfig } from '@hub/contracts';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type RecordedRequest, type Responder, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { hubWorkflowBundle } from '@hub/testing/workflow-bundle';
import { createOpenAIClient } from '@hub/agents';
import { createHubActivities, createHubWorker } from '@hub/worker';
import type { GatewayApp } from '../src/app';
import { parseApiKeys } from '../src/http/auth';
import { connectTestClient, json, makeApp } from './helpers';

export interface BudgetTenant {
  id: string;
  /** Headers of the tenant's own key. */
  headers: Record<string, string>;
  /** Its budget (GET /v1/budgets/{tenant} as an admin). */
  budget(): Promise<any>;
}

export interface BudgetHub {
  client: Client;
  llm: ScriptedLlmServer;
  app: GatewayApp;
  taskQueue: string;
  /** The tenants of `budgets` (by the names given), each with a key. */
  tenants: Record<string, BudgetTenant>;
  /** Headers of an admin key. */
  asAdmin: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the LLM fixture, a hub worker whose hub config has `budgets` (a tenant per name) and the gateway's app. */
export async function startBudgetHub(name: string, limits: Record<string, BudgetLimits>, opts: { responder?: Responder } = {}): Promise<BudgetHub> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const run = randomUUID().slice(0, 8);
  const taskQueue = `${name}-${randomUUID()}`;
  const adminKey = `admin-key-${run}`;
  const ids = Object.fromEntries(Object.keys(limits).map((t) => [t, `${name}-${t}-${run}`]));
  const { client, connection }: { client: Client; connection: Connection } = await connectTestClient();
  const llm = await startScriptedLlmServer({ ...(opts.responder ? { responder: opts.responder } : {}), maxRecorded: 5_000 });
  const hubConfig: HubConfig = HubConfigSchema.parse({ budgets: Object.fromEntries(Object.entries(limits).map(([t, l]) => [ids[t], l])) });
  const openai = createOpenAIClient({ baseURL: llm.url, apiKey: 'k', model: 'scripted-model', timeoutMs: 30_000 });
  const hub = createHubActivities({ hubConfig, taskQueue, llm: { openai, defaultModel: 'scripted-model' }, env: { OPENAI_BASE_URL: llm.url, HUB_MODEL: 'scripted-model' } });
  const workerConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  const worker: Worker = await createHubWorker({ connection: workerConnection, namespace: 'default', taskQueue, activities: hub.activities, workflowBundle: await hubWorkflowBundle() });
  const running = worker.run();
  const tenantKeys = Object.values(ids).map((id) => `key-${id}:${id}`).join(',');
  const keys = { apiKeys: parseApiKeys(tenantKeys), adminKeys: parseApiKeys(adminKey, 'HUB_ADMIN_KEYS') };
  const { app } = makeApp(client, { taskQueue, rpcTimeoutMs: 20_000, hubConfig, ...keys });
  const asAdmin = { authorization: `Bearer ${adminKey}` };
  const tenants = Object.fromEntries(
    Object.entries(ids).map(([t, id]) => [
      t,
      { id, headers: { authorization: `Bearer key-${id}` }, budget: () => readBudget(app, id, asAdmin) },
    ]),
  );
  return {
    client,
    llm,
    app,
    taskQueue,
    tenants,
    asAdmin,
    async stop() {
      for (const id of Object.values(ids)) await client.workflow.getHandle(budgetLedgerWorkflowId(id)).terminate('test over').catch(() => undefined);
      worker.shutdown();
      await running.catch(() => undefined);
      await hub.close();
      await workerConnection.close();
      await connection.close();
      await llm.close();
    },
  };
}

/**
 * GET /v1/budgets/{tenant}: the ledger's state. A read that times out (504: the ledger's query waited behind its
 * busy workflow tasks on a loaded machine) is asked again, a few times; the last answer is returned.
 */
async function readBudget(app: GatewayApp, tenant: string, headers: Record<string, string>): Promise<any> {
  for (let i = 0; ; i++) {
    const res = await app.request(`/v1/budgets/${tenant}`, { headers });
    const body = await json(res);
    if (res.status !== 504 || i >= 4) return body;
  }
}

/** Polls `read` until `ok` holds; returns the last value read (the caller asserts on it). */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The tokens a call's lease reserved, from the request the LLM received: its messages' and tools' bytes / 3
 * plus its `max_tokens` (the meter's estimate, `estimateTokens` of agents/src/llm/routed-call.ts).
 */
export function leaseEstimateOf(req: RecordedRequest): number {
  const body = req.body ?? {};
  const bytes = Buffer.byteLength(JSON.stringify(body.messages ?? []), 'utf8') + (body.tools ? Buffer.byteLength(JSON.stringify(body.tools), 'utf8') : 0);
  return Math.ceil(bytes / 3) + Number(body['max_tokens'] ?? 0);
}

/** The usage the fixture reported for a request (its step's override). */
export function usageOf(req: RecordedRequest): number {
  const u = req.step?.usage;
  return (u?.promptTokens ?? 0) + (u?.completionTokens ?? 0);
}

/** The events of an SSE stream of the app (their `data`, parsed), read until `done` holds or `ms` pass. */
export async function readEvents(app: GatewayApp, path: string, headers: Record<string, string>, done: (events: any[]) => boolean, ms = 15_000): Promise<any[]> {
  const ctrl = new AbortController();
  const res = await app.request(path, { headers, signal: ctrl.signal });
  if (res.status !== 200 || !res.body) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const parse = (): any[] =>
    text
      .split('\n\n')
      .flatMap((block) => block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()))
      .filter(Boolean)
      .map((d) => JSON.parse(d));
  const deadline = Date.now() + ms;
  try {
    while (Date.now() < deadline && !done(parse())) {
      const r = await Promise.race([reader.read(), new Promise<'timeout'>((ok) => setTimeout(() => ok('timeout'), 500))]);
      if (r === 'timeout') continue;
      if (r.done) break;
      text += decoder.decode(r.value, { stream: true });
    }
  } finally {
    ctrl.abort();
    await reader.cancel().catch(() => undefined);
  }
  return parse();
}

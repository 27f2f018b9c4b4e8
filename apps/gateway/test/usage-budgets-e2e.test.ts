/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * Budgets and usage end to end: gateway → Temporal → a real worker running the hub's workflows (the tenants'
 * `budgetLedger`, the session) whose LLM activity takes leases from and records usage in the ledger
 * (`createBudgetMeter`), against the scripted OpenAI-compatible LLM with a price table. An admin's limits and
 * top-ups (a repeated Idempotency-Key adds once) show in the budget's state; a session turn's tokens and cost
 * show in GET /v1/usage for the tenant (its own key) and for an admin (every tenant); with budgets off,
 * top-ups are refused with 409 and usage is still recorded.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { HubConfigSchema, WORKFLOW_TYPES, budgetLedgerWorkflowId, dayOf, type HubConfig } from '@hub/contracts';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { hubWorkflowBundle } from '@hub/testing/workflow-bundle';
import { createLlmActivities, createModelRouter, createOpenAIClient, createResearchActivities } from '@hub/agents';
import { createBudgetMeter } from '@hub/agents/activities';
import { createToolActivities } from '@hub/tools';
import type { GatewayApp } from '../src/app';
import { parseApiKeys } from '../src/http/auth';
import { connectTestClient, json, makeApp, post } from './helpers';

let client: Client;
let connection: Connection;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let llm: ScriptedLlmServer;
let app: GatewayApp;
let offApp: GatewayApp;
const taskQueue = `usage-budgets-e2e-${randomUUID()}`;
const run = randomUUID().slice(0, 8);
const chatTenant = `chat-${run}`;
const paidTenant = `paid-${run}`;
const CHAT_KEY = `chat-key-${run}`;
const ADMIN_KEY = `admin-key-${run}`;
const asChat = { authorization: `Bearer ${CHAT_KEY}` };
const asAdmin = { authorization: `Bearer ${ADMIN_KEY}` };

const config = (budgets: boolean): HubConfig =>
  HubConfigSchema.parse({
    providers: { scripted: { baseURL: 'http://placeholder.invalid/v1' } },
    models: { priced: { provider: 'scripted', model: 'scripted-model', price: { inputPerMTok: 0.5, outputPerMTok: 1.5 } } },
    agents: { assistant: { instructions: 'You are the assistant.', model: 'priced' } },
    ...(budgets ? { budgets: { [chatTenant]: { usd: 100, period: 'day' } } } : {}),
  });

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  ({ client, connection } = await connectTestClient());
  llm = await startScriptedLlmServer();
  const hubConfig: HubConfig = { ...config(true), providers: { scripted: { ...config(true).providers['scripted']!, baseURL: llm.url } } };
  const openai = createOpenAIClient({ baseURL: llm.url, apiKey: 'k', model: 'scripted-model', timeoutMs: 20_000 });
  const router = createModelRouter({ defaultClient: openai, defaultModel: 'scripted-model', providers: hubConfig.providers, models: hubConfig.models, env: {} });
  const tools = createToolActivities();
  const meter = createBudgetMeter({ client, taskQueue, budgets: hubConfig.budgets });
  const activities = createLlmActivities({ openai, defaultModel: 'scripted-model', router, listTools: tools.listTools, meter });
  workerConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowBundle: await hubWorkflowBundle(),
    activities: { ...activities, ...tools, ...createResearchActivities(activities) },
  });
  running = worker.run();
  const keys = { apiKeys: parseApiKeys(`${CHAT_KEY}:${chatTenant}`), adminKeys: parseApiKeys(ADMIN_KEY, 'HUB_ADMIN_KEYS') };
  ({ app } = makeApp(client, { taskQueue, rpcTimeoutMs: 20_000, hubConfig, ...keys }));
  ({ app: offApp } = makeApp(client, { taskQueue, rpcTimeoutMs: 20_000, hubConfig: { ...hubConfig, budgets: undefined }, ...keys }));
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => undefined);
  await workerConnection?.close();
  await connection?.close();
  await llm?.close();
});

/** Polls `read` until `ok` holds (the ledger records usage by a signal after the call; visibility lags). */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('budgets and usage on the real ledger', () => {
  it("an admin's limits and top-ups show in the budget; a repeated Idempotency-Key adds once; a tenant key may only read its own", async () => {
    const before = await app.request(`/v1/budgets/${paidTenant}`, { headers: asAdmin });
    expect(before.status).toBe(200);
    expect(await json(before)).toMatchObject({ tenant: paidTenant, source: 'none', spent: { usd: 0, tokens: 0, calls: 0 }, exhausted: false });

    const set = await app.request(`/v1/budgets/${paidTenant}`, { method: 'PUT', headers: { ...asAdmin, 'content-type': 'application/json' }, body: JSON.stringify({ limits: { usd: 2, tokens: 50_000, period: 'month' } }) });
    const setBody = await json(set);
    expect(set.status, JSON.stringify(setBody)).toBe(200);
    expect(setBody).toMatchObject({ tenant: paidTenant, source: 'admin', limits: { usd: 2, tokens: 50_000, period: 'month' } });

    const key = `topup-${run}`;
    const first = await app.request(`/v1/budgets/${paidTenant}/topup`, post({ usd: 1.5, tokens: 1_000, note: 'e2e' }, { ...asAdmin, 'Idempotency-Key': key }));
    const firstBody = await json(first);
    expect(first.status, JSON.stringify(firstBody)).toBe(200);
    expect(firstBody.toppedUp).toEqual({ usd: 1.5, tokens: 1_000 });
    const repeat = await app.request(`/v1/budgets/${paidTenant}/topup`, post({ usd: 1.5, tokens: 1_000, note: 'e2e' }, { ...asAdmin, 'Idempotency-Key': key }));
    expect(repeat.status).toBe(200);
    expect((await json(repeat)).toppedUp).toEqual({ usd: 1.5, tokens: 1_000 });
    const other = await app.request(`/v1/budgets/${paidTenant}/topup`, post({ usd: 0.5 }, asAdmin));
    expect((await json(other)).toppedUp).toEqual({ usd: 2, tokens: 1_000 });

    const state = await json(await app.request(`/v1/budgets/${paidTenant}`, { headers: asAdmin }));
    expect(state).toMatchObject({ source: 'admin', limits: { usd: 2 }, toppedUp: { usd: 2, tokens: 1_000 }, exhausted: false });
    expect(Date.parse(state.periodEnd)).toBeGreaterThan(Date.now());

    expect((await app.request(`/v1/budgets/${paidTenant}`, { headers: asChat })).status).toBe(403);
    const refused = await app.request(`/v1/budgets/${chatTenant}/topup`, post({ usd: 1 }, asChat));
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.message).toMatch(/admin key/);

    const cleared = await app.request(`/v1/budgets/${paidTenant}`, { method: 'PUT', headers: { ...asAdmin, 'content-type': 'application/json' }, body: JSON.stringify({ limits: null }) });
    expect((await json(cleared)).source).not.toBe('admin');
  });

  it("a session turn's tokens and cost show in the tenant's usage (its own key) and an admin's (every tenant), and in its budget", async () => {
    llm.script({ reply: 'Metered answer.', usage: { promptTokens: 2_000, completionTokens: 1_000 } });
    const res = await app.request('/v1/sessions', post({ agent: 'assistant', message: 'hello budgets' }, asChat));
    const created = await json(res);
    expect(res.status, JSON.stringify(created)).toBe(201);
    expect(created.reply).toMatchObject({ status: 'completed', reply: 'Metered answer.' });
    // 2,000 × $0.5/M + 1,000 × $1.5/M = $0.0025
    expect(created.reply.usage).toMatchObject({ promptTokens: 2_000, completionTokens: 1_000, costUsd: 0.0025 });

    const today = dayOf(Date.now());
    const mine = await eventually(
      async () => json(await app.request('/v1/usage?groupBy=agent,model', { headers: asChat })),
      (u) => u.total?.calls >= 1,
    );
    expect(mine.to).toBe(today);
    expect(mine.groupBy).toEqual(['agent', 'model']);
    expect(mine.rows).toEqual([{ agent: 'assistant', model: 'priced', calls: 1, promptTokens: 2_000, completionTokens: 1_000, totalTokens: 3_000, usd: 0.0025 }]);
    expect(mine.total).toEqual({ calls: 1, promptTokens: 2_000, completionTokens: 1_000, totalTokens: 3_000, usd: 0.0025 });

    const byDay = await json(await app.request(`/v1/usage?from=${today}&to=${today}`, { headers: asChat }));
    expect(byDay.rows).toEqual([expect.objectContaining({ day: today, calls: 1, usd: 0.0025 })]);
    const otherTenant = await app.request(`/v1/usage?tenant=${paidTenant}`, { headers: asChat });
    expect(otherTenant.status).toBe(403);

    // A ledger no worker serves (here: on a task queue nobody polls) does not break an admin's view: it is
    // listed as unavailable and the others answer.
    const orphan = `orphan-${randomUUID().slice(0, 8)}`;
    await client.workflow.start(WORKFLOW_TYPES.budgetLedger, { workflowId: budgetLedgerWorkflowId(orphan), taskQueue: `nobody-${randomUUID()}`, args: [{ tenant: orphan }] });
    // An admin sees every tenant with a ledger (found by visibility, which may lag a moment).
    const all = await eventually(
      async () => json(await app.request('/v1/usage?groupBy=tenant', { headers: asAdmin })),
      (u) => u.rows?.some((r: any) => r.tenant === chatTenant) && u.unavailable?.includes(orphan),
    );
    expect(all.unavailable).toContain(orphan);
    await client.workflow.getHandle(budgetLedgerWorkflowId(orphan)).terminate('test done');
    expect(all.rows.find((r: any) => r.tenant === chatTenant)).toMatchObject({ calls: 1, totalTokens: 3_000, usd: 0.0025 });
    expect(all.rows.find((r: any) => r.tenant === paidTenant)).toBeUndefined(); // a ledger without calls has no rows
    const one = await json(await app.request(`/v1/usage?tenant=${chatTenant}&groupBy=tenant,model`, { headers: asAdmin }));
    expect(one.rows).toEqual([expect.objectContaining({ tenant: chatTenant, model: 'priced', calls: 1 })]);

    const budget = await eventually(
      async () => json(await app.request(`/v1/budgets/${chatTenant}`, { headers: asChat })),
      (b) => b.spent?.calls >= 1,
    );
    expect(budget).toMatchObject({ tenant: chatTenant, source: 'config', limits: { usd: 100 }, spent: { calls: 1, tokens: 3_000 }, reserved: { leases: 0 } });
    expect(budget.spent.usd).toBeCloseTo(0.0025, 9);
  });

  it('with budgets off: limits and top-ups answer 409 naming the budgets section; usage still answers', async () => {
    for (const [path, init] of [
      [`/v1/budgets/${paidTenant}/topup`, post({ usd: 1 }, asAdmin)],
      [`/v1/budgets/${paidTenant}`, { method: 'PUT', headers: { ...asAdmin, 'content-type': 'application/json' }, body: JSON.stringify({ limits: { usd: 1 } }) }],
    ] as const) {
      const res = await offApp.request(path, init);
      const body = await json(res);
      expect(res.status, path).toBe(409);
      expect(body.error.message).toMatch(/add a `budgets` section to hub.config.json/);
    }
    const usage = await json(await offApp.request('/v1/usage?groupBy=model', { headers: asChat }));
    expect(usage.total.calls).toBeGreaterThanOrEqual(1);
  });
});

/**
 * Models, fallbacks and cost end to end: gateway → Temporal → a real worker whose LLM activities route by
 * hub.config.json `providers` and `models` (the router the hub's worker builds; its wiring is checked in
 * apps/worker/test/worker.test.ts) → two scripted OpenAI-compatible providers. A config agent whose model is `["smart", "cheap"]` answers from the backup while the primary
 * answers 429, the turn's usage carries the backup's price, the session's events say why it fell back,
 * and a rejected request (400) fails the turn without trying the backup.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { HubConfigSchema, type HubConfig } from '@hub/contracts';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { hubWorkflowBundle } from '@hub/testing/workflow-bundle';
import { createLlmActivities, createModelRouter, createOpenAIClient, createResearchActivities } from '@hub/agents';
import { createToolActivities } from '@hub/tools';
import type { GatewayApp } from '../src/app';
import { connectTestClient, json, makeApp, post } from './helpers';

let client: Client;
let connection: Connection;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let primary: ScriptedLlmServer;
let backup: ScriptedLlmServer;
let app: GatewayApp;
const taskQueue = `models-e2e-${randomUUID()}`;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  ({ client, connection } = await connectTestClient());
  [primary, backup] = await Promise.all([startScriptedLlmServer(), startScriptedLlmServer()]);
  const hubConfig: HubConfig = HubConfigSchema.parse({
    providers: { primary: { baseURL: primary.url, apiKeyEnv: 'MODELS_E2E_PRIMARY_KEY', cooldownMs: 60_000 }, backup: { baseURL: backup.url } },
    models: {
      smart: { provider: 'primary', model: 'gpt-4o', price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
      cheap: { provider: 'backup', model: 'llama3.2', price: { inputPerMTok: 0.5, outputPerMTok: 1.5 } },
    },
    agents: {
      assistant: { instructions: 'You are the assistant.', model: ['smart', 'cheap'] },
      reverse: { instructions: 'You try the backup first.', model: ['cheap', 'smart'] },
    },
  });
  const openai = createOpenAIClient({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', model: 'unused', timeoutMs: 20_000 });
  const router = createModelRouter({
    defaultClient: openai,
    defaultModel: 'unused',
    providers: hubConfig.providers,
    models: hubConfig.models,
    env: { MODELS_E2E_PRIMARY_KEY: 'primary-secret' },
  });
  const tools = createToolActivities();
  const llm = createLlmActivities({ openai, defaultModel: 'unused', router, listTools: tools.listTools });
  workerConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowBundle: await hubWorkflowBundle(),
    activities: { ...llm, ...tools, ...createResearchActivities(llm) },
  });
  running = worker.run();
  ({ app } = makeApp(client, { taskQueue, rpcTimeoutMs: 20_000, hubConfig }));
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => undefined);
  await workerConnection?.close();
  await connection?.close();
  await Promise.all([primary?.close(), backup?.close()]);
});

/** The session's events so far (the SSE stream, read until `done` or a few seconds pass). */
async function eventsOf(sessionId: string, done: (types: string[]) => boolean): Promise<Array<Record<string, unknown>>> {
  const ctrl = new AbortController();
  const res = await app.request(`/v1/sessions/${sessionId}/events`, { signal: ctrl.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const parse = () =>
    text
      .split('\n\n')
      .flatMap((block) => block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()))
      .filter(Boolean)
      .map((d) => JSON.parse(d) as Record<string, unknown>);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !done(parse().map((e) => String(e['type'])))) {
    const r = await Promise.race([reader.read(), new Promise<'timeout'>((ok) => setTimeout(() => ok('timeout'), 500))]);
    if (r === 'timeout') continue;
    if (r.done) break;
    text += decoder.decode(r.value, { stream: true });
  }
  ctrl.abort();
  await reader.cancel().catch(() => undefined);
  return parse();
}

describe('models, fallbacks and cost', () => {
  it('answers from the backup while the primary answers 429, prices the turn, and says why it fell back', async () => {
    primary.script({ error: { status: 429, message: 'rate limited upstream' } });
    backup.script({ reply: 'The backup answers.', usage: { promptTokens: 2_000, completionTokens: 1_000 } });
    const res = await app.request('/v1/sessions', post({ agent: 'assistant', message: 'hello models' }));
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created.reply.status).toBe('completed');
    expect(created.reply.reply).toBe('The backup answers.');
    // 2,000 × $0.5/M + 1,000 × $1.5/M = $0.0025
    expect(created.reply.usage).toMatchObject({ promptTokens: 2_000, completionTokens: 1_000, costUsd: 0.0025 });
    expect(primary.chatRequests()[0]!.headers['authorization']).toBe('Bearer primary-secret');
    expect(primary.chatRequests()[0]!.body?.model).toBe('gpt-4o');
    expect(backup.chatRequests()[0]!.body?.model).toBe('llama3.2');

    const stateRes = await app.request(`/v1/sessions/${created.id}`);
    const state = await json(stateRes);
    expect(stateRes.status, JSON.stringify(state)).toBe(200);
    expect(state.usage.costUsd).toBe(0.0025);

    const events = await eventsOf(created.id, (types) => types.includes('turn.completed'));
    const fallback = events.find((e) => e['type'] === 'llm.fallback');
    expect(fallback).toMatchObject({ from: 'smart', to: 'cheap', provider: 'primary' });
    expect(String(fallback?.['reason'])).toContain('HTTP 429');

    // The primary cools down: the next turn goes straight to the backup; costs add up in the session.
    backup.script({ reply: 'Still the backup.', usage: { promptTokens: 1_000, completionTokens: 0 } });
    const next = await json(await app.request(`/v1/sessions/${created.id}/messages`, post({ text: 'again' })));
    expect(next.reply).toBe('Still the backup.');
    expect(primary.chatRequests()).toHaveLength(1);
    const after = await json(await app.request(`/v1/sessions/${created.id}`));
    expect(after.usage.costUsd).toBe(0.003);
  });

  it('fails a turn whose request the provider rejects (400) without falling back, with the provider message', async () => {
    primary.reset();
    backup.reset();
    backup.script({ error: { status: 400, message: 'messages[0].content is not allowed here' } });
    const res = await app.request('/v1/sessions', post({ agent: 'reverse', message: 'rejected please' }));
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created.reply.status).toBe('failed');
    expect(created.reply.error).toContain('messages[0].content is not allowed here');
    expect(backup.chatRequests()).toHaveLength(1);
    // `smart` (the primary) is next in the route, but a rejected request never falls back.
    expect(primary.chatRequests()).toHaveLength(0);
  });
});

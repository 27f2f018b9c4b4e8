/**
 * Agents in sessions and research jobs, end to end (gateway → Temporal → real worker → scripted
 * LLM): a session pins the version it started with (a new version changes only new sessions), a
 * session's team is pinned at its start, a tenant cannot use another tenant's agent, and research
 * jobs take `agent`, `planner` and `synthesizer` references.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter, type Client, type Connection } from '@temporalio/client';
import {
  agentRegistryWorkflowId,
  registerRemoteAgentUpdate,
  researchWorkflowId,
  sessionWorkflowId,
  type ResearchJobInput,
  type SessionWorkflowInput,
} from '@hub/contracts';
import type { RecordedRequest } from '@hub/testing/scripted-llm-server';
import { getProfile, listProfiles } from '@hub/agents/profiles';
import type { GatewayApp } from '../src/app';
import { connectTestClient, json, makeApp, noWorkerTaskQueue, post } from './helpers';
import { startSessionWorker, type SessionWorker } from './session-worker';

let client: Client;
let connection: Connection;
let worker: SessionWorker;
let app: GatewayApp;
/** The same gateway, but new workflows (research jobs) start on a task queue no worker polls. */
let idleApp: GatewayApp;
const tenantA = `pin-a-${randomUUID().slice(0, 8)}`;
const tenantB = `pin-b-${randomUUID().slice(0, 8)}`;
/** The real built-in agents (the team examples, the research roles). */
const builtin = { get: getProfile, list: listProfiles };
const A = { authorization: 'Bearer key-a' };
const B = { authorization: 'Bearer key-b' };
const apiKeys = new Map([
  ['key-a', tenantA],
  ['key-b', tenantB],
]);

beforeAll(async () => {
  ({ client, connection } = await connectTestClient());
  worker = await startSessionWorker();
  ({ app } = makeApp(client, { taskQueue: worker.taskQueue, rpcTimeoutMs: 10_000, profiles: builtin, apiKeys }));
  ({ app: idleApp } = makeApp(client, { taskQueue: noWorkerTaskQueue(), rpcTimeoutMs: 10_000, profiles: builtin, apiKeys }));
}, 180_000);
afterAll(async () => {
  await worker?.close();
  await connection?.close();
});

async function startedInput<T>(workflowId: string): Promise<T> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return defaultPayloadConverter.fromPayload(payload!) as T;
}
const systemPromptOf = (r: RecordedRequest | undefined): string => {
  const system = r?.body?.messages?.find((m) => m.role === 'system');
  return typeof system?.content === 'string' ? system.content : JSON.stringify(system?.content ?? '');
};
/** The last chat request whose conversation holds `text` (a unique marker of one session's message). */
const requestWith = (text: string): RecordedRequest | undefined =>
  worker.llm.chatRequests().filter((r) => JSON.stringify(r.body?.messages ?? []).includes(text)).at(-1);
const put = (name: string, body: unknown, headers: Record<string, string>) =>
  app.request(`/v1/agents/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('agents in sessions', () => {
  it('pins the version a session started with; a new version changes only new sessions', async () => {
    expect((await app.request('/v1/agents', post({ name: 'support', instructions: 'You are SUPPORT-V1.' }, A))).status).toBe(201);
    const first = `pinned-${randomUUID()}`;
    const res = await app.request('/v1/sessions', post({ agent: 'support@1', message: first }, A));
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created.reply.status).toBe('completed');
    expect(systemPromptOf(requestWith(first))).toContain('You are SUPPORT-V1.');
    const input = await startedInput<SessionWorkflowInput>(sessionWorkflowId(tenantA, created.id));
    expect(input.profile).toMatchObject({ name: 'support', version: 1, source: 'api', systemPrompt: 'You are SUPPORT-V1.' });

    expect((await put('support', { instructions: 'You are SUPPORT-V2.' }, A)).status).toBe(200);

    // The running session's next turn still runs version 1.
    const second = `still-v1-${randomUUID()}`;
    const turn = await app.request(`/v1/sessions/${created.id}/messages`, post({ text: second }, A));
    expect(turn.status).toBe(200);
    expect(systemPromptOf(requestWith(second))).toContain('You are SUPPORT-V1.');
    expect(systemPromptOf(requestWith(second))).not.toContain('SUPPORT-V2');

    // A new session (unpinned) gets version 2.
    const third = `fresh-${randomUUID()}`;
    const fresh = await json(await app.request('/v1/sessions', post({ agent: 'support', message: third }, A)));
    expect(fresh.reply.status).toBe('completed');
    expect(systemPromptOf(requestWith(third))).toContain('You are SUPPORT-V2.');
    const freshInput = await startedInput<SessionWorkflowInput>(sessionWorkflowId(tenantA, fresh.id));
    expect(freshInput.profile.version).toBe(2);
  });

  it("pins a session's team (handoffs and delegates) when it starts", async () => {
    expect((await app.request('/v1/agents', post({ name: 'helper', instructions: 'You help.' }, A))).status).toBe(201);
    const lead = await app.request('/v1/agents', post({ name: 'lead', instructions: 'You lead.', delegates: ['helper', 'writer'], handoffs: ['assistant'] }, A));
    expect(lead.status).toBe(201);
    const created = await json(await app.request('/v1/sessions', post({ agent: 'lead' }, A)));
    const input = await startedInput<SessionWorkflowInput>(sessionWorkflowId(tenantA, created.id));
    expect(input.profile).toMatchObject({ name: 'lead', delegates: ['helper', 'writer'], handoffs: ['assistant'] });
    expect(input.team!.map((p) => `${p.name}@${p.version}:${p.source}`)).toEqual(['lead@1:api', 'assistant@1:builtin', 'helper@1:api', 'writer@1:builtin']);
    expect(input.team!.find((p) => p.name === 'helper')!.systemPrompt).toBe('You help.');
  });

  it('puts a remote A2A agent in a team as a remote profile (no instructions, its endpoint and card)', async () => {
    expect((await app.request('/v1/agents', post({ name: 'near', instructions: 'Near.' }, A))).status).toBe(201);
    const card = { cardName: 'Far', description: 'a remote agent', skills: [], url: 'https://far.example/a2a/far', protocolVersion: '0.3', streaming: false };
    await client.workflow.getHandle(agentRegistryWorkflowId(tenantA)).executeUpdate(registerRemoteAgentUpdate, {
      args: [{ registration: { name: 'far-away', cardUrl: 'https://far.example/card.json', headers: { authorization: 'Bearer secret' } }, card }],
    });
    expect((await app.request('/v1/agents', post({ name: 'asks-far', instructions: 'Ask far.', delegates: ['near', 'far-away'] }, A))).status).toBe(201);
    const created = await json(await app.request('/v1/sessions', post({ agent: 'asks-far' }, A)));
    const input = await startedInput<SessionWorkflowInput>(sessionWorkflowId(tenantA, created.id));
    expect(input.team!.find((p) => p.name === 'far-away')).toEqual({
      name: 'far-away',
      description: 'a remote agent',
      systemPrompt: '',
      temperature: 0,
      tools: [],
      maxToolRounds: 0,
      source: 'remote',
      handoffs: [],
      delegates: [],
      remote: { url: 'https://far.example/a2a/far', cardUrl: 'https://far.example/card.json' },
    });
    expect(JSON.stringify(input)).not.toContain('secret');
    // Tenant B has no such remote: its agents cannot delegate to it.
    const spy = await app.request('/v1/agents', post({ name: 'spy', instructions: 'Spy.', delegates: ['far-away'] }, B));
    expect(spy.status).toBe(400);
  });

  it("refuses another tenant's agent (400 naming the field) and malformed references", async () => {
    expect((await app.request('/v1/agents', post({ name: 'a-only', instructions: 'Tenant A only.' }, A))).status).toBe(201);
    const foreign = await app.request('/v1/sessions', post({ agent: 'a-only', message: 'hi' }, B));
    expect(foreign.status).toBe(400);
    const err = (await json(foreign)).error;
    expect(err).toMatchObject({ code: 'invalid_request', details: { field: 'agent' } });
    expect(err.message).toContain('a-only');
    expect(err.details.available).not.toContain('a-only');

    const research = await idleApp.request('/v1/research', post({ question: 'What?', synthesizer: 'a-only' }, B));
    expect(research.status).toBe(400);
    expect((await json(research)).error.details.field).toBe('synthesizer');

    const noVersion = await app.request('/v1/sessions', post({ agent: 'a-only@5' }, A));
    expect(noVersion.status).toBe(400);
    expect((await json(noVersion)).error.message).toMatch(/agent: .*no version 5/);
    const builtinVersion = await app.request('/v1/sessions', post({ agent: 'assistant@2' }, A));
    expect(builtinVersion.status).toBe(400);
  });
});

describe('agents in research jobs', () => {
  it('resolves agent, planner and synthesizer references into the job input', async () => {
    expect((await app.request('/v1/agents', post({ name: 'digger', instructions: 'DIGGER-V1.', tools: ['web_*'] }, A))).status).toBe(201);
    expect((await put('digger', { instructions: 'DIGGER-V2.', tools: ['web_*'] }, A)).status).toBe(200);
    expect((await app.request('/v1/agents', post({ name: 'planner-x', instructions: 'PLAN-X.' }, A))).status).toBe(201);

    const res = await idleApp.request('/v1/research', post({ question: 'Why is the sky blue?', agent: 'digger@1', planner: 'planner-x', synthesizer: 'writer' }, A));
    expect(res.status).toBe(202);
    const { id } = await json(res);
    const input = await startedInput<ResearchJobInput>(researchWorkflowId(tenantA, id));
    expect(input.researcher).toMatchObject({ name: 'digger', version: 1, systemPrompt: 'DIGGER-V1.', tools: ['web_*'] });
    expect(input.planner).toMatchObject({ name: 'planner-x', version: 1, systemPrompt: 'PLAN-X.' });
    expect(input.synthesizer).toMatchObject({ name: 'writer', source: 'builtin' });

    // Defaults: the built-in research roles.
    const plain = await json(await idleApp.request('/v1/research', post({ question: 'And the sea?' }, A)));
    const defaults = await startedInput<ResearchJobInput>(researchWorkflowId(tenantA, plain.id));
    expect([defaults.researcher.name, defaults.planner.name, defaults.synthesizer.name]).toEqual(['researcher', 'research-planner', 'research-synthesizer']);
    for (const job of [id, plain.id]) await client.workflow.getHandle(researchWorkflowId(tenantA, job)).terminate('test done');
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/** Session routes against a real Temporal server without a worker: what needs no workflow code. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, defaultPayloadConverter } from '@temporalio/client';
import { DEFAULTS, WORKFLOW_TYPES, sessionWorkflowId, type SessionWorkflowInput } from '@hub/contracts';
import { connectTestClient, json, makeApp, noWorkerTaskQueue, post } from './helpers';
import type { GatewayApp } from '../src/app';

let client: Client;
let connection: Connection;
let app: GatewayApp;
let taskQueue: string;

beforeAll(async () => {
  ({ client, connection } = await connectTestClient());
  taskQueue = noWorkerTaskQueue();
  ({ app } = makeApp(client, { taskQueue, sessionDefaults: { approvalTimeoutMs: 60_000 } }));
});
afterAll(async () => {
  await connection?.close();
});

async function startedInput(workflowId: string): Promise<SessionWorkflowInput> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return defaultPayloadConverter.fromPayload(payload!) as SessionWorkflowInput;
}

describe('unknown sessions are 404', () => {
  const id = `missing-${randomUUID()}`;
  const cases: Array<[string, string, RequestInit?]> = [
    ['GET state', `/v1/sessions/${id}`],
    ['POST message', `/v1/sessions/${id}/messages`, post({ text: 'hello' })],
    ['POST message wait=false', `/v1/sessions/${id}/messages?wait=false`, post({ text: 'hello' })],
    ['DELETE', `/v1/sessions/${id}`, { method: 'DELETE' }],
    ['GET events', `/v1/sessions/${id}/events`],
    ['POST approval', `/v1/sessions/${id}/approvals/ap-1`, post({ approve: false, reason: 'no' })],
  ];
  for (const [name, path, init] of cases) {
    it(name, async () => {
      const res = await app.request(path, init);
      expect(res.status).toBe(404);
      expect(await json(res)).toEqual({ error: { code: 'session_not_found', message: 'session not found' } });
    });
  }
});

describe('closed sessions are 409', () => {
  const id = `closed-${randomUUID()}`;
  beforeAll(async () => {
    const handle = await client.workflow.start(WORKFLOW_TYPES.session, {
      workflowId: sessionWorkflowId('default', id),
      taskQueue,
      args: [{}],
    });
    await handle.terminate('test: closed');
  });
  const cases: Array<[string, string, RequestInit?]> = [
    ['POST message', `/v1/sessions/${id}/messages`, post({ text: 'hello' })],
    ['POST message wait=false', `/v1/sessions/${id}/messages?wait=false`, post({ text: 'hello' })],
    ['DELETE', `/v1/sessions/${id}`, { method: 'DELETE' }],
    ['GET events', `/v1/sessions/${id}/events`],
    ['POST approval', `/v1/sessions/${id}/approvals/ap-1`, post({ approve: true })],
  ];
  for (const [name, path, init] of cases) {
    it(name, async () => {
      const res = await app.request(path, init);
      expect(res.status).toBe(409);
      expect((await json(res)).error.code).toBe('session_closed');
    });
  }
  it('GET state of a session that ended before any worker ran it is 409 conflict (not 500)', async () => {
    const res = await app.request(`/v1/sessions/${id}`);
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('conflict');
  });
});

describe('POST /v1/sessions', () => {
  it('starts the session workflow with the resolved profile and options', async () => {
    const res = await app.request('/v1/sessions', post({ agent: 'researcher', tools: ['web_*', 'calc'], idleTimeoutMs: 120_000 }));
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.reply).toBeUndefined();
    // No worker: the gateway answers with the initial state.
    expect(body.session).toMatchObject({ sessionId: body.id, tenant: 'default', agent: 'researcher', status: 'idle', turns: 0, messages: [] });

    const workflowId = sessionWorkflowId('default', body.id);
    const desc = await client.workflow.getHandle(workflowId).describe();
    expect(desc.type).toBe(WORKFLOW_TYPES.session);
    expect(desc.taskQueue).toBe(taskQueue);
    expect(desc.status.name).toBe('RUNNING');
    const input = await startedInput(workflowId);
    expect(input).toEqual({
      sessionId: body.id,
      tenant: 'default',
      profile: expect.objectContaining({ name: 'researcher', systemPrompt: 'dig' }),
      options: {
        idleTimeoutMs: 120_000,
        approvalTimeoutMs: 60_000,
        maxTurnsPerRun: DEFAULTS.maxTurnsPerRun,
        toolAllowlist: ['web_*', 'calc'],
        // The profiles of the session's `research` tool (these test profiles have no planner/synthesizer: the researcher without tools).
        research: {
          researcher: expect.objectContaining({ name: 'researcher' }),
          planner: expect.objectContaining({ name: 'researcher', tools: [] }),
          synthesizer: expect.objectContaining({ name: 'researcher', tools: [] }),
        },
      },
    });
    await client.workflow.getHandle(workflowId).terminate('test done');
  });

  it('defaults the agent and options; an empty body is fine', async () => {
    const res = await app.request('/v1/sessions', { method: 'POST' });
    expect(res.status).toBe(201);
    const { id } = await json(res);
    const input = await startedInput(sessionWorkflowId('default', id));
    expect(input.profile.name).toBe(DEFAULTS.agent);
    expect(input.options).toEqual({
      idleTimeoutMs: DEFAULTS.idleTimeoutMs,
      approvalTimeoutMs: 60_000,
      maxTurnsPerRun: DEFAULTS.maxTurnsPerRun,
      research: expect.objectContaining({ researcher: expect.objectContaining({ name: 'researcher' }) }),
    });

    // Listing shows it once, as running, newest first.
    let sessions: any[] = [];
    for (let i = 0; i < 40; i++) {
      sessions = (await json(await app.request('/v1/sessions?limit=500'))).sessions;
      if (sessions.some((s) => s.id === id)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(sessions.filter((s) => s.id === id)).toEqual([
      { id, status: 'running', agent: DEFAULTS.agent, startTime: expect.any(String) },
    ]);
    await client.workflow.getHandle(sessionWorkflowId('default', id)).terminate('test done');
  });

  it('starts sessions with a 2 s workflow task timeout, so a dead worker\'s sessions move to a live one within seconds', async () => {
    const res = await app.request('/v1/sessions', { method: 'POST' });
    expect(res.status).toBe(201);
    const { id } = await json(res);
    const handle = client.workflow.getHandle(sessionWorkflowId('default', id));
    const history = await handle.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(Number(started?.workflowTaskTimeout?.seconds ?? 0)).toBe(2);
    await handle.terminate('test done');
  });
});

describe('GET /v1/sessions', () => {
  it('dedupes runs of one workflow id and honours limit', async () => {
    const tenant = `list${randomUUID().slice(0, 8)}`;
    const { app: tenantApp } = makeApp(client, { taskQueue, apiKeys: new Map([['list-key', tenant]]) });
    const auth = { authorization: 'Bearer list-key' };
    const ids = ['s1', 's2', 's3'];
    for (const id of ids) {
      await client.workflow.start(WORKFLOW_TYPES.session, { workflowId: sessionWorkflowId(tenant, id), taskQueue, args: [{}] });
    }
    // A second run of s1 (the first one terminated): two visibility records, one session.
    await client.workflow.getHandle(sessionWorkflowId(tenant, 's1')).terminate('first run');
    await client.workflow.start(WORKFLOW_TYPES.session, { workflowId: sessionWorkflowId(tenant, 's1'), taskQueue, args: [{}] });

    let sessions: any[] = [];
    for (let i = 0; i < 60; i++) {
      sessions = (await json(await tenantApp.request('/v1/sessions', { headers: auth }))).sessions;
      const s1 = sessions.find((s) => s.id === 's1');
      if (sessions.length >= 3 && s1?.status === 'running') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(sessions.map((s) => s.id).sort()).toEqual(ids);
    expect(sessions.find((s) => s.id === 's1').status).toBe('running');
    expect(sessions[0].id).toBe('s1'); // newest run first

    const limited = (await json(await tenantApp.request('/v1/sessions?limit=2', { headers: auth }))).sessions;
    expect(limited).toHaveLength(2);

    await client.workflow.getHandle(sessionWorkflowId(tenant, 's2')).terminate('done');
    let s2: any;
    for (let i = 0; i < 60; i++) {
      s2 = (await json(await tenantApp.request('/v1/sessions', { headers: auth }))).sessions.find((s: any) => s.id === 's2');
      if (s2?.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(s2).toMatchObject({ status: 'terminated', closeTime: expect.any(String) });
    for (const id of ['s1', 's3']) await client.workflow.getHandle(sessionWorkflowId(tenant, id)).terminate('done');
  });
});

describe('readiness', () => {
  it('/readyz is 200 with Temporal up', async () => {
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ ok: true, details: { temporal: 'ok' } });
  });

  it('unreachable Temporal: /readyz 503 and API calls 503 temporal_unavailable', async () => {
    const deadConnection = Connection.lazy({ address: '127.0.0.1:1' });
    const dead = new Client({ connection: deadConnection });
    const { app: deadApp, log } = makeApp(dead, { rpcTimeoutMs: 1_000 });
    const ready = await deadApp.request('/readyz');
    expect(ready.status).toBe(503);
    expect((await json(ready)).details.temporal).toBe('unreachable');
    const res = await deadApp.request('/v1/sessions/abc');
    expect(res.status).toBe(503);
    expect((await json(res)).error.code).toBe('temporal_unavailable');
    expect(log.lines.some((l) => l.level === 'error' && l.msg === 'request failed')).toBe(true);
    await deadConnection.close();
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/** Tenant isolation: each API key's tenant sees only its own sessions (real Temporal, no worker). */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { WORKFLOW_TYPES, sessionWorkflowId } from '@hub/contracts';
import { connectTestClient, json, makeApp, noWorkerTaskQueue, post } from './helpers';
import { parseApiKeys } from '../src/http/auth';
import type { GatewayApp } from '../src/app';

const KEY_A = 'key-for-tenant-a-0123456789';
const KEY_B = 'key-for-tenant-b-9876543210';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

let client: Client;
let connection: Connection;
let app: GatewayApp;
const tenantA = `ta${randomUUID().slice(0, 8)}`;
const tenantB = `tb${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  ({ client, connection } = await connectTestClient());
  ({ app } = makeApp(client, { apiKeys: parseApiKeys(`${KEY_A}:${tenantA},${KEY_B}:${tenantB}`) }));
});
afterAll(async () => {
  await connection?.close();
});

describe('tenant isolation', () => {
  const sessionId = `iso-${randomUUID()}`;

  beforeAll(async () => {
    await client.workflow.start(WORKFLOW_TYPES.session, {
      workflowId: sessionWorkflowId(tenantA, sessionId),
      taskQueue: noWorkerTaskQueue(),
      args: [{}],
      memo: { agent: 'assistant' },
    });
  });
  afterAll(async () => {
    await client.workflow.getHandle(sessionWorkflowId(tenantA, sessionId)).terminate('test done').catch(() => undefined);
  });

  it("tenant B can't see tenant A's session", async () => {
    const res = await app.request(`/v1/sessions/${sessionId}`, { headers: bearer(KEY_B) });
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('session_not_found');
    for (const [path, init] of [
      [`/v1/sessions/${sessionId}/messages`, post({ text: 'hi' }, bearer(KEY_B))],
      [`/v1/sessions/${sessionId}`, { method: 'DELETE', headers: bearer(KEY_B) }],
      [`/v1/sessions/${sessionId}/events`, { headers: bearer(KEY_B) }],
      [`/v1/sessions/${sessionId}/approvals/ap-1`, post({ approve: true }, bearer(KEY_B))],
    ] as const) {
      const r = await app.request(path, init);
      expect(r.status, path).toBe(404);
    }
  });

  it("tenant A addresses its own session (no worker: the state query times out instead of 404)", async () => {
    const res = await app.request(`/v1/sessions/${sessionId}`, { headers: bearer(KEY_A) });
    expect(res.status).toBe(504);
    expect((await json(res)).error.code).toBe('upstream_timeout');
  });

  it("lists the session for A (eventually) and never for B", async () => {
    let listed: any;
    for (let i = 0; i < 40 && !listed; i++) {
      const res = await app.request('/v1/sessions', { headers: bearer(KEY_A) });
      expect(res.status).toBe(200);
      listed = (await json(res)).sessions.find((s: any) => s.id === sessionId);
      if (!listed) await new Promise((r) => setTimeout(r, 250));
    }
    expect(listed).toMatchObject({ id: sessionId, status: 'running', agent: 'assistant', startTime: expect.any(String) });
    expect(listed.closeTime).toBeUndefined();
    const resB = await app.request('/v1/sessions', { headers: bearer(KEY_B) });
    expect(resB.status).toBe(200);
    const bodyB = await json(resB);
    expect(bodyB.sessions.some((s: any) => s.id === sessionId)).toBe(false);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * Per-tenant quotas and rate limits (quotas/): the request rate (in process, exact) answers the
 * excess of a burst with 429 + Retry-After; maxAgents over the tenant's limit is a 400 naming the
 * limit; open sessions and jobs in flight are counted in Temporal visibility (a real dev server,
 * workflows on a task queue no worker polls stay running), so every gateway sees the same counts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { LimitsSchema } from '@hub/contracts';
import { parseApiKeys } from '../src/http/auth';
import { createQuotaService } from '../src/quotas/service';
import { connectTestClient, json, makeApp, makeStubApp, post } from './helpers';

const KEY_A = 'quota-key-a-0123456789';
const KEY_B = 'quota-key-b-0123456789';
const tenantA = `qa${randomUUID().slice(0, 8)}`;
const tenantB = `qb${randomUUID().slice(0, 8)}`;
const apiKeys = parseApiKeys(`${KEY_A}:${tenantA},${KEY_B}:${tenantB}`);
const authA = { authorization: `Bearer ${KEY_A}` };
const authB = { authorization: `Bearer ${KEY_B}` };

describe('request rate (in process)', () => {
  it('60 parallel creates with 5/s and a burst of 5: exactly 50 answered 429 with Retry-After', async () => {
    let created = 0;
    const { app } = makeStubApp(
      { sessions: { create: async () => (created++, { id: `s${created}`, status: 'idle' }) as any } },
      { apiKeys, quotas: { limits: LimitsSchema.parse({ defaults: { requestsPerSecond: 5, burst: 5 } }) } },
    );
    const answers = await Promise.all(Array.from({ length: 60 }, () => app.request('/v1/sessions', post({}, authA))));
    const refused = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 201)).toHaveLength(10);
    expect(refused).toHaveLength(50);
    expect(created).toBe(10);
    for (const r of refused) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await json(r)).error).toMatchObject({ code: 'rate_limited', details: { limit: 'requestsPerSecond', value: 5 } });
    }
    // Per tenant: B's budget is its own; the ops routes count against nothing.
    expect((await app.request('/v1/sessions', post({}, authB))).status).toBe(201);
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('without limits configured nothing is limited', async () => {
    const { app } = makeStubApp({ sessions: { list: async () => [] } }, { apiKeys });
    const answers = await Promise.all(Array.from({ length: 60 }, () => app.request('/v1/sessions', { headers: authA })));
    expect(answers.every((r) => r.status === 200)).toBe(true);
  });
});

describe('maxAgents per job', () => {
  it('is refused over the tenant limit with 400 naming it; a tenant override raises it', async () => {
    const started: string[] = [];
    const { app } = makeStubApp(
      { research: { start: async (tenant: string) => (started.push(tenant), { id: 'r1' }) } },
      { apiKeys, quotas: { limits: LimitsSchema.parse({ defaults: { maxAgentsPerJob: 10 }, tenants: { [tenantB]: { maxAgentsPerJob: 10_000 } } }) } },
    );
    const over = await app.request('/v1/research', post({ question: 'q', maxAgents: 10_000 }, authA));
    expect(over.status).toBe(400);
    expect((await json(over)).error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/limits\.maxAgentsPerJob/), details: { value: 10 } });
    expect((await app.request('/v1/research', post({ question: 'q', maxAgents: 10 }, authA))).status).toBe(202);
    expect((await app.request('/v1/research', post({ question: 'q', maxAgents: 10_000 }, authB))).status).toBe(202);
    expect(started).toEqual([tenantA, tenantB]);
  });

  it('rejects an unknown limit in the config', () => {
    expect(() => LimitsSchema.parse({ defaults: { sessions: 3 } })).toThrow();
  });
});

describe('counts from Temporal visibility', () => {
  let client: Client;
  let connection: Connection;
  beforeAll(async () => {
    ({ client, connection } = await connectTestClient());
  });
  afterAll(async () => {
    await connection?.close();
  });

  const waitForCount = async (read: () => Promise<number>, want: number) => {
    const until = Date.now() + 20_000;
    for (;;) {
      const n = await read();
      if (n >= want || Date.now() > until) return n;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('open sessions and jobs in flight over the limit: 429 quota_exceeded with Retry-After', async () => {
    const counts = createQuotaService(client);
    const limits = LimitsSchema.parse({ defaults: { concurrentSessions: 2, jobsInFlight: 1 } });
    const { app } = makeApp(client, { apiKeys, quotas: { limits, counts } });

    for (let i = 0; i < 2; i++) expect((await app.request('/v1/sessions', post({}, authA))).status).toBe(201);
    expect(await waitForCount(() => counts.sessionsRunning(tenantA), 2)).toBe(2);
    const third = await app.request('/v1/sessions', post({}, authA));
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await json(third)).error).toMatchObject({ code: 'quota_exceeded', details: { limit: 'concurrentSessions', value: 2, current: 2 } });
    // Another tenant's count is its own.
    expect((await app.request('/v1/sessions', post({}, authB))).status).toBe(201);

    const task = { steps: [{ tool: 'notes/save_note', args: { text: 'x' } }] };
    expect((await app.request('/v1/tasks', post(task, authA))).status).toBe(202);
    expect(await waitForCount(() => counts.jobsRunning(tenantA), 1)).toBe(1);
    const second = await app.request('/v1/tasks', post(task, authA));
    expect(second.status).toBe(429);
    expect((await json(second)).error.details).toMatchObject({ limit: 'jobsInFlight', value: 1 });
    const research = await app.request('/v1/research', post({ question: 'q', maxAgents: 2 }, authA));
    expect(research.status).toBe(429);
  });
});

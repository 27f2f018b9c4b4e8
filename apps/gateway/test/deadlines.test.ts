/**
 * Issue 11 #16 (in process, real Temporal): every route's Temporal calls have a deadline, are
 * cancelled when the client goes away, and fail fast while Temporal is down.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { WORKFLOW_TYPES, sessionWorkflowId } from '@hub/contracts';
import { createApp } from '../src/app';
import { createServices } from '../src/services';
import { lazyTemporalClient } from '../src/temporal/connection';
import { scopedFetch, type GuardStats } from '../src/temporal/guard';
import { startReachabilityProbe } from '../src/temporal/reachability';
import { connectTestClient, memoryLogger, noWorkerTaskQueue, post, profileSource } from './helpers';

let client: Client;
let connection: Connection;
beforeAll(async () => {
  ({ client, connection } = await connectTestClient());
});
afterAll(async () => {
  await connection?.close();
});

/** A running session no worker serves: its updates are never accepted. */
async function stuckSession(): Promise<string> {
  const id = `deadline-${randomUUID()}`;
  await client.workflow.start(WORKFLOW_TYPES.session, { workflowId: sessionWorkflowId('default', id), taskQueue: noWorkerTaskQueue(), args: [{}] });
  return id;
}

const within = <T>(p: Promise<T>, ms: number): Promise<T | 'still waiting'> =>
  Promise.race([p, new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), ms))]);

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('route deadlines', () => {
  it('answers an approval on a session without a worker at the route deadline (504), not after its client is long gone', async () => {
    const id = await stuckSession();
    const services = createServices(client, { taskQueue: noWorkerTaskQueue(), profiles: profileSource, routeDeadlineMs: 1_500 });
    const app = createApp(services, { log: memoryLogger() });
    const started = Date.now();
    const res = await within(Promise.resolve(app.request(`/v1/sessions/${id}/approvals/ap-1`, post({ approve: true }))), 8_000);
    expect(res).not.toBe('still waiting');
    expect((res as Response).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('cancels the Temporal call when the client disconnects mid-request', async () => {
    const id = await stuckSession();
    const log = memoryLogger();
    const guardStats: GuardStats = { abortedByClient: 0, failedFast: 0 };
    const services = createServices(client, { taskQueue: noWorkerTaskQueue(), profiles: profileSource, log, guardStats });
    const fetch = scopedFetch(createApp(services, { log }).fetch);
    const ctrl = new AbortController();
    const req = new Request(`http://localhost/v1/sessions/${id}/approvals/ap-1`, { ...post({ approve: true }), signal: ctrl.signal });
    const answered = Promise.resolve(fetch(req)).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    const abortedAt = Date.now();
    ctrl.abort();
    for (let i = 0; i < 40 && guardStats.abortedByClient === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(guardStats.abortedByClient).toBe(1);
    expect(Date.now() - abortedAt).toBeLessThan(2_000);
    expect(log.lines.find((l) => l.msg === 'Temporal call aborted: the client went away')?.fields).toMatchObject({ service: 'sessions', method: 'approve' });
    await answered;
  });

  it('fails fast (503) while Temporal is unreachable, without waiting for the gRPC deadline', async () => {
    const down = lazyTemporalClient({ address: `127.0.0.1:${await closedPort()}`, namespace: 'default' });
    const reachability = startReachabilityProbe(down.client, { intervalMs: 500 });
    try {
      const services = createServices(down.client, { taskQueue: noWorkerTaskQueue(), profiles: profileSource, reachability });
      const app = createApp(services, { log: memoryLogger() });
      for (const [path, init] of [
        ['/v1/sessions', post({})],
        ['/v1/sessions/x/approvals/ap-1', post({ approve: true })],
        ['/v1/sessions/x/events', {}],
        ['/v1/research', {}],
      ] as const) {
        const started = Date.now();
        const res = await app.request(path, init);
        expect(res.status, path).toBe(503);
        expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe('temporal_unavailable');
        expect(Date.now() - started, path).toBeLessThan(2_000);
      }
      expect(reachability.up).toBe(false);
    } finally {
      reachability.stop();
      await down.close();
    }
  });
});

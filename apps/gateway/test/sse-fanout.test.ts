/**
 * Issue 11 #8, against a real Temporal dev server and worker: many SSE clients on one session share
 * one upstream subscription, so the workflow's in-flight update limit (10) stays free for the
 * session's messages, approvals and close; every client gets every event exactly once.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { testTemporalAddress } from '@hub/testing';
import { streamHub } from '../src/temporal/streams';
import type { GatewayApp } from '../src/app';
import { connectTestClient, json, makeApp, post } from './helpers';

let client: Client;
let connection: Connection;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let app: GatewayApp;
const taskQueue = `gateway-fanout-${randomUUID()}`;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  ({ client, connection } = await connectTestClient());
  nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./fixtures/streaming/workflows.ts', import.meta.url)),
  });
  running = worker.run();
  ({ app } = makeApp(client, { taskQueue, sseKeepAliveMs: 60_000, rpcTimeoutMs: 10_000 }));
}, 120_000);

afterAll(async () => {
  if (worker && worker.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await nativeConnection?.close();
  await connection?.close();
});

interface Sse {
  id?: string;
  event?: string;
}

/** Reads SSE events (not comments) until the stream ends or `timeoutMs`. */
async function readAll(res: Response, timeoutMs: number): Promise<{ events: Sse[]; ended: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const events: Sse[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    const r = await Promise.race([reader.read(), new Promise<'t'>((ok) => setTimeout(() => ok('t'), Math.max(0, left)))]);
    if (r === 't') {
      await reader.cancel();
      return { events, ended: false };
    }
    if (r.done) return { events, ended: true };
    buf += decoder.decode(r.value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const e: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const j = line.indexOf(':');
        e[line.slice(0, j)] = line.slice(j + 1).trim();
      }
      if (e.event) events.push(e);
    }
  }
}

describe('SSE fan-out (real Temporal)', () => {
  it('20 SSE clients on one session: a message, an approval and close still succeed; each client gets each event once', async () => {
    const created = await app.request('/v1/sessions', post({}));
    expect(created.status).toBe(201);
    const id: string = (await json(created)).id;

    const first = await app.request(`/v1/sessions/${id}/messages`, post({ text: 'before' }));
    expect(first.status).toBe(200);

    // 20 clients: 10 from the start, 10 resuming after the first event (Last-Event-ID 0).
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, n) => app.request(`/v1/sessions/${id}/events`, n % 2 ? { headers: { 'last-event-id': '0' } } : {})),
    );
    for (const res of responses) expect(res.status).toBe(200);
    const reads = responses.map((res) => readAll(res, 30_000));
    for (let i = 0; i < 100 && streamHub(client).stats().liveClients < 20; i++) await new Promise((r) => setTimeout(r, 100));
    expect(streamHub(client).stats()).toMatchObject({ upstreams: 1, liveClients: 20 });

    const t0 = Date.now();
    const msg = await app.request(`/v1/sessions/${id}/messages`, post({ text: 'during' }));
    const messageMs = Date.now() - t0;
    expect(msg.status).toBe(200);
    expect(await json(msg)).toMatchObject({ status: 'completed', reply: 'echo: during' });
    const approval = await app.request(`/v1/sessions/${id}/approvals/ap-1`, post({ approve: true }));
    expect(approval.status).toBe(200);
    const closed = await app.request(`/v1/sessions/${id}`, { method: 'DELETE' });
    expect(closed.status).toBe(200);
    console.info(`20 SSE clients on one session: message ${messageMs} ms; message + approval + close ${Date.now() - t0} ms`);

    const all = await Promise.all(reads);
    const expected = ['turn.started', 'token', 'turn.completed', 'turn.started', 'token', 'turn.completed', 'approval.resolved', 'session.closed'];
    all.forEach(({ events, ended }, n) => {
      expect(ended, `client ${n}`).toBe(true);
      const skip = n % 2 ? 1 : 0;
      const items = events.filter((e) => e.id !== undefined);
      expect(items.map((e) => e.event), `client ${n}`).toEqual(expected.slice(skip));
      expect(items.map((e) => Number(e.id)), `client ${n}`).toEqual(Array.from({ length: 8 - skip }, (_, i) => i + skip));
      expect(events.at(-1)?.event).toBe('stream.end');
    });
    expect(streamHub(client).stats()).toMatchObject({ upstreams: 0, liveClients: 0, catchingUp: 0 });
  });
});

/**
 * Against a real worker running test fixtures (test/fixtures/workflows.ts):
 * the SSE bridge with the real workflow-streams client, and the session routes
 * against a stand-in session workflow with the contract's updates/validators.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { testTemporalAddress } from '@hub/testing';
import { sessionWorkflowId, sessionStateQuery } from '@hub/contracts';
import { connectTestClient, json, makeApp, post } from './helpers';
import type { GatewayApp } from '../src/app';

let client: Client;
let connection: Connection;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let app: GatewayApp;
const taskQueue = `gateway-worker-${randomUUID()}`;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  ({ client, connection } = await connectTestClient());
  nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./fixtures/workflows.ts', import.meta.url)),
  });
  running = worker.run();
  ({ app } = makeApp(client, { taskQueue, sseKeepAliveMs: 60_000 }));
}, 120_000);

afterAll(async () => {
  if (worker && worker.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await nativeConnection?.close();
  await connection?.close();
});

async function startFixture(): Promise<{ id: string; handle: WorkflowHandle }> {
  const id = `stream-${randomUUID()}`;
  const handle = await client.workflow.start('streamFixture', { workflowId: sessionWorkflowId('default', id), taskQueue });
  return { id, handle };
}

const publish = (handle: WorkflowHandle, items: { topic: string; data: unknown }[]) => handle.signal('fixturePublish', items);

/** Collects SSE events (not comments) until `count` events arrived or the stream ended. */
async function collect(res: Response, count: number, timeoutMs = 20_000) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const events: { id?: string; event?: string; data?: string }[] = [];
  let ended = false;
  const deadline = Date.now() + timeoutMs;
  while (events.length < count && Date.now() < deadline) {
    const r = await Promise.race([reader.read(), new Promise<'t'>((ok) => setTimeout(() => ok('t'), Math.max(0, deadline - Date.now())))]);
    if (r === 't') break;
    if (r.done) {
      ended = true;
      break;
    }
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
      if (Object.keys(e).length) events.push(e);
    }
  }
  return { events, ended, cancel: () => reader.cancel() };
}

describe('SSE bridge with a real stream', () => {
  it('streams live events, resumes with Last-Event-ID and ends when the workflow ends', async () => {
    const { id, handle } = await startFixture();
    await publish(handle, [
      { topic: 'events', data: { type: 'turn.started', turnId: 't1', text: 'hi' } },
      { topic: 'other', data: { hidden: true } },
    ]);
    const res = await app.request(`/v1/sessions/${id}/events`);
    expect(res.status).toBe(200);
    const firstBatch = collect(res, 3);
    await new Promise((r) => setTimeout(r, 300));
    await publish(handle, [
      { topic: 'events', data: { type: 'token', turnId: 't1', delta: 'He', round: 0, attempt: 1 } },
      { topic: 'events', data: { type: 'turn.completed', turnId: 't1', reply: 'He', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } } },
    ]);
    const first = await firstBatch;
    expect(first.events.map((e) => [e.id, e.event])).toEqual([
      ['0', 'turn.started'],
      ['2', 'token'],
      ['3', 'turn.completed'],
    ]);
    await first.cancel();

    const resumed = await app.request(`/v1/sessions/${id}/events`, { headers: { 'last-event-id': '2' } });
    const tail = collect(resumed, 10);
    await new Promise((r) => setTimeout(r, 300));
    await handle.signal('fixtureFinish');
    const rest = await tail;
    expect(rest.ended).toBe(true);
    expect(rest.events.map((e) => e.event)).toEqual(['turn.completed', 'stream.end']);
    expect(rest.events[0]!.id).toBe('3');

    // The session is over: no stream, and a 409 stops EventSource reconnecting.
    const after = await app.request(`/v1/sessions/${id}/events`);
    expect(after.status).toBe(409);
  });

  it('announces truncated offsets and continues from the oldest retained event', async () => {
    const { id, handle } = await startFixture();
    await publish(
      handle,
      Array.from({ length: 6 }, (_, n) => ({ topic: 'events', data: { type: 'turn.interrupted', turnId: `t${n}` } })),
    );
    await handle.signal('fixtureTruncate', 4);
    const res = await app.request(`/v1/sessions/${id}/events?from=1`);
    const got = await collect(res, 3);
    expect(got.events.map((e) => [e.id, e.event])).toEqual([
      [undefined, 'stream.truncated'],
      ['4', 'turn.interrupted'],
      ['5', 'turn.interrupted'],
    ]);
    expect(JSON.parse(got.events[0]!.data!)).toMatchObject({ requestedOffset: 1, resumedAt: 4 });
    await got.cancel();
    await handle.signal('fixtureFinish');
  });
});

describe('session routes against a stand-in session workflow', () => {
  it('creates a session with a first message (update-with-start) and answers its state', async () => {
    const res = await app.request('/v1/sessions', post({ message: 'hello', agent: 'researcher' }));
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.reply).toMatchObject({ turnId: 'turn-1', status: 'completed', reply: 'echo: hello' });
    expect(body.session).toMatchObject({ sessionId: body.id, tenant: 'default', agent: 'researcher', turns: 1 });
    expect(body.session.messages).toHaveLength(2);

    const state = await app.request(`/v1/sessions/${body.id}`);
    expect(state.status).toBe(200);
    expect((await json(state)).turns).toBe(1);
  });

  it('sends messages (waiting, and wait=false), maps validator rejections, approvals and close', async () => {
    const created = await json(await app.request('/v1/sessions', post({})));
    const id: string = created.id;
    expect(created.session.status).toBe('idle');

    const turn = await app.request(`/v1/sessions/${id}/messages`, post({ text: 'how are you' }));
    expect(turn.status).toBe(200);
    expect(await json(turn)).toMatchObject({ status: 'completed', reply: 'echo: how are you' });

    // Rejected by the workflow's validator: 400 with its message (both modes).
    for (const q of ['', '?wait=false']) {
      const rejected = await app.request(`/v1/sessions/${id}/messages${q}`, post({ text: 'reject me' }));
      expect(rejected.status, q).toBe(400);
      const err = await json(rejected);
      expect(err.error.code).toBe('invalid_request');
      expect(err.error.message).toContain('validator says no to "reject me"');
    }

    // wait=false returns once accepted, before the (slow) turn finishes.
    const started = Date.now();
    const accepted = await app.request(`/v1/sessions/${id}/messages?wait=false`, post({ text: 'slow' }));
    expect(accepted.status).toBe(202);
    expect(await json(accepted)).toEqual({ accepted: true, sessionId: id });
    expect(Date.now() - started).toBeLessThan(1_400);
    const handle = client.workflow.getHandle(sessionWorkflowId('default', id));
    for (let i = 0; i < 50; i++) {
      const s = await handle.query(sessionStateQuery);
      if (s.messages.some((m) => m.content === 'echo: slow')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await handle.query(sessionStateQuery)).turns).toBe(2); // rejected messages are not turns

    const unknownApproval = await app.request(`/v1/sessions/${id}/approvals/ap-unknown`, post({ approve: true }));
    expect(unknownApproval.status).toBe(404);
    expect(await json(unknownApproval)).toMatchObject({ error: { code: 'approval_not_found', message: 'no pending approval ap-unknown' } });
    const knownApproval = await app.request(`/v1/sessions/${id}/approvals/ap-known`, post({ approve: false, reason: 'not now' }));
    expect(knownApproval.status).toBe(200);
    expect(await json(knownApproval)).toEqual({ accepted: true });

    const closed = await app.request(`/v1/sessions/${id}`, { method: 'DELETE' });
    expect(closed.status).toBe(200);
    expect(await json(closed)).toMatchObject({ status: 'closed', closedReason: 'closed by user' });

    // Closed but the run hasn't ended yet: the validators reject; the gateway sees status "closed" → 409.
    for (const [path, init] of [
      [`/v1/sessions/${id}/messages`, post({ text: 'anyone?' })],
      [`/v1/sessions/${id}/messages?wait=false`, post({ text: 'anyone?' })],
      [`/v1/sessions/${id}/approvals/ap-known`, post({ approve: true })],
      [`/v1/sessions/${id}`, { method: 'DELETE' }],
    ] as const) {
      const r = await app.request(path, init);
      expect(r.status, path).toBe(409);
      expect((await json(r)).error.code).toBe('session_closed');
    }

    // After the run ended the state query still answers.
    await handle.result();
    const final = await app.request(`/v1/sessions/${id}`);
    expect(final.status).toBe(200);
    expect(await json(final)).toMatchObject({ status: 'closed' });
    const gone = await app.request(`/v1/sessions/${id}/messages`, post({ text: 'late' }));
    expect(gone.status).toBe(409);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * Exactly-once from the client's side on the session routes, against the real session workflow on
 * a real worker (the LLM is the scripted fixture): a repeat with the same Idempotency-Key answers
 * the original result and runs nothing again, also from a new gateway (restart) on the same Temporal.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { connectTestClient, json, makeApp, post } from './helpers';
import { startSessionWorker, type SessionWorker } from './session-worker';
import type { GatewayApp } from '../src/app';

let client: Client;
let connection: Connection;
let w: SessionWorker;
let app: GatewayApp;

beforeAll(async () => {
  ({ client, connection } = await connectTestClient());
  w = await startSessionWorker();
  ({ app } = makeApp(client, { taskQueue: w.taskQueue, rpcTimeoutMs: 5_000 }));
}, 120_000);
afterAll(async () => {
  await w?.close();
  await connection?.close();
});

const withKey = (body: unknown, key: string) => post(body, { 'idempotency-key': key });
const chatCount = () => w.llm.chatRequests().length;

describe('POST /v1/sessions with an Idempotency-Key', () => {
  it('a repeat answers the same session and the same reply, and the LLM is asked once', async () => {
    const key = randomUUID();
    const before = chatCount();
    const first = await app.request('/v1/sessions', withKey({ message: 'hello once' }, key));
    expect(first.status).toBe(201);
    const a = await json(first);
    expect(a.reply).toMatchObject({ status: 'completed', reply: 'You said: hello once' });
    const second = await app.request('/v1/sessions', withKey({ message: 'hello once' }, key));
    expect(second.status).toBe(201);
    const b = await json(second);
    expect(b.id).toBe(a.id);
    expect(b.reply).toEqual(a.reply);
    expect(chatCount() - before).toBe(1);
  });

  it('a repeat through a new gateway (restart) on the same Temporal answers the original result', async () => {
    const key = randomUUID();
    const a = await json(await app.request('/v1/sessions', withKey({ message: 'survive a restart' }, key)));
    const before = chatCount();
    const { app: restarted } = makeApp(client, { taskQueue: w.taskQueue, rpcTimeoutMs: 5_000 });
    const res = await restarted.request('/v1/sessions', withKey({ message: 'survive a restart' }, key));
    expect(res.status).toBe(201);
    const b = await json(res);
    expect(b.id).toBe(a.id);
    expect(b.reply.turnId).toBe(a.reply.turnId);
    expect(b.session.turns).toBe(1);
    expect(chatCount()).toBe(before);
  });

  it('a repeat after the session closed answers the closed session, without a new session', async () => {
    const key = randomUUID();
    const a = await json(await app.request('/v1/sessions', withKey({ message: 'then close' }, key)));
    expect((await app.request(`/v1/sessions/${a.id}`, { method: 'DELETE' })).status).toBe(200);
    const res = await app.request('/v1/sessions', withKey({ message: 'then close' }, key));
    expect(res.status).toBe(201);
    const b = await json(res);
    expect(b.id).toBe(a.id);
    expect(b.session.status).toBe('closed');
    expect(b.reply).toMatchObject({ turnId: a.reply.turnId, reply: a.reply.reply });
  });

  it('the same key with another body is 409; a bad key is 400 naming the header', async () => {
    const key = randomUUID();
    expect((await app.request('/v1/sessions', withKey({ message: 'one' }, key))).status).toBe(201);
    const other = await app.request('/v1/sessions', withKey({ message: 'two' }, key));
    expect(other.status).toBe(409);
    expect((await json(other)).error.code).toBe('conflict');
    const bad = await app.request('/v1/sessions', withKey({}, 'not a valid key!'));
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toMatch(/idempotency-key/i);
  });

  it('accepts a client-chosen session id, answers a repeat with the same session and refuses a bad id', async () => {
    const id = `client-${randomUUID()}`;
    const a = await json(await app.request('/v1/sessions', post({ id, message: 'my id' })));
    expect(a.id).toBe(id);
    const before = chatCount();
    const b = await json(await app.request('/v1/sessions', post({ id, message: 'my id' })));
    expect(b).toMatchObject({ id, reply: { turnId: a.reply.turnId } });
    expect(chatCount()).toBe(before);
    expect((await app.request('/v1/sessions', post({ id: 'no/slashes' }))).status).toBe(400);
  });
});

describe('POST /v1/sessions never answers an error for work that succeeded', () => {
  it('answers the reply when the state query after Update-with-Start times out', async () => {
    // Every short Temporal call (the state query included) misses its deadline; the turn itself has none.
    const { app: slow, log } = makeApp(client, { taskQueue: w.taskQueue, rpcTimeoutMs: 1 });
    const res = await slow.request('/v1/sessions', post({ message: 'answer me anyway' }));
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.reply).toMatchObject({ status: 'completed', reply: 'You said: answer me anyway' });
    expect(body.session).toMatchObject({ sessionId: body.id, turns: 1 });
    expect(log.lines.some((l) => l.msg.includes('state query failed'))).toBe(true);
  });
});

describe('a first message that needs an approval', () => {
  it('returns the session id and the pending turn without waiting; approvals are idempotent', async () => {
    w.llm.script({ toolCalls: [{ name: 'save_note', arguments: { title: 'idem-approval', body: 'x' } }] }, { reply: 'noted' });
    const t0 = Date.now();
    const res = await app.request('/v1/sessions', post({ message: 'save it' }));
    expect(res.status).toBe(201);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const created = await json(res);
    expect(created.reply).toBeUndefined();
    expect(created.pendingTurn).toMatchObject({ turnId: 'turn-1', status: 'awaiting_approval' });
    const approval = created.pendingTurn.approvals[0];
    expect(approval.tool).toBe('save_note');
    const key = randomUUID();
    const approve = () => app.request(`/v1/sessions/${created.id}/approvals/${approval.approvalId}`, withKey({ approve: true }, key));
    expect((await approve()).status).toBe(200);
    expect((await approve()).status).toBe(200);
    const deadline = Date.now() + 20_000;
    let state: any;
    do {
      state = await json(await app.request(`/v1/sessions/${created.id}`));
      if (state.turns === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    expect(state.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'noted' });
    const saved = readFileSync(w.notesFile, 'utf8').split('\n').filter((l) => l.includes('idem-approval'));
    expect(saved).toHaveLength(1);
  });
});
describe('POST /v1/sessions/{id}/messages with an Idempotency-Key', () => {
  it('a repeat answers the same turn, also from a new gateway and after the session continued-as-new', async () => {
    const { app: canApp } = makeApp(client, { taskQueue: w.taskQueue, rpcTimeoutMs: 5_000, sessionDefaults: { maxTurnsPerRun: 1 } });
    const { id } = await json(await canApp.request('/v1/sessions', post({})));
    const key = randomUUID();
    const send = (a: GatewayApp) => a.request(`/v1/sessions/${id}/messages`, withKey({ text: 'only once' }, key));
    const before = chatCount();
    const first = await json(await send(canApp));
    expect(first).toMatchObject({ status: 'completed', reply: 'You said: only once' });
    // The session continues-as-new after every turn here: the repeat reaches the next run.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await json(await canApp.request(`/v1/sessions/${id}`))).generation < 1) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const { app: restarted } = makeApp(client, { taskQueue: w.taskQueue, rpcTimeoutMs: 5_000 });
    const again = await send(restarted);
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(first);
    expect(chatCount() - before).toBe(1);
    const state = await json(await canApp.request(`/v1/sessions/${id}`));
    expect(state.messages.filter((m: any) => m.role === 'user')).toHaveLength(1);
  });
});

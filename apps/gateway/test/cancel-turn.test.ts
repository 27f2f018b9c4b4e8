/**
 * `POST /v1/sessions/{id}/turns/{turnId}/cancel` end to end (gateway → Temporal → real worker → scripted
 * LLM): the running turn is cancelled, the session stays open and answers the next message; a turn that
 * has ended answers `cancelled: false`; a bad turn id is a 400 naming it; an unknown session a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import type { GatewayApp } from '../src/app';
import { connectTestClient, json, makeApp, post } from './helpers';
import { startSessionWorker, type SessionWorker } from './session-worker';

let client: Client;
let connection: Connection;
let worker: SessionWorker;
let app: GatewayApp;

beforeAll(async () => {
  ({ client, connection } = await connectTestClient());
  worker = await startSessionWorker();
  ({ app } = makeApp(client, { taskQueue: worker.taskQueue, rpcTimeoutMs: 10_000 }));
}, 180_000);
afterAll(async () => {
  await worker?.close();
  await connection?.close();
});

describe('cancel a turn', () => {
  it('cancels the running turn and keeps the session', async () => {
    worker.llm.script({ hang: true }, { reply: 'after the cancel' });
    const created = await json(await app.request('/v1/sessions', post({})));
    const id = created.id as string;
    const accepted = await app.request(`/v1/sessions/${id}/messages?wait=false`, post({ text: 'take your time' }));
    expect(accepted.status).toBe(202);
    await worker.llm.waitFor(() => worker.llm.pending() === 1 && worker.llm.chatRequests().length >= 1);

    const cancel = await app.request(`/v1/sessions/${id}/turns/turn-1/cancel`, post({}));
    expect(cancel.status).toBe(200);
    expect(await json(cancel)).toEqual({ turnId: 'turn-1', cancelled: true, was: 'running' });

    const again = await app.request(`/v1/sessions/${id}/turns/turn-1/cancel`, post({}));
    expect(await json(again)).toEqual({ turnId: 'turn-1', cancelled: false, was: 'ended' });

    const next = await app.request(`/v1/sessions/${id}/messages`, post({ text: 'and now?' }));
    expect(await json(next)).toMatchObject({ turnId: 'turn-2', status: 'completed', reply: 'after the cancel' });
    const state = await json(await app.request(`/v1/sessions/${id}`));
    expect(state.status).toBe('idle');
    expect(state.messages.find((m: { turnId?: string; role: string }) => m.role === 'assistant' && m.turnId === 'turn-1')).toMatchObject({
      error: 'turn cancelled',
    });
  });

  it('names a bad turn id, and an unknown session is a 404', async () => {
    const bad = await app.request('/v1/sessions/some-session/turns/first/cancel', post({}));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await json(bad))).toContain('turnId');
    const unknown = await app.request('/v1/sessions/no-such-session/turns/turn-1/cancel', post({}));
    expect(unknown.status).toBe(404);
  });
});

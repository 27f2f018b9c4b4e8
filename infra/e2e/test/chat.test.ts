/**
 * End to end: the real stack (dev server on a SQLite file, worker process,
 * gateway process) and the scripted LLM test fixture; everything over HTTP.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionEvent, SessionState, TurnResult } from '@hub/contracts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { HubStack, eventually, rawPost, readSse } from '../src/stack';
import { recordHistory } from '../src/histories';

let llm: ScriptedLlmServer;
let hub: HubStack;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  hub = await new HubStack({ llmUrl: llm.url }).start();
});
afterAll(async () => {
  await hub?.stop();
  await llm?.close();
});
beforeEach(() => llm.reset());

type Created = { id: string; session: SessionState; reply?: TurnResult };

describe('chatting with a session over HTTP', () => {
  it('creates a session with a first message, chats, streams events and closes', async () => {
    llm.script({ reply: 'Hello! How can I help you today?', chunkDelayMs: 20 });
    const created = await hub.api<Created>('POST', '/v1/sessions', { message: 'hi' });
    expect(created.status).toBe(201);
    expect(created.body.reply?.reply).toBe('Hello! How can I help you today?');
    const id = created.body.id;

    const next = await hub.api<TurnResult>('POST', `/v1/sessions/${id}/messages`, { text: 'what is 2+2?' });
    expect(next.status).toBe(200);
    expect(next.body.reply).toBe('You said: what is 2+2?');

    const got = await hub.api<SessionState>('GET', `/v1/sessions/${id}`);
    expect(got.body.messages.map((m) => m.content)).toEqual([
      'hi',
      'Hello! How can I help you today?',
      'what is 2+2?',
      'You said: what is 2+2?',
    ]);

    // The SSE stream replays from the start: token deltas add up to the replies.
    const events = await readSse(`${hub.gatewayUrl}/v1/sessions/${id}/events`, (_e, all) =>
      all.filter((x) => x.event === 'turn.completed').length === 2,
    );
    const parsed = events.map((e) => JSON.parse(e.data) as SessionEvent);
    const firstTurnTokens = parsed.filter((e) => e.type === 'token' && e.turnId === 'turn-1').map((e) => (e as { delta: string }).delta);
    expect(firstTurnTokens.join('')).toBe('Hello! How can I help you today?');
    expect(events.every((e) => e.id !== undefined)).toBe(true);

    // Resume with Last-Event-ID: only events after that offset come back.
    const lastTurnStarted = events.find((e) => e.event === 'turn.started' && e.data.includes('turn-2'))!;
    const resumed = await readSse(
      `${hub.gatewayUrl}/v1/sessions/${id}/events`,
      (e) => e.event === 'turn.completed',
      { headers: { 'last-event-id': String(Number(lastTurnStarted.id) - 1) } },
    );
    expect(resumed[0]?.event).toBe('turn.started');
    expect(resumed[0]?.id).toBe(lastTurnStarted.id);

    const closed = await hub.api<SessionState>('DELETE', `/v1/sessions/${id}`);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    const after = await hub.api<{ error: { code: string } }>('POST', `/v1/sessions/${id}/messages`, { text: 'still there?' });
    expect(after.status).toBe(409);
    // History is kept after close.
    expect((await hub.api<SessionState>('GET', `/v1/sessions/${id}`)).body.messages).toHaveLength(4);
    await recordHistory(hub.client, `session/default/${id}`, 'chat-and-close');
  });

  it('pauses for approval of a tool call, runs it once approved, and shows the result', async () => {
    llm.script({ toolCalls: [{ name: 'save_note', arguments: { title: 'e2e', body: 'approved note' } }] }, { reply: 'Saved your note.' });
    const created = await hub.api<Created>('POST', '/v1/sessions', {});
    const id = created.body.id;
    const accepted = await hub.api('POST', `/v1/sessions/${id}/messages?wait=false`, { text: 'please save a note' });
    expect(accepted.status).toBe(202);

    const events = await readSse(`${hub.gatewayUrl}/v1/sessions/${id}/events`, (e) => e.event === 'approval.requested');
    const requested = JSON.parse(events.at(-1)!.data) as Extract<SessionEvent, { type: 'approval.requested' }>;
    expect(requested.approval.tool).toBe('save_note');
    const pending = await hub.api<SessionState>('GET', `/v1/sessions/${id}`);
    expect(pending.body.status).toBe('awaiting_approval');

    const unknown = await hub.api<{ error: { code: string } }>('POST', `/v1/sessions/${id}/approvals/nope`, { approve: true });
    expect(unknown.status).toBe(404);
    const ok = await hub.api('POST', `/v1/sessions/${id}/approvals/${requested.approval.approvalId}`, { approve: true });
    expect(ok.status).toBe(200);

    const done = await eventually(async () => {
      const s = await hub.api<SessionState>('GET', `/v1/sessions/${id}`);
      return s.body.status === 'idle' && s.body.turns === 1 && s.body;
    });
    expect(done.messages.at(-1)?.content).toBe('Saved your note.');
    const notes = readFileSync(join(hub.dataDir, 'notes.jsonl'), 'utf8').trim().split('\n');
    expect(notes.filter((l) => l.includes('approved note'))).toHaveLength(1);
    await recordHistory(hub.client, `session/default/${id}`, 'tool-approval');
  });

  it('answers bad input with a clear 4xx JSON error and loses nothing stored', async () => {
    const created = await hub.api<Created>('POST', '/v1/sessions', { message: 'keep me' });
    const id = created.body.id;
    const empty = await hub.api<{ error: { code: string; message: string } }>('POST', `/v1/sessions/${id}/messages`, { text: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/text/);
    const huge = await rawPost(`${hub.gatewayUrl}/v1/sessions/${id}/messages`, Buffer.from(JSON.stringify({ text: 'x'.repeat(300_000) })));
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ error: { code: 'payload_too_large' } });
    const missing = await hub.api<{ error: { code: string } }>('GET', '/v1/sessions/does-not-exist');
    expect(missing.status).toBe(404);
    const s = await hub.api<SessionState>('GET', `/v1/sessions/${id}`);
    expect(s.body.messages.map((m) => m.content)).toEqual(['keep me', 'You said: keep me']);
  });
});

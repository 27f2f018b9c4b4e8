/**
 * Token events of a streamed reply end to end (gateway → Temporal → the real session workflow and LLM
 * activity → scripted LLM), issue 13 #1: the first delta of a reply is published on its own, before any
 * batch window (later ones come in batches), and the durable stream stays the source of truth: a client
 * that reconnects with Last-Event-ID gets every token after that id, whose text completes the reply.
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
  ({ app } = makeApp(client, { taskQueue: worker.taskQueue, rpcTimeoutMs: 10_000, sseKeepAliveMs: 60_000 }));
}, 180_000);
afterAll(async () => {
  await worker?.close();
  await connection?.close();
});

interface Sse {
  id: string | undefined;
  event: string;
  data: { type?: string; turnId?: string; delta?: string; reply?: string };
}

/** Reads SSE events until one named `until` (or the stream ends), then cancels the stream. */
async function readUntil(res: Response, until: string, timeoutMs = 30_000): Promise<Sse[]> {
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Sse[] = [];
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  let buf = '';
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return events;
      buf += decoder.decode(r.value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const f: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const j = line.indexOf(':');
          f[line.slice(0, j)] = line.slice(j + 1).trim();
        }
        if (!f.event) continue;
        events.push({ id: f.id, event: f.event, data: JSON.parse(f.data ?? 'null') as Sse['data'] });
        if (f.event === until) return events;
      }
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
}

const text = (events: Sse[]) =>
  events
    .filter((e) => e.event === 'token')
    .map((e) => e.data.delta)
    .join('');

describe('token events of a streamed reply', () => {
  it('the first delta goes out alone before the batch window; a reconnect with Last-Event-ID gets every later token', async () => {
    const words = Array.from({ length: 12 }, (_, i) => `w${i}`);
    const reply = words.join(' ');
    // ~500 ms of tokens: several 100 ms batches after the first delta.
    worker.llm.script({ reply, firstChunkDelayMs: 20, chunkDelayMs: 40 });
    const id = (await json(await app.request('/v1/sessions', post({})))).id as string;
    const live = readUntil(await app.request(`/v1/sessions/${id}/events`), 'turn.completed');
    const answer = await app.request(`/v1/sessions/${id}/messages`, post({ text: 'stream it' }));
    expect(await json(answer)).toMatchObject({ status: 'completed', reply });

    const events = await live;
    const tokens = events.filter((e) => e.event === 'token');
    // The first word alone: published when it arrived, not batched with the words of the next 100 ms.
    expect(tokens[0]?.data.delta).toBe(`${words[0]} `);
    expect(tokens.length).toBeGreaterThan(2);
    expect(tokens.length).toBeLessThan(words.length); // the rest is batched
    expect(text(events)).toBe(reply);
    expect(events.at(-1)?.data).toMatchObject({ type: 'turn.completed', reply });

    // Reconnects: after the first token, and after turn.started — each gets every token from there on, once.
    const firstToken = tokens[0]!.id!;
    const afterFirst = await readUntil(await app.request(`/v1/sessions/${id}/events`, { headers: { 'last-event-id': firstToken } }), 'turn.completed');
    expect(`${words[0]} ${text(afterFirst)}`).toBe(reply);
    expect(afterFirst.every((e) => Number(e.id) > Number(firstToken))).toBe(true);
    const started = events.find((e) => e.event === 'turn.started')!.id!;
    const all = await readUntil(await app.request(`/v1/sessions/${id}/events`, { headers: { 'last-event-id': started } }), 'turn.completed');
    expect(text(all)).toBe(reply);
    expect(all.map((e) => e.id)).toEqual(events.filter((e) => Number(e.id) > Number(started)).map((e) => e.id));
  });
});

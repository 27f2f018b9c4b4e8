/** SSE bridge: formatting, resume, truncation notice, keep-alive, disconnect and shutdown (stub services: the stream source is injected). */
import { describe, expect, it } from 'vitest';
import type { CreateAppOptions } from '../src/app';
import type { OpenStream, StreamItem } from '../src/temporal/streams';
import { makeStubApp } from './helpers';

const sessionId = 'ev-session';

/** The app on a running session (so the route's existence check passes) whose events come from `openStream`. */
function makeEventsApp(openStream: OpenStream, options: CreateAppOptions = {}) {
  return makeStubApp({ sessions: { status: async () => 'RUNNING', events: (_ctx, id, from) => openStream(id, from) } }, options);
}

interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

function parseSse(text: string): SseMessage[] {
  const out: SseMessage[] = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    const msg: SseMessage = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) msg.comment = line.slice(1).trim();
      else {
        const i = line.indexOf(':');
        const key = line.slice(0, i) as 'id' | 'event' | 'data';
        const value = line.slice(i + 1).replace(/^ /, '');
        msg[key] = msg[key] === undefined ? value : `${msg[key]}\n${value}`;
      }
    }
    out.push(msg);
  }
  return out;
}

/** Reads the SSE body until `done(messages)` or the stream ends; returns the messages and whether the stream ended. */
async function readSse(res: Response, done: (m: SseMessage[]) => boolean = () => false, timeoutMs = 10_000) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await Promise.race([reader.read(), new Promise<'timeout'>((ok) => setTimeout(() => ok('timeout'), deadline - Date.now()))]);
    if (r === 'timeout') break;
    if (r.done) {
      ended = true;
      break;
    }
    text += decoder.decode(r.value, { stream: true });
    if (done(parseSse(text))) break;
  }
  return { messages: parseSse(text), ended, reader };
}

function fromList(items: StreamItem[], calls: number[]): OpenStream {
  return async function* (_wf, from) {
    calls.push(from);
    for (const item of items) if (item.offset >= from || from === 0) yield item;
  };
}

const ev = (offset: number, data: Record<string, unknown>, topic = 'events'): StreamItem => ({ topic, offset, data });

describe('GET /v1/sessions/:id/events', () => {
  it('sends each event with id/event/data, skips other topics and ends with stream.end', async () => {
    const calls: number[] = [];
    const items = [
      ev(0, { type: 'turn.started', turnId: 't1', text: 'hi' }),
      ev(1, { internal: true }, 'other'),
      ev(2, { type: 'token', turnId: 't1', delta: 'multi\nline', round: 0, attempt: 1 }),
      ev(3, { type: 'turn.completed', turnId: 't1', reply: 'ok', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } }),
    ];
    const { app } = makeEventsApp(fromList(items, calls));
    const res = await app.request(`/v1/sessions/${sessionId}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const { messages, ended } = await readSse(res);
    expect(ended).toBe(true);
    expect(calls).toEqual([0]);
    const events = messages.filter((m) => m.event);
    expect(events.map((m) => [m.id, m.event])).toEqual([
      ['0', 'turn.started'],
      ['2', 'token'],
      ['3', 'turn.completed'],
      [undefined, 'stream.end'],
    ]);
    expect(JSON.parse(events[1]!.data!)).toMatchObject({ delta: 'multi\nline' });
  });

  it('resumes after Last-Event-ID, or from ?from=', async () => {
    const calls: number[] = [];
    const items = [ev(5, { type: 'turn.started', turnId: 't', text: 'x' }), ev(6, { type: 'turn.interrupted', turnId: 't' })];
    const { app } = makeEventsApp(fromList(items, calls));
    const a = await readSse(await app.request(`/v1/sessions/${sessionId}/events`, { headers: { 'last-event-id': '5' } }));
    expect(a.messages.filter((m) => m.id).map((m) => m.id)).toEqual(['6']);
    await readSse(await app.request(`/v1/sessions/${sessionId}/events?from=5`));
    await readSse(await app.request(`/v1/sessions/${sessionId}/events?from=1`, { headers: { 'last-event-id': '3' } }));
    expect(calls).toEqual([6, 5, 4]);
  });

  it('announces truncation when the first available offset is past the requested one', async () => {
    const items = [ev(40, { type: 'turn.started', turnId: 't', text: 'x' }), ev(41, { type: 'turn.failed', turnId: 't', error: 'e' })];
    const { app } = makeEventsApp(async function* () { yield* items; });
    const { messages } = await readSse(await app.request(`/v1/sessions/${sessionId}/events`, { headers: { 'last-event-id': '9' } }));
    const events = messages.filter((m) => m.event);
    expect(events.map((m) => m.event)).toEqual(['stream.truncated', 'turn.started', 'turn.failed', 'stream.end']);
    expect(JSON.parse(events[0]!.data!)).toMatchObject({ requestedOffset: 10, resumedAt: 40 });
    expect(events[0]!.id).toBeUndefined();

    // A fresh connection (offset 0) is not a truncation.
    const fresh = await readSse(await app.request(`/v1/sessions/${sessionId}/events`));
    expect(fresh.messages.filter((m) => m.event).map((m) => m.event)).toEqual(['turn.started', 'turn.failed', 'stream.end']);
  });

  it('sends keep-alive comments, and stops the subscription when the client disconnects', async () => {
    let finished = false;
    let produced = 0;
    const openStream: OpenStream = async function* () {
      try {
        for (;;) {
          await new Promise((r) => setTimeout(r, 40));
          yield ev(produced, { type: 'token', turnId: 't', delta: String(produced), round: 0, attempt: 1 });
          produced++;
        }
      } finally {
        finished = true;
      }
    };
    const { app, log } = makeEventsApp(openStream, { sseKeepAliveMs: 30 });
    const res = await app.request(`/v1/sessions/${sessionId}/events`);
    const { messages, reader } = await readSse(res, (m) => m.filter((x) => x.comment === 'ping').length >= 2 && m.filter((x) => x.event).length >= 2);
    expect(messages.filter((m) => m.comment === 'ping').length).toBeGreaterThanOrEqual(2);
    await reader.cancel();
    for (let i = 0; i < 50 && !finished; i++) await new Promise((r) => setTimeout(r, 20));
    expect(finished).toBe(true);
    const before = produced;
    await new Promise((r) => setTimeout(r, 200));
    expect(produced).toBe(before);
    expect(log.lines.find((l) => l.msg === 'event stream ended')?.fields).toMatchObject({ outcome: 'aborted' });
  });

  it('ends open streams on shutdown', async () => {
    const shutdown = new AbortController();
    let finished = false;
    const openStream: OpenStream = async function* () {
      try {
        yield ev(0, { type: 'turn.started', turnId: 't', text: 'x' });
        await new Promise((r) => setTimeout(r, 5_000));
      } finally {
        finished = true;
      }
    };
    const { app } = makeEventsApp(openStream, { shutdownSignal: shutdown.signal });
    const res = await app.request(`/v1/sessions/${sessionId}/events`);
    setTimeout(() => shutdown.abort(), 200);
    const { messages, ended } = await readSse(res);
    expect(ended).toBe(true);
    const last = messages.filter((m) => m.event).at(-1)!;
    expect(last.event).toBe('stream.end');
    expect(JSON.parse(last.data!).reason).toMatch(/shutting down/);
    // The pending poll keeps the generator busy; return() is queued behind it (not awaited by the gateway).
    expect(finished).toBe(false);
  });

  it('reports a failing subscription as stream.error and closes', async () => {
    const { app, log } = makeEventsApp(async function* () {
      yield ev(7, { type: 'turn.started', turnId: 't', text: 'x' });
      throw new Error('poll failed');
    });
    const { messages, ended } = await readSse(await app.request(`/v1/sessions/${sessionId}/events?from=7`));
    expect(ended).toBe(true);
    const last = messages.filter((m) => m.event).at(-1)!;
    expect(last.event).toBe('stream.error');
    expect(JSON.parse(last.data!)).toEqual({ code: 'internal', message: 'internal error', nextOffset: 8 });
    expect(log.lines.some((l) => l.level === 'warn' && l.msg === 'event stream failed')).toBe(true);
  });
});

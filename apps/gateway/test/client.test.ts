import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_TYPES_FILE, clientTypes } from '../client/generate';
import { createHubClient, parseSse, subscribeEvents, SseHttpError, type SseMessage } from '../client';
import { OPENAPI_FILE } from '../src/openapi';

const stream = (chunks: string[]): ReadableStream<Uint8Array> => {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(enc.encode(x));
      c.close();
    },
  });
};
const collect = async (it: AsyncIterable<SseMessage>): Promise<SseMessage[]> => {
  const out: SseMessage[] = [];
  for await (const m of it) out.push(m);
  return out;
};

describe('client/openapi.d.ts', () => {
  it('is generated from docs/openapi.json (regenerate with `npm run openapi`)', async () => {
    const expected = await clientTypes(readFileSync(OPENAPI_FILE, 'utf8'));
    expect(expected).toContain('"/v1/sessions/{id}/messages"');
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(expected);
  });
});

describe('parseSse', () => {
  it('parses ids, events, multi-line data and comments, across chunk and CRLF boundaries', async () => {
    const msgs = await collect(
      parseSse(stream([': ping\n\nid: 1\nevent: tok', 'en\ndata: {"a":1}\n\n', 'id: 2\r', '\ndata: x\r\ndata: y\r\n\r\n', 'event: stream.end\ndata:{}\n\n', 'data: partial'])),
    );
    expect(msgs).toEqual([
      { id: '1', event: 'token', data: '{"a":1}' },
      { id: '2', event: 'message', data: 'x\ny' },
      { id: '2', event: 'stream.end', data: '{}' },
    ]);
  });
});

describe('subscribeEvents', () => {
  it('reconnects after a drop and after stream.error with Last-Event-ID, and stops at stream.end', async () => {
    const seen: (string | null)[] = [];
    const bodies = [
      'id: 0\nevent: a\ndata: 0\n\nid: 1\nevent: a\ndata: 1\n\n', // dropped without stream.end
      'id: 2\nevent: a\ndata: 2\n\nevent: stream.error\ndata: {"code":"x"}\n\n',
      'event: stream.end\ndata: {"reason":"server shutting down; reconnect with Last-Event-ID"}\n\n',
      'id: 3\nevent: a\ndata: 3\n\nevent: stream.end\ndata: {"reason":"done"}\n\n',
    ];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      const h = init.headers as Record<string, string>;
      seen.push(h['last-event-id'] ?? null);
      expect(h.authorization).toBe('Bearer k');
      return new Response(stream([bodies[seen.length - 1]!]), { headers: { 'content-type': 'text/event-stream' } });
    }) as typeof fetch;
    const msgs = await collect(subscribeEvents({ url: 'http://hub/v1/x/events', apiKey: 'k', fetch: fakeFetch, retryDelayMs: 1 }));
    expect(msgs.map((m) => m.data)).toEqual(['0', '1', '2', '3', '{"reason":"done"}']);
    expect(seen).toEqual([null, '1', '2', '2']);
  });

  it('throws SseHttpError with the gateway error on a 4xx', async () => {
    const fakeFetch = (async () => Response.json({ error: { code: 'not_found', message: 'no such session' } }, { status: 404 })) as unknown as typeof fetch;
    const err = await collect(subscribeEvents({ url: 'http://hub/e', fetch: fakeFetch })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SseHttpError);
    expect((err as SseHttpError).status).toBe(404);
    expect((err as Error).message).toContain('no such session');
  });
});

describe('createHubClient', () => {
  it('sends typed requests to the base URL with the bearer key', async () => {
    const calls: Request[] = [];
    const fakeFetch = (async (req: Request) => {
      calls.push(req);
      return Response.json({ sessions: [] });
    }) as unknown as typeof fetch;
    const hub = createHubClient({ url: 'http://hub.test/', apiKey: 'secret', fetch: fakeFetch });
    const { data, error } = await hub.GET('/v1/sessions', { params: { query: { limit: 5 } } });
    expect(error).toBeUndefined();
    expect(data).toEqual({ sessions: [] });
    expect(calls[0]!.url).toBe('http://hub.test/v1/sessions?limit=5');
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer secret');
  });
});

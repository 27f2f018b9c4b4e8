/** The typed client's POSTs carry an Idempotency-Key and are retried with the same key after a lost answer. */
import { describe, expect, it } from 'vitest';
import { createHubClient } from '../client';

describe('createHubClient idempotency', () => {
  it('sends one Idempotency-Key per POST and retries a network error or 504 with the same key', async () => {
    const seen: { method: string; key: string | null }[] = [];
    let calls = 0;
    const fetch = (async (input: Request | string | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      seen.push({ method: req.method, key: req.headers.get('idempotency-key') });
      calls++;
      if (calls === 1) throw new TypeError('fetch failed');
      if (calls === 2) return new Response('{"error":{"code":"upstream_timeout","message":"x"}}', { status: 504 });
      return new Response(JSON.stringify({ accepted: true, sessionId: 's' }), { status: 202, headers: { 'content-type': 'application/json' } });
    }) as typeof globalThis.fetch;
    const client = createHubClient({ url: 'http://hub.test', fetch });
    const { data } = await client.POST('/v1/sessions/{id}/messages', {
      params: { path: { id: 's' }, query: { wait: 'false' } },
      body: { text: 'hi' },
    });
    expect(data).toEqual({ accepted: true, sessionId: 's' });
    expect(seen).toHaveLength(3);
    expect(seen[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    await client.GET('/v1/sessions/{id}', { params: { path: { id: 's' } } });
    expect(seen.at(-1)).toEqual({ method: 'GET', key: null });
  });
});

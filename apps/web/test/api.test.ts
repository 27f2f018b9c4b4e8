/** callApi: the routes the generated client does not type yet, with the client's base URL and key, errors as ApiCallError. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiCallError, callApi, hubClient } from '../src/api';

afterEach(() => vi.unstubAllGlobals());

describe('callApi', () => {
  it("sends JSON with the client's API key and answers the body", async () => {
    vi.stubGlobal('location', { origin: 'http://hub.test' });
    const seen: Request[] = [];
    vi.stubGlobal('fetch', async (input: Request) => {
      seen.push(input);
      return new Response(JSON.stringify({ name: 'x', version: 1 }), { status: 201, headers: { 'content-type': 'application/json' } });
    });
    const out = await callApi<{ version: number }>(hubClient('k-123'), 'POST', '/v1/agents', { name: 'x' });
    expect(out.version).toBe(1);
    expect(seen[0]!.url).toBe('http://hub.test/v1/agents');
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer k-123');
    expect(seen[0]!.headers.get('idempotency-key')).toBeTruthy();
    await expect(seen[0]!.json()).resolves.toEqual({ name: 'x' });
  });

  it("throws the gateway's error with its status, code and details", async () => {
    vi.stubGlobal('location', { origin: 'http://hub.test' });
    const details = { target: 'body', issues: [{ path: 'temperature', message: 'Too big', code: 'too_big' }] };
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { code: 'invalid_request', message: 'invalid request body', details } }), { status: 400 }));
    const err = await callApi(hubClient(''), 'PUT', '/v1/agents/x', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', details, message: 'invalid_request: invalid request body' });
    vi.stubGlobal('fetch', async () => new Response('gateway down', { status: 502, statusText: 'Bad Gateway' }));
    await expect(callApi(hubClient(''), 'GET', '/v1/agents')).rejects.toMatchObject({ status: 502, code: 'error', message: 'error: HTTP 502 Bad Gateway' });
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/** Input validation, error envelope, body limit, request ids, OpenAPI document (stub services: no Temporal). */
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { LIMITS } from '@hub/contracts';
import { connectTestClient, json, makeServices, makeStubApp, post } from './helpers';
import type { GatewayApp } from '../src/app';

let app: GatewayApp;
let log: ReturnType<typeof makeStubApp>['log'];

beforeAll(() => {
  ({ app, log } = makeStubApp());
});

function expectError(body: any, code: string): void {
  expect(body).toMatchObject({ error: { code, message: expect.any(String) } });
}

describe('validation', () => {
  it('rejects an empty message naming `text`', async () => {
    const res = await app.request('/v1/sessions/abc/messages', post({ text: '   ' }));
    expect(res.status).toBe(400);
    const body = await json(res);
    expectError(body, 'invalid_request');
    expect(body.error.message).toContain('text');
    expect(body.error.details.issues[0]).toMatchObject({ path: 'text', message: 'message text must not be empty' });
  });

  it('rejects an oversized message naming `text`', async () => {
    const res = await app.request('/v1/sessions/abc/messages', post({ text: 'a'.repeat(LIMITS.maxMessageChars + 1) }));
    expect(res.status).toBe(400);
    const body = await json(res);
    expectError(body, 'invalid_request');
    expect(body.error.message).toMatch(/text: .*at most/);
  });

  it('rejects a missing text and wrong types, listing every field', async () => {
    const res = await app.request('/v1/sessions/abc/messages', post({ interrupt: 'yes' }));
    expect(res.status).toBe(400);
    const body = await json(res);
    const paths = body.error.details.issues.map((i: any) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['text', 'interrupt']));
  });

  it('rejects unknown body fields', async () => {
    const res = await app.request('/v1/sessions/abc/messages', post({ text: 'hi', txet: 'typo' }));
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toContain('txet');
  });

  it('rejects an empty first message on session create naming `message`', async () => {
    const res = await app.request('/v1/sessions', post({ message: '' }));
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.details.issues[0].path).toBe('message');
  });

  it('malformed JSON is 400, not 500', async () => {
    const res = await app.request('/v1/sessions', post('{"message": "hi"'));
    expect(res.status).toBe(400);
    expectError(await json(res), 'invalid_request');
    expect(log.lines.some((l) => l.level === 'error')).toBe(false);
  });

  it('a non-JSON content type is 415', async () => {
    const res = await app.request('/v1/sessions', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(res.status).toBe(415);
    expectError(await json(res), 'unsupported_media_type');
  });

  it('a body without content type is 415; a message without body is 400', async () => {
    const noType = await app.request('/v1/sessions', { method: 'POST', body: '{}' });
    expect(noType.status).toBe(415);
    expectError(await json(noType), 'unsupported_media_type');
    const none = await app.request('/v1/sessions/abc/messages', { method: 'POST' });
    expect(none.status).toBe(400);
    expectError(await json(none), 'invalid_request');
  });

  it('an unknown agent is 400 naming it', async () => {
    // The agent service's check: not a built-in agent, and the tenant has none of its own (no registry workflow).
    const { client, connection } = await connectTestClient();
    const { app } = makeStubApp({ sessions: makeServices(client).sessions });
    onTestFinished(() => connection.close());
    const res = await app.request('/v1/sessions', post({ agent: 'nope-agent', message: 'hi' }));
    expect(res.status).toBe(400);
    const body = await json(res);
    expectError(body, 'invalid_request');
    expect(body.error.message).toContain('nope-agent');
    expect(body.error.details.available).toEqual(['assistant', 'researcher']);
  });

  it('validates tools, idleTimeoutMs and list limit', async () => {
    const bad = await app.request('/v1/sessions', post({ tools: ['ok', 'no spaces'], idleTimeoutMs: -5 }));
    expect(bad.status).toBe(400);
    const paths = (await json(bad)).error.details.issues.map((i: any) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['tools[1]', 'idleTimeoutMs']));
    const limit = await app.request('/v1/sessions?limit=501');
    expect(limit.status).toBe(400);
    expect((await json(limit)).error.message).toContain('limit');
    const limit0 = await app.request('/v1/sessions?limit=abc');
    expect(limit0.status).toBe(400);
  });

  it('rejects malformed session ids and Last-Event-ID', async () => {
    const res = await app.request('/v1/sessions/bad.id!');
    expect(res.status).toBe(400);
    const ev = await app.request('/v1/sessions/abc/events', { headers: { 'last-event-id': 'xyz' } });
    expect(ev.status).toBe(400);
    expect((await json(ev)).error.message).toContain('last-event-id');
  });

  it('validates approval bodies', async () => {
    const res = await app.request('/v1/sessions/abc/approvals/ap1', post({ approve: 'yes' }));
    expect(res.status).toBe(400);
    expect((await json(res)).error.details.issues[0].path).toBe('approve');
  });
});

describe('body limit', () => {
  it('rejects a declared content-length over the limit with 413 JSON', async () => {
    const big = JSON.stringify({ text: 'a'.repeat(LIMITS.maxBodyBytes) });
    const res = await app.request('/v1/sessions/abc/messages', post(big, { 'content-length': String(Buffer.byteLength(big)) }));
    expect(res.status).toBe(413);
    expectError(await json(res), 'payload_too_large');
  });

  it('rejects a chunked body (no content-length) over the limit with 413 JSON', async () => {
    const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"text":"'));
        if (sent > LIMITS.maxBodyBytes * 2) {
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
          return;
        }
        controller.enqueue(chunk);
        sent += chunk.length;
      },
    });
    const req = new Request('http://localhost/v1/sessions/abc/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(req.headers.get('content-length')).toBeNull();
    const res = await app.request(req);
    expect(res.status).toBe(413);
    expectError(await json(res), 'payload_too_large');
    // It stopped reading early instead of buffering the whole stream.
    expect(sent).toBeLessThan(LIMITS.maxBodyBytes * 2);
  });

  it('accepts a chunked body under the limit (validation runs on it)', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"text":'));
        controller.enqueue(new TextEncoder().encode('""}'));
        controller.close();
      },
    });
    const res = await app.request(
      new Request('http://localhost/v1/sessions/abc/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(400);
    expect((await json(res)).error.details.issues[0].path).toBe('text');
  });
});

describe('cross-cutting', () => {
  it('echoes an incoming X-Request-Id and logs it', async () => {
    const res = await app.request('/healthz', { headers: { 'x-request-id': 'req-abc-123' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-abc-123');
    const line = log.lines.find((l) => l.msg === 'request' && l.fields?.['requestId'] === 'req-abc-123');
    expect(line?.fields).toMatchObject({ method: 'GET', path: '/healthz', status: 200, tenant: 'default', durationMs: expect.any(Number) });
  });

  it('generates a request id when none is sent, also on errors', async () => {
    const res = await app.request('/v1/sessions/abc/messages', post({ text: '' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const ok = await app.request('/healthz');
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('unknown routes are 404 JSON', async () => {
    const res = await app.request('/v2/nothing');
    expect(res.status).toBe(404);
    expectError(await json(res), 'not_found');
  });

  it('/healthz is ok', async () => {
    const res = await app.request('/healthz');
    expect(await json(res)).toEqual({ ok: true });
  });

  it('/openapi.json is a valid 3.1 document listing every route', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/codec/decode',
        '/codec/encode',
        '/healthz',
        '/mcp',
        '/metrics',
        '/readyz',
        '/v1/sessions',
        '/v1/sessions/{id}',
        '/v1/sessions/{id}/approvals/{approvalId}',
        '/v1/sessions/{id}/events',
        '/v1/sessions/{id}/messages',
        '/v1/sessions/{id}/turns/{turnId}/cancel',
        '/v1/mcp/servers',
        '/v1/mcp/servers/{name}',
        '/v1/mcp/servers/{name}/tools',
        '/v1/mcp/servers/{name}/tools/{tool}/approve',
        '/v1/tasks',
        '/v1/tasks/{id}',
        '/v1/tasks/{id}/cancel',
        '/v1/tasks/{id}/approvals/{approvalId}',
        '/v1/tasks/{id}/events',
        '/v1/research',
        '/v1/research/{id}',
        '/v1/research/{id}/events',
        '/v1/research/{id}/cancel',
        '/v1/agents',
        '/v1/agents/{name}',
        '/v1/agents/{name}/versions',
      ].sort(),
    );
    expect(Object.keys(doc.paths['/v1/mcp/servers'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.components.schemas).toHaveProperty('McpServer');
    expect(Object.keys(doc.paths['/v1/sessions'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/v1/sessions/{id}'])).toEqual(expect.arrayContaining(['get', 'delete']));
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas).toHaveProperty('SessionState');
    expect(doc.components.schemas).toHaveProperty('TurnResult');
    expect(doc.components.schemas).toHaveProperty('Error');
    const create = doc.paths['/v1/sessions'].post;
    expect(create.requestBody.content['application/json'].schema).toBeDefined();
    expect(create.responses['201'].content['application/json'].schema).toBeDefined();
    expect(create.responses['400']).toBeDefined();
    // Every operation declares a success response with content.
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
        expect(success.length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });
});

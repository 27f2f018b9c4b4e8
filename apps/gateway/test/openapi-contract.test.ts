/* eslint-disable @typescript-eslint/no-explicit-any -- walks the parsed OpenAPI document */
/**
 * The document and the answers can't drift (stub services): every operation states its
 * `security`; every route documents the 403 of the Host/Origin guard, every API-key route the
 * 429 of the rate limit (with Retry-After), every state-changing route 415; and for every
 * operation the statuses the gateway answers here (403, 415, 429, 405 on its path) are documented,
 * with `Allow` naming exactly the documented methods. Query limits are in the document.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LimitsSchema } from '@hub/contracts';
import { parseApiKeys } from '../src/http/auth';
import { json, makeStubApp } from './helpers';
import type { GatewayApp } from '../src/app';

const KEY = 'contract-test-key-0123456789';
const auth = { authorization: `Bearer ${KEY}` };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

let app: GatewayApp;
let doc: any;
let operations: Array<{ method: string; path: string; op: any }>;

beforeAll(async () => {
  // One request per 1000 s: the first request of the tenant passes, every later one is over the rate.
  const limits = LimitsSchema.parse({ defaults: { requestsPerSecond: 0.001, burst: 0 } });
  ({ app } = makeStubApp({}, { apiKeys: parseApiKeys(`${KEY}:tenant`), quotas: { limits } }));
  doc = await json(await app.request('/openapi.json'));
  operations = Object.entries<any>(doc.paths).flatMap(([path, ops]) =>
    Object.entries<any>(ops).filter(([m]) => METHODS.includes(m)).map(([method, op]) => ({ method, path, op })),
  );
});

const authed = (op: any): boolean => !(Array.isArray(op.security) && op.security.length === 0);
const url = (path: string): string => path.replace(/\{[^}]+\}/g, 'x1');
/** Fails naming the operation when `status` is not in its document. */
function expectDocumented(method: string, path: string, status: number): void {
  const op = doc.paths[path]?.[method];
  expect(op, `${method.toUpperCase()} ${path} is documented`).toBeDefined();
  expect(Object.keys(op.responses), `${method.toUpperCase()} ${path} answered ${status}`).toContain(String(status));
}

describe('the document states what holds for every operation', () => {
  it('security on each operation; 403 everywhere; 429 with Retry-After on API-key routes; 415 on state changes', () => {
    expect(operations.length).toBeGreaterThan(15);
    for (const { method, path, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(Array.isArray(op.security), `${where} security`).toBe(true);
      expect(op.responses['403'], where).toBeDefined();
      if (authed(op)) {
        expect(op.responses['429'], where).toBeDefined();
        expect(op.responses['429'].headers?.['Retry-After'], where).toBeDefined();
      }
      if (method !== 'get') expect(op.responses['415'], where).toBeDefined();
    }
  });

  it('documents the limits of the list queries', () => {
    for (const path of ['/v1/sessions', '/v1/research']) {
      const limit = doc.paths[path].get.parameters.find((p: any) => p.name === 'limit');
      expect(limit.schema, path).toMatchObject({ type: 'integer', minimum: 1, maximum: 500 });
    }
  });

  it('documents the text lengths and the deadline pattern the gateway enforces', () => {
    const body = (path: string): any => {
      const schema = doc.paths[path].post.requestBody.content['application/json'].schema;
      return schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
    };
    expect(body('/v1/sessions/{id}/messages').properties.text).toMatchObject({ type: 'string', maxLength: 32000 });
    const research = body('/v1/research');
    expect(research.properties.question).toMatchObject({ type: 'string', maxLength: 8000 });
    const policy = research.properties.policy.$ref ? doc.components.schemas[research.properties.policy.$ref.split('/').pop()] : research.properties.policy;
    expect(policy.properties.deadline.pattern).toBeDefined();
    expect(new RegExp(policy.properties.deadline.pattern).test('10m')).toBe(true);
    expect(new RegExp(policy.properties.deadline.pattern).test('ten minutes')).toBe(false);
  });
});

describe('the gateway answers only documented statuses', () => {
  it('403 for a foreign Host on every operation', async () => {
    for (const { method, path } of operations) {
      const res = await app.request(`http://evil.example${url(path)}`, { method, headers: auth });
      expect(res.status, `${method} ${path}`).toBe(403);
      expectDocumented(method, path, res.status);
    }
  });

  it('415 for a form body on every state-changing operation', async () => {
    for (const { method, path } of operations.filter((o) => o.method !== 'get')) {
      const res = await app.request(url(path), { method, headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
      expect(res.status, `${method} ${path}`).toBe(415);
      expectDocumented(method, path, res.status);
    }
  });

  it('429 with Retry-After once the tenant is over its rate, on every API-key operation', async () => {
    await app.request('/v1/sessions', { headers: auth }); // the one request the rate allows
    for (const { method, path, op } of operations.filter((o) => authed(o.op))) {
      const res = await app.request(url(path), { method, headers: { ...auth, 'content-type': 'application/json' }, ...(op.requestBody ? { body: '{}' } : {}) });
      expect(res.status, `${method} ${path}`).toBe(429);
      expect(Number(res.headers.get('retry-after')), `${method} ${path}`).toBeGreaterThan(0);
      expectDocumented(method, path, res.status);
    }
  });

  it('405 with Allow (the documented methods) for a wrong method on a known path; 404 for an unknown path', async () => {
    const { app: open } = makeStubApp({});
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      if (path === '/mcp') continue; // the MCP transport's own 405 (mcp-http.test.ts)
      const documented = Object.keys(ops).filter((m) => METHODS.includes(m));
      for (const method of METHODS.filter((m) => !documented.includes(m))) {
        const res = await open.request(url(path), { method: method.toUpperCase() });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect((await json(res)).error.code).toBe('method_not_allowed');
        const allow = res.headers.get('allow')!.split(', ');
        expect(allow.filter((m) => m !== 'HEAD').sort(), path).toEqual(documented.map((m) => m.toUpperCase()).sort());
      }
    }
    expect((await open.request('/v1/nothing-here', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('SSE event schemas', () => {
  it('every events route names its payloads, and the frames a stream sends match them', async () => {
    for (const path of ['/v1/sessions/{id}/events', '/v1/research/{id}/events', '/v1/tasks/{id}/events']) {
      const schema = doc.paths[path].get.responses['200'].content['text/event-stream'].schema;
      const refs: string[] = schema.contentSchema.oneOf.map((s: any) => s.$ref.replace('#/components/schemas/', ''));
      expect(refs.length, path).toBe(4);
      for (const name of refs) expect(doc.components.schemas[name], `${path} ${name}`).toBeDefined();
    }
    // A session stream of one event that then ends: its frames are documented events.
    const { SESSION_EVENTS_TOPIC, SessionEventSchema } = await import('@hub/contracts');
    const { StreamEndSchema } = await import('../src/http/sse-events');
    const event = { type: 'turn.started', turnId: 't1', text: 'hi' };
    const { app: streaming } = makeStubApp({
      sessions: {
        status: async () => 'RUNNING',
        events: async function* () {
          yield { offset: 0, topic: SESSION_EVENTS_TOPIC, data: event };
        } as any,
      },
    });
    const text = await (await streaming.request('/v1/sessions/s1/events')).text();
    const frames = text.split('\n\n').filter((f) => f.includes('data:'));
    expect(frames.length).toBeGreaterThanOrEqual(2);
    const data = (f: string) => JSON.parse(f.split('\n').find((l) => l.startsWith('data:'))!.slice(5));
    const name = (f: string) => f.split('\n').find((l) => l.startsWith('event:'))!.slice(6).trim();
    expect(SessionEventSchema.safeParse(data(frames[0]!)).success, frames[0]).toBe(true);
    expect(name(frames.at(-1)!)).toBe('stream.end');
    expect(StreamEndSchema.safeParse(data(frames.at(-1)!)).success).toBe(true);
  });
});

describe('standard wording', () => {
  it('every 400 starts with the standard description', () => {
    for (const { method, path, op } of operations) {
      if (path === '/mcp' || !op.responses['400']) continue; // /mcp's 400 is a JSON-RPC error
      expect(op.responses['400'].description, `${method.toUpperCase()} ${path}`).toMatch(/^Invalid request \(`invalid_request`\); details lists the offending fields/);
    }
  });
});

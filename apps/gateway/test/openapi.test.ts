/* eslint-disable @typescript-eslint/no-explicit-any -- walks the parsed OpenAPI document */
/**
 * The OpenAPI document lists the errors the gateway answers (stub services: no Temporal):
 * every API-key route documents 401, every body route 413 and 415, every route that calls
 * Temporal 503 and 504, every validated route 400; and the gateway does answer them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@hub/contracts';
import { parseApiKeys } from '../src/http/auth';
import { json, makeStubApp } from './helpers';
import type { GatewayApp } from '../src/app';

const KEY = 'openapi-test-key-0123456789';
/** Routes that call no Temporal API: the ops routes answer 503 themselves (readiness; /metrics never), /mcp answers tool errors. */
const NO_TEMPORAL = new Set(['/healthz', '/readyz', '/metrics', '/mcp', '/codec/encode', '/codec/decode']);
/** Routes whose body errors are the MCP transport's (JSON-RPC errors), not the `{ error }` body. */
const JSON_RPC = new Set(['/mcp']);

let app: GatewayApp;
let operations: Array<{ method: string; path: string; op: any }>;

beforeAll(async () => {
  ({ app } = makeStubApp({}, { apiKeys: parseApiKeys(`${KEY}:tenant`) }));
  const doc = await json(await app.request('/openapi.json'));
  operations = Object.entries<any>(doc.paths).flatMap(([path, ops]) => Object.entries<any>(ops).map(([method, op]) => ({ method, path, op })));
});

const authed = (op: any): boolean => !(Array.isArray(op.security) && op.security.length === 0);
/** A concrete URL of a path template. */
const url = (path: string): string => path.replace(/\{[^}]+\}/g, 'x1');

describe('documented errors', () => {
  it('every API-key route documents 401, every body route 413 and 415, every Temporal route 503 and 504', () => {
    expect(operations.length).toBeGreaterThan(15);
    for (const { method, path, op } of operations) {
      const statuses = Object.keys(op.responses);
      const where = `${method.toUpperCase()} ${path}`;
      if (authed(op)) expect(statuses, where).toContain('401');
      if (op.requestBody) expect(statuses, where).toEqual(expect.arrayContaining(['413', '415']));
      if (op.parameters?.length || op.requestBody) expect(statuses, where).toContain('400');
      if (authed(op) && !NO_TEMPORAL.has(path)) expect(statuses, where).toEqual(expect.arrayContaining(['503', '504']));
      for (const status of ['401', '413', '503', '504']) {
        if (op.responses[status] && path !== '/readyz') {
          expect(op.responses[status].content['application/json'].schema, `${where} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
        }
      }
    }
  });

  it('the gateway answers them: 401 without the key, 413 for a body over the limit, 415 for a body that is not JSON', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const big = 'x'.repeat(LIMITS.maxBodyBytes + 1);
    for (const { method, path, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      if (authed(op)) {
        const res = await app.request(url(path), { method });
        expect(res.status, where).toBe(401);
        expect((await json(res)).error.code, where).toBe('unauthorized');
      }
      if (!op.requestBody) continue;
      const tooBig = await app.request(url(path), { method, headers: { ...auth, 'content-type': 'application/json', 'content-length': String(big.length) }, body: big });
      expect(tooBig.status, where).toBe(413);
      expect((await json(tooBig)).error.code, where).toBe('payload_too_large');
      if (JSON_RPC.has(path)) continue;
      const text = await app.request(url(path), { method, headers: { ...auth, 'content-type': 'text/plain' }, body: 'hi' });
      expect(text.status, where).toBe(415);
      expect((await json(text)).error.code, where).toBe('unsupported_media_type');
    }
  });
});

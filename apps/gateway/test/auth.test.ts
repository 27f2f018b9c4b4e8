/** API keys and public endpoints (stub services: no Temporal). Tenant isolation against Temporal: tenants.test.ts. */
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/http/errors';
import { parseApiKeys } from '../src/http/auth';
import { json, makeStubApp, post } from './helpers';
import type { GatewayApp } from '../src/app';

const KEY_A = 'key-for-tenant-a-0123456789';
const KEY_B = 'key-for-tenant-b-9876543210';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

let app: GatewayApp;
let log: ReturnType<typeof makeStubApp>['log'];
const tenantA = 'tenant-a';
const tenantB = 'tenant-b';
/** The tenants the session service was asked for. */
const asked: string[] = [];

beforeAll(() => {
  ({ app, log } = makeStubApp(
    {
      sessions: {
        state: async (ctx) => {
          asked.push(ctx.tenant);
          throw new ApiError(404, 'session_not_found', 'session not found');
        },
      },
    },
    { apiKeys: parseApiKeys(`${KEY_A}:${tenantA},${KEY_B}:${tenantB}`) },
  ));
});

describe('parseApiKeys', () => {
  it('parses key:tenant pairs; a key without tenant maps to "default"', () => {
    expect(parseApiKeys(undefined)).toBeUndefined();
    expect(parseApiKeys('  ')).toBeUndefined();
    const keys = parseApiKeys('k1:alpha, k2:beta,k3');
    expect([...keys!]).toEqual([
      ['k1', 'alpha'],
      ['k2', 'beta'],
      ['k3', 'default'],
    ]);
  });
  it('rejects malformed entries', () => {
    expect(() => parseApiKeys('k1:bad/tenant')).toThrow(/tenant/);
    expect(() => parseApiKeys(':alpha')).toThrow(/key/);
    expect(() => parseApiKeys('k1:a,k1:b')).toThrow(/duplicate/);
    expect(() => parseApiKeys(',,')).toThrow(/no keys/);
  });
});

describe('authentication', () => {
  it('requires a bearer token on API routes', async () => {
    const res = await app.request('/v1/sessions');
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('unauthorized');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('rejects a wrong key, a non-bearer scheme and a key prefix', async () => {
    for (const authorization of ['Bearer wrong-key', `Basic ${KEY_A}`, `Bearer ${KEY_A.slice(0, -1)}`, `Bearer ${KEY_A}x`]) {
      const res = await app.request('/v1/sessions/abc', { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect((await json(res)).error.code).toBe('unauthorized');
    }
  });

  it('checks auth before validating the body', async () => {
    const res = await app.request('/v1/sessions', post('{broken'));
    expect(res.status).toBe(401);
  });

  it('leaves /healthz, /readyz and /openapi.json open', async () => {
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(200);
    expect((await app.request('/openapi.json')).status).toBe(200);
  });

  it('accepts a valid key and logs the tenant', async () => {
    const res = await app.request('/v1/sessions/does-not-exist', { headers: { ...bearer(KEY_A), 'x-request-id': 'auth-ok-1' } });
    expect(res.status).toBe(404);
    const line = log.lines.find((l) => l.msg === 'request' && l.fields?.['requestId'] === 'auth-ok-1');
    expect(line?.fields?.['tenant']).toBe(tenantA);
    expect(asked).toEqual([tenantA]);
  });
});

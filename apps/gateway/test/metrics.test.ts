/**
 * GET /metrics (in-process, stub services): requests counted by route pattern and status, latency histogram,
 * SSE clients, the process metrics; who may read it (admin keys only when keys are set; anyone with auth off);
 * HUB_METRICS=off. The real process with real Temporal: main.test.ts ('serves /metrics').
 */
import { describe, expect, it } from 'vitest';
import { METRICS, seriesNames } from '@hub/contracts';
import { createGatewayMetrics } from '@hub/runtime/metrics';
import type { StreamItem } from '../src/temporal/streams';
import { parseApiKeys } from '../src/http/auth';
import { ApiError } from '../src/http/errors';
import { metricsEnabled } from '../src/http/metrics';
import { makeStubApp } from './helpers';

const TENANT_KEY = 'metrics-tenant-key-0123456789';
const ADMIN_KEY = 'metrics-admin-key-0123456789';
const keys = { apiKeys: parseApiKeys(`${TENANT_KEY}:acme,${ADMIN_KEY}:ops`), adminKeys: parseApiKeys(`${ADMIN_KEY}:ops`) };
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const notFound = async (): Promise<never> => {
  throw new ApiError(404, 'session_not_found', 'session not found');
};

/** One sample's value from the text format (`name{labels} value`), labels in the exporter's order. */
function sample(text: string, series: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(`${series}{`) && !line.startsWith(`${series} `)) continue;
    const m = /^([^{\s]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== series) continue;
    const got = (m[2] ?? '').split(/,(?=[a-zA-Z_]+=")/).filter(Boolean);
    if (got.length === want.length && want.every((w) => got.includes(w))) return Number(m[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('counts requests by route pattern and status with their latency, and shows the process metrics', async () => {
    const metrics = createGatewayMetrics();
    const { app } = makeStubApp({ sessions: { state: notFound } as never }, { ...keys, metrics });
    for (let i = 0; i < 3; i++) expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/v1/sessions/sess-one', { headers: admin })).status).toBe(404);
    expect((await app.request('/v1/sessions/sess-two', { headers: admin })).status).toBe(404);
    expect((await app.request('/v1/sessions/sess-three')).status).toBe(401);
    expect((await app.request('/no/such/path/42', { headers: admin })).status).toBe(404);

    const res = await app.request('/metrics', { headers: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const req = METRICS.httpRequests.name;
    expect(sample(text, req, { method: 'GET', route: '/healthz', status: '200' })).toBe(3);
    expect(sample(text, req, { method: 'GET', route: '/v1/sessions/:id', status: '404' })).toBe(2);
    expect(sample(text, req, { method: 'GET', route: '/v1/sessions/:id', status: '401' })).toBe(1);
    expect(sample(text, `${METRICS.httpDuration.name}_count`, { method: 'GET', route: '/healthz', status: '200' })).toBe(3);
    expect(sample(text, `${METRICS.httpDuration.name}_bucket`, { le: '+Inf', method: 'GET', route: '/healthz', status: '200' })).toBe(3);
    // No raw path in any label: the ids and the unknown path are not there.
    expect(text).not.toMatch(/sess-one|sess-two|sess-three|no\/such\/path/);
    // Every route label is a registered pattern or the catch-all.
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]));
    expect([...routes].sort()).toEqual(['/*', '/healthz', '/v1/sessions/:id']);
    // The default process metrics.
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(text, name).toContain(`\n${name} `);
    }
    // Every gateway metric of the catalogue is exported, with its type.
    for (const def of Object.values(METRICS).filter((d) => d.source === 'gateway')) {
      expect(text, def.name).toContain(`# TYPE ${def.name} ${def.kind}`);
      expect(seriesNames(def).length).toBeGreaterThan(0);
    }
  });

  it('counts open SSE streams by route pattern while they are open', async () => {
    const metrics = createGatewayMetrics();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    async function* events(): AsyncGenerator<StreamItem, void, unknown> {
      await released;
      yield* []; // no items: the stream ends once released
    }
    const { app } = makeStubApp({ sessions: { status: async () => 'RUNNING', events } as never }, { metrics });
    const scrape = async () => sample(await (await app.request('/metrics')).text(), METRICS.sseClients.name, { route: '/v1/sessions/:id/events' });
    const a = await app.request('/v1/sessions/s1/events');
    const b = await app.request('/v1/sessions/s2/events');
    const readers = [a, b].map((r) => r.body!.getReader());
    for (const r of readers) expect(new TextDecoder().decode((await r.read()).value)).toContain('session event stream from offset 0');
    expect(await scrape()).toBe(2);
    release(); // the streams end (stream.end) and are no longer counted
    for (const r of readers) while (!(await r.read()).done);
    expect(await scrape()).toBe(0);
  });

  it('only an admin key reads it when keys are configured (401 without a key, 403 with a tenant key); anyone with auth off', async () => {
    const { app } = makeStubApp({}, { ...keys, metrics: createGatewayMetrics() });
    const none = await app.request('/metrics');
    expect(none.status).toBe(401);
    const tenant = await app.request('/metrics', { headers: { authorization: `Bearer ${TENANT_KEY}` } });
    expect(tenant.status).toBe(403);
    expect(((await tenant.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({ code: 'forbidden', details: { needs: 'admin' } });
    expect((await app.request('/metrics', { headers: admin })).status).toBe(200);
    const { app: open } = makeStubApp({}, { metrics: createGatewayMetrics() });
    expect((await open.request('/metrics')).status).toBe(200);
  });

  it('HUB_METRICS=off: no /metrics route and no recording', async () => {
    const { app } = makeStubApp({}, { metrics: false });
    expect((await app.request('/metrics')).status).toBe(404);
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(doc.paths['/metrics']).toBeUndefined();
    expect(metricsEnabled({})).toBe(true);
    expect(metricsEnabled({ HUB_METRICS: 'off' })).toBe(false);
    expect(metricsEnabled({ HUB_METRICS: '1' })).toBe(true);
    expect(() => metricsEnabled({ HUB_METRICS: 'maybe' })).toThrow(/HUB_METRICS/);
  });

  it('is in the OpenAPI document like /healthz and /readyz (tag ops), with the bearer key and its 401/403', async () => {
    const { app } = makeStubApp({}, { metrics: createGatewayMetrics() });
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, { get?: { tags: string[]; security?: unknown; responses: Record<string, unknown> } }> };
    const op = doc.paths['/metrics']?.get;
    expect(op?.tags).toEqual(['ops']);
    expect(op?.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '403']));
  });
});

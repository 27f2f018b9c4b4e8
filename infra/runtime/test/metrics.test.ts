/** @hub/runtime/metrics: bounded labels, the pending-approvals gauge's per-session sum, the metrics listener. */
import { describe, expect, it } from 'vitest';
import { MAX_LABEL_VALUES, METRICS, OTHER_LABEL } from '@hub/contracts';
import { boundedLabel, createGatewayMetrics, startMetricsServer, workerMetrics } from '../src/metrics';

describe('boundedLabel', () => {
  it('keeps the first distinct values and folds the rest into other', () => {
    const label = boundedLabel(3);
    expect(['a', 'b', 'a', 'c'].map(label)).toEqual(['a', 'b', 'a', 'c']);
    expect(label('d')).toBe(OTHER_LABEL);
    expect(label('a')).toBe('a');
    expect(label(undefined)).toBe(OTHER_LABEL);
    expect(boundedLabel()('x'.repeat(200))).toBe('x'.repeat(64));
    const wide = boundedLabel();
    for (let i = 0; i < MAX_LABEL_VALUES; i++) expect(wide(`model-${i}`)).toBe(`model-${i}`);
    expect(wide('one-too-many')).toBe(OTHER_LABEL);
  });
});

describe('workerMetrics', () => {
  it('sums the pending approvals of the sessions (absolute counts per session; 0 forgets one)', async () => {
    const m = workerMetrics();
    const value = async () => (await m.approvalsPending.get()).values[0]?.value;
    m.setApprovalsPending('session/t/a', 2);
    m.setApprovalsPending('session/t/b', 1);
    expect(await value()).toBe(3);
    m.setApprovalsPending('session/t/a', 1); // a repeat of the same figure does not add
    m.setApprovalsPending('session/t/a', 1);
    expect(await value()).toBe(2);
    m.setApprovalsPending('session/t/b', 0);
    m.setApprovalsPending('session/t/b', 0); // a session it no longer knows: nothing
    m.setApprovalsPending('session/t/a', 0);
    expect(await value()).toBe(0);
  });

  it('registers every worker metric of the catalogue, and the gateway registry every gateway one', async () => {
    const worker = (await workerMetrics().registry.getMetricsAsJSON()).map((x) => x.name);
    const gateway = (await createGatewayMetrics().registry.getMetricsAsJSON()).map((x) => x.name);
    for (const def of Object.values(METRICS)) {
      if (def.source === 'worker') expect(worker, def.name).toContain(def.name);
      if (def.source === 'gateway') expect(gateway, def.name).toContain(def.name);
    }
  });
});

describe('startMetricsServer', () => {
  it('serves GET /metrics in the text format on its address, 404 elsewhere, 405 for other methods', async () => {
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, render: async () => 'x_total 1\n' });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await res.text()).toBe('x_total 1\n');
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});

/**
 * `GET /metrics`: the gateway's Prometheus metrics (recorded by http/metrics.ts) in the text format. With keys configured only an admin key (HUB_ADMIN_KEYS) reads it (401 without
 *   a key, 403 with a tenant's): the figures are the whole gateway's, every tenant's traffic together, so a
 *   tenant's key must not see them. With auth off the gateway is loopback only and anyone there may. HUB_METRICS=off
 *   turns the route and the recording off.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { PROMETHEUS_CONTENT_TYPE, type GatewayMetrics } from '@hub/runtime/metrics';
import { assertAdmin } from '../http/auth';
import type { GatewayApp } from '../http/env';
import { errorResponses } from '../http/error-responses';
import { createRouter, security } from '../http/router';

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['ops'],
  summary: 'Prometheus metrics of this gateway (admin key; HUB_METRICS=off turns it off)',
  description:
    'HTTP requests by route pattern and status, their latency, SSE clients connected and the process metrics, in the Prometheus text format. ' +
    'Only an admin key (HUB_ADMIN_KEYS) may read them when keys are configured.',
  security,
  responses: {
    200: { description: 'The metrics (text format 0.0.4)', content: { 'text/plain': { schema: z.string() } } },
    ...errorResponses({ invalid: false, temporal: false, forbidden: 'Without an admin key (HUB_ADMIN_KEYS)' }),
  },
});

export function metricsRoutes(metrics: GatewayMetrics): GatewayApp {
  const app = createRouter();
  app.openapi(metricsRoute, async (c) => {
    assertAdmin(c.get('admin'), 'GET /metrics');
    const text = await metrics.registry.metrics();
    return c.text(text, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
  });
  return app;
}

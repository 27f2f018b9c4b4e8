/**
 * The gateway's Prometheus metrics as requests go by (names: `@hub/contracts` METRICS; registry:
 * `@hub/runtime/metrics`; served by ops/metrics.ts at `GET /metrics`):
 *
 * - {@link recordHttpMetrics}: every request by method, route *pattern* (`/v1/sessions/:id`, never the raw path;
 *   a request no route matches counts under the catch-all middleware's `/*`) and status, with its latency to the
 *   response headers;
 * - {@link countSseClient}: `hub_sse_clients`, the SSE streams open now, by route pattern (http/sse.ts).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { GatewayMetrics } from '@hub/runtime/metrics';
import type { GatewayEnv } from './env';

/** HUB_METRICS: unset, `on`, `1`, `true` → on (the default); `off`, `0`, `false` → off. */
export function metricsEnabled(env: Record<string, string | undefined>): boolean {
  const raw = env['HUB_METRICS']?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'on' || raw === '1' || raw === 'true') return true;
  if (raw === 'off' || raw === '0' || raw === 'false') return false;
  throw new Error(`HUB_METRICS must be on or off, got ${JSON.stringify(raw)}`);
}

/** The route pattern of a request: its handler's path (the last route that matched), or the catch-all's. */
export function routeLabel(c: Context<GatewayEnv>): string {
  return routePath(c, -1) || 'unmatched';
}

export function recordHttpMetrics(metrics: GatewayMetrics): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const labels = { method: c.req.method, route: routeLabel(c), status: String(c.res.status) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
    }
  };
}

/** Wraps an SSE stream's body: counted in `hub_sse_clients` while it runs. */
export function countSseClient<S>(metrics: GatewayMetrics | undefined, c: Context<GatewayEnv>, body: (stream: S) => Promise<void>): (stream: S) => Promise<void> {
  if (!metrics) return body;
  const labels = { route: routeLabel(c) };
  return async (stream) => {
    metrics.sseClients.inc(labels);
    try {
      await body(stream);
    } finally {
      metrics.sseClients.dec(labels);
    }
  };
}

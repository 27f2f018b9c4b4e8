/**
 * The ops routes: `/healthz` (liveness) and `/readyz` (readiness, with the workers' LLM), both public.
 * With API keys configured, `/readyz` tells an anonymous caller only whether the hub is ready; the
 * details (namespace, latency, Temporal's error, the LLM's URL and model) are for a key holder.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { GatewayApp } from '../http/env';
import { errorResponses } from '../http/error-responses';
import { createRouter } from '../http/router';
import type { LlmInfo } from '../llm-info';
import type { OpsService, Readiness } from './service';

export const HealthResponse = z.object({ ok: z.literal(true) }).openapi('Health');
export const ReadinessResponse = z
  .object({
    ok: z.boolean(),
    details: z
      .record(z.string(), z.unknown())
      .describe('`temporal` (ok | unreachable); with a valid key (or auth off) also namespace, latencyMs, error and llm'),
  })
  .openapi('Readiness');

/** Public, unvalidated, no Temporal call of its own: only the Host/Origin refusal (403). */
const PUBLIC = { auth: false, invalid: false, temporal: false } as const;

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['ops'],
  summary: 'Liveness (no auth)',
  security: [],
  responses: {
    200: { description: 'Alive', content: { 'application/json': { schema: HealthResponse } } },
    ...errorResponses(PUBLIC),
  },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['ops'],
  summary: 'Readiness: Temporal reachable (no auth; details only for a key holder when keys are configured)',
  security: [],
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ReadinessResponse } } },
    503: { description: 'Not ready', content: { 'application/json': { schema: ReadinessResponse } } },
    ...errorResponses(PUBLIC),
  },
});

export interface OpsRoutesOptions {
  /** The LLM the workers use (local model server or remote endpoint); /readyz reports it as `details.llm`. */
  llm?: LlmInfo | undefined;
  /** Whether the caller may see the details (its Authorization header holds a valid key, or auth is off). Default: yes. */
  showDetails?: ((authorization: string | undefined) => boolean) | undefined;
}

export function opsRoutes(ops: OpsService, opts: OpsRoutesOptions = {}): GatewayApp {
  const app = createRouter();
  app.openapi(healthRoute, (c) => c.json({ ok: true as const }, 200));
  app.openapi(readyRoute, async (c) => {
    let r: Readiness;
    try {
      r = await ops.readiness();
    } catch (err) {
      r = { ok: false, details: { error: err instanceof Error ? err.message : String(err) } };
    }
    if (opts.llm) r = { ...r, details: { ...r.details, llm: opts.llm } };
    if (opts.showDetails && !opts.showDetails(c.req.header('authorization'))) {
      r = { ok: r.ok, details: { temporal: r.ok ? 'ok' : 'unreachable' } };
    }
    return r.ok ? c.json(r, 200) : c.json(r, 503);
  });
  return app;
}

/**
 * The gateway's HTTP API: a thin, validated facade over the hub's services. `createApp`
 * only assembles: the shared middleware (request ids and access log, web app, API key,
 * body limit), the error handler, one sub-app per resource (each `<resource>/routes.ts`,
 * declared with `createRoute`, so `/openapi.json` is the public contract) and the document.
 */
import type { Limits } from '@hub/contracts';
import { createLogger } from '@hub/runtime';
import { gatewayMetrics, type GatewayMetrics } from '@hub/runtime/metrics';
import { a2aRoutes } from './a2a/routes';
import { remoteAgentRoutes } from './a2a-remotes/routes';
import { agentRoutes } from './agents/routes';
import { budgetRoutes } from './budgets/routes';
import { codecCorsOrigins, codecRoutes } from './codec/routes';
import { handleErrors } from './http/error-handler';
import type { GatewayApp, GatewayEnv } from './http/env';
import { authEnabled, holdsKey, requireApiKey } from './http/auth';
import { limitBody } from './http/body-limit';
import { recordHttpMetrics } from './http/metrics';
import { guardHostAndOrigin } from './http/host-guard';
import { createOriginGuard } from './http/origin-guard';
import { limitJsonDepth } from './http/json-depth';
import { finishDocument } from './http/openapi-document';
import { registerEventSchemas } from './http/sse-events';
import { requestIds, requestLog } from './http/request-log';
import { securityHeaders } from './http/security-headers';
import { traceRequests } from './http/tracing';
import { createRouter, security } from './http/router';
import type { LlmInfo } from './llm-info';
import type { Logger } from './log';
import { MCP_PATH, mcpEndpointRoutes, mcpRefusal, type McpOptions } from './mcp-endpoint/routes';
import { mcpRegistryRoutes } from './mcp-registry/routes';
import { metricsRoutes } from './ops/metrics';
import { opsRoutes } from './ops/routes';
import { researchRoutes } from './research/routes';
import { createAdmission } from './quotas/admission';
import { enforceQuotas } from './quotas/middleware';
import { createRateLimiter } from './quotas/rate-limit';
import type { QuotaService } from './quotas/service';
import type { GatewayServices } from './services';
import { sessionRoutes } from './sessions/routes';
import { taskRoutes } from './tasks/routes';
import { usageRoutes } from './usage/routes';
import { serveWebApp, type WebAssetsOptions } from './web';

export type { GatewayApp, GatewayEnv };

export interface CreateAppOptions {
  /** API key → tenant. Unset or empty: auth is off and every request is tenant "default". */
  apiKeys?: Map<string, string> | undefined;
  /** Admin key → tenant (HUB_ADMIN_KEYS): they authenticate too and may set budgets and read every tenant's usage. */
  adminKeys?: Map<string, string> | undefined;
  log?: Logger | undefined;
  /** The LLM the workers use (local model server or remote endpoint); /readyz reports it as `details.llm`. */
  llm?: LlmInfo | undefined;
  /** SSE keep-alive comment interval. Default 15 s. */
  sseKeepAliveMs?: number | undefined;
  /** Aborting it ends every open SSE stream (graceful shutdown). */
  shutdownSignal?: AbortSignal | undefined;
  /** DNS-rebinding protection of every route: the allowed hosts and origins (see http/host-guard.ts). */
  mcp?: McpOptions | undefined;
  /**
   * Per-tenant quotas and rate limits (hub.config.json `limits`; quotas/): given, every API request
   * counts against the tenant's rate and the create routes against its counts (from `counts`,
   * Temporal visibility, when given). Unset: no limits.
   */
  quotas?: { limits?: Limits | undefined; counts?: QuotaService | undefined } | undefined;
  /** A server span per request (http/tracing.ts); set when traces are on (@hub/runtime/telemetry). Default: none. */
  tracing?: boolean | undefined;
  /** Serve the built web app (apps/web/dist) at `/` (see web.ts); default: no web app. */
  web?: WebAssetsOptions | undefined;
  /** Prometheus metrics (ops/metrics.ts: `GET /metrics`, admin keys only); default: the process's; false: none (HUB_METRICS=off). */
  metrics?: GatewayMetrics | false | undefined;
}

/** The paths that need no API key: the ops routes and the document. */
const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/openapi.json']);

export function createApp(services: GatewayServices, opts: CreateAppOptions = {}): GatewayApp {
  const log = opts.log ?? createLogger('gateway');
  const metrics = opts.metrics === false ? undefined : (opts.metrics ?? gatewayMetrics());
  const sse = { keepAliveMs: opts.sseKeepAliveMs ?? 15_000, shutdown: opts.shutdownSignal, metrics };
  const app = createRouter();

  if (opts.tracing) app.use(traceRequests()); // first: everything the request does runs in its span
  app.use(requestIds());
  if (metrics) app.use(recordHttpMetrics(metrics));
  app.use(requestLog(log));
  app.use(securityHeaders());
  // Foreign Host (DNS rebinding) and cross-site state changes: refused on every route, the web app's included.
  // /codec also takes the Temporal UI's origin (HUB_CODEC_CORS_ORIGINS), the one cross-site caller the hub serves.
  const guard = createOriginGuard(opts.mcp);
  const codecGuard = createOriginGuard({ ...opts.mcp, allowedOrigins: [...(opts.mcp?.allowedOrigins ?? []), ...codecCorsOrigins()] });
  app.use(guardHostAndOrigin((path) => (path.startsWith('/codec/') ? codecGuard : guard), { render: mcpRefusal }));
  // The web app's static files (no auth; API paths pass through to the routes below).
  if (opts.web) app.use(serveWebApp(opts.web));
  app.use(requireApiKey(opts.apiKeys, PUBLIC_PATHS, log, opts.adminKeys));
  app.use(limitBody());
  app.use(limitJsonDepth({ skip: (path) => path === MCP_PATH }));
  const admission = opts.quotas ? createAdmission(opts.quotas.limits, opts.quotas.counts) : undefined;
  if (admission) {
    const rate = createRateLimiter((tenant) => admission.limits(tenant));
    app.use(enforceQuotas({ admission, rate, mcpRegistry: services.mcpRegistry, publicPaths: PUBLIC_PATHS }));
  }
  handleErrors(app, { log, temporalReachable: services.ops.temporalReachable });

  // Mount order is the order of the paths in the OpenAPI document.
  app.route('/', opsRoutes(services.ops, { llm: opts.llm, showDetails: holdsKey(opts.apiKeys, opts.adminKeys) }));
  if (metrics) app.route('/', metricsRoutes(metrics)); // /metrics: Prometheus, admin keys only
  app.route('/', sessionRoutes(services.sessions, sse));
  app.route('/', agentRoutes(services.agents));
  app.route('/', mcpEndpointRoutes({ sessions: services.sessions, research: services.research, agents: services.agents, admission }));
  app.route('/', mcpRegistryRoutes(services.mcpRegistry));
  if (services.remoteAgents) app.route('/', remoteAgentRoutes(services.remoteAgents)); // /v1/a2a/remotes: remote A2A agents as delegates
  app.route('/', taskRoutes(services.tasks, sse));
  app.route('/', researchRoutes(services.research, sse));
  if (services.usage) app.route('/', usageRoutes(services.usage)); // /v1/usage: tokens and dollars from the tenants' ledgers
  if (services.budgets) app.route('/', budgetRoutes(services.budgets)); // /v1/budgets/{tenant}: limits and top-ups
  app.route('/', codecRoutes()); // S7: /codec/{encode,decode}, Temporal's remote codec protocol
  if (services.a2a) app.route('/', a2aRoutes(services.a2a, { auth: authEnabled(opts.apiKeys, opts.adminKeys), sse, admission })); // /a2a/{agent}: every agent over A2A

  registerEventSchemas(app);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'API key from HUB_API_KEYS (only enforced when keys are configured)',
  });
  const docConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Agent Hub Gateway',
      version: '0.1.0',
      description: [
        'Durable multi-agent sessions on Temporal. Errors are `{ error: { code, message, details? } }`.',
        'Every route refuses a foreign `Host` or a cross-site state change with 403 (`forbidden`); a known path',
        'with a method it does not take answers 405 (`method_not_allowed`) with an `Allow` header; API routes answer 429',
        '(`rate_limited`, `quota_exceeded`) with `Retry-After` over the tenant\'s limits (hub.config.json `limits`).',
      ].join(' '),
    },
    security,
  };
  // The document as the routes declare it, finished with what holds for every operation (http/openapi-document.ts).
  app.get('/openapi.json', (c) => c.json(finishDocument(app.getOpenAPI31Document(docConfig), security)));

  return app;
}

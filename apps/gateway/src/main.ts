/**
 * Gateway process: HTTP API on top of Temporal.
 *
 * Environment:
 *   PORT            listen port (default 8787)
 *   HOST            listen address (default 127.0.0.1). Without HUB_API_KEYS only loopback is allowed.
 *   HUB_API_KEYS    `key1:tenantA,key2:tenantB` (a key without tenant → tenant "default"). Unset: auth off.
 *   HUB_ADMIN_KEYS  admin keys (same format): every tenant's usage, budgets, top-ups.
 *   HUB_SESSION_IDLE_TIMEOUT_MS    idle time after which a session closes itself (default 24 h)
 *   HUB_APPROVAL_TIMEOUT_MS        time a tool approval may wait before it counts as denied (default 15 min)
 *   HUB_SESSION_MAX_TURNS_PER_RUN  turns before the session workflow continues-as-new (default 50)
 *   HUB_ALLOWED_HOSTS    extra Host values accepted on every route (`name` or `name:port`, comma-separated; loopback names always are)
 *   HUB_ALLOWED_ORIGINS  browser origins accepted besides the hub's own (comma-separated); HUB_MCP_ALLOWED_* are still read
 *   HUB_METRICS=off no GET /metrics (default: Prometheus metrics for admin keys; anyone on loopback with auth off)
 *   HUB_WEB=off     don't serve the web app at / (default: apps/web/dist, built when missing; HUB_WEB_DIR overrides)
 *   TEMPORAL_*      Temporal connection (see @hub/runtime loadTemporalConfig); HUB_TASK_QUEUE the worker's queue.
 */
import { serve, type ServerType } from '@hono/node-server';
import { getProfile, listProfiles } from '@hub/agents/profiles';
import { createLogger, loadHubConfig, loadTemporalConfig, stopOnSignals } from '@hub/runtime';
import { startTelemetry, temporalClientInterceptors } from '@hub/runtime/telemetry';
import { createApp } from './app';
import { createQuotaService } from './quotas/service';
import { createServices } from './services';
import { loadGatewayConfig } from './config';
import { describeLlm } from './llm-info';
import { metricsEnabled } from './http/metrics';
import { lazyTemporalClient } from './temporal/connection';
import { withApiErrors } from './temporal/failures';
import { guardService, scopedFetch } from './temporal/guard';
import { startReachabilityProbe } from './temporal/reachability';
import { ensureWebAssets } from './web';

const log = createLogger('gateway');

const HELP = `Usage: npm run gateway

Starts the hub's HTTP gateway (the only door: REST API, SSE, OpenAPI at /openapi.json, MCP server at /mcp).

Environment:
  PORT (default 8787), HOST (default 127.0.0.1; without HUB_API_KEYS only loopback is allowed)
  HUB_API_KEYS                   key1:tenantA,key2:tenantB — bearer keys, each mapped to a tenant; unset: auth off
  HUB_ADMIN_KEYS                 admin bearer keys (same format): see every tenant's usage, set budgets, top up
  HUB_SESSION_IDLE_TIMEOUT_MS    idle time after which a session closes itself (default 86400000 = 24 h)
  HUB_APPROVAL_TIMEOUT_MS        time a tool approval may wait before it counts as denied (default 900000 = 15 min)
  HUB_SESSION_MAX_TURNS_PER_RUN  turns before a session workflow continues-as-new (default 50)
  HUB_ALLOWED_HOSTS              extra Host values accepted on every route: name or name:port, comma-separated
                                 (loopback names and a specific HOST always are)
  HUB_ALLOWED_ORIGINS            browser origins accepted besides the hub's own, e.g. http://localhost:6274
                                 (HUB_MCP_ALLOWED_HOSTS / HUB_MCP_ALLOWED_ORIGINS are still read)
  TEMPORAL_ADDRESS (default 127.0.0.1:7233), TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, HUB_TASK_QUEUE
  HUB_CONFIG                     hub config file: mcpServers, security, limits (default <repo>/hub.config.json)
  HUB_LOG_LEVEL                  debug | info | warn | error
  HUB_LLM_MODE, OPENAI_BASE_URL, HUB_MODEL
                                 the workers' LLM, reported by /readyz (details.llm) (\`npm start\` sets them when it runs the local model)
  HUB_WEB                        off: don't serve the web app at / (default: serve apps/web/dist, building it when missing)
  HUB_WEB_DIR                    directory of a built web app to serve instead of apps/web/dist
  OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
                                 traces over OTLP/HTTP (off when unset); OTEL_SERVICE_NAME (default hub-gateway),
                                 OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES
  HUB_METRICS                    off: no GET /metrics (default on: Prometheus text format, admin keys only when keys are set)
`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const env = process.env;
  const { port, host, apiKeys, adminKeys, sessionDefaults, mcp } = loadGatewayConfig(env);
  if (!apiKeys) {
    log.warn('HUB_API_KEYS is unset: authentication is off (tenant "default"); binding loopback only', { host });
  }

  const hubConfig = loadHubConfig(env);
  const loaded = loadTemporalConfig(env);
  // Default to IPv4 loopback explicitly ("localhost" may resolve to ::1 where the dev server isn't listening).
  const temporalCfg = { ...loaded, address: loaded.address ?? '127.0.0.1:7233' };
  // Lazy: the gateway starts while Temporal is down (routes answer 503 at once, /readyz 503) and
  // serves as soon as it is up; the probe keeps the reachability flag the services check.
  // Traces (when an OTLP endpoint is set): before the client, whose interceptors carry them into Temporal.
  const telemetry = startTelemetry('hub-gateway', { env });
  const temporal = lazyTemporalClient(temporalCfg, env, temporalClientInterceptors(telemetry));
  const temporalFields = { address: temporalCfg.address, namespace: temporalCfg.namespace, taskQueue: temporalCfg.taskQueue };
  const reachability = startReachabilityProbe(temporal.client, {
    onChange: (up, error) => {
      if (up) log.info('connected to Temporal', temporalFields);
      else log.warn('Temporal is unreachable: requests answer 503 temporal_unavailable until it is back', { ...temporalFields, error });
    },
  });

  const webDir = await ensureWebAssets(log, env);

  const shutdown = new AbortController();
  const services = createServices(temporal.client, {
    taskQueue: temporalCfg.taskQueue,
    profiles: { get: getProfile, list: listProfiles },
    sessionDefaults,
    hubConfig,
    reachability,
    log,
  });
  // Quota counts come from Temporal visibility: guarded like the services (fail fast while Temporal is down).
  const counts = guardService(withApiErrors(createQuotaService(temporal.client)), { client: temporal.client, name: 'quotas', reachability, log });
  const app = createApp(services, {
    web: webDir ? { dir: webDir } : undefined,
    apiKeys,
    adminKeys,
    log,
    shutdownSignal: shutdown.signal,
    llm: describeLlm(env),
    mcp,
    quotas: { limits: hubConfig.limits, counts },
    tracing: telemetry.enabled,
    ...(metricsEnabled(env) ? {} : { metrics: false as const }), // HUB_METRICS=off: no /metrics
  });

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: scopedFetch(app.fetch), hostname: host, port }, (info) => {
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      log.info('gateway ready', { url: `http://${shownHost}:${info.port}`, mcp: `http://${shownHost}:${info.port}/mcp`, auth: apiKeys ? 'api-keys' : 'off', adminKeys: adminKeys?.size ?? 0, tenants: apiKeys ? new Set(apiKeys.values()).size : 1 });
      resolve(s);
    });
    s.once('error', reject);
  });

  stopOnSignals({
    server,
    log,
    name: 'gateway',
    // End SSE streams: they would keep server.close() waiting.
    onStopping: () => shutdown.abort(),
    release: () => {
      reachability.stop();
      return Promise.all([temporal.close(), telemetry.shutdown()]).then(() => undefined); // the buffered spans too
    },
    releaseWhat: 'the Temporal connection and the trace exporter',
  });
}

main().catch((err: unknown) => {
  log.error('gateway failed to start', { err: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});

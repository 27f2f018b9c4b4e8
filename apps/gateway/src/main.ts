/**
 * Gateway process: HTTP API on top of Temporal.
 *
 * Environment:
 *   PORT            listen port (default 8787)
 *   HOST            listen address (default 127.0.0.1). Without HUB_API_KEYS only loopback is allowed.
 *   HUB_API_KEYS    `key1:tenantA,key2:tenantB` (a key without tenant → tenant "default"). Unset: auth off.
 *   TEMPORAL_*      Temporal connection (see @hub/infra loadTemporalConfig); HUB_TASK_QUEUE the worker's queue.
 */
import { serve, type ServerType } from '@hono/node-server';
import { getProfile, listProfiles } from '@hub/agents/profiles';
import { connectTemporal, createLogger, loadTemporalConfig } from '@hub/infra';
import { createApp } from './app';
import { loadGatewayConfig } from './config';

const log = createLogger('gateway');

async function main(): Promise<void> {
  const env = process.env;
  const { port, host, apiKeys } = loadGatewayConfig(env);
  if (!apiKeys) {
    log.warn('HUB_API_KEYS is unset: authentication is off (tenant "default"); binding loopback only', { host });
  }

  const loaded = loadTemporalConfig(env);
  // Default to IPv4 loopback explicitly ("localhost" may resolve to ::1 where the dev server isn't listening).
  const temporalCfg = { ...loaded, address: loaded.address ?? '127.0.0.1:7233' };
  const temporal = await connectTemporal(temporalCfg, { connectTimeoutMs: 10_000 });
  log.info('connected to Temporal', {
    address: temporalCfg.address,
    namespace: temporalCfg.namespace,
    taskQueue: temporalCfg.taskQueue,
  });

  const shutdown = new AbortController();
  const app = createApp({
    client: temporal.client,
    taskQueue: temporalCfg.taskQueue,
    apiKeys,
    profiles: { get: getProfile, list: listProfiles },
    log,
    shutdownSignal: shutdown.signal,
  });

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      log.info('gateway ready', { url: `http://${shownHost}:${info.port}`, auth: apiKeys ? 'api-keys' : 'off', tenants: apiKeys ? new Set(apiKeys.values()).size : 1 });
      resolve(s);
    });
    s.once('error', reject);
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => {
      log.warn('shutdown grace period over; closing remaining connections');
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, 10_000);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      temporal
        .close()
        .catch((err: unknown) => log.warn('closing the Temporal connection failed', { err }))
        .finally(() => {
          log.info('gateway stopped');
          process.exit(0);
        });
    });
    // End SSE streams (they would keep server.close() waiting) and idle keep-alive sockets.
    shutdown.abort();
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  log.error('gateway failed to start', { err: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});

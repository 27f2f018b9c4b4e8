/**
 * `npm run worker`: one hub worker process. Run as many as needed against a
 * shared Temporal (TEMPORAL_ADDRESS); on SIGINT/SIGTERM it stops polling,
 * lets running tasks finish (up to the grace time) and exits.
 */
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createSharedCooldowns } from '@hub/agents/activities';
import {
  connectionOptions,
  createLogger,
  describePayloadEncryption,
  hubDataConverter,
  loadHubConfig,
  loadPayloadCodec,
  loadTemporalConfig,
} from '@hub/runtime';
import { startTelemetry, temporalClientInterceptors } from '@hub/runtime/telemetry';
import { startWorkerMetrics, workerMetricsConfig } from './metrics';
import { DEFAULT_MAX_CACHED_WORKFLOWS, createHubActivities, createHubWorker, maxCachedWorkflowsFromEnv } from './worker';
import { WORKFLOW_BUNDLE_DIR_ENV, resolveWorkflowBundle, workflowBundleCacheDir } from './workflow-bundle';

const HELP = `Usage: npm run worker

Starts one hub worker (session workflows, LLM and tool activities).

Environment:
  TEMPORAL_ADDRESS      Temporal frontend (default 127.0.0.1:7233)
  TEMPORAL_NAMESPACE    namespace (default "default")
  TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_SERVER_NAME
  HUB_TASK_QUEUE        task queue (default "agent-hub")
  HUB_CONFIG            hub config file with mcpServers (default <repo>/hub.config.json)
  OPENAI_BASE_URL, OPENAI_API_KEY, HUB_MODEL   the OpenAI-compatible model endpoint
  HUB_WORKER_SHUTDOWN_GRACE_MS  how long shutdown waits for running activities (default 30000)
  HUB_PAYLOAD_KEYS      payload encryption keys "k2:<base64 32 bytes>,k1:<...>" (first encrypts, all
                        decrypt); unset: payloads are stored in Temporal unencrypted
  HUB_WORKER_STICKY_TIMEOUT_MS  how long a session waits for this worker before any worker takes it
                        (sticky queue schedule-to-start timeout, default 2000)
  HUB_WORKER_MAX_CACHED_WORKFLOWS  workflows (sessions…) kept in this worker's cache between their tasks
                        (default ${DEFAULT_MAX_CACHED_WORKFLOWS}; about 1.3 MB each; an evicted one replays its
                        history on its next turn)
  ${WORKFLOW_BUNDLE_DIR_ENV}  where the prebuilt workflow bundle is kept (default
                        <repo>/node_modules/.cache/hub-workflow-bundle; \`npm run provision\` builds it). The
                        worker uses it only if its source hash is current, else it bundles (seconds) and
                        stores the result for the next start
  OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  traces over OTLP/HTTP (off when unset);
                        OTEL_SERVICE_NAME (default hub-worker), OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES
  HUB_METRICS_PORT      serve Prometheus metrics at http://HUB_METRICS_HOST:PORT/metrics (hub metrics and the
                        Temporal SDK's; 0: any free port, logged); HUB_METRICS=on without a port: 19464; unset: off
  HUB_METRICS_HOST      the metrics listener's address (default 127.0.0.1: the figures are every tenant's)
  HUB_WORKER_COMPILED   0: apps/worker/bin/worker.mjs (\`npm run worker\`, npm start) starts this TypeScript entry
                        through tsx instead of the compiled worker (node_modules/.cache/hub-worker, used while
                        every input of it is unchanged)
`;


async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const log = createLogger('worker');
  // Metrics (HUB_METRICS_PORT): installs the Temporal runtime with its Prometheus exporter, so before any connection.
  const metricsConfig = workerMetricsConfig(process.env);
  const metrics = metricsConfig ? await startWorkerMetrics(metricsConfig, log) : undefined;
  const telemetry = startTelemetry('hub-worker'); // traces, when an OTLP endpoint is set; before any client or worker
  const cfg = loadTemporalConfig();
  const hubConfig = loadHubConfig();
  const codec = loadPayloadCodec(process.env);
  const sticky = process.env.HUB_WORKER_STICKY_TIMEOUT_MS?.trim();
  const maxCachedWorkflows = maxCachedWorkflowsFromEnv(process.env);
  // The connection and the workflow bundle (prebuilt: a hash check and a file read) at once.
  const [connection, bundle] = await Promise.all([
    NativeConnection.connect(connectionOptions(cfg)),
    resolveWorkflowBundle({ cacheDir: workflowBundleCacheDir(process.env), log: (msg, fields) => log.warn(msg, fields) }),
  ]);
  // Provider cooldowns shared by every worker (the providers/health workflow), when there are model aliases to
  // fall back between (without `models`, every call goes to the one default provider).
  const cooldowns = Object.keys(hubConfig.models ?? {}).length > 0
    ? createSharedCooldowns({
        client: new Client({ connection, namespace: cfg.namespace, dataConverter: hubDataConverter(codec), interceptors: temporalClientInterceptors(telemetry) }),
        taskQueue: cfg.taskQueue,
        log,
      })
    : undefined;
  const hub = createHubActivities({ hubConfig, taskQueue: cfg.taskQueue, ...(cooldowns ? { cooldowns } : {}) });
  const worker = await createHubWorker({
    connection,
    namespace: cfg.namespace,
    taskQueue: cfg.taskQueue,
    activities: hub.activities,
    workflowBundle: bundle.bundle,
    maxCachedWorkflows,
    shutdownGraceTime: Number(process.env.HUB_WORKER_SHUTDOWN_GRACE_MS ?? 30_000),
    dataConverter: hubDataConverter(codec),
    telemetry,
    ...(sticky ? { stickyQueueScheduleToStartTimeout: Number(sticky) } : {}),
  });
  if (codec) log.info('payload encryption on', { encryption: describePayloadEncryption(codec) });
  else log.warn('payload encryption off', { encryption: describePayloadEncryption(codec) });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('worker draining', { signal });
    worker.shutdown();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const running = worker.run();
  cooldowns?.start();
  log.info('worker ready', {
    address: connectionOptions(cfg).address,
    namespace: cfg.namespace,
    taskQueue: cfg.taskQueue,
    mcpServers: Object.keys(hubConfig.mcpServers),
    workflowBundle: { source: bundle.source, hash: bundle.hash.slice(0, 12), ms: bundle.ms },
    maxCachedWorkflows,
    traces: telemetry.enabled ? 'otlp' : 'off',
    metrics: metrics?.url ?? 'off',
    // Since the process started (performance.now()'s origin), node's own start-up included.
    startMs: Math.round(performance.now()),
    startCpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
  });
  await running;
  cooldowns?.stop();
  await hub.close();
  await connection.close();
  await telemetry.shutdown(); // the spans still buffered
  await metrics?.close();
  log.info('worker stopped');
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

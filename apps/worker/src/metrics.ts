/**
 * The worker's Prometheus metrics: `GET /metrics` on HUB_METRICS_PORT (HUB_METRICS_HOST, default 127.0.0.1;
 * HUB_METRICS=on without a port: 19464; unset: off), one scrape target per worker with
 *
 * - the hub's activity-side metrics (`@hub/runtime/metrics` workerMetrics: LLM calls, tokens, cost, fallbacks,
 *   tool calls, research agents running, pending approvals) and prom-client's process metrics;
 * - the Temporal SDK's runtime metrics (`temporal_*`: task slots, poll and schedule-to-start latencies, sticky
 *   cache, client requests…) and the workflow-side hub metrics the workflows emit through their `metricMeter`
 *   (turns, turn latency, approvals, budget waits), from core's Prometheus exporter, which
 *   {@link startWorkerMetrics} installs on a loopback port of its own (`Runtime.install`, before any connection)
 *   and this listener reads on each scrape.
 *
 * The listener binds loopback unless told otherwise: the figures are every tenant's together (no tenant label),
 * for the operator's Prometheus, not for the network.
 */
import { createServer } from 'node:net';
import { Runtime, type InjectedSinks, type WorkerOptions } from '@temporalio/worker';
import { METRICS, type HubMetricsSinks } from '@hub/contracts';
import type { Logger } from '@hub/runtime';
import { startMetricsServer, workerMetrics, type MetricsServer } from '@hub/runtime/metrics';

/** The worker's metrics port when HUB_METRICS=on names none. */
export const DEFAULT_WORKER_METRICS_PORT = 19464;

export interface WorkerMetricsConfig {
  host: string;
  /** 0: any free port (the `metrics ready` log line says which). */
  port: number;
}

/** HUB_METRICS_PORT (0-65535), HUB_METRICS (on/off), HUB_METRICS_HOST → where to serve, or undefined (off). */
export function workerMetricsConfig(env: NodeJS.ProcessEnv): WorkerMetricsConfig | undefined {
  const flag = env['HUB_METRICS']?.trim().toLowerCase();
  if (flag !== undefined && flag !== '' && !['on', '1', 'true', 'off', '0', 'false'].includes(flag)) {
    throw new Error(`HUB_METRICS must be on or off, got ${JSON.stringify(env['HUB_METRICS'])}`);
  }
  if (flag === 'off' || flag === '0' || flag === 'false') return undefined;
  const raw = env['HUB_METRICS_PORT']?.trim();
  if (!raw && !flag) return undefined;
  const port = raw ? Number(raw) : DEFAULT_WORKER_METRICS_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`HUB_METRICS_PORT must be an integer 0-65535, got ${JSON.stringify(raw)}`);
  return { host: env['HUB_METRICS_HOST']?.trim() || '127.0.0.1', port };
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Histogram buckets of the workflow-side metrics, for core's exporter (its defaults are for milliseconds). */
const workflowBuckets = Object.fromEntries(
  Object.values(METRICS)
    .filter((d) => d.source === 'workflow' && d.kind === 'histogram')
    .map((d) => [d.name, [...(d as { buckets: readonly number[] }).buckets]]),
);

export interface RunningWorkerMetrics extends MetricsServer {
  /** Core's own exporter (loopback), read on each scrape. */
  coreUrl: string;
}

/**
 * Installs the Temporal runtime with core's Prometheus exporter on a free loopback port and serves the merged
 * `/metrics`. Call it before any NativeConnection or Worker is made (the runtime is installed once per process).
 */
export async function startWorkerMetrics(cfg: WorkerMetricsConfig, log?: Logger): Promise<RunningWorkerMetrics> {
  const corePort = await freeLoopbackPort();
  Runtime.install({
    telemetryOptions: {
      metrics: {
        prometheus: {
          bindAddress: `127.0.0.1:${corePort}`,
          useSecondsForDurations: true,
          histogramBucketOverrides: workflowBuckets,
        },
      },
    },
  });
  const coreUrl = `http://127.0.0.1:${corePort}/metrics`;
  const render = async (): Promise<string> => {
    const hub = await workerMetrics().registry.metrics();
    let core: string;
    try {
      const res = await fetch(coreUrl, { signal: AbortSignal.timeout(5_000) });
      core = res.ok ? await res.text() : `# Temporal SDK metrics unavailable: HTTP ${res.status}\n`;
    } catch (err) {
      core = `# Temporal SDK metrics unavailable: ${err instanceof Error ? err.message : String(err)}\n`;
    }
    return `${hub.endsWith('\n') ? hub : `${hub}\n`}${core}`;
  };
  const server = await startMetricsServer({ host: cfg.host, port: cfg.port, render });
  log?.info('metrics ready', { url: server.url });
  return { ...server, coreUrl };
}

/** The workflow sink of the pending-approvals gauge (not called on replay: a session's count is absolute). */
export function hubMetricsSinks(): InjectedSinks<HubMetricsSinks> {
  return {
    hubMetrics: {
      approvalsPending: { fn: (info, count) => workerMetrics().setApprovalsPending(info.workflowId, count), callDuringReplay: false },
    },
  };
}

/** Worker options with the metrics sink added to the others (the trace sink). */
export function withMetricsSinks<O extends Pick<WorkerOptions, 'sinks'>>(o: O): O {
  return { ...o, sinks: { ...o.sinks, ...hubMetricsSinks() } };
}

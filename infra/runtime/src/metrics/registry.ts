/**
 * The hub's prom-client registries, built from the one catalogue (`@hub/contracts` METRICS):
 *
 * - {@link createGatewayMetrics}: a gateway's (HTTP requests, latency, SSE clients, the process's default metrics);
 * - {@link workerMetrics}: the worker process's activity-side metrics (LLM calls, tokens, cost, fallbacks, tool
 *   calls, research agents running, pending approvals), one registry per process that agents/ and tools/ record to.
 *
 * The workflow-side metrics (turns, approvals, budget waits) are not here: workflow code emits them through
 * Temporal's workflow metricMeter, and the worker serves them from Temporal's exporter (apps/worker/src/metrics.ts).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { MAX_LABEL_VALUES, METRICS, OTHER_LABEL, type MetricDef } from '@hub/contracts';

type Def = MetricDef & { labels: readonly string[] };

function counter<L extends string>(def: Def, registry: Registry): Counter<L> {
  return new Counter<L>({ name: def.name, help: def.help, labelNames: def.labels as L[], registers: [registry] });
}
function gauge<L extends string>(def: Def, registry: Registry): Gauge<L> {
  return new Gauge<L>({ name: def.name, help: def.help, labelNames: def.labels as L[], registers: [registry] });
}
function histogram<L extends string>(def: Def, registry: Registry): Histogram<L> {
  return new Histogram<L>({ name: def.name, help: def.help, labelNames: def.labels as L[], buckets: [...(def.buckets ?? [])], registers: [registry] });
}

/**
 * A label whose values come from configuration or tenants (models, providers, MCP servers, tools): the first
 * {@link MAX_LABEL_VALUES} distinct values are kept, later ones are `other`, so no caller can grow a series set
 * without bound. Values are cut to 64 characters.
 */
export function boundedLabel(max = MAX_LABEL_VALUES): (value: string | undefined) => string {
  const seen = new Set<string>();
  return (value) => {
    const v = (value ?? '').slice(0, 64) || 'none';
    if (seen.has(v)) return v;
    if (seen.size >= max) return OTHER_LABEL;
    seen.add(v);
    return v;
  };
}

export interface GatewayMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  sseClients: Gauge<'route'>;
}

/** A gateway's registry: its own metrics plus prom-client's default process metrics (CPU, memory, event loop, GC). */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: counter(METRICS.httpRequests, registry),
    httpDuration: histogram(METRICS.httpDuration, registry),
    sseClients: gauge(METRICS.sseClients, registry),
  };
}

export interface WorkerMetrics {
  registry: Registry;
  llmCalls: Counter<'model' | 'provider' | 'outcome'>;
  llmDuration: Histogram<'model' | 'provider' | 'outcome'>;
  llmTokens: Counter<'model' | 'provider' | 'kind'>;
  llmCost: Counter<'model' | 'provider'>;
  llmFallbacks: Counter<'model' | 'provider' | 'reason'>;
  toolCalls: Counter<'server' | 'tool' | 'outcome'>;
  toolDuration: Histogram<'server' | 'outcome'>;
  researchAgentsRunning: Gauge;
  approvalsPending: Gauge;
  /**
   * A session's pending approvals now (from the workflow sink; absolute, so a replay's calls rebuild the figure):
   * the gauge is the sum over the sessions this worker has run. 0 forgets the session.
   */
  setApprovalsPending(workflowId: string, count: number): void;
  /** Bounded label values (see {@link boundedLabel}). */
  model: (v: string | undefined) => string;
  provider: (v: string | undefined) => string;
  server: (v: string | undefined) => string;
  tool: (v: string | undefined) => string;
}

function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const approvalsPending = gauge(METRICS.approvalsPending, registry);
  const pendingBySession = new Map<string, number>();
  let pendingTotal = 0;
  return {
    registry,
    llmCalls: counter(METRICS.llmCalls, registry),
    llmDuration: histogram(METRICS.llmDuration, registry),
    llmTokens: counter(METRICS.llmTokens, registry),
    llmCost: counter(METRICS.llmCost, registry),
    llmFallbacks: counter(METRICS.llmFallbacks, registry),
    toolCalls: counter(METRICS.toolCalls, registry),
    toolDuration: histogram(METRICS.toolDuration, registry),
    researchAgentsRunning: gauge(METRICS.researchAgentsRunning, registry),
    approvalsPending,
    setApprovalsPending(workflowId, count) {
      const n = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
      pendingTotal += n - (pendingBySession.get(workflowId) ?? 0);
      if (n === 0) pendingBySession.delete(workflowId);
      else pendingBySession.set(workflowId, n);
      approvalsPending.set(pendingTotal);
    },
    model: boundedLabel(),
    provider: boundedLabel(),
    server: boundedLabel(),
    tool: boundedLabel(),
  };
}

let worker: WorkerMetrics | undefined;

/** The worker process's activity-side metrics (created on first use; the activities of one process share them). */
export function workerMetrics(): WorkerMetrics {
  worker ??= createWorkerMetrics();
  return worker;
}

let gateway: GatewayMetrics | undefined;

/** The gateway process's metrics (created on first use; every app of the process records to them). */
export function gatewayMetrics(): GatewayMetrics {
  gateway ??= createGatewayMetrics();
  return gateway;
}

/**
 * The hub's Prometheus metrics, named once: the gateway's (`@hub/runtime/metrics` builds them with prom-client),
 * the worker's activity-side ones (prom-client, in the worker process) and the workflow-side ones (workflow code
 * emits them through `@temporalio/workflow`'s `metricMeter`, which Temporal drops on replay, or the
 * {@link HubMetricsSinks} sink). `infra/deploy/grafana/hub-dashboard.json` queries these names; its test checks them.
 *
 * Labels are bounded: route patterns (never raw paths), statuses, outcomes from fixed sets, and model, provider,
 * MCP server and tool names capped at {@link MAX_LABEL_VALUES} distinct values per metric (more become `other`).
 * No metric carries a tenant.
 */

export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface MetricDef {
  /** The Prometheus name (counters end in `_total`; histograms expose `_bucket`, `_sum`, `_count`). */
  name: string;
  kind: MetricKind;
  help: string;
  /** Labels the hub sets (the SDK adds `namespace`, `taskQueue` and `workflowType` to workflow-side metrics). */
  labels: readonly string[];
  /** Where it comes from: the gateway, a worker's activities (prom-client), or workflow code (Temporal's meter / a sink). */
  source: 'gateway' | 'worker' | 'workflow';
  /** Histogram buckets (seconds, or USD / tokens as the name says). */
  buckets?: readonly number[];
}

/** Distinct values a model, provider, server or tool label may take per metric before the rest are `other`. */
export const MAX_LABEL_VALUES = 50;
/** The label value of everything past {@link MAX_LABEL_VALUES}. */
export const OTHER_LABEL = 'other';

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;
const LLM_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120] as const;
const TOOL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;
const TURN_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900] as const;
const WAIT_BUCKETS = [1, 10, 60, 300, 900, 3600, 21600, 86400] as const;

export const METRICS = {
  // ---- gateway
  httpRequests: { name: 'hub_http_requests_total', kind: 'counter', source: 'gateway', labels: ['method', 'route', 'status'], help: 'HTTP requests answered by the gateway, by method, route pattern and status code.' },
  httpDuration: { name: 'hub_http_request_duration_seconds', kind: 'histogram', source: 'gateway', labels: ['method', 'route', 'status'], buckets: HTTP_BUCKETS, help: 'Time from request to response headers (an SSE stream: until it opens), by method, route pattern and status.' },
  sseClients: { name: 'hub_sse_clients', kind: 'gauge', source: 'gateway', labels: ['route'], help: 'SSE event streams open now, by route pattern.' },
  // ---- worker, activity side
  llmCalls: { name: 'hub_llm_calls_total', kind: 'counter', source: 'worker', labels: ['model', 'provider', 'outcome'], help: 'LLM provider calls, by model (alias), provider and outcome (ok, retryable, rejected, cancelled).' },
  llmDuration: { name: 'hub_llm_call_duration_seconds', kind: 'histogram', source: 'worker', labels: ['model', 'provider', 'outcome'], buckets: LLM_BUCKETS, help: 'Duration of one LLM provider call (streaming included), by model, provider and outcome.' },
  llmTokens: { name: 'hub_llm_tokens_total', kind: 'counter', source: 'worker', labels: ['model', 'provider', 'kind'], help: 'Tokens of successful LLM calls as the provider reported them, by model, provider and kind (prompt, completion).' },
  llmCost: { name: 'hub_llm_cost_usd_total', kind: 'counter', source: 'worker', labels: ['model', 'provider'], help: 'Cost in USD of successful LLM calls (priced models only: hub.config.json prices), by model and provider.' },
  llmFallbacks: { name: 'hub_llm_fallbacks_total', kind: 'counter', source: 'worker', labels: ['model', 'provider', 'reason'], help: 'Route entries passed over for the next one, by the model and provider left and why (cooldown, error).' },
  toolCalls: { name: 'hub_tool_calls_total', kind: 'counter', source: 'worker', labels: ['server', 'tool', 'outcome'], help: 'Tool calls (executeTool attempts), by MCP server (builtin for built-in tools), tool and outcome (ok, error, failed, cancelled).' },
  toolDuration: { name: 'hub_tool_call_duration_seconds', kind: 'histogram', source: 'worker', labels: ['server', 'outcome'], buckets: TOOL_BUCKETS, help: 'Duration of one tool call attempt, by MCP server and outcome.' },
  researchAgentsRunning: { name: 'hub_research_agents_running', kind: 'gauge', source: 'worker', labels: [], help: 'Research sub-agents whose model call runs now in this worker\'s research batch activities.' },
  approvalsPending: { name: 'hub_approvals_pending', kind: 'gauge', source: 'worker', labels: [], help: 'Tool approvals waiting for a decision in the sessions this worker has run (workflow sink; see docs).' },
  // ---- workflow side (Temporal's workflow metricMeter: not emitted on replay)
  turns: { name: 'hub_turns_total', kind: 'counter', source: 'workflow', labels: ['status'], help: 'Session turns ended, by status (completed, failed, interrupted, cancelled).' },
  turnDuration: { name: 'hub_turn_duration_seconds', kind: 'histogram', source: 'workflow', labels: ['status'], buckets: TURN_BUCKETS, help: 'Session turn duration in workflow time (approvals and budget waits included), by status.' },
  approvalsRequested: { name: 'hub_approvals_requested_total', kind: 'counter', source: 'workflow', labels: [], help: 'Tool approvals asked of a human.' },
  approvalsResolved: { name: 'hub_approvals_resolved_total', kind: 'counter', source: 'workflow', labels: ['outcome'], help: 'Tool approvals decided, by outcome (approved, denied, timeout, cancelled: the turn ended while it waited).' },
  budgetWaits: { name: 'hub_budget_waits_total', kind: 'counter', source: 'workflow', labels: ['scope'], help: 'Waits for a spent budget begun (an LLM call refused with BudgetExhausted), by scope (tenant, agent).' },
  budgetWaitDuration: { name: 'hub_budget_wait_duration_seconds', kind: 'histogram', source: 'workflow', labels: ['scope'], buckets: WAIT_BUCKETS, help: 'How long a wait for budget lasted (workflow time), by scope.' },
} as const satisfies Record<string, MetricDef>;

export type HubMetricKey = keyof typeof METRICS;

/** The series names a metric exposes (a histogram: `_bucket`, `_sum`, `_count`). */
export function seriesNames(def: MetricDef): string[] {
  return def.kind === 'histogram' ? [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`] : [def.name];
}

/**
 * The name a workflow-side metric is created under in the workflow's `metricMeter`: its Prometheus name (Temporal's
 * exporter adds no suffix to the metrics workflows create).
 */
export function meterName(def: MetricDef): string {
  return def.name;
}

/**
 * The workflow sink of the one workflow-side gauge: a session tells the worker how many approvals it has pending
 * now (an absolute value, so calls made during replay are harmless and rebuild the worker's figure).
 */
export type HubMetricsSink = {
  approvalsPending(count: number): void;
};

/** The sinks object workflow code proxies (`proxySinks<HubMetricsSinks>()`) and the worker registers. */
export type HubMetricsSinks = { hubMetrics: HubMetricsSink };

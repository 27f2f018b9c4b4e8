/**
 * The workflow interceptors of the hub's traces: a bundle entry (`workflowInterceptorModules`, see
 * apps/worker/src/bundle-key.ts), not workflow logic. Every workflow gets them (the bundle is the same on
 * every worker, traced or not), but they cost nothing unless the workflow was started with a trace: a
 * workflow whose start headers carry one (the Temporal client interceptors put it there when traces are on)
 * loads OpenTelemetry and its interceptors (telemetry-otel.ts) at that moment and runs every call through
 * them; any other workflow passes every call straight on, without loading a line of OpenTelemetry.
 *
 * Deterministic: whether a workflow is traced follows from its history (the start's headers), not from the
 * worker's settings, so a replay on any worker takes the same path. It holds for the whole run; a
 * continue-as-new or a child of a traced run is traced too (their headers carry the trace on).
 */
import type {
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowInternalsInterceptor,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import type { otelInterceptors } from './telemetry-otel';

/** The header @temporalio/interceptors-opentelemetry carries the trace context in. */
const TRACE_HEADER = '_tracer-data';

declare const require: (id: string) => unknown;

type Chain = Record<string, ((input: unknown, next: (input: unknown) => unknown) => unknown) | undefined>;

/** Each of `methods` passes on to the traced chain's interceptors when there is one, else straight to `next`. */
function delegating<T>(methods: readonly string[], chain: () => readonly object[] | undefined): T {
  const out: Record<string, (input: unknown, next: (input: unknown) => unknown) => unknown> = {};
  for (const m of methods) {
    out[m] = (input, next) => {
      const run = (chain() ?? []).reduceRight<(i: unknown) => unknown>((nxt, icpt) => {
        const f = (icpt as Chain)[m];
        return f ? (i) => f.call(icpt, i, nxt) : nxt;
      }, next);
      return run(input);
    };
  }
  return out as T;
}

const INBOUND = ['handleSignal', 'handleUpdate', 'validateUpdate', 'handleQuery'] as const;
const OUTBOUND = [
  'scheduleActivity',
  'scheduleLocalActivity',
  'startNexusOperation',
  'startChildWorkflowExecution',
  'continueAsNew',
  'signalWorkflow',
  'getLogAttributes',
  'getMetricTags',
] as const;
const INTERNALS = ['dispose'] as const;

export function interceptors(): WorkflowInterceptors {
  let traced: WorkflowInterceptors | undefined;
  const execute: WorkflowInboundCallsInterceptor = {
    execute(input, next) {
      if (input.headers[TRACE_HEADER] !== undefined) {
        // Loaded here, for this workflow only (webpack evaluates the module on first require).
        traced = (require('./telemetry-otel') as { otelInterceptors: typeof otelInterceptors }).otelInterceptors();
      }
      const chain = traced?.inbound ?? [];
      const run = chain.reduceRight<typeof next>((nxt, icpt) => (icpt.execute ? (i) => icpt.execute!(i, nxt) : nxt), next);
      return run(input);
    },
  };
  return {
    inbound: [{ ...delegating<WorkflowInboundCallsInterceptor>(INBOUND, () => traced?.inbound), ...execute }],
    outbound: [delegating<WorkflowOutboundCallsInterceptor>(OUTBOUND, () => traced?.outbound)],
    internals: [delegating<WorkflowInternalsInterceptor>(INTERNALS, () => traced?.internals)],
  };
}

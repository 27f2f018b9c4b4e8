/**
 * The OpenTelemetry half of the workflow interceptors, loaded by telemetry-interceptors.ts only for a workflow
 * whose start carried a trace; the one file under workflows/src allowed to import OpenTelemetry at runtime
 * (eslint.config.js). It is @temporalio/interceptors-opentelemetry's workflow interceptors: a span for the run
 * (`RunWorkflow:<type>`), each update, signal and query handled, and each activity, child workflow, signal
 * and continue-as-new the workflow starts, the trace context carried on in their Temporal headers. The spans
 * leave the sandbox through the `exporter` sink, which the worker registers with `callDuringReplay` off: a
 * replayed workflow task creates its spans again (with the same ids: the sandbox's randomness is seeded) but
 * exports none of them.
 *
 * Sampling is parent-based with root spans off: spans are recorded only under a sampled trace from whoever
 * started, signalled or updated the workflow. (The sandbox's OpenTelemetry SDK is its browser build, which
 * reads its OTEL_* settings from globalThis.)
 *
 * The hub adds one thing: the trace of an update is kept while its handler runs, so that the session's main
 * loop can run the message's turn in it (trace-scope.ts, `inUpdateTrace`).
 */
import * as otel from '@opentelemetry/api';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { WorkflowInboundCallsInterceptor, WorkflowInterceptors } from '@temporalio/workflow';
import { UPDATE_TRACE_HOOK, type UpdateTraceHook } from './trace-scope';

/**
 * The SDK's inbound interceptor without its `ValidateUpdate:<name>` span: validators draw from a forked copy
 * of the workflow's random sequence (they do not run on replay), so that span got the same span id as the
 * `HandleUpdate:<name>` span after it, two spans with one id in a trace.
 */
class InboundInterceptor extends OpenTelemetryInboundInterceptor {
  override validateUpdate(...[input, next]: Parameters<OpenTelemetryInboundInterceptor['validateUpdate']>): void {
    next(input);
  }
}

export function otelInterceptors(): WorkflowInterceptors {
  // Per workflow (the factory runs for each workflow; globals are per workflow in the reused V8 context too).
  const updates = new Map<string, otel.Context>();
  const hook: UpdateTraceHook = (updateId, fn) => {
    const ctx = updates.get(updateId);
    return ctx ? otel.context.with(ctx, fn) : fn();
  };
  (globalThis as Record<string, unknown>)[UPDATE_TRACE_HOOK] = hook;
  // Read when the SDK's interceptors create the sandbox's tracer provider (below, on first use).
  (globalThis as Record<string, unknown>)['OTEL_TRACES_SAMPLER'] = 'parentbased_always_off';
  // Inside the SDK's interceptor (composed after it), so the active context is its `HandleUpdate:<name>` span.
  const keepUpdateTrace: WorkflowInboundCallsInterceptor = {
    async handleUpdate(input, next) {
      updates.set(input.updateId, otel.context.active());
      try {
        return await next(input);
      } finally {
        updates.delete(input.updateId);
      }
    },
  };
  return {
    inbound: [new InboundInterceptor(), keepUpdateTrace],
    outbound: [new OpenTelemetryOutboundInterceptor()],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
}

/**
 * The worker's half of the traces (see @hub/runtime/telemetry for the setup and its OTEL_* variables).
 *
 * On: each activity runs in a `RunActivity:<type>` span, the child of the workflow's `StartActivity:<type>`
 * span (its context comes in the activity's Temporal headers); the Temporal client activities use (the
 * budget meter's ledger calls) carries the trace on; workflow spans, created in the sandbox by the bundle's
 * interceptors (workflows/src/telemetry-interceptors.ts), arrive through the `exporter` sink and go to the
 * same batch processor. The sink is not called during replay (`callDuringReplay` unset), so a replayed
 * workflow task exports nothing again.
 *
 * Off: no activity or client interceptor; the sink is still registered (the bundle is the same on every
 * worker) and drops what reaches it, which is nothing unless a traced client started the workflow.
 */
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import type { InjectedSinks, WorkerOptions } from '@temporalio/worker';
import type { Telemetry } from '@hub/runtime/telemetry';

/** The workflow span sink: to the telemetry's processor, or dropped when tracing is off. */
export function workflowSpanSinks(telemetry: Pick<Telemetry, 'spanProcessor' | 'resource'> | undefined): InjectedSinks<OpenTelemetrySinks> {
  if (telemetry?.spanProcessor && telemetry.resource) return { exporter: makeWorkflowExporter(telemetry.spanProcessor, telemetry.resource) };
  return { exporter: { export: { fn: () => undefined } } };
}

/** WorkerOptions for tracing: the sink always, the interceptors when on. */
export function workerTelemetryOptions(telemetry: Telemetry | undefined): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const sinks = workflowSpanSinks(telemetry);
  if (!telemetry?.enabled) return { sinks };
  return {
    sinks,
    interceptors: {
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
      client: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    },
  };
}

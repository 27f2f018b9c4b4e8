/**
 * Traces (OpenTelemetry), set up in one place for every service (gateway, worker).
 *
 * Configured by the standard OTEL_* variables; on only when an OTLP endpoint is set:
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  the traces URL as is (e.g. http://collector:4318/v1/traces), or
 *   OTEL_EXPORTER_OTLP_ENDPOINT         the collector's base URL (/v1/traces is appended)
 *   OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES   the resource (default service.name: the service's own name)
 *   OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG  sampling (default parentbased_always_on)
 *   OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_BSP_*  export headers, timeout, batching
 *   OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none   off even with an endpoint
 * Export is OTLP over HTTP with JSON bodies (@opentelemetry/exporter-trace-otlp-http). Off, nothing is
 * registered: the global tracer stays the API's no-op one, and the services install no interceptor or middleware.
 */
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { ClientInterceptors } from '@temporalio/client';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource, envDetectorSync } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
/** The SDK's exporter that keeps the ended spans in memory (tests hand it to `startTelemetry`). */
export { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';

export interface Telemetry {
  /** Whether traces are exported (an endpoint is set and the SDK is not disabled). */
  readonly enabled: boolean;
  /** The registered provider; undefined when off. */
  readonly provider: NodeTracerProvider | undefined;
  /** The batch processor spans go through (the worker hands workflow spans, from its sink, to it). */
  readonly spanProcessor: SpanProcessor | undefined;
  readonly resource: Resource | undefined;
  /** Exports what is buffered and stops (call once at shutdown; a no-op when off). */
  shutdown(): Promise<void>;
}

const OFF: Telemetry = { enabled: false, provider: undefined, spanProcessor: undefined, resource: undefined, shutdown: async () => {} };

/** The traces endpoint the OTLP exporter will use, or undefined when none is set (tracing off). */
export function tracesEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return undefined;
  if (env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase() === 'none') return undefined;
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  if (traces) return traces;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

export interface StartTelemetryOptions {
  env?: NodeJS.ProcessEnv;
  /** Instead of OTLP (tests). */
  exporter?: SpanExporter;
  version?: string;
}

/**
 * Starts tracing for a service (`service`: the default service.name, e.g. `hub-gateway`) when an endpoint is
 * set: registers a global tracer provider (with the AsyncLocalStorage context manager and W3C trace-context
 * propagation) exporting in batches. Call once, before the Temporal client or worker is created.
 */
export function startTelemetry(service: string, opts: StartTelemetryOptions = {}): Telemetry {
  const env = opts.env ?? process.env;
  const url = tracesEndpoint(env);
  if (!url && !opts.exporter) return OFF;
  const resource = Resource.default()
    .merge(new Resource({ [ATTR_SERVICE_NAME]: service, ...(opts.version ? { [ATTR_SERVICE_VERSION]: opts.version } : {}) }))
    .merge(envDetectorSync.detect()); // OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME
  const exporter = opts.exporter ?? new OTLPTraceExporter({ url: url! });
  const spanProcessor = new BatchSpanProcessor(exporter); // OTEL_BSP_* tune it
  // The sampler comes from OTEL_TRACES_SAMPLER / _ARG (the SDK reads them when none is given).
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    provider,
    spanProcessor,
    resource,
    shutdown: () => (stopped ??= provider.shutdown().catch(() => undefined)),
  };
}

/** The Temporal client interceptors that carry the trace in workflow headers (start, signal, update, query); undefined when off. */
export function temporalClientInterceptors(telemetry: Pick<Telemetry, 'enabled'>): ClientInterceptors | undefined {
  return telemetry.enabled ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}

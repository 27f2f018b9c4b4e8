/**
 * A span per LLM call (`llm.call`), made here in the activity with the OpenTelemetry API only: a no-op when
 * the worker's traces are off (no tracer provider registered). Its parent is the activity's span
 * (`RunActivity:llmComplete`, `RunActivity:researchAgentBatch`…) when traces are on.
 *
 * Attributes: the request's model route (`hub.llm.route`), the agent, and once served the route entry's alias
 * (`hub.llm.model_alias`), its provider (`hub.llm.provider`) and the provider's model name
 * (`gen_ai.response.model`), tokens in and out (`gen_ai.usage.input_tokens` / `output_tokens`), the cost
 * (`hub.llm.cost_usd`, when the model has a price), and the entries passed over (`hub.llm.fallbacks`, their
 * reasons in `hub.llm.fallback_reason`, one `llm.fallback` event each). A failed call has an error status,
 * the exception and its failure type (`hub.llm.error_type`).
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ApplicationFailure } from '@temporalio/common';
import type { LlmResponse, ModelRoute } from '@hub/contracts';

const tracer = trace.getTracer('@hub/agents');

export const LLM_SPAN = 'llm.call';

/** What a span needs of a call's request. */
interface TracedRequest {
  model?: ModelRoute | undefined;
  agent?: string | undefined;
}

/** `call` with a span around each invocation. */
export function tracedLlmCall<Ctx, Events, Req extends TracedRequest, Params>(
  call: (ctx: Ctx, events: Events, req: Req, params: Params) => Promise<LlmResponse>,
): (ctx: Ctx, events: Events, req: Req, params: Params) => Promise<LlmResponse> {
  return (ctx, events, req, params) => {
    const route = req.model === undefined ? 'default' : Array.isArray(req.model) ? req.model.join(',') : req.model;
    return tracer.startActiveSpan(
      LLM_SPAN,
      { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'hub.llm.route': route, ...(req.agent ? { 'hub.agent': req.agent } : {}) } },
      async (span) => {
        try {
          const res = await call(ctx, events, req, params);
          if (res.served) {
            span.setAttributes({
              'hub.llm.model_alias': res.served.alias,
              'hub.llm.provider': res.served.provider,
              'gen_ai.request.model': res.served.model,
              'gen_ai.response.model': res.served.model,
            });
          }
          span.setAttributes({ 'gen_ai.usage.input_tokens': res.usage.promptTokens, 'gen_ai.usage.output_tokens': res.usage.completionTokens });
          if (res.usage.costUsd !== undefined) span.setAttribute('hub.llm.cost_usd', res.usage.costUsd);
          const fallbacks = res.fallbacks ?? [];
          if (fallbacks.length > 0) {
            span.setAttributes({ 'hub.llm.fallbacks': fallbacks.length, 'hub.llm.fallback_reason': fallbacks.map((f) => `${f.from}: ${f.reason}`).join('; ') });
            for (const f of fallbacks) span.addEvent('llm.fallback', { 'hub.llm.model_alias': f.from, 'hub.llm.provider': f.provider, 'hub.llm.fallback_reason': f.reason });
          }
          return res;
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
          if (err instanceof ApplicationFailure && err.type) span.setAttribute('hub.llm.error_type', err.type);
          throw err;
        } finally {
          span.end();
        }
      },
    );
  };
}

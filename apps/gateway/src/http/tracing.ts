/**
 * One server span per request (installed only when traces are on, @hub/runtime/telemetry): named
 * `<METHOD> <route pattern>` (e.g. `POST /v1/sessions/:id/messages`; `<METHOD>` alone when no route matched),
 * with the method, route, path, status and request id as attributes, an error status for 5xx answers. A
 * `traceparent` header from the caller makes it a child of the caller's span. Everything the request does
 * runs in its context: the Temporal client interceptors put it in the workflow's headers.
 *
 * An SSE route's span ends when its stream is handed back (the stream itself is not in it).
 */
import { type Context as OtelContext, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { GatewayEnv } from './env';

// OpenTelemetry's HTTP semantic conventions (stable names).
const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
const ATTR_HTTP_ROUTE = 'http.route';
const ATTR_URL_PATH = 'url.path';

const headerGetter = {
  keys: (h: Headers) => [...h.keys()],
  get: (h: Headers, key: string) => h.get(key) ?? undefined,
};

/** The pattern of the route that answered: the last matched route that is not a catch-all middleware. */
export function routePattern(c: Context): string | undefined {
  const routes = matchedRoutes(c).filter((r) => !r.path.endsWith('*'));
  return routes.at(-1)?.path;
}

export function traceRequests(): MiddlewareHandler<GatewayEnv> {
  const tracer = trace.getTracer('@hub/gateway');
  return async (c, next) => {
    const method = c.req.method;
    const parent: OtelContext = propagation.extract(context.active(), c.req.raw.headers, headerGetter);
    const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: c.req.path } }, parent);
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      const route = routePattern(c);
      if (route) {
        span.updateName(`${method} ${route}`);
        span.setAttribute(ATTR_HTTP_ROUTE, route);
      }
      const status = c.res.status;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      const requestId = c.get('requestId') as string | undefined;
      if (requestId) span.setAttribute('hub.request_id', requestId);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
      span.end();
    }
  };
}

/** Renders every failure as the `{ error }` body: thrown ApiErrors, Hono's HTTP exceptions, anything else (500). */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../log';
import type { GatewayApp } from './env';
import { ApiError } from './errors';
import { allowedMethodsOf } from './methods';

/**
 * Maps an error to an ApiError: ApiErrors (services map their Temporal failures to them) as they are,
 * Hono's HTTP exceptions (body limit, content type, malformed JSON) by status, anything else to 500 `internal`.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 413) return new ApiError(413, 'payload_too_large', 'request body is too large');
    if (status === 415) return new ApiError(415, 'unsupported_media_type', 'request body must be application/json');
    if (status === 401) return new ApiError(401, 'unauthorized', err.message || 'unauthorized');
    if (status === 404) return new ApiError(404, 'not_found', err.message || 'not found');
    if (status >= 400 && status < 500) {
      return new ApiError(status as ContentfulStatusCode, 'invalid_request', err.message || 'invalid request');
    }
    return new ApiError(500, 'internal', 'internal error');
  }
  return new ApiError(500, 'internal', 'internal error');
}

/** `{ code, message }` of a failure, for the `stream.error` event of an SSE stream. */
export function describeError(err: unknown): { code: string; message: string } {
  const e = toApiError(err);
  return { code: e.code, message: e.message };
}

export interface ErrorHandlingOptions {
  log: Logger;
  /** Whether Temporal answers right now: a deadline hit while it is unreachable is a 503, not a 504. */
  temporalReachable: () => Promise<boolean>;
}

/** Installs the app's error handler, its JSON 404 for unknown routes and 405 (with `Allow`) for a known path's wrong method. */
export function handleErrors(app: GatewayApp, opts: ErrorHandlingOptions): void {
  const allowed = allowedMethodsOf(app, { '/openapi.json': ['GET'] });
  app.onError(async (err, c) => {
    let apiErr = toApiError(err);
    // gRPC keeps retrying UNAVAILABLE until the deadline: tell "unreachable" from "slow / no worker".
    if (apiErr.code === 'upstream_timeout' && !(await opts.temporalReachable())) {
      apiErr = new ApiError(503, 'temporal_unavailable', 'Temporal is unavailable');
    }
    // The failure a service mapped to an ApiError is what the log wants to see.
    const original = err instanceof ApiError && err.cause !== undefined ? err.cause : err;
    // 429s say when to come back (details.retryAfterSec of the rate limiter or the quota).
    const retryAfter = (apiErr.details as { retryAfterSec?: unknown } | undefined)?.retryAfterSec;
    if (apiErr.status === 429 && typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter));
    const log = c.get('log') ?? opts.log;
    if (apiErr.status >= 500) log.error('request failed', { err: original, code: apiErr.code, status: apiErr.status });
    else if (!(original instanceof ApiError)) log.debug('request rejected', { code: apiErr.code, message: apiErr.message });
    return c.json(apiErr.toBody(), apiErr.status);
  });
  app.notFound((c) => {
    const methods = allowed(c.req.path);
    if (methods !== undefined && !methods.includes(c.req.method)) {
      c.header('Allow', methods.join(', '));
      return c.json({ error: { code: 'method_not_allowed' as const, message: `${c.req.method} is not allowed on ${c.req.path} (allowed: ${methods.join(', ')})` } }, 405);
    }
    return c.json({ error: { code: 'not_found' as const, message: `no route for ${c.req.method} ${c.req.path}` } }, 404);
  });
}

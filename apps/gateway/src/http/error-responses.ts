/**
 * The documented error responses of a route, declared in one place: {@link errorResponses}
 * says which of the gateway's errors a route can answer, so the OpenAPI document lists
 * exactly what the gateway does (test/openapi.test.ts checks the rules on every operation).
 */
import { z } from '@hono/zod-openapi';
import { ERROR_CODES } from './errors';

export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

const DESCRIPTIONS = {
  403: 'Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection)',
  400: 'Invalid request (`invalid_request`); details lists the offending fields',
  401: 'Missing or wrong API key (`unauthorized`)',
  413: 'Request body too large (`payload_too_large`)',
  415: 'Request body is not JSON (`unsupported_media_type`)',
  429: 'Over the tenant\'s request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry',
  503: 'Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After)',
  504: 'Temporal or the worker did not answer in time (`upstream_timeout`)',
} as const;

/** One documented error response: the `{ error }` body with what the status means on this route. */
export const errorResponse = (description: string, headers?: Record<string, { description: string; schema: { type: 'integer' } }>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ErrorResponseSchema } },
});

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' as const } } };

export interface RouteErrors {
  /** 401 and 429 (rate limit, quotas): the route needs the API key (default true; the ops routes are public). */
  auth?: boolean;
  /** 400: the request is validated (params, query, headers, body) or a value can be refused (default true); a string is the description. */
  invalid?: boolean | string;
  /** 413 and 415: the route reads a JSON body. */
  body?: boolean;
  /** 503 and 504: the route calls Temporal (default true). */
  temporal?: boolean;
  /** 403 besides the Host/Origin refusal every route can answer: what else is refused. */
  forbidden?: string;
  /** 404, with what is not found. */
  notFound?: string;
  /** 409, with the conflict. */
  conflict?: string;
}

/** The standard 400 wording, followed by what else the route refuses (a string that only restates it adds nothing). */
function invalidDescription(invalid: true | string): string {
  if (invalid === true || /^invalid request\.?$/i.test(invalid.trim())) return DESCRIPTIONS[400];
  return `${DESCRIPTIONS[400]}; ${invalid.charAt(0).toLowerCase()}${invalid.slice(1)}`;
}

/** The `responses` entries of a route's errors, e.g. `...errorResponses({ body: true, notFound: 'No such task' })`. */
export function errorResponses(e: RouteErrors = {}): Record<string, ReturnType<typeof errorResponse>> {
  const out: Record<string, ReturnType<typeof errorResponse>> = {};
  const invalid = e.invalid ?? true;
  if (invalid !== false) out[400] = errorResponse(invalidDescription(invalid));
  if (e.auth ?? true) out[401] = errorResponse(DESCRIPTIONS[401]);
  out[403] = errorResponse(e.forbidden !== undefined ? `${e.forbidden}; or ${DESCRIPTIONS[403].replace(/^F/, 'f')}` : DESCRIPTIONS[403]);
  if (e.notFound !== undefined) out[404] = errorResponse(e.notFound);
  if (e.conflict !== undefined) out[409] = errorResponse(e.conflict);
  if (e.body) {
    out[413] = errorResponse(DESCRIPTIONS[413]);
    out[415] = errorResponse(DESCRIPTIONS[415]);
  }
  if (e.auth ?? true) out[429] = errorResponse(DESCRIPTIONS[429], RETRY_AFTER);
  if (e.temporal ?? true) {
    out[503] = errorResponse(DESCRIPTIONS[503]);
    out[504] = errorResponse(DESCRIPTIONS[504]);
  }
  return out;
}

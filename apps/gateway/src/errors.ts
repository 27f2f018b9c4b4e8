/**
 * Error model of the gateway: every error response is
 * `{ error: { code, message, details? } }` (see {@link ErrorResponseSchema}).
 */
import { z } from '@hono/zod-openapi';
import {
  isGrpcServiceError,
  NamespaceNotFoundError,
  QueryNotRegisteredError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'not_found',
  'session_not_found',
  'approval_not_found',
  'mcp_server_not_found',
  'mcp_tool_not_found',
  'research_not_found',
  'research_finished',
  'forbidden',
  'method_not_allowed',
  'session_closed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'temporal_unavailable',
  'upstream_timeout',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

/** Thrown by handlers; rendered by the app's `onError`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  toBody(): ErrorResponse {
    return { error: { code: this.code, message: this.message, ...(this.details !== undefined ? { details: this.details } : {}) } };
  }
}

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_CANCELLED = 1;
const GRPC_FAILED_PRECONDITION = 9;

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e.code;
  }
  return undefined;
}

function grpcDetails(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e.details || undefined;
  }
  return undefined;
}

/** Connection-level failures that mean "Temporal can't be reached". */
function looksUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const msg = e instanceof Error ? e.message : '';
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|Connection dropped|No connection established|Failed to connect/i.test(msg)) return true;
  }
  return false;
}

/**
 * Maps an error to an ApiError. Temporal errors that are not specific to a
 * route (not found, unavailable, timeouts) are handled here; anything unknown
 * becomes 500 `internal`.
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
  if (err instanceof WorkflowNotFoundError) return new ApiError(404, 'session_not_found', 'session not found');
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new ApiError(409, 'conflict', 'a session with this id already exists');
  }
  if (err instanceof NamespaceNotFoundError) {
    return new ApiError(503, 'temporal_unavailable', `Temporal namespace not found: ${err.namespace}`);
  }
  if (err instanceof QueryNotRegisteredError) {
    return new ApiError(500, 'internal', 'workflow does not answer the session state query');
  }
  const code = grpcCode(err);
  if (code === GRPC_DEADLINE_EXCEEDED || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || code === GRPC_CANCELLED) {
    return new ApiError(504, 'upstream_timeout', 'Temporal did not answer in time (is a worker running?)');
  }
  if (code === GRPC_FAILED_PRECONDITION) {
    // e.g. querying a workflow that ended before any worker ran it.
    const details = grpcDetails(err);
    return new ApiError(409, 'conflict', `the session cannot answer in its current state${details ? `: ${details}` : ''}`);
  }
  if (code === GRPC_UNAVAILABLE || looksUnreachable(err)) {
    return new ApiError(503, 'temporal_unavailable', 'Temporal is unavailable');
  }
  return new ApiError(500, 'internal', 'internal error');
}

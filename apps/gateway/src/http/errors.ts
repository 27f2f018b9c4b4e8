/**
 * The gateway's error model: every error response is `{ error: { code, message, details? } }`.
 * Services and routes throw {@link ApiError}s; the app's error handler renders them
 * (http/error-handler.ts). Dependency-free, so services can throw them without touching Hono.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'not_found',
  'session_not_found',
  'approval_not_found',
  'agent_not_found',
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
  'rate_limited',
  'quota_exceeded',
  'temporal_unavailable',
  'worker_unavailable',
  'upstream_timeout',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The body of every error response (its schema: `ErrorResponseSchema` in http/error-responses.ts). */
export interface ErrorResponse {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** Thrown by services and handlers; rendered by the app's `onError`. `cause`: the failure it was mapped from. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  toBody(): ErrorResponse {
    return { error: { code: this.code, message: this.message, ...(this.details !== undefined ? { details: this.details } : {}) } };
  }
}

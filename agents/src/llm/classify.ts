/**
 * Error classification for LLM calls: which errors from the OpenAI SDK are
 * rejected requests (non-retryable) and which are unavailability (retryable,
 * honouring Retry-After).
 */
import { ApplicationFailure } from '@temporalio/common';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/** Longest Retry-After we pass on as `nextRetryDelay`. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** HTTP statuses meaning "this request will never succeed as sent". */
const REJECTED_STATUSES = new Set([400, 401, 403, 404, 422]);

type HeaderSource = Headers | Record<string, string | undefined> | null | undefined;

function getHeader(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const rec = headers as Record<string, string | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : rec[key];
}

/**
 * Delay requested by the server, in ms: `retry-after-ms`, else `Retry-After`
 * (delta-seconds or HTTP date). Capped at `MAX_RETRY_AFTER_MS`; undefined when
 * absent or unparseable.
 */
export function parseRetryAfterMs(headers: HeaderSource, now: number = Date.now()): number | undefined {
  let ms: number | undefined;
  const rawMs = getHeader(headers, 'retry-after-ms')?.trim();
  if (rawMs && /^\d+(\.\d+)?$/.test(rawMs)) ms = Number(rawMs);
  if (ms === undefined) {
    const raw = getHeader(headers, 'retry-after')?.trim();
    if (raw) {
      if (/^\d+(\.\d+)?$/.test(raw)) {
        ms = Number(raw) * 1000;
      } else {
        const at = Date.parse(raw);
        if (!Number.isNaN(at)) ms = Math.max(0, at - now);
      }
    }
  }
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  return Math.min(Math.round(ms), MAX_RETRY_AFTER_MS);
}

function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string' && body.message) return body.message;
  // APIError messages look like "<status> <message>"; drop the status prefix.
  return err.status !== undefined ? err.message.replace(new RegExp(`^${err.status}\\s*`), '') : err.message;
}

function causeCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur instanceof Error; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Temporal's and gRPC's ways of saying a payload or message is over its size limit. */
const TOO_LARGE = /payloads? (is |are )?too large|PayloadsTooLarge|blob (data )?size (exceeds|limit)|exceeds size limit|message larger than max/i;

function tooLarge(message: string, cause: Error): ApplicationFailure {
  return ApplicationFailure.create({ type: 'PayloadsTooLarge', nonRetryable: true, message, cause });
}

function unavailable(message: string, cause: Error | undefined, nextRetryDelay?: number): ApplicationFailure {
  return ApplicationFailure.create({ type: 'LlmUnavailable', message, nextRetryDelay, cause });
}

/**
 * Maps an error from an LLM call to the ApplicationFailure the activity throws.
 *
 * - HTTP 413, and Temporal's "payload/blob too large" errors → non-retryable `PayloadsTooLarge`
 * - HTTP 400/401/403/404/422 (and other 4xx not listed below) → non-retryable `LlmRequestRejected`
 * - HTTP 408/409/429/5xx → retryable `LlmUnavailable`, `nextRetryDelay` from Retry-After when present
 * - connection errors, timeouts, aborts, errors inside an SSE stream → retryable `LlmUnavailable`
 * - anything else → retryable `LlmError`
 *
 * Cancellation is not this function's business: the caller checks the activity's
 * cancellation signal first and rethrows a CancelledFailure.
 */
export function classifyLlmError(err: unknown, now: number = Date.now()): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof APIError && err.status === 413) {
    return tooLarge(`LLM request too large (HTTP 413): ${serverMessage(err)}; retrying cannot help`, err);
  }
  if (err instanceof Error && !(err instanceof APIError) && TOO_LARGE.test(err.message)) {
    return tooLarge(`Payload too large: ${err.message}; retrying cannot help`, err);
  }
  if (err instanceof APIUserAbortError) return unavailable('LLM request aborted', err);
  if (err instanceof APIConnectionTimeoutError) return unavailable('LLM request timed out', err);
  if (err instanceof APIConnectionError) {
    const code = causeCode(err.cause);
    return unavailable(`LLM connection failed: ${err.message}${code ? ` (${code})` : ''}`, err);
  }
  if (err instanceof APIError) {
    const status = err.status;
    const msg = serverMessage(err);
    if (status === undefined) return unavailable(`LLM stream error: ${msg}`, err);
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      return unavailable(`LLM unavailable (HTTP ${status}): ${msg}`, err, parseRetryAfterMs(err.headers, now));
    }
    if (REJECTED_STATUSES.has(status) || (status >= 400 && status < 500)) {
      return ApplicationFailure.create({
        type: 'LlmRequestRejected',
        nonRetryable: true,
        message: `LLM request rejected (HTTP ${status}): ${msg}`,
        cause: err,
      });
    }
    return unavailable(`LLM unexpected response (HTTP ${status}): ${msg}`, err);
  }
  if (err instanceof Error) {
    const code = causeCode(err);
    return ApplicationFailure.create({
      type: 'LlmError',
      message: `LLM call failed: ${err.message}${code ? ` (${code})` : ''}`,
      cause: err,
    });
  }
  return ApplicationFailure.create({ type: 'LlmError', message: `LLM call failed: ${String(err)}` });
}

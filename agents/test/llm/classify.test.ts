import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { MAX_RETRY_AFTER_MS, classifyLlmError, parseRetryAfterMs } from '../../src/llm/classify';

function httpError(status: number, message: string, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { error: { message, type: 'x', code: null } }, undefined, new Headers(headers));
}

describe('classifyLlmError', () => {
  it.each([400, 401, 403, 404, 422])('HTTP %i is a non-retryable LlmRequestRejected', (status) => {
    const f = classifyLlmError(httpError(status, 'bad thing'));
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f.nonRetryable).toBe(true);
    expect(f.type).toBe('LlmRequestRejected');
    expect(f.message).toBe(`LLM request rejected (HTTP ${status}): bad thing`);
  });

  it.each([408, 409, 429, 500, 502, 503, 504])('HTTP %i is a retryable LlmUnavailable', (status) => {
    const f = classifyLlmError(httpError(status, 'try later'));
    expect(f.nonRetryable).toBe(false);
    expect(f.type).toBe('LlmUnavailable');
    expect(f.message).toBe(`LLM unavailable (HTTP ${status}): try later`);
    expect(f.nextRetryDelay).toBeUndefined();
  });

  it('honours Retry-After seconds', () => {
    expect(classifyLlmError(httpError(429, 'slow down', { 'retry-after': '3' })).nextRetryDelay).toBe(3000);
  });

  it('honours Retry-After as an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const f = classifyLlmError(httpError(503, 'x', { 'retry-after': 'Tue, 01 Jan 2030 00:00:20 GMT' }), now);
    expect(f.nextRetryDelay).toBe(20_000);
  });

  it('prefers retry-after-ms and caps long delays', () => {
    expect(classifyLlmError(httpError(429, 'x', { 'retry-after-ms': '1500', 'retry-after': '9' })).nextRetryDelay).toBe(1500);
    expect(classifyLlmError(httpError(429, 'x', { 'retry-after': '86400' })).nextRetryDelay).toBe(MAX_RETRY_AFTER_MS);
  });

  it('other 4xx are rejected, not retried', () => {
    expect(classifyLlmError(httpError(413, 'too big')).nonRetryable).toBe(true);
  });

  it('connection errors, timeouts and aborts are retryable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const conn = classifyLlmError(new APIConnectionError({ cause: new TypeError('fetch failed', { cause: refused }) }));
    expect(conn.type).toBe('LlmUnavailable');
    expect(conn.nonRetryable).toBe(false);
    expect(conn.message).toContain('ECONNREFUSED');
    const to = classifyLlmError(new APIConnectionTimeoutError());
    expect(to).toMatchObject({ type: 'LlmUnavailable', nonRetryable: false, message: 'LLM request timed out' });
    expect(classifyLlmError(new APIUserAbortError())).toMatchObject({ type: 'LlmUnavailable', nonRetryable: false });
  });

  it('an error event inside a stream (no status) is retryable', () => {
    const f = classifyLlmError(new APIError(undefined, { message: 'overloaded' }, undefined, undefined));
    expect(f).toMatchObject({ type: 'LlmUnavailable', nonRetryable: false, message: 'LLM stream error: overloaded' });
  });

  it('unknown errors are retryable LlmError; ApplicationFailures pass through', () => {
    expect(classifyLlmError(new SyntaxError('Unexpected token'))).toMatchObject({ type: 'LlmError', nonRetryable: false });
    expect(classifyLlmError('weird')).toMatchObject({ type: 'LlmError', message: 'LLM call failed: weird' });
    const af = ApplicationFailure.nonRetryable('mine', 'Mine');
    expect(classifyLlmError(af)).toBe(af);
  });
});

describe('parseRetryAfterMs', () => {
  it('handles absent and garbage values', () => {
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers())).toBeUndefined();
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfterMs({ 'Retry-After': '2' })).toBe(2000);
    expect(parseRetryAfterMs({ 'retry-after': '0.5' })).toBe(500);
  });
  it('a date in the past means no wait', () => {
    expect(parseRetryAfterMs({ 'retry-after': 'Tue, 01 Jan 2000 00:00:00 GMT' }, Date.now())).toBe(0);
  });
});

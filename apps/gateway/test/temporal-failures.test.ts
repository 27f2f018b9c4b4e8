/** Temporal failures as ApiErrors (unit): RESOURCE_EXHAUSTED is a retryable 429 with Retry-After, never a 500. */
import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/http/errors';
import { temporalApiError, TemporalBusyError, withApiErrors } from '../src/temporal/failures';
import { OpenAPIHono } from '@hono/zod-openapi';
import { handleErrors } from '../src/http/error-handler';
import type { GatewayEnv } from '../src/http/env';
import { memoryLogger } from './helpers';

/** A gRPC service error as @grpc/grpc-js raises it. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

const inFlightLimit = () =>
  new ServiceError('Failed to start update', {
    cause: grpcError(8, 'limit on number of concurrent in-flight updates has been reached (10)'),
  });

describe('temporalApiError', () => {
  it('answers RESOURCE_EXHAUSTED (the in-flight update limit) with 429 and a retry delay', () => {
    const err = temporalApiError(inFlightLimit());
    expect(err).toBeInstanceOf(TemporalBusyError);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 1, details: { retryAfterSec: 1 } });
    expect(err!.message).toMatch(/busy.*in-flight updates.*retry after 1 s/);
  });

  it('answers a query no worker could take (FAILED_PRECONDITION "no poller seen") with a retryable 503, not 409', () => {
    const noPoller = new ServiceError('Failed to query workflow', {
      cause: grpcError(9, 'No poller seen for task queue recently, worker may be down.'),
    });
    const err = temporalApiError(noPoller);
    expect(err).toMatchObject({ status: 503, code: 'worker_unavailable', details: { retryAfterSec: 2 } });
    // Other preconditions stay a conflict.
    expect(temporalApiError(new ServiceError('x', { cause: grpcError(9, 'workflow execution already completed') }))).toMatchObject({ status: 409, code: 'conflict' });
  });

  it('is answered 429 with Retry-After on the wire', async () => {
    const app = new OpenAPIHono<GatewayEnv>();
    handleErrors(app, { log: memoryLogger(), temporalReachable: async () => true });
    const svc = withApiErrors({ approve: async () => Promise.reject(inFlightLimit()) });
    app.post('/approve', async () => svc.approve());
    const res = await app.request('/approve', { method: 'POST' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('maps failing services and streams alike, and a stream return() reaches the stream at once', async () => {
    let returned = false;
    const stream: AsyncGenerator<number, void, unknown> = {
      next: () => new Promise(() => {}),
      return: async () => ((returned = true), { done: true, value: undefined }),
      throw: async (e) => Promise.reject(e),
      [Symbol.asyncIterator]: () => stream,
    };
    const failing: AsyncGenerator<number, void, unknown> = {
      next: () => Promise.reject(inFlightLimit()),
      return: async () => ({ done: true, value: undefined }),
      throw: async (e) => Promise.reject(e),
      [Symbol.asyncIterator]: () => failing,
    };
    const svc = withApiErrors({ call: async () => Promise.reject(inFlightLimit()), events: () => stream, failing: () => failing });
    await expect(svc.call()).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 });
    await expect(svc.failing().next()).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 });
    const events = svc.events();
    void events.next();
    await events.return(undefined);
    expect(returned).toBe(true);
  });
});

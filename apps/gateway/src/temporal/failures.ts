/**
 * Temporal failures as ApiErrors. Every service is wrapped with {@link withApiErrors}, so what
 * leaves a service is an ApiError (or an unexpected error, which the app answers with 500):
 * the failures no single call site handles (not found, unavailable, timeouts) are mapped here.
 */
import {
  isGrpcServiceError,
  NamespaceNotFoundError,
  QueryNotRegisteredError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApiError } from '../http/errors';

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_CANCELLED = 1;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_RESOURCE_EXHAUSTED = 8;

/** Seconds a client should wait before retrying a call Temporal refused as RESOURCE_EXHAUSTED. */
export const RESOURCE_EXHAUSTED_RETRY_AFTER_S = 1;
/** Seconds a client should wait before retrying a call no worker could answer (no poller on the task queue). */
export const WORKER_UNAVAILABLE_RETRY_AFTER_S = 2;

/**
 * Temporal refused the call for lack of a resource (e.g. the per-workflow limit of in-flight updates,
 * or a namespace's RPS limit): the request was not performed and may be retried. 429 `rate_limited`
 * with `details.retryAfterSec`, which the error handler sends as `Retry-After`. Never a 500.
 */
export class TemporalBusyError extends ApiError {
  override name = 'TemporalBusyError';
  constructor(
    readonly retryAfterSeconds: number,
    reason: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(429, 'rate_limited', `Temporal is busy (resource exhausted${reason ? `: ${reason}` : ''}); retry after ${retryAfterSeconds} s`, { retryAfterSec: retryAfterSeconds }, options);
  }
}

/** The first gRPC service error in the error's cause chain. */
function grpcError(err: unknown): { code: number; details: string } | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return { code: e.code, details: e.details };
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

/** The ApiError of a Temporal failure (with the failure as its cause), or undefined when `err` is not one. */
export function temporalApiError(err: unknown): ApiError | undefined {
  const cause = { cause: err };
  if (err instanceof WorkflowNotFoundError) return new ApiError(404, 'session_not_found', 'session not found', undefined, cause);
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new ApiError(409, 'conflict', 'a session with this id already exists', undefined, cause);
  }
  if (err instanceof NamespaceNotFoundError) {
    return new ApiError(503, 'temporal_unavailable', `Temporal namespace not found: ${err.namespace}`, undefined, cause);
  }
  if (err instanceof QueryNotRegisteredError) {
    return new ApiError(500, 'internal', 'workflow does not answer the session state query', undefined, cause);
  }
  const grpc = grpcError(err);
  if (grpc?.code === GRPC_DEADLINE_EXCEEDED || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || grpc?.code === GRPC_CANCELLED) {
    return new ApiError(504, 'upstream_timeout', 'Temporal did not answer in time (is a worker running?)', undefined, cause);
  }
  if (grpc?.code === GRPC_RESOURCE_EXHAUSTED) {
    return new TemporalBusyError(RESOURCE_EXHAUSTED_RETRY_AFTER_S, grpc.details || undefined, cause);
  }
  if (grpc?.code === GRPC_FAILED_PRECONDITION) {
    const details = grpc.details || undefined;
    // A query while no worker polls the task queue (a worker restarting): transient, so retry, never "conflict".
    if (details && /no poller seen/i.test(details)) {
      return new ApiError(
        503,
        'worker_unavailable',
        `no hub worker is polling right now (${details}); retry after ${WORKER_UNAVAILABLE_RETRY_AFTER_S} s`,
        { retryAfterSec: WORKER_UNAVAILABLE_RETRY_AFTER_S },
        cause,
      );
    }
    // e.g. querying a workflow that ended before any worker ran it.
    return new ApiError(409, 'conflict', `the session cannot answer in its current state${details ? `: ${details}` : ''}`, undefined, cause);
  }
  if (grpc?.code === GRPC_UNAVAILABLE || looksUnreachable(err)) {
    return new ApiError(503, 'temporal_unavailable', 'Temporal is unavailable', undefined, cause);
  }
  return undefined;
}

const rethrow = (err: unknown): never => {
  if (err instanceof ApiError) throw err;
  throw temporalApiError(err) ?? err;
};

function isAsyncGenerator(v: unknown): v is AsyncGenerator<unknown, unknown, unknown> {
  return typeof v === 'object' && v !== null && typeof (v as AsyncGenerator).next === 'function' && Symbol.asyncIterator in v;
}

/**
 * The stream with its failures mapped. Not an `async function*` wrapper: `return()` must reach the
 * underlying stream at once (an SSE client that leaves detaches from its shared subscription even
 * while a poll is pending), where a generator would queue it behind the pending `next()`.
 */
function mappedGenerator<T>(gen: AsyncGenerator<T, void, unknown>): AsyncGenerator<T, void, unknown> {
  const mapped: AsyncGenerator<T, void, unknown> = {
    next: (...args) => gen.next(...args).catch(rethrow),
    return: (value) => gen.return(value).catch(rethrow),
    throw: (err) => gen.throw(err).catch(rethrow),
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}

/**
 * The service with every method's Temporal failures mapped to ApiErrors: rejected promises and
 * failing streams (methods returning an async generator) alike.
 */
export function withApiErrors<S extends object>(service: S): S {
  const mapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(service)) {
    if (typeof member !== 'function') {
      mapped[name] = member;
      continue;
    }
    mapped[name] = (...args: unknown[]) => {
      let result: unknown;
      try {
        result = (member as (...a: unknown[]) => unknown).apply(service, args);
      } catch (err) {
        return rethrow(err);
      }
      if (result instanceof Promise) return result.catch(rethrow);
      if (isAsyncGenerator(result)) return mappedGenerator(result as AsyncGenerator<unknown, void, unknown>);
      return result;
    };
  }
  return mapped as S;
}

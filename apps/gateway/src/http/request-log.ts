/**
 * Request ids and the access log: every request gets an `X-Request-Id` (the incoming one when it is
 * a plain token of at most 64 characters, {@link REQUEST_ID_RE}; else a new UUID, so a client can't
 * put newlines, markup or a megabyte into the logs), a logger whose lines carry it, the tenant
 * "default" until the API key says otherwise, and one `request` log line when it ends (method, path, status, tenant, duration).
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { withFields, type Logger } from '../log';
import { DEFAULT_TENANT } from './auth';
import type { GatewayEnv } from './env';

/** A client's X-Request-Id is kept only when it matches: letters, digits and `._:=-`, 1-64 characters, starting alphanumeric. */
export const REQUEST_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:=-]{0,63}$/;

export function requestIds(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming !== undefined && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  };
}

export function requestLog(rootLog: Logger): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now();
    c.set('tenant', DEFAULT_TENANT);
    c.set('log', withFields(rootLog, { requestId: c.get('requestId') }));
    try {
      await next();
    } finally {
      rootLog.info('request', {
        requestId: c.get('requestId'),
        tenant: c.get('tenant'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      });
    }
  };
}

/**
 * Request ids and the access log: every request gets an `X-Request-Id` (the incoming one, or a new
 * UUID), a logger whose lines carry it, the tenant "default" until the API key says otherwise, and
 * one `request` log line when it ends (method, path, status, tenant, duration).
 */
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { withFields, type Logger } from '../log';
import { DEFAULT_TENANT } from './auth';
import type { GatewayEnv } from './env';

export function requestIds(): MiddlewareHandler<GatewayEnv> {
  return requestId();
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

/** The Hono environment of the gateway: what the middleware puts on every request's context. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Logger } from '../log';
import type { RequestContext } from '../request-context';

export type GatewayEnv = {
  Variables: {
    requestId: string;
    tenant: string;
    /** The key is an admin key (HUB_ADMIN_KEYS), or auth is off: admin routes and every tenant's budgets and usage. */
    admin: boolean;
    log: Logger;
  };
};

export type GatewayApp = OpenAPIHono<GatewayEnv>;

/** The services' view of a request: its tenant and logger. */
export function requestContext(c: Context<GatewayEnv>): RequestContext {
  return { tenant: c.get('tenant'), log: c.get('log') };
}

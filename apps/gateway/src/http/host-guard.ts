/**
 * DNS-rebinding and cross-site request protection of every route (the REST API, SSE streams,
 * /mcp, /openapi.json, the ops routes and the web app): one middleware, mounted first.
 *
 * - `Host` must be a name the hub is reached by, and `Origin` (when present) the hub itself or
 *   an allowed origin ({@link OriginGuard}, http/origin-guard.ts): 403 `forbidden` otherwise.
 * - State-changing requests (any method but GET, HEAD, OPTIONS) are refused from another site,
 *   simple requests without a body included (approve, cancel): a browser that says
 *   `Sec-Fetch-Site: cross-site` / `same-site` needs an allowed `Origin`; a body of a type an HTML
 *   form or `fetch` without preflight can send (`text/plain`, form encodings) is refused (415),
 *   so a cross-site page can't reach the API without a CORS preflight, which the hub never grants.
 * Clients that are no browser (the CLI, curl, SDKs) send no `Origin` and no `Sec-Fetch-*`: they pass.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { GatewayEnv } from './env';
import { ApiError } from './errors';
import type { OriginGuard } from './origin-guard';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The content types a cross-site page can send without a CORS preflight. */
const SIMPLE_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];

/** Why a request may not proceed (undefined: it may), and the status to answer. */
export function crossSiteReason(guard: OriginGuard, req: { method: string; host: string | undefined; header: (name: string) => string | undefined }): { status: 403 | 415; reason: string } | undefined {
  const origin = req.header('origin');
  const hostOrOrigin = guard.check(req.host, origin);
  if (hostOrOrigin !== undefined) return { status: 403, reason: hostOrOrigin };
  if (SAFE_METHODS.has(req.method)) return undefined;
  const site = req.header('sec-fetch-site')?.toLowerCase();
  // An Origin that got here is the hub's own or an allowed one; without one, a browser's cross-site request is refused.
  if ((site === 'cross-site' || site === 'same-site') && origin === undefined) {
    return { status: 403, reason: `cross-site ${req.method} refused (Sec-Fetch-Site: ${site}) without an allowed Origin` };
  }
  const type = req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== undefined && SIMPLE_TYPES.includes(type)) {
    return { status: 415, reason: `a ${req.method} body must be application/json, not ${type}` };
  }
  return undefined;
}

export interface HostGuardOptions {
  /** Renders a refusal on some paths (e.g. /mcp answers a JSON-RPC error); default: the `{ error }` body. */
  render?: ((c: Context<GatewayEnv>, status: 403 | 415, reason: string) => Response | undefined) | undefined;
}

/** `guard`: one guard, or the guard of a path (e.g. /codec also accepts the Temporal UI's origin). */
export function guardHostAndOrigin(guard: OriginGuard | ((path: string) => OriginGuard), opts: HostGuardOptions = {}): MiddlewareHandler<GatewayEnv> {
  const guardOf = typeof guard === 'function' ? guard : () => guard;
  return async (c, next) => {
    const refused = crossSiteReason(guardOf(c.req.path), {
      method: c.req.method,
      host: c.req.header('host') ?? new URL(c.req.url).host,
      header: (name) => c.req.header(name),
    });
    if (refused === undefined) return next();
    c.get('log').warn('request refused (foreign Host or cross-site)', { reason: refused.reason, method: c.req.method, path: c.req.path });
    const rendered = opts.render?.(c, refused.status, refused.reason);
    if (rendered) return rendered;
    throw new ApiError(refused.status, refused.status === 403 ? 'forbidden' : 'unsupported_media_type', refused.reason);
  };
}

/**
 * The quota middleware (after the API key, so the tenant is known): every API request counts
 * against the tenant's request rate (429 `rate_limited`), and the create routes ask the admission
 * (admission.ts) before the route starts anything (429 `quota_exceeded`, or 400 for a research job
 * over `maxAgentsPerJob`). A body the route will refuse anyway (invalid JSON, failed validation) is
 * left to the route's 400.
 */
import { CreateResearchBodySchema, McpServerRegistrationSchema } from '@hub/contracts';
import type { Context, MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../http/env';
import { ApiError } from '../http/errors';
import type { McpRegistryService } from '../mcp-registry/service';
import type { Admission } from './admission';
import type { RateLimiter } from './rate-limit';

export interface QuotaMiddlewareDeps {
  admission: Admission;
  rate: RateLimiter;
  mcpRegistry: McpRegistryService;
  /** Paths that count against no limit (the ops routes and the document). */
  publicPaths: ReadonlySet<string>;
}

const bodyOf = async (c: Context<GatewayEnv>): Promise<unknown> => c.req.json().catch(() => undefined);

export function enforceQuotas(deps: QuotaMiddlewareDeps): MiddlewareHandler<GatewayEnv> {
  const { admission, rate, mcpRegistry } = deps;
  return async (c, next) => {
    if (deps.publicPaths.has(c.req.path)) return next();
    const tenant = c.get('tenant');
    const decision = await rate.consume(tenant);
    if (!decision.allowed) {
      const { requestsPerSecond, burst } = admission.limits(tenant);
      throw new ApiError(429, 'rate_limited', `too many requests: ${requestsPerSecond}/s with a burst of ${burst} (limits.requestsPerSecond)`, {
        limit: 'requestsPerSecond',
        value: requestsPerSecond,
        retryAfterSec: decision.retryAfterSec,
      });
    }
    if (c.req.method !== 'POST') return next();
    switch (c.req.path) {
      case '/v1/sessions':
        await admission.session(tenant);
        break;
      case '/v1/tasks':
        await admission.task(tenant);
        break;
      case '/v1/research': {
        const body = CreateResearchBodySchema.safeParse(await bodyOf(c));
        if (body.success) await admission.research(tenant, body.data);
        break;
      }
      case '/v1/mcp/servers': {
        const body = McpServerRegistrationSchema.safeParse(await bodyOf(c));
        if (!body.success) break;
        const name = body.data.name;
        await admission.mcpServer(tenant, async () => {
          const api = (await mcpRegistry.list(tenant)).filter((s) => s.source === 'api');
          // Replacing a registration adds none.
          return api.some((s) => s.name === name) ? -1 : api.length;
        });
        break;
      }
    }
    return next();
  };
}

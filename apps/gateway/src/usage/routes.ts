/**
 * Usage over HTTP: `GET /v1/usage` (calls, tokens and dollars by tenant, agent, model and/or day). A tenant
 * key sees its own tenant; an admin key (HUB_ADMIN_KEYS, or auth off) every tenant, or one with `tenant=`.
 * Reading the ledgers is the service's (usage/service.ts).
 */
import { createRoute } from '@hono/zod-openapi';
import { UsageQuerySchema, UsageResponseSchema } from '@hub/contracts';
import { ApiError } from '../http/errors';
import { errorResponses } from '../http/error-responses';
import type { GatewayApp } from '../http/env';
import { createRouter } from '../http/router';
import { parseGroupBy, type UsageService } from './service';

const usageRoute = createRoute({
  method: 'get',
  path: '/v1/usage',
  tags: ['usage'],
  summary: "LLM usage (calls, tokens, US dollars) grouped by tenant, agent, model and/or day: the key's tenant, or every tenant for an admin key",
  request: { query: UsageQuerySchema },
  responses: {
    200: { description: 'Rows sorted by day, then tenant, agent and model; and their total', content: { 'application/json': { schema: UsageResponseSchema } } },
    ...errorResponses({
      invalid: 'A date that is not YYYY-MM-DD, from after to, or a groupBy other than tenant, agent, model and day',
      forbidden: "Another tenant's usage without an admin key",
    }),
  },
});

export function usageRoutes(usage: UsageService): GatewayApp {
  const app = createRouter();

  app.openapi(usageRoute, async (c) => {
    const q = c.req.valid('query');
    const own = c.get('tenant');
    const admin = c.get('admin') === true;
    if (!admin && q.tenant !== undefined && q.tenant !== own) {
      throw new ApiError(403, 'forbidden', `the usage of tenant '${q.tenant}' needs an admin key (one of HUB_ADMIN_KEYS); this key sees tenant '${own}'`, { needs: 'admin' });
    }
    const tenants = admin ? (q.tenant !== undefined ? [q.tenant] : undefined) : [own];
    const result = await usage.usage({ from: q.from, to: q.to, groupBy: parseGroupBy(q.groupBy), tenants });
    return c.json({ ...result, caller: { tenant: own, admin } }, 200);
  });

  return app;
}

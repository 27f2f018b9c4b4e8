/**
 * Budgets over HTTP: `GET /v1/budgets/{tenant}` (the tenant's own key or an admin key), `PUT /v1/budgets/{tenant}`
 * (an admin's limits) and `POST /v1/budgets/{tenant}/topup` (admin; `Idempotency-Key` → the ledger update's id).
 * Admin keys: HUB_ADMIN_KEYS (with auth off every request is admin). The ledger is the service's (budgets/service.ts).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { BudgetStateSchema, SetBudgetInputSchema, TENANT_RE, TopupInputSchema } from '@hub/contracts';
import type { MiddlewareHandler } from 'hono';
import { assertAdmin } from '../http/auth';
import { ApiError } from '../http/errors';
import { errorResponses } from '../http/error-responses';
import { IdempotencyHeaders, idempotencyKeyOf } from '../http/idempotency';
import type { GatewayApp, GatewayEnv } from '../http/env';
import { createRouter, jsonBody } from '../http/router';
import type { BudgetService } from './service';

const TenantParams = z.object({
  tenant: z
    .string()
    .regex(TENANT_RE, 'tenant: letters, digits, _ and -')
    .openapi({ param: { name: 'tenant', in: 'path' }, description: 'Tenant', example: 'default' }),
});
const tags = ['budgets'];
const adminOnly = 'Without an admin key (HUB_ADMIN_KEYS)';
const off = 'Budgets are off: hub.config.json has no `budgets` section';

const getRoute = createRoute({
  method: 'get',
  path: '/v1/budgets/{tenant}',
  tags,
  summary: "A tenant's budget: limits in force, spent, topped up and reserved this period, calls waiting (own tenant, or any with an admin key)",
  request: { params: TenantParams },
  responses: {
    200: { description: 'The budget (source none: no limits)', content: { 'application/json': { schema: BudgetStateSchema } } },
    ...errorResponses({ forbidden: "Another tenant's budget without an admin key" }),
  },
});
const putRoute = createRoute({
  method: 'put',
  path: '/v1/budgets/{tenant}',
  tags,
  summary: "Set a tenant's limits (admin): they take precedence over hub.config.json's; null goes back to those",
  request: { params: TenantParams, body: jsonBody(SetBudgetInputSchema, 'The limits, or null') },
  responses: {
    200: { description: 'The budget under the new limits', content: { 'application/json': { schema: BudgetStateSchema } } },
    ...errorResponses({ body: true, forbidden: adminOnly, conflict: off }),
  },
});
const topupRoute = createRoute({
  method: 'post',
  path: '/v1/budgets/{tenant}/topup',
  tags,
  summary: "Add US dollars and/or tokens to a tenant's current period (admin); work waiting for budget resumes",
  request: { params: TenantParams, headers: IdempotencyHeaders, body: jsonBody(TopupInputSchema, 'What to add (usd and/or tokens, more than 0)') },
  responses: {
    200: { description: 'The budget after the top-up (a repeat with the same Idempotency-Key: the first answer)', content: { 'application/json': { schema: BudgetStateSchema } } },
    ...errorResponses({ body: true, forbidden: adminOnly, conflict: off }),
  },
});

/** Admin routes refuse a tenant key before reading the body (403 rather than the body's 400). */
const requireAdmin = (what: string): MiddlewareHandler<GatewayEnv> => async (c, next) => {
  assertAdmin(c.get('admin'), what);
  await next();
};

export function budgetRoutes(budgets: BudgetService): GatewayApp {
  const app = createRouter();
  app.on('PUT', '/v1/budgets/:tenant', requireAdmin('setting a budget'));
  app.on('POST', '/v1/budgets/:tenant/topup', requireAdmin('a top-up'));

  app.openapi(getRoute, async (c) => {
    const { tenant } = c.req.valid('param');
    if (c.get('admin') !== true && tenant !== c.get('tenant')) {
      throw new ApiError(403, 'forbidden', `the budget of tenant '${tenant}' needs an admin key (one of HUB_ADMIN_KEYS); this key sees tenant '${c.get('tenant')}'`, { needs: 'admin' });
    }
    return c.json(await budgets.state(tenant), 200);
  });

  app.openapi(putRoute, async (c) => c.json(await budgets.setLimits(c.req.valid('param').tenant, c.req.valid('json').limits), 200));

  app.openapi(topupRoute, async (c) => c.json(await budgets.topup(c.req.valid('param').tenant, c.req.valid('json'), idempotencyKeyOf(c)), 200));

  return app;
}

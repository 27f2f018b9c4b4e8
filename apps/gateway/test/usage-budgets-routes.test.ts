/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * /v1/usage and /v1/budgets over stub services (no Temporal): query and body validation (400 naming the
 * field), who may see and change what (tenant keys, HUB_ADMIN_KEYS, auth off), the Idempotency-Key handed
 * to the top-up, 409 while budgets are off; and the grouping of the ledgers' rollups.
 */
import { describe, expect, it } from 'vitest';
import type { BudgetLimits, BudgetState, TopupInput, UsageRollup } from '@hub/contracts';
import { loadGatewayConfig } from '../src/config';
import { parseApiKeys } from '../src/http/auth';
import { ApiError } from '../src/http/errors';
import { createApp } from '../src/app';
import { BUDGETS_OFF_MESSAGE, initialBudgetState, type BudgetService } from '../src/budgets/service';
import { groupUsage, usageRange, type UsageRequest, type UsageService } from '../src/usage/service';
import { json, memoryLogger, post, stubServices } from './helpers';

const TENANT_KEY = 'usage-routes-tenant-key-0123';
const OTHER_KEY = 'usage-routes-other-key-0123';
const ADMIN_KEY = 'usage-routes-admin-key-0123';
const asTenant = { authorization: `Bearer ${TENANT_KEY}` };
const asOther = { authorization: `Bearer ${OTHER_KEY}` };
const asAdmin = { authorization: `Bearer ${ADMIN_KEY}` };

interface Calls {
  usage: UsageRequest[];
  topups: Array<{ tenant: string; input: TopupInput; key: string | undefined }>;
  limits: Array<{ tenant: string; limits: BudgetLimits | null }>;
  states: string[];
}

function makeStubs(enabled = true) {
  const calls: Calls = { usage: [], topups: [], limits: [], states: [] };
  const usage: UsageService = {
    async usage(req) {
      calls.usage.push(req);
      return { from: req.from ?? '2026-01-01', to: req.to ?? '2026-01-30', groupBy: req.groupBy ?? ['day'], rows: [], total: { calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, usd: 0 } };
    },
  };
  const off = () => {
    throw new ApiError(409, 'conflict', BUDGETS_OFF_MESSAGE);
  };
  const budgets: BudgetService = {
    enabled,
    async state(tenant) {
      calls.states.push(tenant);
      return initialBudgetState(tenant, undefined);
    },
    async setLimits(tenant, limits) {
      if (!enabled) off();
      calls.limits.push({ tenant, limits });
      return { ...initialBudgetState(tenant, limits ?? undefined), source: limits ? 'admin' : 'none' };
    },
    async topup(tenant, input, key) {
      if (!enabled) off();
      calls.topups.push({ tenant, input, key });
      return { ...initialBudgetState(tenant, undefined), toppedUp: { usd: input.usd ?? 0, tokens: input.tokens ?? 0 } };
    },
  };
  return { calls, usage, budgets };
}

/** The app with tenant keys for tenants `acme` and `other`, an admin key (tenant "default"), or no keys at all. */
function appWith(opts: { auth?: boolean; enabled?: boolean } = {}) {
  const stubs = makeStubs(opts.enabled ?? true);
  const services = { ...stubServices(), usage: stubs.usage, budgets: stubs.budgets };
  const keys = opts.auth === false ? {} : { apiKeys: parseApiKeys(`${TENANT_KEY}:acme,${OTHER_KEY}:other`), adminKeys: parseApiKeys(ADMIN_KEY, 'HUB_ADMIN_KEYS') };
  return { app: createApp(services, { log: memoryLogger(), ...keys }), calls: stubs.calls };
}

const put = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ ...post(body, headers), method: 'PUT' });

describe('GET /v1/usage', () => {
  it('400 naming the field for a bad groupBy, a date that is not YYYY-MM-DD, from after to', async () => {
    const { app, calls } = appWith();
    for (const [query, field] of [
      ['groupBy=foo', 'groupBy'],
      ['groupBy=agent,foo', 'groupBy'],
      ['from=yesterday', 'from'],
      ['to=2026-1-2', 'to'],
      ['from=2026-02-01&to=2026-01-01', 'from'],
      ['tenant=no%20spaces', 'tenant'],
    ] as const) {
      const res = await app.request(`/v1/usage?${query}`, { headers: asTenant });
      expect(res.status, query).toBe(400);
      const body = await json(res);
      expect(body.error.code, query).toBe('invalid_request');
      expect(body.error.details.issues.map((i: any) => i.path), query).toContain(field);
    }
    expect(calls.usage).toEqual([]);
  });

  it("a tenant key reads its own tenant's usage; another tenant's is 403 naming the admin key", async () => {
    const { app, calls } = appWith();
    const res = await app.request('/v1/usage?from=2026-01-01&to=2026-01-31&groupBy=agent,%20model', { headers: asTenant });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ from: '2026-01-01', to: '2026-01-31', groupBy: ['agent', 'model'], caller: { tenant: 'acme', admin: false } });
    expect(calls.usage).toEqual([{ from: '2026-01-01', to: '2026-01-31', groupBy: ['agent', 'model'], tenants: ['acme'] }]);
    expect((await app.request('/v1/usage?tenant=acme', { headers: asTenant })).status).toBe(200);
    expect(calls.usage.at(-1)?.tenants).toEqual(['acme']);

    const denied = await app.request('/v1/usage?tenant=other', { headers: asTenant });
    expect(denied.status).toBe(403);
    const body = await json(denied);
    expect(body.error.code).toBe('forbidden');
    expect(body.error.message).toMatch(/admin key.*HUB_ADMIN_KEYS/);
  });

  it('an admin key reads every tenant (no tenant filter), or the one named; the default groupBy is day', async () => {
    const { app, calls } = appWith();
    const all = await app.request('/v1/usage', { headers: asAdmin });
    expect(all.status).toBe(200);
    expect((await json(all)).caller).toMatchObject({ admin: true });
    expect(calls.usage.at(-1)).toEqual({ from: undefined, to: undefined, groupBy: ['day'], tenants: undefined });
    expect((await app.request('/v1/usage?tenant=other&groupBy=tenant', { headers: asAdmin })).status).toBe(200);
    expect(calls.usage.at(-1)).toMatchObject({ groupBy: ['tenant'], tenants: ['other'] });
  });

  it('with auth off every request is admin (loopback only)', async () => {
    const { app, calls } = appWith({ auth: false });
    expect((await app.request('/v1/usage?tenant=other')).status).toBe(200);
    expect(calls.usage.at(-1)?.tenants).toEqual(['other']);
    expect((await app.request('/v1/budgets/other/topup', post({ usd: 1 }))).status).toBe(200);
  });

  it('401 without a key', async () => {
    const { app } = appWith();
    expect((await app.request('/v1/usage')).status).toBe(401);
  });
});

describe('/v1/budgets/{tenant}', () => {
  it("GET: the key's own tenant or any tenant with an admin key; another tenant's is 403", async () => {
    const { app, calls } = appWith();
    const own = await app.request('/v1/budgets/acme', { headers: asTenant });
    expect(own.status).toBe(200);
    expect(await json(own)).toMatchObject({ tenant: 'acme', source: 'none', exhausted: false, spent: { usd: 0, tokens: 0, calls: 0 } });
    expect((await app.request('/v1/budgets/acme', { headers: asAdmin })).status).toBe(200);
    const denied = await app.request('/v1/budgets/acme', { headers: asOther });
    expect(denied.status).toBe(403);
    expect((await json(denied)).error.message).toMatch(/admin key/);
    expect(calls.states).toEqual(['acme', 'acme']);
    expect((await app.request('/v1/budgets/bad%20tenant', { headers: asAdmin })).status).toBe(400);
  });

  it('PUT and topup need an admin key: a tenant key is 403 (before its body is read) naming what is needed', async () => {
    const { app, calls } = appWith();
    for (const [path, init] of [
      ['/v1/budgets/acme', put({ limits: { usd: 5 } }, asTenant)],
      ['/v1/budgets/acme/topup', post({ usd: 5 }, asTenant)],
      ['/v1/budgets/acme/topup', post({ nonsense: true }, asTenant)],
    ] as const) {
      const res = await app.request(path, init);
      expect(res.status, path).toBe(403);
      const body = await json(res);
      expect(body.error).toMatchObject({ code: 'forbidden', details: { needs: 'admin' } });
      expect(body.error.message).toMatch(/needs an admin key \(one of HUB_ADMIN_KEYS\)/);
    }
    expect(calls.topups).toEqual([]);
    expect(calls.limits).toEqual([]);
  });

  it('PUT sets (or with null clears) the limits; a bad body is 400 naming the field', async () => {
    const { app, calls } = appWith();
    const res = await app.request('/v1/budgets/acme', put({ limits: { usd: 5, period: 'month', rpm: 60, agents: { researcher: { tokens: 1000 } } } }, asAdmin));
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ tenant: 'acme', source: 'admin', limits: { usd: 5, period: 'month' } });
    expect((await app.request('/v1/budgets/acme', put({ limits: null }, asAdmin))).status).toBe(200);
    expect(calls.limits).toEqual([
      { tenant: 'acme', limits: { usd: 5, period: 'month', rpm: 60, agents: { researcher: { tokens: 1000 } } } },
      { tenant: 'acme', limits: null },
    ]);
    for (const [body, field] of [
      [{ limits: { usd: -1 } }, 'limits.usd'],
      [{ limits: { period: 'week' } }, 'limits.period'],
      [{ limits: { rpm: 1.5 } }, 'limits.rpm'],
      [{}, 'limits'],
    ] as const) {
      const bad = await app.request('/v1/budgets/acme', put(body, asAdmin));
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect((await json(bad)).error.details.issues.map((i: any) => i.path), JSON.stringify(body)).toContain(field);
    }
    expect(calls.limits).toHaveLength(2);
  });

  it('topup: 400 for a bad body (nothing to add, negative, unknown field); the Idempotency-Key reaches the service; a bad key is 400', async () => {
    const { app, calls } = appWith();
    for (const body of [{}, { usd: 0 }, { usd: -2 }, { tokens: 1.5 }, { usd: 1, extra: 1 }, 'not json']) {
      const res = await app.request('/v1/budgets/acme/topup', post(body, asAdmin));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await json(res)).error.code).toBe('invalid_request');
    }
    const ok = await app.request('/v1/budgets/acme/topup', post({ usd: 2.5, note: 'January' }, { ...asAdmin, 'Idempotency-Key': 'topup-1' }));
    expect(ok.status).toBe(200);
    expect((await json(ok)).toppedUp).toEqual({ usd: 2.5, tokens: 0 });
    expect((await app.request('/v1/budgets/acme/topup', post({ tokens: 100 }, asAdmin))).status).toBe(200);
    const badKey = await app.request('/v1/budgets/acme/topup', post({ usd: 1 }, { ...asAdmin, 'Idempotency-Key': 'no spaces allowed' }));
    expect(badKey.status).toBe(400);
    expect(calls.topups).toEqual([
      { tenant: 'acme', input: { usd: 2.5, note: 'January' }, key: 'topup-1' },
      { tenant: 'acme', input: { tokens: 100 }, key: undefined },
    ]);
  });

  it('409 with a message naming the `budgets` section while budgets are off; usage still answers', async () => {
    const { app } = appWith({ enabled: false });
    for (const [path, init] of [
      ['/v1/budgets/acme', put({ limits: { usd: 5 } }, asAdmin)],
      ['/v1/budgets/acme/topup', post({ usd: 5 }, asAdmin)],
    ] as const) {
      const res = await app.request(path, init);
      expect(res.status, path).toBe(409);
      const body = await json(res);
      expect(body.error.code).toBe('conflict');
      expect(body.error.message).toMatch(/add a `budgets` section to hub.config.json/);
    }
    expect((await app.request('/v1/usage', { headers: asTenant })).status).toBe(200);
  });
});

describe('HUB_ADMIN_KEYS', () => {
  it('parses like HUB_API_KEYS (tenant "default" unless given); admin keys authenticate; a key in both lists is refused', () => {
    const cfg = loadGatewayConfig({ HUB_API_KEYS: 'k1:acme', HUB_ADMIN_KEYS: 'admin1, admin2:ops' });
    expect([...(cfg.adminKeys ?? [])]).toEqual([
      ['admin1', 'default'],
      ['admin2', 'ops'],
    ]);
    expect(cfg.apiKeys?.get('admin1')).toBe('default');
    expect(cfg.apiKeys?.get('k1')).toBe('acme');
    expect(loadGatewayConfig({ HOST: '0.0.0.0', HUB_ADMIN_KEYS: 'a' }).apiKeys?.get('a')).toBe('default');
    expect(() => loadGatewayConfig({ HUB_API_KEYS: 'k1', HUB_ADMIN_KEYS: 'k1' })).toThrow(/HUB_ADMIN_KEYS/);
    expect(() => loadGatewayConfig({ HUB_ADMIN_KEYS: 'a:bad tenant' })).toThrow(/HUB_ADMIN_KEYS/);
  });
});

describe('usage arithmetic', () => {
  const r = (day: string, agent: string, model: string, calls: number, usd: number): UsageRollup => ({
    day,
    agent,
    model,
    calls,
    promptTokens: calls * 10,
    completionTokens: calls * 5,
    totalTokens: calls * 15,
    usd,
  });

  it('default range: the 30 days ending today (UTC); from alone ends today; to alone starts 29 days before it', () => {
    const now = Date.UTC(2026, 2, 15, 23, 59);
    expect(usageRange(undefined, undefined, now)).toEqual({ from: '2026-02-14', to: '2026-03-15' });
    expect(usageRange(undefined, '2026-01-30', now)).toEqual({ from: '2026-01-01', to: '2026-01-30' });
    expect(() => usageRange('2026-04-01', undefined, now)).toThrow(/after/);
  });

  it('groups by the given keys, rows sorted by day then tenant, agent, model; the total of every row', () => {
    const perTenant = [
      { tenant: 'b', rollups: [r('2026-01-02', 'assistant', 'smart', 1, 0.1), r('2026-01-01', 'researcher', 'cheap', 2, 0.2)] },
      { tenant: 'a', rollups: [r('2026-01-02', 'assistant', 'smart', 3, 0.3), r('2026-01-02', 'assistant', 'cheap', 1, 0.05)] },
    ];
    const byDayTenant = groupUsage(perTenant, ['tenant', 'day']);
    expect(byDayTenant.rows.map((x) => [x.day, x.tenant, x.calls, x.usd])).toEqual([
      ['2026-01-01', 'b', 2, 0.2],
      ['2026-01-02', 'a', 4, 0.35],
      ['2026-01-02', 'b', 1, 0.1],
    ]);
    expect(byDayTenant.total).toEqual({ calls: 7, promptTokens: 70, completionTokens: 35, totalTokens: 105, usd: 0.65 });
    const byModel = groupUsage(perTenant, ['model']);
    expect(byModel.rows).toEqual([
      { model: 'cheap', calls: 3, promptTokens: 30, completionTokens: 15, totalTokens: 45, usd: 0.25 },
      { model: 'smart', calls: 4, promptTokens: 40, completionTokens: 20, totalTokens: 60, usd: 0.4 },
    ]);
    expect(groupUsage([], ['day'])).toEqual({ rows: [], total: { calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, usd: 0 } });
  });

  it('a tenant without a ledger: nothing spent, the configured limits (source config) or none', () => {
    const none: BudgetState = initialBudgetState('acme', undefined, Date.UTC(2026, 0, 5, 12));
    expect(none).toMatchObject({ source: 'none', periodStart: '2026-01-05T00:00:00.000Z', periodEnd: '2026-01-06T00:00:00.000Z', exhausted: false });
    expect(initialBudgetState('acme', { usd: 3, period: 'month' }, Date.UTC(2026, 0, 5))).toMatchObject({ source: 'config', limits: { usd: 3 }, periodEnd: '2026-02-01T00:00:00.000Z' });
  });
});

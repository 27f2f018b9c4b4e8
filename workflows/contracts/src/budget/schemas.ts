/** Schemas of budgets (hub.config.json `budgets`, the admin API), top-ups and usage rollups (checked against `./wire`). */
import { z } from 'zod';
import type { Expect, Same } from '../common/schemas';
import { TENANT_RE } from '../common/wire';
import { BUDGET_PERIODS } from './wire';
import type { BudgetCap, BudgetLimits, BudgetState, TopupInput, UsageRollup } from './wire';

const usd = z.number().nonnegative().max(1e9);
const tokens = z.number().int().nonnegative().max(1e13);

export const BudgetCapSchema = z
  .object({ usd: usd.optional().describe('US dollars per period'), tokens: tokens.optional().describe('Tokens per period') })
  .strict();

export const BudgetLimitsSchema = z
  .object({
    period: z.enum(BUDGET_PERIODS as [BudgetLimits['period'] & string, ...Array<BudgetLimits['period'] & string>]).optional().describe('When the spending budget starts again (UTC); default day'),
    usd: usd.optional().describe('US dollars per period'),
    tokens: tokens.optional().describe('Tokens per period'),
    rpm: z.number().int().positive().max(1e7).optional().describe('Requests per minute, per provider'),
    tpm: z.number().int().positive().max(1e12).optional().describe('Tokens per minute, per provider'),
    agents: z.record(z.string().min(1).max(64), BudgetCapSchema).optional().describe('Caps of single agents, in the same period'),
  })
  .strict()
  .meta({ id: 'BudgetLimits' });

/** `budgets` of hub.config.json: its presence turns leases on (a tenant without an entry has no limits). */
export const BudgetsConfigSchema = z.record(z.string().regex(TENANT_RE, 'budgets are keyed by tenant'), BudgetLimitsSchema);

export const TopupInputSchema = z
  .object({
    usd: usd.optional(),
    tokens: tokens.optional(),
    note: z.string().max(500).optional(),
  })
  .strict()
  .refine((t) => (t.usd ?? 0) > 0 || (t.tokens ?? 0) > 0, { message: 'a top-up adds usd or tokens (more than 0)' })
  .meta({ id: 'BudgetTopup' });

export const SetBudgetInputSchema = z.object({ limits: BudgetLimitsSchema.nullable().describe('null: back to the configured limits') }).strict().meta({ id: 'SetBudget' });

export const BudgetStateSchema = z
  .object({
    tenant: z.string(),
    limits: BudgetLimitsSchema.optional(),
    source: z.enum(['admin', 'config', 'none']),
    periodStart: z.string(),
    periodEnd: z.string(),
    spent: z.object({ usd: z.number(), tokens: z.number(), calls: z.number() }),
    toppedUp: z.object({ usd: z.number(), tokens: z.number() }),
    reserved: z
      .object({ usd: z.number(), tokens: z.number(), leases: z.number().describe('Calls in flight'), blocks: z.number().describe("Workers' budget blocks open (their unspent remainder is in usd/tokens)") })
      .describe('Held by calls in flight and by the workers\' budget blocks'),
    queued: z.number(),
    exhausted: z.boolean(),
    waiting: z.number(),
    abandoned: z.number(),
  })
  .meta({ id: 'BudgetState' });

export const UsageRollupSchema = z.object({
  day: z.string(),
  agent: z.string(),
  model: z.string(),
  calls: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  usd: z.number(),
});

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
export const USAGE_GROUPS = ['tenant', 'agent', 'model', 'day'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

/** `GET /v1/usage?from&to&groupBy=` (groupBy: one or more of tenant, agent, model, day, comma-separated; default day). */
export const UsageQuerySchema = z
  .object({
    from: z.string().regex(DAY_RE, 'from is a date, YYYY-MM-DD').optional().describe('First day (UTC), YYYY-MM-DD; default 30 days ago'),
    to: z.string().regex(DAY_RE, 'to is a date, YYYY-MM-DD').optional().describe('Last day (UTC), inclusive; default today'),
    groupBy: z
      .string()
      .optional()
      .refine((g) => g === undefined || g.split(',').every((x) => (USAGE_GROUPS as readonly string[]).includes(x.trim())), { message: `groupBy is a comma-separated list of ${USAGE_GROUPS.join(', ')}` })
      .describe('tenant, agent, model and/or day (comma-separated); default day'),
    tenant: z.string().regex(TENANT_RE).optional().describe('Admin keys only: one tenant (default: all)'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'from is after to', path: ['from'] });

export const UsageRowSchema = z
  .object({
    tenant: z.string().optional(),
    agent: z.string().optional(),
    model: z.string().optional(),
    day: z.string().optional(),
    calls: z.number(),
    promptTokens: z.number(),
    completionTokens: z.number(),
    totalTokens: z.number(),
    usd: z.number(),
  })
  .meta({ id: 'UsageRow' });

export const UsageResponseSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.array(z.enum(USAGE_GROUPS)),
    rows: z.array(UsageRowSchema),
    total: UsageRowSchema,
    caller: z.object({ tenant: z.string(), admin: z.boolean() }).describe("The key's tenant, and whether it is an admin key (sees every tenant)"),
    unavailable: z.array(z.string()).optional().describe("An admin's every-tenant view: tenants whose ledger did not answer in time (their usage is not in the rows)"),
  })
  .meta({ id: 'Usage' });
export type UsageRow = z.infer<typeof UsageRowSchema>;
export type UsageResponse = z.infer<typeof UsageResponseSchema>;

type _Proofs = [
  Expect<Same<z.infer<typeof BudgetCapSchema>, BudgetCap>>,
  Expect<Same<z.infer<typeof BudgetLimitsSchema>, BudgetLimits>>,
  Expect<Same<z.infer<typeof TopupInputSchema>, TopupInput>>,
  Expect<Same<z.infer<typeof BudgetStateSchema>, BudgetState>>,
  Expect<Same<z.infer<typeof UsageRollupSchema>, UsageRollup>>,
];

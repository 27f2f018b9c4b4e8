/**
 * `hub budget show | set | topup`: a tenant's budget (GET /v1/budgets/{tenant}), an admin's limits (PUT) and
 * top-ups (POST …/topup, with an Idempotency-Key: a retried top-up is added once).
 */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { Schema } from '@hub/gateway/client';
import { ok } from '../api';
import { parseIntArg } from '../args';
import { CliError, EXIT } from '../errors';
import { print, printJson, type CommandContext } from './context';
import { usd } from './usage';

type BudgetState = Schema<'BudgetState'>;
type BudgetLimits = Schema<'BudgetLimits'>;
const PERIODS = ['hour', 'day', 'month'] as const;

/** Dollars: a number ≥ 0 (a usage error otherwise). */
export function parseUsd(value: string): number {
  const n = Number(value.trim().replace(/^\$/, ''));
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1e9) throw new InvalidArgumentError('expected US dollars, e.g. 10 or 2.50');
  return n;
}
const parseTokens = parseIntArg(0, 1e13);
const parsePeriod = (value: string): BudgetLimits['period'] => {
  if (!(PERIODS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${PERIODS.join(', ')}`);
  return value as BudgetLimits['period'];
};

const int = (n: number): string => n.toLocaleString('en-US');

/** `$10.0000, 100,000 tokens` (the caps that are set), or `no cap`. */
function caps(c: { usd?: number | undefined; tokens?: number | undefined }): string {
  const parts = [...(c.usd !== undefined ? [usd(c.usd)] : []), ...(c.tokens !== undefined ? [`${int(c.tokens)} tokens`] : [])];
  return parts.length ? parts.join(', ') : 'no cap';
}

export function renderBudget(b: BudgetState): string {
  const l = b.limits;
  const period = l?.period ?? 'day';
  const lines = [`Budget of ${b.tenant}  (limits: ${b.source === 'none' ? 'none' : b.source === 'admin' ? 'set by an admin' : 'hub.config.json'})`];
  lines.push(`Period:    ${period}, ${b.periodStart} to ${b.periodEnd}`);
  if (l) {
    const rates = [...(l.rpm !== undefined ? [`${int(l.rpm)} requests/min`] : []), ...(l.tpm !== undefined ? [`${int(l.tpm)} tokens/min`] : [])];
    lines.push(`Limits:    ${caps(l)} per ${period}${rates.length ? `; ${rates.join(', ')} per provider` : ''}`);
    for (const [agent, cap] of Object.entries(l.agents ?? {})) lines.push(`  agent ${agent}: ${caps(cap)}`);
  }
  const topped = b.toppedUp.usd > 0 || b.toppedUp.tokens > 0 ? `  (topped up: ${caps(b.toppedUp)})` : '';
  lines.push(`Spent:     ${usd(b.spent.usd)}, ${int(b.spent.tokens)} tokens, ${int(b.spent.calls)} calls${topped}`);
  const blocks = b.reserved.blocks > 0 ? ` and ${b.reserved.blocks} worker block(s)` : '';
  if (b.reserved.leases > 0 || b.reserved.blocks > 0) lines.push(`Reserved:  ${usd(b.reserved.usd)}, ${int(b.reserved.tokens)} tokens by ${b.reserved.leases} call(s) in flight${blocks}`);
  if (b.queued || b.waiting || b.abandoned) lines.push(`Queued: ${b.queued}  waiting for budget: ${b.waiting}  abandoned leases: ${b.abandoned}`);
  lines.push(
    b.exhausted ? `Status:    EXHAUSTED: new calls wait until ${b.periodEnd} or a top-up (hub budget topup ${b.tenant} --usd N)` : 'Status:    ok',
  );
  return lines.join('\n');
}

export function registerBudget(program: Command, { io, hub, run }: CommandContext): void {
  const budget = program
    .command('budget')
    .description("Budgets: a tenant's spending and limits (show), an admin's limits (set) and top-ups (topup)")
    .addHelpText(
      'after',
      `
Budgets are on when hub.config.json has a "budgets" section (limits by tenant, e.g. {"acme": {"usd": 10,
"period": "day"}}); set and topup answer an error until it has one. show works with the tenant's own key;
set and topup need an admin key (HUB_ADMIN_KEYS; with no keys configured every request is admin).
A spent budget makes new LLM calls wait (sessions and research jobs show waiting_budget) until the
period starts again or an admin tops it up.

Examples:
  hub budget show acme
  hub budget set acme --usd 10 --period day --rpm 60
  hub budget set acme --clear                 (back to hub.config.json's limits)
  hub budget topup acme --usd 5 --note "end of sprint"`,
    );
  const emit = (json: boolean | undefined, b: BudgetState) => (json ? printJson(io, b) : print(io, renderBudget(b)));

  budget
    .command('show')
    .description("A tenant's budget: limits in force, spent and topped up this period, calls in flight and waiting")
    .argument('[tenant]', 'tenant (default: "default", the tenant of a gateway without keys and of admin keys)', 'default')
    .option('--json', 'print JSON')
    .action(
      run(async (tenant: string, opts: { json?: boolean }, cmd: Command) => {
        emit(opts.json, await ok(hub(cmd).GET('/v1/budgets/{tenant}', { params: { path: { tenant } } }), `budget of ${tenant}`));
        return EXIT.ok;
      }),
    );

  budget
    .command('set')
    .description("Set a tenant's limits (admin); they take precedence over hub.config.json's")
    .argument('<tenant>', 'tenant')
    .addOption(new Option('--usd <dollars>', 'US dollars per period').argParser(parseUsd))
    .addOption(new Option('--tokens <n>', 'tokens per period').argParser(parseTokens))
    .addOption(new Option('--period <period>', `when the budget starts again (UTC): ${PERIODS.join(', ')} (default: day)`).argParser(parsePeriod))
    .addOption(new Option('--rpm <n>', 'requests per minute, per provider').argParser(parseIntArg(1, 1e7)))
    .addOption(new Option('--tpm <n>', 'tokens per minute, per provider').argParser(parseIntArg(1, 1e12)))
    .option('--clear', "remove the admin's limits (hub.config.json's apply again)")
    .option('--json', 'print JSON')
    .addHelpText('after', '\nThe limits given replace the admin limits set before (limits left out are not kept).')
    .action(
      run(async (tenant: string, opts: BudgetLimits & { clear?: boolean; json?: boolean }, cmd: Command) => {
        const { clear, json, ...given } = opts;
        const limits = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as BudgetLimits;
        if (clear && Object.keys(limits).length > 0) throw new CliError('budget set: --clear takes no limits', EXIT.usage);
        if (!clear && Object.keys(limits).length === 0) throw new CliError('budget set: give --usd, --tokens, --period, --rpm or --tpm (or --clear)', EXIT.usage);
        const state = await ok(hub(cmd).PUT('/v1/budgets/{tenant}', { params: { path: { tenant } }, body: { limits: clear ? null : limits } }), `budget of ${tenant}`);
        if (!json) print(io, clear ? `Cleared the admin limits of ${tenant}.` : `Set the limits of ${tenant}.`);
        emit(json, state);
        return EXIT.ok;
      }),
    );

  budget
    .command('topup')
    .description("Add US dollars and/or tokens to a tenant's current period (admin); work waiting for budget resumes")
    .argument('<tenant>', 'tenant')
    .addOption(new Option('--usd <dollars>', 'US dollars to add').argParser(parseUsd))
    .addOption(new Option('--tokens <n>', 'tokens to add').argParser(parseTokens))
    .option('--note <text>', 'why (kept with the top-up)')
    .option('--idempotency-key <key>', 'makes a retry safe: the same key adds once (default: a new key per run)')
    .option('--json', 'print JSON')
    .action(
      run(async (tenant: string, opts: { usd?: number; tokens?: number; note?: string; idempotencyKey?: string; json?: boolean }, cmd: Command) => {
        if (!(opts.usd ?? 0) && !(opts.tokens ?? 0)) throw new CliError('budget topup: give --usd and/or --tokens (more than 0)', EXIT.usage);
        const body = {
          ...(opts.usd !== undefined ? { usd: opts.usd } : {}),
          ...(opts.tokens !== undefined ? { tokens: opts.tokens } : {}),
          ...(opts.note !== undefined ? { note: opts.note } : {}),
        };
        const header = opts.idempotencyKey !== undefined ? { 'idempotency-key': opts.idempotencyKey } : {};
        const state = await ok(hub(cmd).POST('/v1/budgets/{tenant}/topup', { params: { path: { tenant }, header }, body }), `top-up of ${tenant}`);
        if (!opts.json) print(io, `Topped up ${tenant}: ${caps(body)}.`);
        emit(opts.json, state);
        return EXIT.ok;
      }),
    );
}

/** `hub usage`: LLM calls, tokens and dollars by tenant, agent, model and/or day (GET /v1/usage), as a table with its total. */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { Schema } from '@hub/gateway/client';
import { ok } from '../api';
import { EXIT } from '../errors';
import { table } from '../render';
import { print, printJson, type CommandContext } from './context';

type Usage = Schema<'Usage'>;
type UsageRow = Schema<'UsageRow'>;
const GROUPS = ['tenant', 'agent', 'model', 'day'] as const;
type Group = (typeof GROUPS)[number];

/** `YYYY-MM-DD` (a usage error otherwise). */
export function parseDay(value: string): string {
  const v = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new InvalidArgumentError('expected a date, YYYY-MM-DD');
  return v;
}

/** `agent,model` → the groups (a usage error naming the allowed ones otherwise). */
export function parseGroupBy(value: string): string {
  const groups = value.split(',').map((g) => g.trim()).filter((g) => g !== '');
  const bad = groups.find((g) => !(GROUPS as readonly string[]).includes(g));
  if (groups.length === 0 || bad !== undefined) throw new InvalidArgumentError(`expected a comma-separated list of ${GROUPS.join(', ')}${bad ? ` (not '${bad}')` : ''}`);
  return groups.join(',');
}

/** `$0.0123`: dollars with 4 decimals (cents would hide most single calls). */
export const usd = (n: number): string => `$${n.toFixed(4)}`;
const int = (n: number): string => n.toLocaleString('en-US');

/** The usage table (a column per group, then calls, tokens and cost) and its total line. */
export function renderUsage(u: Usage): string {
  const groups = u.groupBy as Group[];
  const header = [...groups.map((g) => g.toUpperCase()), 'CALLS', 'PROMPT', 'COMPLETION', 'TOKENS', 'COST'];
  const cells = (r: UsageRow, label?: string): string[] => [
    ...groups.map((g, i) => (label !== undefined ? (i === 0 ? label : '') : (r[g] ?? ''))),
    int(r.calls),
    int(r.promptTokens),
    int(r.completionTokens),
    int(r.totalTokens),
    usd(r.usd),
  ];
  const range = `${u.from} to ${u.to}`;
  // An admin's every-tenant view: ledgers that did not answer in time are not in the figures.
  const missing = u.unavailable?.length ? `\nNot included (their ledgers did not answer in time): ${u.unavailable.join(', ')}` : '';
  if (u.rows.length === 0) return `No usage from ${range}.${missing}`;
  const lines = table(header, [...u.rows.map((r) => cells(r)), cells(u.total, 'TOTAL')]);
  return `${lines}\n\nTotal ${range}: ${int(u.total.calls)} calls, ${int(u.total.totalTokens)} tokens, ${usd(u.total.usd)}${missing}`;
}

export function registerUsage(program: Command, { io, hub, run }: CommandContext): void {
  program
    .command('usage')
    .description('LLM usage: calls, tokens and cost ($) by tenant, agent, model and/or day, with the total')
    .addOption(new Option('--from <date>', 'first day (UTC), YYYY-MM-DD (default: 29 days before --to)').argParser(parseDay))
    .addOption(new Option('--to <date>', 'last day (UTC), YYYY-MM-DD, inclusive (default: today)').argParser(parseDay))
    .addOption(new Option('--group-by <groups>', 'comma-separated: tenant, agent, model, day (default: day)').argParser(parseGroupBy))
    .option('--tenant <tenant>', "one tenant's usage (an admin key sees every tenant; a tenant key only its own)")
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Usage is recorded for every LLM call (its tenant's ledger), whether budgets are on or not. A tenant key
(HUB_API_KEYS) sees its own tenant; an admin key (HUB_ADMIN_KEYS) sees every tenant, or one with --tenant.

Examples:
  hub usage                                   (the last 30 days, by day)
  hub usage --group-by agent,model
  hub usage --from 2026-01-01 --to 2026-01-31 --group-by tenant,day
  hub usage --tenant acme --json`,
    )
    .action(
      run(async (opts: { from?: string; to?: string; groupBy?: string; tenant?: string; json?: boolean }, cmd: Command) => {
        const query = {
          ...(opts.from !== undefined ? { from: opts.from } : {}),
          ...(opts.to !== undefined ? { to: opts.to } : {}),
          ...(opts.groupBy !== undefined ? { groupBy: opts.groupBy } : {}),
          ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
        };
        const u = await ok(hub(cmd).GET('/v1/usage', { params: { query } }), 'usage');
        if (opts.json) printJson(io, u);
        else print(io, renderUsage(u));
        return EXIT.ok;
      }),
    );
}

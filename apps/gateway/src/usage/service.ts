/**
 * Usage by tenant, agent, model and day: read from the tenants' `budgetLedger` workflows (`budget/<tenant>`,
 * the ledger records every LLM call's usage whether budgets are on or not) by their `usageRollups` query, and
 * grouped here. A tenant whose ledger does not exist yet (no LLM call made) has no usage. Every tenant's
 * ledger is found by Temporal visibility (eventually consistent: a ledger started a moment ago may be missing
 * from an all-tenants answer for a moment; one tenant's usage is read by its workflow id, never by visibility).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  BUDGET_LEDGER_PREFIX,
  WORKFLOW_TYPES,
  budgetLedgerWorkflowId,
  dayOf,
  usageRollupsQuery,
  type UsageGroup,
  type UsageResponse,
  type UsageRollup,
  type UsageRow,
} from '@hub/contracts';
import { ApiError } from '../http/errors';
import { shortCalls } from '../temporal/deadlines';
import { withApiErrors } from '../temporal/failures';

/** Days of the default range: the last 30 days, today (UTC) included. */
export const DEFAULT_USAGE_DAYS = 30;
/** At most this many tenants' ledgers are read for one all-tenants answer. */
export const MAX_USAGE_TENANTS = 1_000;

export interface UsageRequest {
  /** `YYYY-MM-DD`, inclusive; defaults: {@link DEFAULT_USAGE_DAYS} days ending today (UTC). */
  from?: string | undefined;
  to?: string | undefined;
  /** Default `['day']`. */
  groupBy?: UsageGroup[] | undefined;
  /** These tenants only; undefined: every tenant with a ledger (admins). */
  tenants?: string[] | undefined;
}

export interface UsageService {
  /** The rollups (the route adds who asked, `caller`). */
  usage(req: UsageRequest): Promise<Omit<UsageResponse, 'caller'>>;
}

const DAY_MS = 86_400_000;
const QUERY_CONCURRENCY = 32;
/** How long an admin's every-tenant view waits for one ledger's rollups. */
export const LEDGER_QUERY_TIMEOUT_MS = 3_000;
const inRange = (rollups: UsageRollup[], range: { from: string; to: string }): UsageRollup[] => rollups.filter((r) => r.day >= range.from && r.day <= range.to);

/** The range of a request, its defaults filled in (`now`: ms since the epoch). Throws 400 when `from` is after `to`. */
export function usageRange(from: string | undefined, to: string | undefined, now = Date.now()): { from: string; to: string } {
  const end = to ?? dayOf(now);
  const start = from ?? dayOf(Date.parse(`${end}T00:00:00Z`) - (DEFAULT_USAGE_DAYS - 1) * DAY_MS);
  if (Number.isNaN(Date.parse(`${start}T00:00:00Z`)) || Number.isNaN(Date.parse(`${end}T00:00:00Z`))) {
    throw new ApiError(400, 'invalid_request', 'from and to are dates, YYYY-MM-DD', { field: Number.isNaN(Date.parse(`${start}T00:00:00Z`)) ? 'from' : 'to' });
  }
  if (start > end) throw new ApiError(400, 'invalid_request', `from (${start}) is after to (${end})`, { field: 'from' });
  return { from: start, to: end };
}

/** `groupBy=agent,model` → `['agent', 'model']` (trimmed, duplicates dropped); default `['day']`. */
export function parseGroupBy(raw: string | undefined): UsageGroup[] {
  if (raw === undefined || raw.trim() === '') return ['day'];
  return [...new Set(raw.split(',').map((g) => g.trim() as UsageGroup))];
}

const round = (usd: number): number => Math.round(usd * 1e9) / 1e9;
const emptyRow = (): UsageRow => ({ calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, usd: 0 });
const add = (row: UsageRow, r: UsageRollup): void => {
  row.calls += r.calls;
  row.promptTokens += r.promptTokens;
  row.completionTokens += r.completionTokens;
  row.totalTokens += r.totalTokens;
  row.usd += r.usd;
};
const ORDER: UsageGroup[] = ['day', 'tenant', 'agent', 'model'];

/** Groups the tenants' rollups by `groupBy`; rows sorted by day, then tenant, agent, model; and the total. */
export function groupUsage(perTenant: Array<{ tenant: string; rollups: UsageRollup[] }>, groupBy: UsageGroup[]): { rows: UsageRow[]; total: UsageRow } {
  const rows = new Map<string, UsageRow>();
  const total = emptyRow();
  for (const { tenant, rollups } of perTenant) {
    for (const r of rollups) {
      const values: Record<UsageGroup, string> = { tenant, agent: r.agent, model: r.model, day: r.day };
      const key = JSON.stringify(groupBy.map((g) => values[g]));
      let row = rows.get(key);
      if (!row) {
        row = { ...Object.fromEntries(groupBy.map((g) => [g, values[g]])), ...emptyRow() };
        rows.set(key, row);
      }
      add(row, r);
      add(total, r);
    }
  }
  const sorted = [...rows.values()].sort((a, b) => {
    for (const g of ORDER) {
      const d = (a[g] ?? '').localeCompare(b[g] ?? '');
      if (d !== 0) return d;
    }
    return 0;
  });
  for (const row of sorted) row.usd = round(row.usd);
  total.usd = round(total.usd);
  return { rows: sorted, total };
}

export function createUsageService(opts: { client: Client; rpcTimeoutMs?: number | undefined }): UsageService {
  const { client } = opts;
  const short = shortCalls(client, opts.rpcTimeoutMs);
  /** One ledger's answer for an admin's every-tenant view: a ledger that does not answer in time is listed as unavailable. */
  const ledgerQuery = shortCalls(client, Math.min(opts.rpcTimeoutMs ?? LEDGER_QUERY_TIMEOUT_MS, LEDGER_QUERY_TIMEOUT_MS));

  const rollupsOf = async (tenant: string, range: { from: string; to: string }, call = short): Promise<UsageRollup[]> => {
    try {
      return await call(() => client.workflow.getHandle(budgetLedgerWorkflowId(tenant)).query(usageRollupsQuery, range));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [];
      throw err;
    }
  };

  /** Every tenant with a running ledger (a ledger's runs share its workflow id; it never ends by itself). */
  const ledgerTenants = async (): Promise<string[]> => {
    const query = `WorkflowType = '${WORKFLOW_TYPES.budgetLedger}' AND WorkflowId STARTS_WITH '${BUDGET_LEDGER_PREFIX}' AND ExecutionStatus = 'Running'`;
    const tenants = new Set<string>();
    await short(async () => {
      for await (const wf of client.workflow.list({ query, pageSize: 1_000 })) {
        if (wf.workflowId.startsWith(BUDGET_LEDGER_PREFIX)) tenants.add(wf.workflowId.slice(BUDGET_LEDGER_PREFIX.length));
        if (tenants.size >= MAX_USAGE_TENANTS) break;
      }
    });
    return [...tenants];
  };

  return withApiErrors<UsageService>({
    async usage(req) {
      const range = usageRange(req.from, req.to);
      const groupBy = req.groupBy ?? ['day'];
      if (req.tenants) {
        // Named tenants (a tenant's own key, or an admin's `tenant=`): a ledger that does not answer is an error.
        const perTenant = await Promise.all(req.tenants.map(async (tenant) => ({ tenant, rollups: inRange(await rollupsOf(tenant, range), range) })));
        return { ...range, groupBy, ...groupUsage(perTenant, groupBy) };
      }
      const tenants = await ledgerTenants();
      const perTenant: Array<{ tenant: string; rollups: UsageRollup[] }> = [];
      const unavailable: string[] = [];
      // A few ledgers at a time: one answer never fans out into a thousand concurrent queries.
      for (let i = 0; i < tenants.length; i += QUERY_CONCURRENCY) {
        const batch = tenants.slice(i, i + QUERY_CONCURRENCY);
        await Promise.all(
          batch.map(async (tenant) => {
            try {
              perTenant.push({ tenant, rollups: inRange(await rollupsOf(tenant, range, ledgerQuery), range) });
            } catch {
              unavailable.push(tenant); // no worker for it, or it is busy: the others still answer
            }
          }),
        );
      }
      return { ...range, groupBy, ...groupUsage(perTenant, groupBy), ...(unavailable.length > 0 ? { unavailable: unavailable.sort() } : {}) };
    },
  });
}

/** What a tenant's ledger carries from run to run (`./budget-ledger-state`), and its usage rollups (day × agent × model). */
import { dayOf, type BudgetLimits, type UsageRecord, type UsageRollup } from '@hub/contracts/budget/wire';

/** A worker's budget block (`./budget-ledger-blocks`). */
export interface Block {
  blockId: string;
  /** What is left of it (its calls' estimates leave it as they start). */
  tokens: number;
  usd: number;
  grantedAt: number;
  ttlMs: number;
}

export interface Lease {
  leaseId: string;
  callKey: string;
  attempt: number;
  provider: string;
  agent?: string;
  tokens: number;
  usd: number;
  grantedAt: number;
  ttlMs: number;
}

/** What a run carries into the next (continue-as-new). */
export interface LedgerCarry {
  admin?: BudgetLimits;
  configured?: BudgetLimits;
  period: { start: number; end: number };
  spent: { usd: number; tokens: number; calls: number };
  byAgent: Record<string, { usd: number; tokens: number }>;
  toppedUp: { usd: number; tokens: number };
  leases: Lease[];
  abandoned: number;
  /** Abandoned leases' estimates by id (a late settlement replaces its estimate). */
  charged: Record<string, { usd: number; tokens: number; agent?: string }>;
  settled: string[];
  waiters: string[];
  rollups: UsageRollup[];
  windows: Record<string, Array<[at: number, tokens: number, leaseId: string]>>;
  lastServed: Record<string, number>;
  /** Update ids of recent top-ups: a repeat (the same Idempotency-Key, even in a later run) adds nothing. */
  topups?: string[];
  /** Workers' budget blocks open (`./budget-ledger-blocks`; absent in runs from before blocks). */
  blocks?: Block[];
}

/** Rollups kept (day × agent × model); the oldest days go first. */
export const MAX_ROLLUPS = 4_000;

/** Money is added in floating point: rounded to a billionth of a dollar so sums stay exact enough to compare. */
export const round = (n: number): number => Math.round(n * 1e9) / 1e9;

/** Adds one call's usage to its day's, agent's and model's rollup. */
export function addToRollups(rollups: UsageRollup[], u: UsageRecord): void {
  const day = dayOf(u.at);
  const agent = u.agent ?? '-';
  let r = rollups.find((x) => x.day === day && x.agent === agent && x.model === u.model);
  if (!r) {
    r = { day, agent, model: u.model, calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, usd: 0 };
    rollups.push(r);
    if (rollups.length > MAX_ROLLUPS) {
      rollups.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
      rollups.shift();
    }
  }
  r.calls += 1;
  r.promptTokens += u.promptTokens;
  r.completionTokens += u.completionTokens;
  r.totalTokens += u.promptTokens + u.completionTokens;
  r.usd = round(r.usd + u.usd);
}

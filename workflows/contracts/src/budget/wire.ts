/**
 * The zod-free half of budgets, rate limits and usage: the per-tenant ledger workflow's id and messages
 * (`budgetLedger`: leases before LLM calls, settlements after, top-ups, usage rollups), the signal that wakes
 * work waiting for budget, the hub-wide provider health workflow (cooldowns shared by the workers), and the
 * pure period arithmetic both sides use. The schemas of the API shapes are in `./schemas`.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** How long a spending budget lasts before it starts again (UTC boundaries). */
export type BudgetPeriod = 'hour' | 'day' | 'month';
export const BUDGET_PERIODS: readonly BudgetPeriod[] = ['hour', 'day', 'month'];

/** A spending cap: US dollars and/or tokens (either unset: no cap of that kind). */
export interface BudgetCap {
  usd?: number;
  tokens?: number;
}

/** `budgets.<tenant>` of hub.config.json, or what an admin set through the API. */
export interface BudgetLimits extends BudgetCap {
  /** Default `day`. */
  period?: BudgetPeriod;
  /** Requests per minute, per provider. */
  rpm?: number;
  /** Tokens per minute, per provider (a call counts its estimate until it settles, then its real usage). */
  tpm?: number;
  /** Caps of single agents of the tenant, in the same period. */
  agents?: Record<string, BudgetCap>;
}

/** Chat turns (sessions, their delegations) are served before research agents when both wait. */
export type CallPriority = 'chat' | 'research';

export const budgetLedgerWorkflowId = (tenant: string): string => `budget/${tenant}`;
export const BUDGET_LEDGER_PREFIX = 'budget/';
/** The one provider health workflow of a namespace: provider cooldowns every worker sees. */
export const PROVIDER_HEALTH_WORKFLOW_ID = 'providers/health';

/** Who pays for a call, derived from the calling workflow's id (sessions, tasks, research jobs embed the tenant). */
export function billingOf(workflowId: string): { tenant: string; priority: CallPriority; fairKey: string } | undefined {
  const m = /^(session|task|research)\/([^/]+)\/([^/]+)/.exec(workflowId);
  if (!m) return undefined;
  return { tenant: m[2]!, priority: m[1] === 'research' ? 'research' : 'chat', fairKey: `${m[1]}/${m[2]}/${m[3]}` };
}

/** Start (inclusive) and end (exclusive) of the period containing `at` (ms since the epoch, UTC). */
export function periodBounds(period: BudgetPeriod, at: number): { start: number; end: number } {
  const d = new Date(at);
  if (period === 'hour') {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours());
    return { start, end: start + 3_600_000 };
  }
  if (period === 'day') {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    return { start, end: start + 86_400_000 };
  }
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** `YYYY-MM-DD` (UTC) of a time. */
export const dayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);

// ---- the ledger's messages ---------------------------------------------------------------

/** A lease request: made by the LLM activity before each provider call. */
export interface LeaseRequest {
  /** Unique per provider call: `<callKey>#<attempt>.<route entry>`. */
  leaseId: string;
  /** `<workflowId>/<activityId>@<scheduled ms>`: a later attempt of the same call abandons the earlier attempts' leases. */
  callKey: string;
  attempt: number;
  /** The workflow to signal (`budgetAvailable`) when budget comes back, if this request finds it spent. */
  wake?: string;
  agent?: string;
  provider: string;
  priority: CallPriority;
  /** Calls queue fairly across these (a session, a research job). */
  fairKey: string;
  /** Upper estimates of the call: input + max output tokens, and their price. */
  tokens: number;
  usd: number;
  /** An unsettled lease older than this is charged at its estimate and dropped (its call's outcome is unknown). */
  ttlMs: number;
  /** The tenant's limits in the worker's hub.config.json (an admin's limits, when set, take precedence). */
  configured?: BudgetLimits;
}

export type LeaseDecision =
  | { status: 'granted'; leaseId: string; queuedMs: number }
  | { status: 'exhausted'; scope: 'tenant' | 'agent'; resetsAt: number; spent: BudgetCap; cap: BudgetCap };

/** One call's real usage. */
export interface UsageRecord {
  agent?: string;
  /** The model alias that served (or the default provider's model id). */
  model: string;
  provider: string;
  promptTokens: number;
  completionTokens: number;
  usd: number;
  /** ms since the epoch. */
  at: number;
}

/** After a call: its lease's real usage (none for a call that failed), or usage recorded without a lease. */
export interface SettleInput {
  leaseId?: string;
  usage?: UsageRecord;
}

export interface TopupInput {
  usd?: number;
  tokens?: number;
  note?: string;
}

export interface UsageRollup {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  agent: string;
  model: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  usd: number;
}

export interface BudgetState {
  tenant: string;
  /** The limits in force: the admin's, else the configured ones (from the last lease request), else none. */
  limits?: BudgetLimits;
  source: 'admin' | 'config' | 'none';
  /** ISO times. */
  periodStart: string;
  periodEnd: string;
  spent: { usd: number; tokens: number; calls: number };
  /** Added by admins this period (on top of the limits). */
  toppedUp: { usd: number; tokens: number };
  /** Held by calls in flight (`leases`) and by the workers' blocks not yet spent (`blocks`, their remainder). */
  reserved: { usd: number; tokens: number; leases: number; blocks: number };
  /** Requests waiting for a rate limit or for reserved budget to settle. */
  queued: number;
  /** Whether the budget is spent (new calls wait or fail). */
  exhausted: boolean;
  /** Workflows waiting for budget to come back. */
  waiting: number;
  /** Leases charged at their estimate because their calls never settled (worker died, lease expired). */
  abandoned: number;
}

/**
 * A worker's budget block: a slice of the tenant's budget reserved for one worker, from which it grants its
 * calls' leases itself (no round trip per call). Granted only while nothing waits and no rate limit or agent
 * cap applies (those are decided call by call), and only if it fits beside what is spent and reserved.
 */
export interface BlockRequest {
  /** Unique per block (the Update id too). */
  blockId: string;
  /** Wanted size, and the least worth having (the call at hand's estimate). */
  tokens: number;
  usd: number;
  minTokens: number;
  minUsd: number;
  /** The block's unspent remainder is released after this long (its holder stops using it well before). */
  ttlMs: number;
  configured?: BudgetLimits;
}

export type BlockDecision =
  | { status: 'granted'; blockId: string; tokens: number; usd: number }
  | { status: 'refused'; reason: 'rate-limits' | 'agent-caps' | 'queue' | 'budget' };

/** A call granted from a block, told before the call is made: its estimate leaves the block and becomes a lease of its own. */
export interface BlockCallInput {
  blockId: string;
  leaseId: string;
  callKey: string;
  attempt: number;
  provider: string;
  agent?: string;
  fairKey: string;
  tokens: number;
  usd: number;
  ttlMs: number;
}

export const acquireLeaseUpdate = defineUpdate<LeaseDecision, [LeaseRequest]>('acquireLease');
export const acquireBlockUpdate = defineUpdate<BlockDecision, [BlockRequest]>('acquireBlock');
export const blockCallSignal = defineSignal<[BlockCallInput]>('blockCall');
/** The holder is done with a block: its unspent remainder is released. */
export const closeBlockSignal = defineSignal<[{ blockId: string }]>('closeBlock');
export const settleLeaseSignal = defineSignal<[SettleInput]>('settleLease');
export const topupBudgetUpdate = defineUpdate<BudgetState, [TopupInput]>('topupBudget');
/** `null` clears the admin's limits (the configured ones apply again). */
export const setBudgetLimitsUpdate = defineUpdate<BudgetState, [{ limits: BudgetLimits | null }]>('setBudgetLimits');
export const budgetStateQuery = defineQuery<BudgetState>('budgetState');
/** Rollups of the days from `from` to `to` (`YYYY-MM-DD`, inclusive). */
export const usageRollupsQuery = defineQuery<UsageRollup[], [{ from?: string; to?: string }]>('usageRollups');

/** Sent by a ledger to the workflows that found its budget spent, when it comes back (top-up, new period, new limits). */
export const budgetAvailableSignal = defineSignal<[{ tenant: string }]>('budgetAvailable');

/** Thrown (as an ApplicationFailure type) by an LLM activity whose tenant's budget is spent; its details: {@link BudgetExhaustedDetails}. */
export const BUDGET_EXHAUSTED = 'BudgetExhausted';
export interface BudgetExhaustedDetails {
  tenant: string;
  scope: 'tenant' | 'agent';
  agent?: string;
  /** ms since the epoch: when the period rolls over. */
  resetsAt: number;
}

// ---- provider health (cooldowns shared by the workers) --------------------------------------

export interface ProviderFailure {
  provider: string;
  /** ms since the epoch until which new calls pass the provider over. */
  until: number;
  reason?: string;
}
export const providerFailedSignal = defineSignal<[ProviderFailure]>('providerFailed');
export const providerRecoveredSignal = defineSignal<[{ provider: string }]>('providerRecovered');
/** Providers cooling down now: provider → until (ms since the epoch). */
export const providerCooldownsQuery = defineQuery<Record<string, number>>('providerCooldowns');

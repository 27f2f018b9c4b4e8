/**
 * Waiting for budget: an LLM activity whose tenant's budget is spent fails with a non-retryable
 * `BudgetExhausted` failure (its details say when the period rolls over), and the tenant's ledger remembers
 * the calling workflow. The workflow waits, durably, for the ledger's `budgetAvailable` signal (a top-up, new
 * limits) or the period's end, then calls again under a new activity id. A lost signal costs at most
 * {@link RECHECK_MS}: the wait then asks again. Sessions, delegations and research agents all wait this way.
 */
import { ActivityFailure, ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { BUDGET_EXHAUSTED, budgetAvailableSignal, type BudgetExhaustedDetails } from '@hub/contracts/budget/wire';
import type { SessionEvent } from '@hub/contracts';
import { budgetWaitStarted } from './metrics';
import { nowMs } from './util';

/** Longest wait before the call is tried again without a signal. */
export const RECHECK_MS = 10 * 60_000;

/**
 * The ledger's wake-ups of one workflow: create one at the workflow's start (it sets the `budgetAvailable`
 * handler; a signal sent before that is delivered when it is set).
 */
export class BudgetWake {
  #wakes = 0;
  constructor() {
    setHandler(budgetAvailableSignal, () => {
      this.#wakes += 1;
    });
  }

  /** The wake-ups so far: a wait started after a call counts the signals since the call began. */
  get count(): number {
    return this.#wakes;
  }

  /** Waits for a wake-up after `seen` or the period's end (at most {@link RECHECK_MS}). */
  async wait(seen: number, d: BudgetExhaustedDetails): Promise<void> {
    const ms = Math.max(1_000, Math.min(d.resetsAt - nowMs() + 1_000, RECHECK_MS));
    await condition(() => this.#wakes > seen, ms);
  }
}

/** The details of a `BudgetExhausted` failure (an activity's, or one thrown directly), else undefined. */
export function budgetExhaustedOf(err: unknown): BudgetExhaustedDetails | undefined {
  let e: unknown = err;
  while (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (!(e instanceof ApplicationFailure) || e.type !== BUDGET_EXHAUSTED) return undefined;
  const d = e.details?.[0] as Partial<BudgetExhaustedDetails> | undefined;
  return {
    tenant: typeof d?.tenant === 'string' ? d.tenant : '',
    scope: d?.scope === 'agent' ? 'agent' : 'tenant',
    resetsAt: typeof d?.resetsAt === 'number' ? d.resetsAt : nowMs() + RECHECK_MS,
    ...(typeof d?.agent === 'string' ? { agent: d.agent } : {}),
  };
}

export interface BudgetWaitHooks {
  wake: BudgetWake;
  /** false: a spent budget fails the call at once. */
  wait: boolean;
  onWait(d: BudgetExhaustedDetails): void;
  onResume(): void;
}

/**
 * Runs `call` (its argument: 0, then 1, 2… for each call after a wait, for a fresh activity id) until it is
 * not refused for budget; a refusal waits (hooks tell the session or job) unless `hooks.wait` is false.
 */
export async function withBudget<T>(hooks: BudgetWaitHooks | undefined, call: (n: number) => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    const seen = hooks?.wake.count ?? 0;
    try {
      return await call(n);
    } catch (err) {
      const d = budgetExhaustedOf(err);
      if (!d || !hooks || !hooks.wait) throw err;
      hooks.onWait(d);
      const waited = budgetWaitStarted(d.scope);
      await hooks.wake.wait(seen, d);
      waited();
      hooks.onResume();
    }
  }
}

/** The hooks of one agent turn: `budget.waiting` / `budget.resumed` on its stream, and the caller's state. */
export function turnBudgetHooks(o: {
  wake: BudgetWake;
  wait: boolean;
  turnId: string;
  events: { publish(ev: SessionEvent): void };
  delegationId?: string;
  onChange?(waiting: boolean): void;
}): BudgetWaitHooks {
  const tag = o.delegationId ? { delegationId: o.delegationId } : {};
  return {
    wake: o.wake,
    wait: o.wait,
    onWait: (d) => {
      o.onChange?.(true);
      o.events.publish({ type: 'budget.waiting', turnId: o.turnId, scope: d.scope, resetsAt: new Date(d.resetsAt).toISOString(), ...tag });
    },
    onResume: () => {
      o.onChange?.(false);
      o.events.publish({ type: 'budget.resumed', turnId: o.turnId, ...tag });
    },
  };
}

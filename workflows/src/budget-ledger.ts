/**
 * budgetLedger: one tenant's spending ledger, an entity workflow (id `budget/<tenant>`).
 *
 * - `acquireLease` (Update, its id the lease id): the LLM activity asks before each provider call; the answer
 *   is `granted` (at once, or after waiting in the queue for a rate limit or for reserved budget to settle)
 *   or `exhausted` (the period's budget is spent: the caller waits for `budgetAvailable`, or fails).
 * - `acquireBlock` (Update), `blockCall`, `closeBlock` (Signals): a worker's block of the budget, from which it
 *   grants its calls' leases itself; each call is told (`blockCall`, before it is made) and settled as above.
 * - `settleLease` (Signal): the call's real usage (and the lease's end); also usage recorded without a lease
 *   (budgets off), so every tenant's usage rolls up here.
 * - `topupBudget`, `setBudgetLimits` (Updates, admins through the gateway) and the period's rollover wake the
 *   workflows that found the budget spent (`budgetAvailable`).
 * - `budgetState`, `usageRollups` (Queries).
 *
 * The decisions are in `./budget-ledger-state` (plain code). The workflow continues as new when its history
 * grows: it stops accepting lease requests (the validator refuses them; the activity asks again, reaching
 * the next run), waits for the queued ones to be answered and the handlers to finish, and carries its state.
 */
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  acquireBlockUpdate,
  acquireLeaseUpdate,
  blockCallSignal,
  budgetAvailableSignal,
  closeBlockSignal,
  budgetStateQuery,
  setBudgetLimitsUpdate,
  settleLeaseSignal,
  topupBudgetUpdate,
  usageRollupsQuery,
  type LeaseDecision,
  type LeaseRequest,
} from '@hub/contracts/budget/wire';
import { Ledger, type LedgerCarry } from './budget-ledger-state';
import { nowMs } from './util';

export interface BudgetLedgerInput {
  tenant: string;
  carried?: LedgerCarry;
  /** Continue as new after this many history events (default {@link LEDGER_MAX_HISTORY}; tests use less). */
  maxHistory?: number;
}

/** Continue as new after this many history events (about 9 per leased call). */
export const LEDGER_MAX_HISTORY = 8_000;
/** Refusal of a lease request while the ledger moves to its next run: ask again. */
export const LEDGER_DRAINING = 'ledger is continuing as new; ask again';

function checkLease(req: LeaseRequest): void {
  const ok =
    typeof req === 'object' && req !== null && typeof req.leaseId === 'string' && req.leaseId.length > 0 && typeof req.callKey === 'string' &&
    typeof req.provider === 'string' && typeof req.fairKey === 'string' && (req.priority === 'chat' || req.priority === 'research') &&
    Number.isFinite(req.tokens) && req.tokens >= 0 && Number.isFinite(req.usd) && req.usd >= 0 && Number.isFinite(req.ttlMs) && req.ttlMs > 0;
  if (!ok) throw new Error('invalid lease request');
}

export async function budgetLedger(input: BudgetLedgerInput): Promise<void> {
  const ledger = new Ledger(input.tenant, nowMs(), input.carried);
  let draining = false;
  let kicked = false;
  const kick = (): void => {
    kicked = true;
  };
  const wakeAll = (ids: string[]): void => {
    for (const id of ids) {
      void CancellationScope.nonCancellable(() => getExternalWorkflowHandle(id).signal(budgetAvailableSignal, { tenant: input.tenant })).catch((err: unknown) => {
        log.info('A workflow waiting for budget could not be woken (it has ended)', { workflowId: id, error: String(err) });
      });
    }
  };

  setHandler(
    acquireLeaseUpdate,
    async (req): Promise<LeaseDecision> => {
      let decision: LeaseDecision | undefined;
      ledger.request(req, nowMs(), (d) => {
        decision = d;
      });
      kick();
      await condition(() => decision !== undefined);
      return decision!;
    },
    {
      validator: (req) => {
        if (draining) throw new Error(LEDGER_DRAINING);
        checkLease(req);
      },
    },
  );
  setHandler(acquireBlockUpdate, (req) => ledger.grantBlock(req, nowMs()), {
    validator: (req) => {
      if (draining) throw new Error(LEDGER_DRAINING);
      const ok = typeof req === 'object' && req !== null && typeof req.blockId === 'string' && req.blockId.length > 0 &&
        [req.tokens, req.usd, req.minTokens, req.minUsd, req.ttlMs].every((n) => Number.isFinite(n) && n >= 0) && req.ttlMs > 0;
      if (!ok) throw new Error('invalid block request');
    },
  });
  setHandler(blockCallSignal, (c) => {
    if (typeof c !== 'object' || c === null || typeof c.leaseId !== 'string' || !Number.isFinite(c.tokens) || !Number.isFinite(c.usd) || !Number.isFinite(c.ttlMs)) return;
    ledger.blockCall(c, nowMs());
    kick();
  });
  setHandler(closeBlockSignal, (c) => {
    if (typeof c?.blockId !== 'string') return;
    ledger.closeBlock(c.blockId);
    kick();
  });
  setHandler(settleLeaseSignal, (s) => {
    if (typeof s !== 'object' || s === null) return;
    ledger.settle(s);
    kick();
  });
  setHandler(
    topupBudgetUpdate,
    (t) => {
      wakeAll(ledger.topup(t, currentUpdateInfo()?.id));
      kick();
      return ledger.state(nowMs());
    },
    {
      validator: (t) => {
        const usd = t?.usd ?? 0;
        const tokens = t?.tokens ?? 0;
        if (!(Number.isFinite(usd) && Number.isFinite(tokens) && usd >= 0 && tokens >= 0 && usd + tokens > 0)) throw new Error('a top-up adds usd or tokens (more than 0)');
      },
    },
  );
  setHandler(setBudgetLimitsUpdate, ({ limits }) => {
    wakeAll(ledger.setAdminLimits(limits, nowMs()));
    kick();
    return ledger.state(nowMs());
  });
  setHandler(budgetStateQuery, () => ledger.state(nowMs()));
  setHandler(usageRollupsQuery, (q) => ledger.rollups(q?.from, q?.to));

  // A block whose worker died lapses on its own: a timer per lapse wakes the loop, which releases it (one
  // timer that runs out rather than one per loop turn; a block closed before it lapses leaves it to fire
  // idle; a block that lapses earlier, granted with a shorter time-to-live, is waited for instead).
  void (async () => {
    for (;;) {
      const at = ledger.nextBlockLapse();
      const earlier = (): boolean => (ledger.nextBlockLapse() ?? Infinity) < at!;
      if (at === undefined) await condition(() => ledger.nextBlockLapse() !== undefined);
      else if (!(await condition(earlier, Math.max(1, at - nowMs())))) {
        kick();
        await condition(() => (ledger.nextBlockLapse() ?? Infinity) > at); // the loop has released it
      }
    }
  })();

  for (;;) {
    const now = nowMs();
    const { wake, next } = ledger.pump(now);
    wakeAll(wake);
    const info = workflowInfo();
    if (!draining && (info.continueAsNewSuggested || info.historyLength > (input.maxHistory ?? LEDGER_MAX_HISTORY))) draining = true;
    if (draining && ledger.queued() === 0) break;
    kicked = false;
    if (next === undefined) await condition(() => kicked);
    else await condition(() => kicked, Math.max(1, next - now));
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof budgetLedger>({ tenant: input.tenant, carried: ledger.carry(nowMs()), ...(input.maxHistory ? { maxHistory: input.maxHistory } : {}) });
}

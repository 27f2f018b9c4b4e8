/**
 * The LLM activity's side of budgets: before each provider call a lease from the tenant's ledger
 * (`budgetLedger`, one Update-with-Start round trip), after it the real usage (one Signal-with-Start).
 *
 * - Who pays is derived from the calling workflow's id (`billingOf`: sessions and their delegations are
 *   `chat`, research jobs and their agents `research`); a workflow of no tenant (tests, standalone
 *   activities) is not metered.
 * - With budgets off (no `budgets` section in hub.config.json) no lease is taken: only the usage is recorded,
 *   so `GET /v1/usage` covers every tenant.
 * - A lease id is `<workflowId>/<activityId>@<scheduled>#<attempt>.<route entry>`: the Update id too, so a retried request
 *   gets its first answer; a later attempt of the same call tells the ledger that the earlier one died.
 * - Budget blocks (`./budget-blocks`): while the ledger allows, the worker holds a block of the tenant's budget
 *   and grants leases from it itself; the call then waits only for one Signal (`blockCall`) instead of an
 *   Update. `blocks: false` leases every call alone.
 * - A spent budget fails the activity with a non-retryable `BudgetExhausted` failure whose details say when
 *   the period rolls over: the workflow waits (`budgetAvailable`) or fails the turn, its choice.
 */
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Context } from '@temporalio/activity';
import { ApplicationFailure, type SignalDefinition, type UpdateDefinition } from '@temporalio/common';
import {
  BUDGET_EXHAUSTED,
  WORKFLOW_TYPES,
  acquireBlockUpdate,
  acquireLeaseUpdate,
  billingOf,
  blockCallSignal,
  closeBlockSignal,
  budgetLedgerWorkflowId,
  settleLeaseSignal,
  type BlockCallInput,
  type BlockDecision,
  type BlockRequest,
  type BudgetExhaustedDetails,
  type BudgetLimits,
  type LeaseDecision,
  type LeaseRequest,
  type SettleInput,
} from '@hub/contracts';
import { BlockPool, type BlockOptions } from './budget-blocks';

export interface MeteredCall {
  /** Index of the route entry (a fallback is its own lease). */
  entry: number;
  provider: string;
  /** The model alias (or the default provider's model id). */
  model: string;
  agent?: string;
  /** Upper estimates: input + max output tokens, and their price. */
  tokens: number;
  usd: number;
  /** The workflow to wake when budget comes back (default: the calling workflow; null: none, it does not wait). */
  wake?: string | null;
}

export interface MeterTicket {
  /** After the call: its real usage (none: the call failed and cost nothing). Sent in the background; never throws. */
  end(usage?: { promptTokens: number; completionTokens: number; usd: number }): Promise<void>;
}

export interface LlmMeter {
  /** Before one provider call; throws a non-retryable `BudgetExhausted` failure when the budget is spent. */
  begin(ctx: Context, call: MeteredCall): Promise<MeterTicket>;
}

export interface BudgetMeterOptions {
  /** The worker's Temporal client (default: the activity context's). */
  client?: Client;
  /** Where a ledger that does not exist yet is started (the worker's task queue). */
  taskQueue: string;
  /** hub.config.json `budgets`: undefined turns leases off (usage is still recorded). */
  budgets?: Record<string, BudgetLimits>;
  /** An unsettled lease is charged at its estimate after this long (default: the activity's start-to-close timeout + 1 min). */
  leaseTtlMs?: number;
  /** Budget blocks (default on); `false`: every call takes a lease of its own from the ledger. */
  blocks?: BlockOptions | false;
}

const NO_TICKET: MeterTicket = { end: async () => undefined };
const DRAIN_RETRIES = 200;

const exhaustedMessage = (tenant: string, d: Extract<LeaseDecision, { status: 'exhausted' }>, agent?: string): string => {
  const what = d.scope === 'agent' ? `agent ${agent ?? '?'} of tenant ${tenant}` : `tenant ${tenant}`;
  const cap = [d.cap.usd !== undefined ? `$${d.cap.usd}` : '', d.cap.tokens !== undefined ? `${d.cap.tokens} tokens` : ''].filter(Boolean).join(' / ');
  return `the spending budget of ${what} is spent (${cap} this period); it starts again at ${new Date(d.resetsAt).toISOString()} or when an admin tops it up`;
};

export function createBudgetMeter(opts: BudgetMeterOptions): LlmMeter & { flush(): Promise<void> } {
  const leases = opts.budgets !== undefined;
  /** Tenants whose ledger this worker has reached: a plain Update or Signal (no start) is cheaper. */
  const known = new Set<string>();
  /** Settlements on their way (the activity does not wait for them; `flush()` does). */
  const sending = new Set<Promise<void>>();

  /** A Signal to the tenant's ledger (starting it if it does not run). */
  async function signal<A>(client: Client, tenant: string, def: SignalDefinition<[A]>, input: A): Promise<void> {
    const workflowId = budgetLedgerWorkflowId(tenant);
    if (known.has(tenant)) {
      try {
        await client.workflow.getHandle(workflowId).signal(def, input);
        return;
      } catch {
        known.delete(tenant); // gone (or ended): start it
      }
    }
    await client.workflow.signalWithStart(WORKFLOW_TYPES.budgetLedger, { workflowId, taskQueue: opts.taskQueue, args: [{ tenant }], signal: def, signalArgs: [input] });
    known.add(tenant);
  }

  /** In the background: the reply is not held for it (an unsent settlement's lease is charged at its estimate). */
  function later<A>(client: Client, tenant: string, def: SignalDefinition<[A]>, input: A, log: Context['log']): void {
    const p = signal(client, tenant, def, input)
      .catch((err: unknown) => log.warn(`Could not send ${def.name} to the tenant ledger`, { tenant, error: String(err) }))
      .finally(() => sending.delete(p));
    sending.add(p);
  }

  const blocks =
    leases && opts.blocks !== false
      ? new BlockPool<{ client: Client; log: Context['log'] }>(
          opts.blocks ?? {},
          (via, tenant, req) => update<BlockRequest, BlockDecision>(via.client, tenant, acquireBlockUpdate, { ...req, ...(opts.budgets?.[tenant] ? { configured: opts.budgets[tenant] } : {}) }, req.blockId),
          (via, tenant, blockId) => later(via.client, tenant, closeBlockSignal, { blockId }, via.log),
        )
      : undefined;

  /** The ledger's answer to a lease or block request (starting the ledger if it does not run yet). */
  async function update<Req, Res>(client: Client, tenant: string, def: UpdateDefinition<Res, [Req]>, req: Req, updateId: string): Promise<Res> {
    const workflowId = budgetLedgerWorkflowId(tenant);
    if (known.has(tenant)) {
      try {
        return await client.workflow.getHandle(workflowId).executeUpdate(def, { args: [req], updateId });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) throw err; // refused (moving to its next run): asked again
        known.delete(tenant); // gone (or ended): start it
      }
    }
    const decision = await client.workflow.executeUpdateWithStart(def, {
      args: [req],
      updateId,
      startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.budgetLedger, { workflowId, taskQueue: opts.taskQueue, args: [{ tenant }], workflowIdConflictPolicy: 'USE_EXISTING' }),
    });
    known.add(tenant);
    return decision;
  }

  async function acquire(client: Client, tenant: string, req: LeaseRequest, ctx: Context): Promise<LeaseDecision> {
    for (let i = 0; ; i++) {
      try {
        return await update<LeaseRequest, LeaseDecision>(client, tenant, acquireLeaseUpdate, req, req.leaseId);
      } catch (err) {
        // The ledger refuses requests while it continues as new (or it just did): ask the next run.
        const again = err instanceof WorkflowUpdateFailedError || /continuing as new|workflow execution already completed/i.test(String(err));
        if (!again || i >= DRAIN_RETRIES || ctx.cancellationSignal.aborted) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  return {
    async flush() {
      blocks?.closeAll();
      await Promise.all([...sending]);
    },
    async begin(ctx, call) {
      const info = ctx.info;
      const workflowId = info.workflowExecution?.workflowId;
      const billing = workflowId ? billingOf(workflowId) : undefined;
      if (!billing || !workflowId) return NO_TICKET;
      let client: Client;
      try {
        client = opts.client ?? ctx.client;
      } catch (err) {
        // An activity context without a Temporal client (a test's MockActivityEnvironment): with budgets on
        // the call cannot be metered and must not run; with budgets off only the usage record is skipped.
        if (leases) throw err;
        ctx.log.warn('No Temporal client in this activity context: the usage of this call is not recorded');
        return NO_TICKET;
      }
      const record = (leaseId: string | undefined) => async (usage?: { promptTokens: number; completionTokens: number; usd: number }) => {
        if (!usage && !leaseId) return;
        const u = usage ? { ...usage, model: call.model, provider: call.provider, at: Date.now(), ...(call.agent ? { agent: call.agent } : {}) } : undefined;
        later<SettleInput>(client, billing.tenant, settleLeaseSignal, { ...(leaseId ? { leaseId } : {}), ...(u ? { usage: u } : {}) }, ctx.log);
      };
      if (!leases) return { end: record(undefined) };

      // The schedule time tells activities apart whose context names the same call (a research batch's lane
      // keeps the agent's activity id, and a batch run again after a wait is a new activity): same across attempts.
      const callKey = `${workflowId}/${info.activityId}@${info.scheduledTimestampMs}`;
      const leaseId = `${callKey}#${info.attempt}.${call.entry}`;
      const ttlMs = opts.leaseTtlMs ?? (info.startToCloseTimeoutMs || 300_000) + 60_000;
      const blockId = await blocks?.take({ client, log: ctx.log }, billing.tenant, { tokens: call.tokens, usd: call.usd });
      if (blockId) {
        // Granted from this worker's block: the ledger hears of it before the call is made (a lease like any other).
        const told: BlockCallInput = { blockId, leaseId, callKey, attempt: info.attempt, provider: call.provider, fairKey: billing.fairKey, tokens: call.tokens, usd: call.usd, ttlMs, ...(call.agent ? { agent: call.agent } : {}) };
        try {
          await signal(client, billing.tenant, blockCallSignal, told);
          return { end: record(leaseId) };
        } catch (err) {
          ctx.log.warn('Could not tell the tenant ledger of a call granted from a block; leasing it alone', { tenant: billing.tenant, error: String(err) });
        }
      }
      const req: LeaseRequest = {
        leaseId,
        callKey,
        attempt: info.attempt,
        ...(call.wake === null ? {} : { wake: call.wake ?? workflowId }),
        provider: call.provider,
        priority: billing.priority,
        fairKey: billing.fairKey,
        tokens: call.tokens,
        usd: call.usd,
        ttlMs,
        ...(call.agent ? { agent: call.agent } : {}),
        ...(opts.budgets?.[billing.tenant] ? { configured: opts.budgets[billing.tenant] } : {}),
      };
      const decision = await acquire(client, billing.tenant, req, ctx);
      if (decision.status === 'exhausted') {
        const details: BudgetExhaustedDetails = { tenant: billing.tenant, scope: decision.scope, resetsAt: decision.resetsAt, ...(call.agent ? { agent: call.agent } : {}) };
        throw ApplicationFailure.create({ type: BUDGET_EXHAUSTED, nonRetryable: true, message: exhaustedMessage(billing.tenant, decision, call.agent), details: [details] });
      }
      return { end: record(leaseId) };
    },
  };
}

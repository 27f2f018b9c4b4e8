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
 * - A spent budget fails the activity with a non-retryable `BudgetExhausted` failure whose details say when
 *   the period rolls over: the workflow waits (`budgetAvailable`) or fails the turn, its choice.
 */
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  BUDGET_EXHAUSTED,
  WORKFLOW_TYPES,
  acquireLeaseUpdate,
  billingOf,
  budgetLedgerWorkflowId,
  settleLeaseSignal,
  type BudgetExhaustedDetails,
  type BudgetLimits,
  type LeaseDecision,
  type LeaseRequest,
  type SettleInput,
} from '@hub/contracts';

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

  async function send(client: Client, tenant: string, input: SettleInput, ctx: Context): Promise<void> {
    const workflowId = budgetLedgerWorkflowId(tenant);
    try {
      if (known.has(tenant)) {
        try {
          await client.workflow.getHandle(workflowId).signal(settleLeaseSignal, input);
          return;
        } catch {
          known.delete(tenant); // gone (or ended): start it
        }
      }
      await client.workflow.signalWithStart(WORKFLOW_TYPES.budgetLedger, { workflowId, taskQueue: opts.taskQueue, args: [{ tenant }], signal: settleLeaseSignal, signalArgs: [input] });
      known.add(tenant);
    } catch (err) {
      ctx.log.warn('Could not record LLM usage in the tenant ledger', { tenant, error: String(err) });
    }
  }

  /** In the background: the reply is not held for it (an unsent settlement's lease is charged at its estimate). */
  function settleLater(client: Client, tenant: string, input: SettleInput, ctx: Context): void {
    const p = send(client, tenant, input, ctx).finally(() => sending.delete(p));
    sending.add(p);
  }

  async function update(client: Client, tenant: string, req: LeaseRequest): Promise<LeaseDecision> {
    const workflowId = budgetLedgerWorkflowId(tenant);
    if (known.has(tenant)) {
      try {
        return await client.workflow.getHandle(workflowId).executeUpdate(acquireLeaseUpdate, { args: [req], updateId: req.leaseId });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) throw err; // refused (moving to its next run): asked again
        known.delete(tenant); // gone (or ended): start it
      }
    }
    const decision = await client.workflow.executeUpdateWithStart(acquireLeaseUpdate, {
      args: [req],
      updateId: req.leaseId,
      startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.budgetLedger, { workflowId, taskQueue: opts.taskQueue, args: [{ tenant }], workflowIdConflictPolicy: 'USE_EXISTING' }),
    });
    known.add(tenant);
    return decision;
  }

  async function acquire(client: Client, tenant: string, req: LeaseRequest, ctx: Context): Promise<LeaseDecision> {
    for (let i = 0; ; i++) {
      try {
        return await update(client, tenant, req);
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
        settleLater(client, billing.tenant, { ...(leaseId ? { leaseId } : {}), ...(u ? { usage: u } : {}) }, ctx);
      };
      if (!leases) return { end: record(undefined) };

      // The schedule time tells activities apart whose context names the same call (a research batch's lane
      // keeps the agent's activity id, and a batch run again after a wait is a new activity): same across attempts.
      const callKey = `${workflowId}/${info.activityId}@${info.scheduledTimestampMs}`;
      const leaseId = `${callKey}#${info.attempt}.${call.entry}`;
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
        ttlMs: opts.leaseTtlMs ?? (info.startToCloseTimeoutMs || 300_000) + 60_000,
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

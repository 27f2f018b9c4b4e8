/**
 * Budgets of tenants: the state of a tenant's `budgetLedger` workflow (`budget/<tenant>`), an admin's limits
 * and top-ups (its updates, started with the ledger when it does not exist yet). Budgets are on only with a
 * `budgets` section in hub.config.json: without one, setting limits or topping up answers 409 (the ledger
 * still records usage). A tenant without a ledger yet has spent nothing: its state is made up here.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  WORKFLOW_TYPES,
  budgetLedgerWorkflowId,
  budgetStateQuery,
  periodBounds,
  setBudgetLimitsUpdate,
  topupBudgetUpdate,
  type BudgetLimits,
  type BudgetState,
  type HubConfig,
  type TopupInput,
} from '@hub/contracts';
import { ApiError } from '../http/errors';
import { idempotentUpdateId } from '../http/idempotency';
import { shortCalls } from '../temporal/deadlines';
import { withApiErrors } from '../temporal/failures';

export interface BudgetService {
  /** Whether hub.config.json has a `budgets` section (leases, limits and top-ups are on). */
  readonly enabled: boolean;
  /** The tenant's budget: its ledger's state, or (no ledger yet) nothing spent under the configured limits. */
  state(tenant: string): Promise<BudgetState>;
  /** Sets the admin's limits of the tenant (`null`: back to the configured ones). */
  setLimits(tenant: string, limits: BudgetLimits | null, idempotencyKey?: string): Promise<BudgetState>;
  /** Adds dollars and/or tokens to the tenant's current period; with a key, a repeat answers the first top-up's state. */
  topup(tenant: string, input: TopupInput, idempotencyKey?: string): Promise<BudgetState>;
}

export const BUDGETS_OFF_MESSAGE =
  'budgets are off: add a `budgets` section to hub.config.json (`"budgets": {}` turns them on; `"budgets": {"<tenant>": {"usd": 10}}` sets limits) and restart the hub';

/** The state of a tenant whose ledger does not exist yet (no LLM call made, no admin change). */
export function initialBudgetState(tenant: string, configured: BudgetLimits | undefined, now = Date.now()): BudgetState {
  const { start, end } = periodBounds(configured?.period ?? 'day', now);
  return {
    tenant,
    ...(configured ? { limits: configured } : {}),
    source: configured ? 'config' : 'none',
    periodStart: new Date(start).toISOString(),
    periodEnd: new Date(end).toISOString(),
    spent: { usd: 0, tokens: 0, calls: 0 },
    toppedUp: { usd: 0, tokens: 0 },
    reserved: { usd: 0, tokens: 0, leases: 0, blocks: 0 },
    queued: 0,
    exhausted: false,
    waiting: 0,
    abandoned: 0,
  };
}

/** The ledger's validator rejections as 400s; anything else as it is (withApiErrors maps Temporal's failures). */
function ledgerError(err: unknown): never {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { message?: string } | undefined;
    throw new ApiError(400, 'invalid_request', cause?.message ?? err.message);
  }
  throw err;
}

export function createBudgetService(opts: { client: Client; taskQueue: string; hubConfig: HubConfig; rpcTimeoutMs?: number | undefined }): BudgetService {
  const { client, taskQueue, hubConfig } = opts;
  const short = shortCalls(client, opts.rpcTimeoutMs);
  const budgets = hubConfig.budgets;
  const enabled = budgets !== undefined;
  const startOp = (tenant: string) =>
    new WithStartWorkflowOperation(WORKFLOW_TYPES.budgetLedger, {
      workflowId: budgetLedgerWorkflowId(tenant),
      taskQueue,
      args: [{ tenant }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  const assertEnabled = () => {
    if (!enabled) throw new ApiError(409, 'conflict', BUDGETS_OFF_MESSAGE, { needs: 'hub.config.json budgets' });
  };
  const updateId = (tenant: string, route: string, key: string | undefined) =>
    key !== undefined ? { updateId: idempotentUpdateId(tenant, route, key) } : {};

  return withApiErrors<BudgetService>({
    enabled,

    async state(tenant) {
      try {
        return await short(() => client.workflow.getHandle(budgetLedgerWorkflowId(tenant)).query(budgetStateQuery));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return initialBudgetState(tenant, budgets?.[tenant]);
        throw err;
      }
    },

    async setLimits(tenant, limits, key) {
      assertEnabled();
      return client.workflow
        .executeUpdateWithStart(setBudgetLimitsUpdate, {
          args: [{ limits }],
          startWorkflowOperation: startOp(tenant),
          ...updateId(tenant, `PUT /v1/budgets/${tenant}`, key),
        })
        .catch(ledgerError);
    },

    async topup(tenant, input, key) {
      assertEnabled();
      // Temporal answers a repeated update id (within the ledger's run) with the original result.
      return client.workflow
        .executeUpdateWithStart(topupBudgetUpdate, {
          args: [input],
          startWorkflowOperation: startOp(tenant),
          ...updateId(tenant, `POST /v1/budgets/${tenant}/topup`, key),
        })
        .catch(ledgerError);
    },
  });
}

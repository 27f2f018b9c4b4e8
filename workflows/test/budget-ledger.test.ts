/**
 * The budget ledger workflow on a real Temporal server: leases by Update (concurrent requests, the one-lease
 * overdraft bound), settlements by Signal, a spent budget that remembers its waiters and wakes them with
 * `budgetAvailable` on a top-up, and the state carried across continue-as-new (requests made while it
 * moves on are asked again and answered by the next run). With HUB_RECORD_HISTORIES=1 the first run is kept
 * as a replay fixture (histories/budget-ledger.json).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { testTemporalAddress } from '@hub/testing';
import {
  WORKFLOW_TYPES,
  acquireLeaseUpdate,
  budgetAvailableSignal,
  budgetLedgerWorkflowId,
  budgetStateQuery,
  settleLeaseSignal,
  topupBudgetUpdate,
  usageRollupsQuery,
  type LeaseDecision,
  type LeaseRequest,
} from '@hub/contracts';
import { workflowBundle } from './harness';
import { recordResearchHistory } from './research-record';

const taskQueue = `budget-ledger-${randomUUID()}`;
let client: Client;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  const address = testTemporalAddress();
  worker = await Worker.create({ connection: await NativeConnection.connect({ address }), taskQueue, workflowBundle: await workflowBundle(), activities: {} });
  running = worker.run();
  client = new Client({ connection: await Connection.connect({ address }) });
}, 120_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
});

const lease = (tenant: string, id: string, over: Partial<LeaseRequest> = {}): LeaseRequest => ({
  leaseId: `${id}#1.0`,
  callKey: id,
  attempt: 1,
  provider: 'p',
  priority: 'chat',
  fairKey: `session/${tenant}/s`,
  tokens: 100,
  usd: 0,
  ttlMs: 60_000,
  configured: { tokens: 450 },
  ...over,
});

async function start(tenant: string, maxHistory?: number) {
  return client.workflow.start(WORKFLOW_TYPES.budgetLedger, { workflowId: budgetLedgerWorkflowId(tenant), taskQueue, args: [{ tenant, ...(maxHistory ? { maxHistory } : {}) }] });
}
/** As the LLM activity asks (agents/src/llm/budget-meter.ts): again while the ledger moves to its next run. */
async function acquire(tenant: string, r: LeaseRequest): Promise<LeaseDecision> {
  for (let i = 0; ; i++) {
    try {
      return await client.workflow.getHandle(budgetLedgerWorkflowId(tenant)).executeUpdate(acquireLeaseUpdate, { args: [r], updateId: r.leaseId });
    } catch (err) {
      if (!(err instanceof WorkflowUpdateFailedError) || i > 100) throw err;
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}
const used = (tokens: number) => ({ model: 'm', provider: 'p', promptTokens: tokens, completionTokens: 0, usd: 0.001, at: Date.now(), agent: 'assistant' });

describe('budgetLedger workflow', () => {
  it('grants concurrent leases within the cap plus one lease, refuses a spent budget, and wakes its waiters on a top-up', async () => {
    const tenant = `t${randomUUID().slice(0, 8)}`;
    const handle = await start(tenant);
    // A waiter: the ledger signals it when budget comes back.
    const waiter = await client.workflow.start(WORKFLOW_TYPES.providerHealth, { workflowId: `waiter-${tenant}`, taskQueue, args: [{}] });
    const calls = Array.from({ length: 8 }, (_, i) => `c${i}`);
    const decisions = new Map<string, LeaseDecision>();
    // Each call settles 100 tokens as soon as it is granted; all eight ask at once.
    await Promise.all(
      calls.map(async (id) => {
        const d = await acquire(tenant, lease(tenant, id, { wake: waiter.workflowId }));
        decisions.set(id, d);
        if (d.status === 'granted') await handle.signal(settleLeaseSignal, { leaseId: d.leaseId, usage: used(100) });
      }),
    );
    const granted = [...decisions.values()].filter((d) => d.status === 'granted').length;
    const state = await handle.query(budgetStateQuery);
    expect(granted).toBeGreaterThanOrEqual(4);
    expect(state.spent.tokens).toBe(granted * 100);
    expect(state.spent.tokens).toBeLessThanOrEqual(450 + 100); // the cap plus at most one lease
    expect(state.reserved.leases).toBe(0);
    expect(state.exhausted).toBe(true);
    expect(state.waiting).toBe(1);
    // A repeated request (same Update id) is answered the same, without a new lease.
    const first = decisions.get('c0')!;
    expect(await acquire(tenant, lease(tenant, 'c0'))).toMatchObject({ status: first.status });

    const after = await handle.executeUpdate(topupBudgetUpdate, { args: [{ tokens: 1_000 }] });
    expect(after).toMatchObject({ exhausted: false, waiting: 0, toppedUp: { tokens: 1_000 } });
    await expect(handle.executeUpdate(topupBudgetUpdate, { args: [{ tokens: 0 }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    expect(await acquire(tenant, lease(tenant, 'after-topup'))).toMatchObject({ status: 'granted' });
    // The waiter got the wake-up signal (its history shows it).
    const history = await waiter.fetchHistory();
    const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === budgetAvailableSignal.name);
    expect(signals).toHaveLength(1);
    await waiter.terminate();
    await recordResearchHistory(client, handle.workflowId, 'budget-ledger');
  }, 60_000);

  it('continues as new with its spending, rollups and leases; requests during the move are answered by the next run', async () => {
    const tenant = `t${randomUUID().slice(0, 8)}`;
    const handle = await start(tenant, 60);
    const firstRun = (await handle.describe()).runId;
    for (let i = 0; i < 25; i++) {
      const d = await acquire(tenant, lease(tenant, `s${i}`, { configured: { tokens: 1_000_000 } }));
      expect(d.status).toBe('granted');
      await handle.signal(settleLeaseSignal, { leaseId: `s${i}#1.0`, usage: used(10) });
    }
    await new Promise((r) => setTimeout(r, 500));
    const latest = client.workflow.getHandle(handle.workflowId);
    expect((await latest.describe()).runId).not.toBe(firstRun);
    const state = await latest.query(budgetStateQuery);
    expect(state).toMatchObject({ spent: { tokens: 250, calls: 25 }, reserved: { leases: 0 }, source: 'config' });
    const rollups = await latest.query(usageRollupsQuery, {});
    expect(rollups).toHaveLength(1);
    expect(rollups[0]).toMatchObject({ agent: 'assistant', model: 'm', calls: 25, totalTokens: 250, usd: 0.025 });
  }, 90_000);
});

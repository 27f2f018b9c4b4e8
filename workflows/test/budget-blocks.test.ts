/**
 * Budget blocks on a real Temporal server (agents/src/llm/budget-blocks.ts, the ledger's `acquireBlock`): a
 * worker's turns in a row are granted from one block of the tenant's budget (one Update for all of them, then
 * a `blockCall` Signal per call before it is made), the block is closed once idle and every call settles at its
 * real usage; under a rate limit the ledger refuses blocks and every call takes a lease of its own. With
 * HUB_RECORD_HISTORIES=1 the block ledger's history is kept as a replay fixture (histories/budget-ledger-blocks.json).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { acquireBlockUpdate, budgetLedgerWorkflowId, budgetStateQuery, type BudgetState } from '@hub/contracts';
import { eventually, startHarness, type Harness } from './harness';
import { recordResearchHistory } from './research-record';

let blocks: Harness;
let rated: Harness;
beforeAll(async () => {
  // Blocks usable for a minute: however slow the machine, the three turns fit in one block's time.
  blocks = await startHarness({ tenant: 'blk', budgets: { blk: { tokens: 10_000_000 } }, blocks: { useMs: 60_000, ttlMs: 120_000 } });
  rated = await startHarness({ tenant: 'blkrate', budgets: { blkrate: { tokens: 10_000_000, rpm: 1_000 } } });
}, 120_000);
afterAll(async () => {
  await blocks?.close();
  await rated?.close();
});

/** The ledger's Updates and Signals by name, from its history. */
async function messages(ledger: WorkflowHandle): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const e of (await ledger.fetchHistory()).events ?? []) {
    const name = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? e.workflowExecutionSignaledEventAttributes?.signalName;
    if (name) counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

describe('budget blocks', () => {
  it('grants a worker\'s calls in a row from one block, tells the ledger of each before it is made, and closes the block when idle', async () => {
    const usage = { promptTokens: 120, completionTokens: 30 };
    blocks.llm.script({ reply: 'one', usage }, { reply: 'two', usage }, { reply: 'three', usage });
    for (const text of ['a', 'b', 'c']) expect((await blocks.startSession(text)).result).toMatchObject({ status: 'completed' });
    const ledger = blocks.client.workflow.getHandle(budgetLedgerWorkflowId('blk'));
    const done = await eventually(async () => {
      const s = await ledger.query(budgetStateQuery);
      return s.spent.calls === 3 && s.reserved.blocks === 0 && s;
    });
    expect(done).toMatchObject({ spent: { tokens: 3 * 150, calls: 3 }, reserved: { usd: 0, tokens: 0, leases: 0, blocks: 0 }, abandoned: 0 });
    expect(await messages(ledger)).toEqual({ acquireBlock: 1, blockCall: 3, settleLease: 3, closeBlock: 1 });
  }, 60_000);

  it('a block whose holder never comes back (a dead worker) lapses by itself after its time-to-live, with no other traffic', async () => {
    const ledger = blocks.client.workflow.getHandle(budgetLedgerWorkflowId('blk'));
    const granted = await ledger.executeUpdate(acquireBlockUpdate, { args: [{ blockId: 'block/dead-worker/1', tokens: 5_000, usd: 0, minTokens: 100, minUsd: 0, ttlMs: 1_500 }], updateId: 'block/dead-worker/1' });
    expect(granted).toMatchObject({ status: 'granted', tokens: 5_000 });
    expect((await ledger.query(budgetStateQuery)).reserved).toMatchObject({ tokens: 5_000, blocks: 1 });
    // Queries see the ledger's time as of its last workflow task: only its own timer brings the release.
    const released = await eventually(async () => {
      const s = await ledger.query(budgetStateQuery);
      return s.reserved.blocks === 0 && s;
    }, 15_000);
    expect(released.reserved).toEqual({ usd: 0, tokens: 0, leases: 0, blocks: 0 });
    expect(released.abandoned).toBe(0); // nothing was told from it: nothing is charged
    await recordResearchHistory(blocks.client, budgetLedgerWorkflowId('blk'), 'budget-ledger-blocks');
  }, 30_000);

  it('under a rate limit the ledger refuses blocks: each call takes a lease of its own', async () => {
    const usage = { promptTokens: 100, completionTokens: 10 };
    rated.llm.script({ reply: 'one', usage }, { reply: 'two', usage });
    for (const text of ['a', 'b']) expect((await rated.startSession(text)).result).toMatchObject({ status: 'completed' });
    const ledger = rated.client.workflow.getHandle(budgetLedgerWorkflowId('blkrate'));
    const done: BudgetState = await eventually(async () => {
      const s = await ledger.query(budgetStateQuery);
      return s.spent.calls === 2 && s.reserved.leases === 0 && s;
    });
    expect(done).toMatchObject({ spent: { tokens: 220, calls: 2 }, reserved: { usd: 0, tokens: 0, leases: 0, blocks: 0 } });
    // One refused block request (the worker then leases call by call for a while), two leases.
    expect(await messages(ledger)).toEqual({ acquireBlock: 1, acquireLease: 2, settleLease: 2 });
  }, 60_000);
});

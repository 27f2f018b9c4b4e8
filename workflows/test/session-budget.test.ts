/**
 * A session whose tenant's budget is spent: the turn waits durably (status `waiting_budget`, a
 * `budget.waiting` event), resumes by itself after a top-up and is answered once; with `waitForBudget: false`
 * the turn fails at once naming the budget. Real Temporal server, real LLM activities with the budget meter,
 * the scripted LLM. With HUB_RECORD_HISTORIES=1 the waiting session is kept as a replay fixture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetLedgerWorkflowId, budgetStateQuery, sendMessageUpdate, sessionStateQuery, topupBudgetUpdate } from '@hub/contracts';
import { eventually, startHarness, type Harness } from './harness';
import { recordResearchHistory } from './research-record';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ budgets: { test: { tokens: 1_000 } } });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('a session with a spent budget', () => {
  it('waits in waiting_budget, resumes after a top-up and answers the message once', async () => {
    h.llm.script({ reply: 'first answer', usage: { promptTokens: 800, completionTokens: 400 } }, { reply: 'second answer', usage: { promptTokens: 50, completionTokens: 10 } });
    const { workflowId, result } = await h.startSession('hello');
    expect(result).toMatchObject({ status: 'completed', reply: 'first answer' });
    const session = h.client.workflow.getHandle(workflowId);
    const ledger = h.client.workflow.getHandle(budgetLedgerWorkflowId('test'));
    await eventually(async () => (await ledger.query(budgetStateQuery)).spent.tokens === 1_200);

    const second = session.executeUpdate(sendMessageUpdate, { args: [{ text: 'and more' }] });
    const waiting = await eventually(async () => {
      const s = await session.query(sessionStateQuery);
      return s.status === 'waiting_budget' ? s : undefined;
    });
    expect(waiting.status).toBe('waiting_budget');
    expect(h.llm.requests).toHaveLength(1);
    expect((await ledger.query(budgetStateQuery)).waiting).toBe(1);

    await ledger.executeUpdate(topupBudgetUpdate, { args: [{ tokens: 5_000 }] });
    expect(await second).toMatchObject({ status: 'completed', reply: 'second answer' });
    expect(h.llm.requests).toHaveLength(2);
    const state = await session.query(sessionStateQuery);
    expect(state.status).toBe('idle');
    expect(state.messages.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['first answer', 'second answer']);
    await eventually(async () => (await ledger.query(budgetStateQuery)).spent.tokens === 1_260);
    expect(await ledger.query(budgetStateQuery)).toMatchObject({ reserved: { leases: 0 }, spent: { calls: 2 } });
    // The wait is in the session's history: a budget.waiting event, and the call made again under a new id.
    const history = await session.fetchHistory();
    const activityIds = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityId).filter(Boolean);
    expect(activityIds.some((id) => /\/llm\/0\/budget-1$/.test(id!))).toBe(true);
    await recordResearchHistory(h.client, workflowId, 'session-budget-wait');
  }, 90_000);

  it('fails the turn at once with waitForBudget: false, naming the budget', async () => {
    const ledger = h.client.workflow.getHandle(budgetLedgerWorkflowId('test'));
    // Spend what is left of the topped-up budget.
    h.llm.script({ reply: 'big', usage: { promptTokens: 6_000, completionTokens: 0 } });
    const { result } = await h.startSession('spend it', { waitForBudget: false });
    expect(result.status).toBe('completed');
    await eventually(async () => (await ledger.query(budgetStateQuery)).exhausted);
    const before = h.llm.requests.length;
    const { result: failed } = await h.startSession('one more', { waitForBudget: false });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/budget of tenant test is spent/);
    expect(h.llm.requests.length).toBe(before);
    // It does not wait, so the ledger does not count it among its waiters.
    expect((await ledger.query(budgetStateQuery)).waiting).toBe(0);
  }, 60_000);
});

/**
 * A research job whose tenant's budget runs out while its agents work: the agents that got leases answer,
 * the rest make no call and wait (job status `waiting_budget`, `budget.waiting` on the job's stream); a
 * top-up resumes them and the job completes with every agent answered exactly once. With
 * `waitForBudget: false` the waiting agents fail at once instead. Real Temporal server, real activities with
 * the budget meter, the scripted LLM (every call reports 100 tokens). With HUB_RECORD_HISTORIES=1 the job
 * is kept as a replay fixture.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WORKFLOW_TYPES,
  budgetLedgerWorkflowId,
  budgetStateQuery,
  researchStateQuery,
  researchWorkflowId,
  topupBudgetUpdate,
  type ResearchJobInput,
  type ResearchState,
} from '@hub/contracts';
import { researchResponder } from '@hub/testing/research-responder';
import type { RecordedRequest, ScriptStep } from '@hub/testing/scripted-llm-server';
import { eventually, startHarness, testProfile, type Harness } from './harness';
import { recordResearchHistory } from './research-record';

let h: Harness;
const CALL_TOKENS = 100;

/** The research responder, every call reporting exactly 100 tokens. */
async function responder(req: RecordedRequest): Promise<ScriptStep> {
  return { ...(await researchResponder(req)), usage: { promptTokens: CALL_TOKENS, completionTokens: 0 } };
}

beforeAll(async () => {
  // Planner + 2 agents fit; the third agent's call spends past the cap; everything after waits.
  h = await startHarness({ budgets: { rbudget: { tokens: 350 }, rfast: { tokens: 150 } } });
  h.llm.setResponder(responder);
});
afterAll(async () => {
  await h?.close();
});

const profile = { ...testProfile, tools: [] as string[] };

async function startJob(tenant: string, opts: Partial<ResearchJobInput> = {}) {
  const id = randomUUID();
  const workflowId = researchWorkflowId(tenant, id);
  const input: ResearchJobInput = {
    id,
    tenant,
    question: 'How do budgets wait? [parts=6]',
    maxAgents: 6,
    planner: profile,
    researcher: profile,
    synthesizer: profile,
    minSuccessRatio: 0.5,
    concurrency: 2,
    createdAt: new Date().toISOString(),
    ...opts,
  };
  const handle = await h.client.workflow.start(WORKFLOW_TYPES.researchJob, { workflowId, taskQueue: h.taskQueue, args: [input] });
  return { workflowId, handle };
}

const callsPerAgent = (workflowId: string, n: number): number[] => {
  const keys = h.llm.chatRequests().map((r) => r.idempotencyKey ?? '');
  return Array.from({ length: n }, (_, i) => keys.filter((k) => k === `${workflowId}/agent/${i}/research/llm/0`).length);
};

describe('a research job with a spent budget', () => {
  it('waits in waiting_budget, resumes after a top-up, and every agent answers exactly once', async () => {
    const job = await startJob('rbudget');
    const ledger = h.client.workflow.getHandle(budgetLedgerWorkflowId('rbudget'));
    const waiting = await eventually(async () => {
      const s = (await job.handle.query(researchStateQuery)) as ResearchState;
      return s.status === 'waiting_budget' && (await ledger.query(budgetStateQuery)).waiting > 0 ? s : undefined;
    }, 30_000);
    expect(waiting.progress.succeeded).toBe(3);
    // Agents 0 and 1 (the first batch) and one of the second batch's two (whichever asked first) got leases.
    const before = callsPerAgent(job.workflowId, 6);
    expect(before.slice(0, 2)).toEqual([1, 1]);
    expect(before.slice(2, 4).sort()).toEqual([0, 1]);
    expect(before.slice(4)).toEqual([0, 0]);
    const spent = await ledger.query(budgetStateQuery);
    expect(spent).toMatchObject({ exhausted: true, spent: { tokens: 400, calls: 4 }, reserved: { leases: 0 } });

    await ledger.executeUpdate(topupBudgetUpdate, { args: [{ tokens: 10_000 }] });
    const final = (await job.handle.result()) as ResearchState;
    expect(final.status).toBe('completed');
    expect(final.progress).toMatchObject({ total: 6, succeeded: 6 });
    expect(callsPerAgent(job.workflowId, 6)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(final.result?.findings.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5]);
    // Planner + 6 agents + synthesizer, each counted once in the ledger and in the job.
    await eventually(async () => (await ledger.query(budgetStateQuery)).spent.calls === 8);
    expect((await ledger.query(budgetStateQuery)).spent.tokens).toBe(8 * CALL_TOKENS);
    expect(final.usage.totalTokens).toBe(8 * CALL_TOKENS);
    const history = await job.handle.fetchHistory();
    const ids = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityId).filter(Boolean);
    expect(ids.some((id) => /^agents\/\d+\/budget-1$/.test(id!))).toBe(true);
    await recordResearchHistory(h.client, job.workflowId, 'research-job-budget-wait');
  }, 90_000);

  it('with waitForBudget: false the agents without budget fail at once, naming it', async () => {
    const job = await startJob('rfast', { waitForBudget: false, minSuccessRatio: 0.1 });
    const final = (await job.handle.result()) as ResearchState;
    const failed = final.agents.filter((a) => a.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((a) => /budget/.test(a.error ?? ''))).toBe(true);
    expect(final.agents.filter((a) => a.status === 'succeeded').length + failed.length).toBe(6);
  }, 60_000);
});

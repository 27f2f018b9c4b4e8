/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * A research job whose tenant's token budget runs out mid-job, end to end: gateway → Temporal → a real hub
 * worker (createHubActivities with `budgets`: every LLM call takes a lease from the tenant's `budgetLedger`)
 * → the scripted LLM playing planner, agents and synthesizer. Some agents answer, the rest make no call and
 * wait (job status `waiting_budget`, `budget.waiting` on its stream); an admin's top-up resumes them and the
 * job completes with every agent answered exactly once, the ledger's spending equal to the calls' usage.
 * With `waitForBudget: false` the agents the budget stopped fail at once, saying so.
 *
 * Numbers: each call's lease estimate is its request's bytes / 3 plus max_tokens (8,192), so about 8,400
 * tokens; an agent's answer uses 5,100 tokens, the planner's and the synthesizer's 200. With a cap of 12,000
 * tokens the planner (200) and then one agent at a time fit (a second lease beside one in flight would
 * overdraw, so it waits for the first to settle; a lease alone is granted while anything is left): three
 * agents answer (200 + 3 × 5,100 = 15,500, over the cap by less than one lease) and the other three wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest, Responder } from '@hub/testing/scripted-llm-server';
import { lastUserMessage } from '@hub/testing/scripted-llm-server';
import { researchResponder } from '@hub/testing/research-responder';
import { json, post } from './helpers';
import { eventually, leaseEstimateOf, readEvents, startBudgetHub, usageOf, type BudgetHub } from './budget-helpers';

const CAP = 12_000;
const AGENT_TOKENS = { promptTokens: 100, completionTokens: 5_000 };
const OTHER_TOKENS = { promptTokens: 100, completionTokens: 100 };

/** The research roles, each answer with a fixed usage (at most its lease's estimate, as a real model's is). */
const responder: Responder = async (req) => {
  const step = await researchResponder(req);
  const agent = lastUserMessage(req).startsWith('Overall research question:');
  return { ...step, usage: agent ? AGENT_TOKENS : OTHER_TOKENS, delayMs: 50 };
};

let hub: BudgetHub;

beforeAll(async () => {
  hub = await startBudgetHub('budget-research', { waits: { tokens: CAP }, strict: { tokens: CAP } }, { responder });
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});

const partOf = (r: RecordedRequest): number => Number(/Part (\d+) of:/.exec(lastUserMessage(r))?.[1]);
const isAgent = (r: RecordedRequest): boolean => lastUserMessage(r).startsWith('Overall research question:');
const requestsOfJob = (question: string): RecordedRequest[] => hub.llm.chatRequests().filter((r) => JSON.stringify(r.body?.messages ?? []).includes(question));

describe('a research job on a tenant budget that runs out', () => {
  it('some agents answer, the rest wait without a call (waiting_budget, budget.waiting); a top-up resumes them; every agent answers once', async () => {
    const t = hub.tenants['waits']!;
    const question = 'Budgeted research on tides';
    const res = await hub.app.request('/v1/research', post({ question, maxAgents: 6, concurrency: 6 }, t.headers));
    const created = await json(res);
    expect(res.status, JSON.stringify(created)).toBe(202);
    const path = `/v1/research/${created.id}`;

    // The budget runs out: the job waits with some agents answered and the others not started.
    const waiting = await eventually(
      async () => json(await hub.app.request(path, { headers: t.headers })),
      (s) => s.status === 'waiting_budget' && s.progress.succeeded + s.progress.failed === 3,
      60_000,
    );
    expect(waiting.status).toBe('waiting_budget');
    expect(waiting.progress).toMatchObject({ total: 6, succeeded: 3, failed: 0 });
    const before = await eventually(t.budget, (b) => b.waiting >= 1 && b.reserved.leases + b.reserved.blocks === 0);
    expect(before).toMatchObject({ exhausted: true, reserved: { tokens: 0, leases: 0 }, abandoned: 0 });
    const served = requestsOfJob(question);
    const largest = Math.max(...served.map(leaseEstimateOf));
    for (const r of served) expect(usageOf(r)).toBeLessThanOrEqual(leaseEstimateOf(r)); // the fixture's usage is realistic
    expect(before.spent.tokens).toBeGreaterThanOrEqual(CAP);
    expect(before.spent.tokens).toBeLessThanOrEqual(CAP + largest); // overspent by at most one lease
    expect(served.filter(isAgent)).toHaveLength(3); // the waiting agents made no call

    const waitingEvents = await readEvents(hub.app, `${path}/events`, t.headers, (evs) => evs.some((e) => e.type === 'budget.waiting'));
    expect(waitingEvents.find((e) => e.type === 'budget.waiting')).toMatchObject({ scope: 'tenant', agents: expect.any(Number) });
    expect(Date.parse(waitingEvents.find((e) => e.type === 'budget.waiting').resetsAt)).toBeGreaterThan(Date.now());
    // What the ledger spent is the served calls' usage (the planner's and three agents').
    expect(before.spent).toEqual({ usd: 0, tokens: served.reduce((s, r) => s + usageOf(r), 0), calls: served.length });
    expect(served).toHaveLength(4);

    // An admin tops the budget up: the waiting agents run, then the synthesizer.
    const topup = await hub.app.request(`/v1/budgets/${t.id}/topup`, post({ tokens: 100_000, note: 'research e2e' }, hub.asAdmin));
    expect(topup.status, JSON.stringify(await json(topup.clone()))).toBe(200);
    const final = await eventually(
      async () => json(await hub.app.request(path, { headers: t.headers })),
      (s) => ['completed', 'failed', 'cancelled'].includes(s.status),
      90_000,
    );
    expect(final.status, JSON.stringify(final.error ?? final.progress)).toBe('completed');
    expect(final.progress).toMatchObject({ total: 6, succeeded: 6, failed: 0 });
    expect(final.result.findings).toHaveLength(6);
    expect(final.result.findings.map((f: any) => f.answer).sort()).toEqual([1, 2, 3, 4, 5, 6].map((i) => `Finding for part ${i}.`));

    // Each agent's call was served once: one request per sub-question, one per idempotency key.
    const agents = requestsOfJob(question).filter(isAgent);
    expect(agents.map(partOf).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(agents.map((r) => r.idempotencyKey)).size).toBe(6);
    const events = await readEvents(hub.app, `${path}/events`, t.headers, (evs) => evs.some((e) => e.type === 'research.done'));
    expect(events.some((e) => e.type === 'budget.resumed')).toBe(true);

    // The ledger: what was spent is the calls' usage, nothing reserved, nothing charged twice.
    const all = requestsOfJob(question);
    const after = await eventually(t.budget, (b) => b.spent.calls === all.length && b.reserved.leases + b.reserved.blocks === 0);
    expect(after.spent).toEqual({ usd: 0, tokens: all.reduce((s, r) => s + usageOf(r), 0), calls: all.length });
    expect(after).toMatchObject({ reserved: { usd: 0, tokens: 0, leases: 0, blocks: 0 }, abandoned: 0, exhausted: false, toppedUp: { tokens: 100_000 } });
    expect(all.length).toBe(1 + 6 + 1); // planner, six agents, synthesizer
  }, 180_000);

  it('with waitForBudget: false, the agents the spent budget stopped fail at once, naming the budget', async () => {
    const t = hub.tenants['strict']!;
    const question = 'Strict research on currents';
    const res = await hub.app.request('/v1/research', post({ question, maxAgents: 6, concurrency: 6, waitForBudget: false }, t.headers));
    const created = await json(res);
    expect(res.status, JSON.stringify(created)).toBe(202);
    const path = `/v1/research/${created.id}`;
    const seen = new Set<string>();
    const final = await eventually(
      async () => {
        const s = await json(await hub.app.request(path, { headers: t.headers }));
        seen.add(s.status);
        return s;
      },
      (s) => ['completed', 'failed', 'cancelled'].includes(s.status),
      90_000,
    );
    expect(seen.has('waiting_budget')).toBe(false);
    const failed = final.agents.filter((a: any) => a.status === 'failed');
    expect(final.agents.filter((a: any) => a.status === 'succeeded')).toHaveLength(3);
    expect(failed).toHaveLength(3);
    for (const a of failed) expect(a.error).toMatch(/budget/);
    expect(requestsOfJob(question).filter(isAgent)).toHaveLength(3); // the failed agents made no call
    const b = await eventually(t.budget, (x) => x.reserved.leases + x.reserved.blocks === 0);
    expect(b).toMatchObject({ exhausted: true, waiting: expect.any(Number), reserved: { leases: 0 } });
    // Its synthesizer found the budget spent as well: the job fails, saying why.
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(/^the synthesizer failed: the spending budget of tenant \S+ is spent \(12000 tokens this period\)/);
  }, 180_000);
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * Twenty sessions of one tenant send a message at once against a tokens budget, end to end: gateway →
 * Temporal → a real hub worker (createHubActivities with `budgets`: each LLM call leases from the tenant's
 * `budgetLedger` first and settles its usage after) → the scripted LLM (slow enough for leases to overlap).
 * The ledger never lets the spending pass the cap by more than one call's lease (sampled while the turns
 * run), nothing stays reserved, the turns it refused wait (`waiting_budget`, `budget.waiting`); an admin's
 * top-up lets every one of them finish, each message answered exactly once, the spending equal to the usage.
 * A session created with `waitForBudget: false` fails its turn at once with an error naming the budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoReply, type RecordedRequest, type Responder } from '@hub/testing/scripted-llm-server';
import { json, post } from './helpers';
import { eventually, leaseEstimateOf, readEvents, startBudgetHub, usageOf, type BudgetHub } from './budget-helpers';

const CAP = 20_000;
const SESSIONS = 20;
const USAGE = { promptTokens: 50, completionTokens: 4_000 };

/** The echo answer with a fixed usage (below each call's lease estimate, max_tokens 8,192), after 300 ms. */
const responder: Responder = (req) => ({ reply: echoReply(req), usage: USAGE, delayMs: 300 });

let hub: BudgetHub;

beforeAll(async () => {
  hub = await startBudgetHub('budget-concurrency', { many: { tokens: CAP }, strict: { tokens: 1_000 } }, { responder });
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});

const textOf = (i: number): string => `concurrent message number ${i}`;
const requestsFor = (text: string): RecordedRequest[] => hub.llm.chatRequests().filter((r) => (r.body?.messages ?? []).some((m) => m.role === 'user' && m.content === text));

describe('concurrent sessions on one tenant budget', () => {
  it('spends at most one lease over the cap, the rest wait; a top-up lets every turn finish, each answered once', async () => {
    const t = hub.tenants['many']!;
    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const res = await hub.app.request('/v1/sessions', post({}, t.headers));
      const body = await json(res);
      expect(res.status, JSON.stringify(body)).toBe(201);
      ids.push(body.id);
    }
    // The ledger's state, sampled while the turns run (a read that fails under load is left out, and kept to show).
    const samples: any[] = [];
    const unread: any[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const b = await t.budget();
        (b?.spent ? samples : unread).push(b);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const sent = await Promise.all(ids.map((id, i) => hub.app.request(`/v1/sessions/${id}/messages?wait=false`, post({ text: textOf(i) }, t.headers))));
    expect(sent.map((r) => r.status)).toEqual(ids.map(() => 202));

    const stateOf = async (id: string): Promise<any> => json(await hub.app.request(`/v1/sessions/${id}`, { headers: t.headers }));
    const settled = (s: any): boolean => s.status === 'waiting_budget' || (s.status === 'idle' && s.turns === 1);
    const states = await eventually(async () => Promise.all(ids.map(stateOf)), (all) => all.every(settled), 60_000);
    expect(states.filter((s) => !settled(s)).map((s) => s.status)).toEqual([]);
    const waitingIds = ids.filter((_, i) => states[i].status === 'waiting_budget');
    expect(waitingIds.length).toBeGreaterThan(0);
    expect(waitingIds.length).toBeLessThan(SESSIONS);
    const before = await eventually(t.budget, (b) => b.reserved.leases + b.reserved.blocks === 0 && b.waiting === waitingIds.length);
    sampling = false;
    await sampler;
    if (unread.length > 0) console.log('[budget concurrency e2e] budget reads that failed while sampling:', JSON.stringify(unread.slice(0, 3)));

    const served = hub.llm.chatRequests();
    expect(served).toHaveLength(SESSIONS - waitingIds.length); // a refused turn made no call
    const largest = Math.max(...served.map(leaseEstimateOf));
    for (const r of served) expect(usageOf(r)).toBeLessThanOrEqual(leaseEstimateOf(r));
    expect(before).toMatchObject({ exhausted: true, reserved: { usd: 0, tokens: 0, leases: 0, blocks: 0 }, abandoned: 0, waiting: waitingIds.length });
    expect(before.spent.tokens).toBeGreaterThanOrEqual(CAP);
    expect(before.spent.tokens).toBeLessThanOrEqual(CAP + largest);
    expect(samples.length, JSON.stringify(unread.slice(0, 3))).toBeGreaterThan(unread.length);
    expect(Math.max(...samples.map((s) => s.spent.tokens))).toBeLessThanOrEqual(CAP + largest);
    // While calls were in flight, what was spent and reserved never passed the cap by more than one lease.
    expect(Math.max(...samples.map((s) => s.spent.tokens + s.reserved.tokens))).toBeLessThanOrEqual(CAP + largest);
    expect(before.spent).toEqual({ usd: 0, tokens: served.length * (USAGE.promptTokens + USAGE.completionTokens), calls: served.length });

    const waitingEvents = await readEvents(hub.app, `/v1/sessions/${waitingIds[0]}/events`, t.headers, (evs) => evs.some((e) => e.type === 'budget.waiting'));
    expect(waitingEvents.find((e) => e.type === 'budget.waiting')).toMatchObject({ scope: 'tenant', turnId: expect.any(String) });

    // An admin's top-up: every waiting turn runs and finishes.
    const topup = await hub.app.request(`/v1/budgets/${t.id}/topup`, post({ tokens: 200_000 }, hub.asAdmin));
    expect(topup.status).toBe(200);
    const done = await eventually(async () => Promise.all(ids.map(stateOf)), (all) => all.every((s) => s.status === 'idle' && s.turns === 1), 90_000);
    expect(done.map((s) => s.status)).toEqual(ids.map(() => 'idle'));
    for (const [i, s] of done.entries()) {
      expect(s.messages.map((m: any) => [m.role, m.content])).toEqual([
        ['user', textOf(i)],
        ['assistant', `You said: ${textOf(i)}`],
      ]);
      expect(requestsFor(textOf(i))).toHaveLength(1); // each message's call was made once
    }
    const resumed = await readEvents(hub.app, `/v1/sessions/${waitingIds[0]}/events`, t.headers, (evs) => evs.some((e) => e.type === 'turn.completed'));
    expect(resumed.map((e) => e.type)).toEqual(expect.arrayContaining(['budget.waiting', 'budget.resumed', 'turn.completed']));

    const after = await eventually(t.budget, (b) => b.spent.calls === SESSIONS && b.reserved.leases + b.reserved.blocks === 0);
    expect(after.spent).toEqual({ usd: 0, tokens: SESSIONS * (USAGE.promptTokens + USAGE.completionTokens), calls: SESSIONS });
    expect(after).toMatchObject({ reserved: { usd: 0, tokens: 0, leases: 0, blocks: 0 }, abandoned: 0, waiting: 0, queued: 0 });
    expect(hub.llm.chatRequests()).toHaveLength(SESSIONS);
  }, 240_000);

  it('a session created with waitForBudget: false fails its turn at once when the budget is spent, naming the budget', async () => {
    const t = hub.tenants['strict']!;
    // The first turn's call is granted (a lease alone is granted while anything is left) and spends the budget.
    const res = await hub.app.request('/v1/sessions', post({ message: 'strict first', waitForBudget: false }, t.headers));
    const created = await json(res);
    expect(res.status, JSON.stringify(created)).toBe(201);
    expect(created.reply).toMatchObject({ status: 'completed', reply: 'You said: strict first' });
    await eventually(t.budget, (b) => b.exhausted === true);

    const second = await hub.app.request(`/v1/sessions/${created.id}/messages`, post({ text: 'strict second' }, t.headers));
    const turn = await json(second);
    expect(second.status, JSON.stringify(turn)).toBe(200);
    expect(turn.status).toBe('failed');
    expect(turn.error).toMatch(/budget/);
    expect(turn.error).toMatch(/spending budget of tenant \S+ is spent \(1000 tokens this period\)/);
    expect(requestsFor('strict second')).toHaveLength(0);
    const state = await json(await hub.app.request(`/v1/sessions/${created.id}`, { headers: t.headers }));
    expect(state.status).toBe('idle');
  }, 120_000);
});

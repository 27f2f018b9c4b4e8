/** The ledger's decisions (workflows/src/budget-ledger-state.ts), as plain code: leases, caps, waits, rate limits, fairness. */
import { describe, expect, it } from 'vitest';
import type { BudgetLimits, LeaseDecision, LeaseRequest } from '@hub/contracts';
import { Ledger } from '../src/budget-ledger-state';

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);

function req(id: string, over: Partial<LeaseRequest> = {}): LeaseRequest {
  return { leaseId: `${id}#1.0`, callKey: id, attempt: 1, provider: 'p', priority: 'chat', fairKey: 'session/t/a', tokens: 100, usd: 0, ttlMs: 60_000, ...over };
}

/** A ledger with limits, and a helper that records every decision. */
function setup(limits?: BudgetLimits) {
  const ledger = new Ledger('t', T0);
  const decided = new Map<string, LeaseDecision>();
  const ask = (r: LeaseRequest, now = T0) => ledger.request({ ...r, ...(limits ? { configured: limits } : {}) }, now, (d) => decided.set(r.leaseId, d));
  const usage = (tokens: number, agent?: string) => ({ model: 'm', provider: 'p', promptTokens: tokens, completionTokens: 0, usd: 0, at: T0, ...(agent ? { agent } : {}) });
  return { ledger, decided, ask, usage };
}

describe('budget ledger', () => {
  it('grants while the estimate fits beside what is spent and reserved; concurrent calls overspend by at most one lease', () => {
    const { ledger, decided, ask, usage } = setup({ tokens: 250 });
    for (const id of ['a', 'b', 'c', 'd']) ask(req(id));
    ledger.pump(T0);
    // 100 + 100 reserved fit in 250; the third waits for a settlement (it would reserve 300).
    expect([...decided.keys()]).toEqual(['a#1.0', 'b#1.0']);
    ledger.settle({ leaseId: 'a#1.0', usage: usage(100) });
    ledger.settle({ leaseId: 'b#1.0', usage: usage(100) });
    ledger.pump(T0);
    // 200 spent, nothing reserved: the next lease is granted even though 200 + 100 > 250 (the one-lease overdraft).
    expect(decided.get('c#1.0')?.status).toBe('granted');
    expect(decided.has('d#1.0')).toBe(false);
    ledger.settle({ leaseId: 'c#1.0', usage: usage(100) });
    ledger.pump(T0);
    expect(decided.get('d#1.0')).toMatchObject({ status: 'exhausted', scope: 'tenant', cap: { tokens: 250 }, spent: { tokens: 300 } });
    const s = ledger.state(T0);
    expect(s.spent.tokens).toBe(300);
    expect(s.spent.tokens).toBeLessThanOrEqual(250 + 100);
    expect(s.reserved).toEqual({ usd: 0, tokens: 0, leases: 0, blocks: 0 });
    expect(s.exhausted).toBe(true);
  });

  it('remembers who waits for a spent budget and wakes them on a top-up, which lets calls through again', () => {
    const { ledger, decided, ask, usage } = setup({ usd: 1 });
    ledger.settle({ usage: { ...usage(10), usd: 1.5 } });
    ask(req('a', { wake: 'session/t/a' }));
    ask(req('b', { wake: 'session/t/b', usd: 0.1 }));
    ledger.pump(T0);
    expect(decided.get('a#1.0')?.status).toBe('exhausted');
    expect(ledger.state(T0).waiting).toBe(2);
    expect(ledger.topup({ usd: 2 }, 'topup-1')).toEqual(['session/t/a', 'session/t/b']);
    // The same top-up again (its Idempotency-Key, even after continue-as-new) adds nothing.
    expect(new Ledger('t', T0, ledger.carry(T0)).topup({ usd: 2 }, 'topup-1')).toEqual([]);
    ledger.topup({ usd: 2 }, 'topup-1');
    expect(ledger.state(T0)).toMatchObject({ waiting: 0, exhausted: false, toppedUp: { usd: 2, tokens: 0 } });
    ledger.topup({ usd: 1 });
    expect(ledger.state(T0).toppedUp.usd).toBe(3);
    ask(req('a', { attempt: 1, leaseId: 'a/budget-1#1.0', callKey: 'a/budget-1' }));
    ledger.pump(T0);
    expect(decided.get('a/budget-1#1.0')?.status).toBe('granted');
  });

  it('rolls the period over: spending and top-ups start again and waiters are woken', () => {
    const { ledger, decided, ask, usage } = setup({ tokens: 100, period: 'hour' });
    ask(req('a', { wake: 'w1' }));
    ledger.pump(T0);
    ledger.settle({ leaseId: 'a#1.0', usage: usage(150) });
    ask(req('b', { wake: 'w2' }));
    const { next } = ledger.pump(T0);
    expect(decided.get('b#1.0')).toMatchObject({ status: 'exhausted', resetsAt: T0 + 3_600_000 });
    expect(next).toBe(T0 + 3_600_000);
    const { wake } = ledger.pump(T0 + 3_600_000);
    expect(wake).toEqual(['w2']);
    expect(ledger.state(T0 + 3_600_000).spent.tokens).toBe(0);
  });

  it('charges a dead attempt\'s lease at its estimate once; a late settlement replaces the estimate; a repeated one counts once', () => {
    const { ledger, decided, ask, usage } = setup({ tokens: 10_000 });
    ask(req('call', { tokens: 500 }));
    ledger.pump(T0);
    // The worker died; the retry (attempt 2) asks again: attempt 1's lease is charged at its estimate.
    ask(req('call', { attempt: 2, leaseId: 'call#2.0', tokens: 500 }));
    ledger.pump(T0);
    expect(decided.get('call#2.0')?.status).toBe('granted');
    expect(ledger.state(T0)).toMatchObject({ abandoned: 1, spent: { tokens: 500 }, reserved: { leases: 1, tokens: 500 } });
    ledger.settle({ leaseId: 'call#2.0', usage: usage(120) });
    ledger.settle({ leaseId: 'call#2.0', usage: usage(120) });
    expect(ledger.state(T0)).toMatchObject({ spent: { tokens: 620, calls: 1 }, reserved: { leases: 0 } });
    // Attempt 1's settlement arrives after all (its worker was only slow): its real usage replaces the estimate.
    ledger.settle({ leaseId: 'call#1.0', usage: usage(80) });
    expect(ledger.state(T0)).toMatchObject({ abandoned: 0, spent: { tokens: 200, calls: 2 } });
    // A repeated request for a granted lease gets the same answer, no second lease.
    ask(req('x'));
    ask(req('x'));
    ledger.pump(T0);
    expect(ledger.state(T0).reserved.leases).toBe(1);
  });

  it('charges a lease past its time to live at its estimate', () => {
    const { ledger, ask } = setup({ tokens: 10_000 });
    ask(req('a', { tokens: 300, ttlMs: 1_000 }));
    ledger.pump(T0);
    ledger.pump(T0 + 1_000);
    expect(ledger.state(T0 + 1_000)).toMatchObject({ abandoned: 1, spent: { tokens: 300 }, reserved: { leases: 0 } });
  });

  it('a request settled while it waits leaves the queue (its call was cancelled)', () => {
    const { ledger, decided, ask } = setup({ rpm: 1 });
    ask(req('a'));
    ask(req('b'));
    ledger.pump(T0);
    expect(ledger.queued()).toBe(1);
    ledger.settle({ leaseId: 'b#1.0' });
    expect(ledger.queued()).toBe(0);
    expect(decided.get('b#1.0')?.status).toBe('granted');
    expect(ledger.state(T0).reserved.leases).toBe(1);
  });

  it('rate limits queue calls per provider; chat before research; fair across sessions', () => {
    const { ledger, decided, ask } = setup({ rpm: 2 });
    ask(req('s1-1', { fairKey: 'session/t/1' }));
    ask(req('s1-2', { fairKey: 'session/t/1' }));
    const first = ledger.pump(T0);
    expect(first.next).toBeUndefined();
    // The window is full: these wait. Arrival order: research, session 1 again, session 2, other provider.
    ask(req('r-1', { fairKey: 'research/t/j', priority: 'research' }), T0 + 1);
    ask(req('s1-3', { fairKey: 'session/t/1' }), T0 + 2);
    ask(req('s2-1', { fairKey: 'session/t/2' }), T0 + 3);
    ask(req('q-1', { provider: 'q' }), T0 + 4);
    const held = ledger.pump(T0 + 5);
    expect(decided.get('q-1#1.0')?.status).toBe('granted'); // another provider's window
    expect(held.next).toBe(T0 + 60_000);
    expect(decided.has('r-1#1.0') || decided.has('s1-3#1.0') || decided.has('s2-1#1.0')).toBe(false);
    // A minute on, two slots: chat first, and session 2 (never served) before session 1.
    ledger.pump(T0 + 60_000);
    expect(decided.get('s2-1#1.0')?.status).toBe('granted');
    expect(decided.get('s1-3#1.0')?.status).toBe('granted');
    expect(decided.has('r-1#1.0')).toBe(false);
    ledger.pump(T0 + 120_001);
    expect(decided.get('r-1#1.0')?.status).toBe('granted');
  });

  it('tokens per minute count estimates until they settle, then the real usage', () => {
    const { ledger, decided, ask, usage } = setup({ tpm: 1_000 });
    ask(req('a', { tokens: 800 }));
    ask(req('b', { tokens: 800 }));
    ledger.pump(T0);
    expect(decided.has('b#1.0')).toBe(false);
    ledger.settle({ leaseId: 'a#1.0', usage: usage(100) });
    ledger.pump(T0 + 1);
    expect(decided.get('b#1.0')?.status).toBe('granted');
  });

  it('caps single agents in the same period', () => {
    const { ledger, decided, ask, usage } = setup({ tokens: 10_000, agents: { writer: { tokens: 100 } } });
    ledger.settle({ usage: usage(100, 'writer') });
    ask(req('w', { agent: 'writer' }));
    ask(req('o', { agent: 'other' }));
    ledger.pump(T0);
    expect(decided.get('w#1.0')).toMatchObject({ status: 'exhausted', scope: 'agent' });
    expect(decided.get('o#1.0')?.status).toBe('granted');
  });

  it('rolls usage up by day, agent and model, and carries everything across continue-as-new', () => {
    const { ledger, usage } = setup();
    ledger.settle({ usage: { ...usage(10, 'a'), usd: 0.5 } });
    ledger.settle({ usage: { ...usage(5, 'a'), usd: 0.25 } });
    ledger.settle({ usage: { ...usage(7), at: T0 + 86_400_000 } });
    expect(ledger.rollups()).toEqual([
      { day: '2026-12-02', agent: 'a', model: 'm', calls: 2, promptTokens: 15, completionTokens: 0, totalTokens: 15, usd: 0.75 },
      { day: '2026-12-03', agent: '-', model: 'm', calls: 1, promptTokens: 7, completionTokens: 0, totalTokens: 7, usd: 0 },
    ]);
    expect(ledger.rollups('2026-12-03', '2026-12-03')).toHaveLength(1);
    const next = new Ledger('t', T0, ledger.carry(T0));
    expect(next.rollups()).toEqual(ledger.rollups());
    expect(next.state(T0)).toEqual(ledger.state(T0));
  });

  it('an admin\'s limits take precedence over the configured ones; clearing them restores the configured ones', () => {
    const { ledger, ask } = setup({ tokens: 100 });
    ask(req('a'));
    ledger.pump(T0);
    expect(ledger.state(T0)).toMatchObject({ source: 'config', limits: { tokens: 100 } });
    ledger.setAdminLimits({ tokens: 5_000, period: 'day' }, T0);
    expect(ledger.state(T0)).toMatchObject({ source: 'admin', limits: { tokens: 5_000 } });
    ledger.setAdminLimits(null, T0);
    expect(ledger.state(T0)).toMatchObject({ source: 'config', limits: { tokens: 100 } });
  });
});

/** Workers' budget blocks in the ledger's decisions (workflows/src/budget-ledger-state.ts, ./budget-ledger-blocks.ts), as plain code. */
import { describe, expect, it } from 'vitest';
import type { BlockCallInput, BlockRequest, BudgetLimits, LeaseDecision, LeaseRequest } from '@hub/contracts';
import { Ledger } from '../src/budget-ledger-state';

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);

const block = (id: string, over: Partial<BlockRequest> = {}): BlockRequest => ({ blockId: id, tokens: 3_200, usd: 0, minTokens: 100, minUsd: 0, ttlMs: 15_000, ...over });
const call = (blockId: string, id: string, over: Partial<BlockCallInput> = {}): BlockCallInput => ({ blockId, leaseId: `${id}#1.0`, callKey: id, attempt: 1, provider: 'p', fairKey: 'session/t/a', tokens: 100, usd: 0, ttlMs: 60_000, ...over });
const lease = (id: string, over: Partial<LeaseRequest> = {}): LeaseRequest => ({ leaseId: `${id}#1.0`, callKey: id, attempt: 1, provider: 'p', priority: 'chat', fairKey: 'session/t/b', tokens: 100, usd: 0, ttlMs: 60_000, ...over });
const usage = (tokens: number) => ({ model: 'm', provider: 'p', promptTokens: tokens, completionTokens: 0, usd: 0, at: T0 });

function setup(limits?: BudgetLimits) {
  const ledger = new Ledger('t', T0);
  const configured = limits ? { configured: limits } : {};
  const decided = new Map<string, LeaseDecision>();
  return {
    ledger,
    decided,
    grant: (r: BlockRequest, now = T0) => ledger.grantBlock({ ...r, ...configured }, now),
    ask: (r: LeaseRequest, now = T0) => ledger.request({ ...r, ...configured }, now, (d) => decided.set(r.leaseId, d)),
  };
}

describe('budget blocks', () => {
  it('grants a block of at most a quarter of what is left, moves each call from it to a lease, and releases the rest on close', () => {
    const { ledger, grant } = setup({ tokens: 10_000 });
    expect(grant(block('b1'))).toEqual({ status: 'granted', blockId: 'b1', tokens: 2_500, usd: 0 });
    expect(ledger.state(T0).reserved).toEqual({ usd: 0, tokens: 2_500, leases: 0, blocks: 1 });
    // A second worker's block: a quarter of what is left beside the first.
    expect(grant(block('b2'))).toMatchObject({ status: 'granted', tokens: 1_875 });
    ledger.blockCall(call('b1', 'c1'), T0);
    ledger.blockCall(call('b1', 'c2'), T0);
    // The two calls' estimates left the block and are leases now: the total reserved is unchanged.
    expect(ledger.state(T0).reserved).toEqual({ usd: 0, tokens: 2_500 + 1_875, leases: 2, blocks: 2 });
    ledger.settle({ leaseId: 'c1#1.0', usage: usage(60) });
    ledger.blockCall(call('b1', 'c1'), T0); // told again (a retried Signal): nothing changes
    expect(ledger.state(T0)).toMatchObject({ spent: { tokens: 60, calls: 1 }, reserved: { tokens: 2_300 + 100 + 1_875, leases: 1, blocks: 2 } });
    ledger.closeBlock('b1');
    ledger.closeBlock('b2');
    expect(ledger.state(T0).reserved).toEqual({ usd: 0, tokens: 100, leases: 1, blocks: 0 });
    ledger.settle({ leaseId: 'c2#1.0', usage: usage(80) });
    expect(ledger.state(T0)).toMatchObject({ spent: { tokens: 140, calls: 2 }, reserved: { usd: 0, tokens: 0, leases: 0, blocks: 0 }, abandoned: 0 });
  });

  it('asked again (the same block id) answers what is left of the same block instead of a second one', () => {
    const { ledger, grant } = setup({ usd: 4 });
    expect(grant(block('b1', { usd: 3.2, minUsd: 0.1 }))).toEqual({ status: 'granted', blockId: 'b1', tokens: 3_200, usd: 1 });
    ledger.blockCall(call('b1', 'c1', { usd: 0.1 }), T0);
    expect(grant(block('b1', { usd: 3.2, minUsd: 0.1 }))).toEqual({ status: 'granted', blockId: 'b1', tokens: 3_100, usd: 0.9 });
    expect(ledger.state(T0).reserved).toMatchObject({ usd: 1, blocks: 1, leases: 1 });
  });

  it('refuses a block under rate limits, agent caps, with requests waiting, and when not even the call at hand fits', () => {
    expect(setup({ tokens: 10_000, rpm: 60 }).grant(block('b'))).toEqual({ status: 'refused', reason: 'rate-limits' });
    expect(setup({ tokens: 10_000, tpm: 600 }).grant(block('b'))).toEqual({ status: 'refused', reason: 'rate-limits' });
    expect(setup({ tokens: 10_000, agents: { researcher: { tokens: 10 } } }).grant(block('b'))).toEqual({ status: 'refused', reason: 'agent-caps' });
    const tight = setup({ tokens: 150 });
    tight.ask(lease('l1'));
    tight.ask(lease('l2')); // 100 + 100 does not fit in 150 beside the first: it waits
    tight.ledger.pump(T0);
    expect(tight.decided.get('l1#1.0')?.status).toBe('granted');
    expect(tight.ledger.queued()).toBe(1);
    expect(tight.grant(block('b'))).toEqual({ status: 'refused', reason: 'queue' });
    const spent = setup({ tokens: 1_000 });
    spent.ask(lease('l1', { tokens: 950 }));
    spent.ledger.pump(T0);
    expect(spent.grant(block('b'))).toEqual({ status: 'refused', reason: 'budget' }); // 50 left < the call's 100
    spent.ledger.settle({ leaseId: 'l1#1.0', usage: usage(1_000) });
    expect(spent.grant(block('b', { minTokens: 0 }))).toEqual({ status: 'refused', reason: 'budget' }); // nothing left at all
    // No limits at all: the block is as large as asked.
    expect(setup().grant(block('b', { tokens: 1e9 }))).toMatchObject({ status: 'granted', tokens: 1e9 });
  });

  it('a lease alone waits while a block holds what it needs and is granted when the block closes; a lapsed block is released, its calls stay leased', () => {
    const { ledger, decided, grant, ask } = setup({ tokens: 1_000 });
    expect(grant(block('b1', { tokens: 1_000 }))).toMatchObject({ status: 'granted', tokens: 250 });
    ask(lease('alone', { tokens: 800 }));
    ledger.pump(T0);
    expect(decided.has('alone#1.0')).toBe(false); // 250 + 800 > 1000 while the block is held
    ledger.closeBlock('b1');
    ledger.pump(T0);
    expect(decided.get('alone#1.0')).toMatchObject({ status: 'granted' });
    ledger.settle({ leaseId: 'alone#1.0', usage: usage(0) });

    expect(grant(block('b2', { ttlMs: 15_000 }), T0)).toMatchObject({ status: 'granted', tokens: 250 });
    ledger.blockCall(call('b2', 'c1', { ttlMs: 60_000 }), T0);
    const { next } = ledger.pump(T0 + 1_000);
    expect(next).toBeUndefined(); // nothing waits: no timer needed
    // The holder died: after its time-to-live the block's remainder is released; the call it told of stays
    // leased until its own time-to-live, then is charged at its estimate (its outcome is unknown).
    ledger.pump(T0 + 15_000);
    expect(ledger.state(T0 + 15_000).reserved).toEqual({ usd: 0, tokens: 100, leases: 1, blocks: 0 });
    ledger.pump(T0 + 60_000);
    expect(ledger.state(T0 + 60_000)).toMatchObject({ reserved: { tokens: 0, leases: 0, blocks: 0 }, abandoned: 1, spent: { tokens: 100 } });
  });

  it('a later attempt of a call told from a block abandons the earlier attempt (charged once at its estimate); blocks are carried to the next run', () => {
    const { ledger, grant } = setup({ tokens: 100_000 });
    grant(block('b1'));
    ledger.blockCall(call('b1', 'c1'), T0);
    ledger.blockCall(call('b1', 'c1', { leaseId: 'c1#2.0', attempt: 2 }), T0);
    expect(ledger.state(T0)).toMatchObject({ abandoned: 1, spent: { tokens: 100 }, reserved: { leases: 1, blocks: 1 } });
    const next = new Ledger('t', T0 + 1, ledger.carry(T0 + 1));
    expect(next.state(T0 + 1).reserved).toEqual(ledger.state(T0).reserved);
    next.settle({ leaseId: 'c1#2.0', usage: usage(90) });
    next.closeBlock('b1');
    expect(next.state(T0 + 1)).toMatchObject({ spent: { tokens: 190, calls: 1 }, reserved: { usd: 0, tokens: 0, leases: 0, blocks: 0 } });
  });
});

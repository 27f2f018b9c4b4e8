/**
 * The worker's side of budget blocks (src/llm/budget-blocks.ts), against a stand-in for the ledger's
 * `acquireBlock` (the real ledger is exercised in workflows/test/budget-blocks.test.ts and the e2e tests).
 */
import { describe, expect, it } from 'vitest';
import type { BlockDecision, BlockRequest } from '@hub/contracts';
import { BlockPool } from '../src/llm/budget-blocks';

function pool(answer: (req: Omit<BlockRequest, 'configured'>) => BlockDecision | Promise<BlockDecision>, opts = {}) {
  const asked: Array<Omit<BlockRequest, 'configured'>> = [];
  const released: string[] = [];
  const p = new BlockPool<null>(
    { useMs: 60_000, ttlMs: 120_000, idleMs: 60_000, ...opts },
    async (_via, _tenant, req) => {
      asked.push(req);
      return answer(req);
    },
    (_via, _tenant, id) => void released.push(id),
  );
  return { p, asked, released };
}
const grantAll = (req: Omit<BlockRequest, 'configured'>): BlockDecision => ({ status: 'granted', blockId: req.blockId, tokens: req.tokens, usd: req.usd });
const est = { tokens: 100, usd: 0.01 };

describe('BlockPool', () => {
  it('grants calls from one block, asks for its successor off the calls\' path when a quarter is left, and releases the old one', async () => {
    const { p, asked, released } = pool(grantAll, { calls: 8 });
    const est = { tokens: 100, usd: 0.25 };
    const first = await Promise.all(Array.from({ length: 4 }, () => p.take(null, 't', est)));
    expect(asked).toHaveLength(1); // concurrent takes share one request
    expect(new Set(first).size).toBe(1);
    expect(asked[0]).toMatchObject({ tokens: 800, usd: 2, minTokens: 100, minUsd: 0.25 });
    for (let i = 0; i < 3; i++) expect(await p.take(null, 't', est)).toBe(first[0]); // 7 of 8 taken: the successor is asked for
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toHaveLength(2);
    expect(released).toEqual([first[0]]);
    const next = await p.take(null, 't', est);
    expect(next).toBe(asked[1]!.blockId);
    p.closeAll();
    expect(released).toEqual([first[0], next]);
    expect(p.held()).toBe(0);
  });

  it('a refused block sends calls to leases of their own for a while; a call too large for its block takes a new one', async () => {
    const refused = pool(() => ({ status: 'refused', reason: 'rate-limits' }));
    expect(await refused.p.take(null, 't', est)).toBeUndefined();
    expect(await refused.p.take(null, 't', est)).toBeUndefined();
    expect(refused.asked).toHaveLength(1); // not asked again at once

    const sized = pool((req) => ({ status: 'granted', blockId: req.blockId, tokens: 150, usd: 1 }));
    const a = await sized.p.take(null, 't', est);
    expect(a).toBeDefined();
    const b = await sized.p.take(null, 't', est); // 50 left < 100: the block is retired, a new one asked for
    expect(b).not.toBe(a);
    expect(sized.released).toContain(a);

    const failing = pool(() => Promise.reject(new Error('ledger unreachable')));
    expect(await failing.p.take(null, 't', est)).toBeUndefined();
  });

  it('closes an idle block', async () => {
    const { p, released } = pool(grantAll, { idleMs: 20 });
    const id = await p.take(null, 't', est);
    await new Promise((r) => setTimeout(r, 100));
    expect(released).toEqual([id]);
    expect(p.held()).toBe(0);
  });
});

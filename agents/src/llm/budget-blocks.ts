/**
 * A worker's budget blocks (issue 14's lease overhead): per tenant, a slice of the budget the ledger reserved
 * for this worker (`acquireBlock`, one Update), from which the meter grants its calls' leases without a round
 * trip; each call still tells the ledger before it is made (`blockCall`, a Signal the call waits for: a Signal
 * is persisted without a workflow task, a fraction of an Update's time), so a call whose worker dies is charged
 * at its estimate as any lease. A block is used for a few seconds at most, closed when idle or too small for
 * the call at hand, and released by the ledger after its time-to-live if its worker died. The ledger refuses a
 * block while calls wait or when rate limits or agent caps apply: then calls take a lease each.
 */
import { randomUUID } from 'node:crypto';
import type { BlockDecision, BlockRequest } from '@hub/contracts';

export interface BlockOptions {
  /** A block asks room for this many calls like the one at hand (the ledger may give less). Default 32. */
  calls?: number;
  /** The ledger releases a block's remainder after this long (default 15 s). */
  ttlMs?: number;
  /** This worker stops granting from a block after this long (default 5 s: well inside its time-to-live). */
  useMs?: number;
  /** …and closes it after this long without a call (default 1 s), so idle workers hold no budget. */
  idleMs?: number;
}

interface LocalBlock<C> {
  tenant: string;
  /** Granted size (a successor is asked for in the background once a quarter of it is left). */
  granted: { tokens: number; usd: number };
  /** What it was asked with (the worker's Temporal client): its release goes the same way. */
  via: C;
  blockId: string;
  tokens: number;
  usd: number;
  usableUntil: number;
  lastUse: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** How long a refused tenant goes call by call before asking for a block again. */
const REFUSED_MS: Record<Extract<BlockDecision, { status: 'refused' }>['reason'], number> = { 'rate-limits': 30_000, 'agent-caps': 30_000, queue: 2_000, budget: 2_000 };

/** `C`: what reaches the ledger (the worker's Temporal client), passed through to `ask` and `release`. */
export class BlockPool<C> {
  private readonly holder = randomUUID();
  private seq = 0;
  private readonly calls: number;
  private readonly ttlMs: number;
  private readonly useMs: number;
  private readonly idleMs: number;
  private readonly open = new Map<string, LocalBlock<C>>();
  private readonly asking = new Map<string, Promise<void>>();
  private readonly refusedUntil = new Map<string, number>();

  constructor(
    opts: BlockOptions,
    private readonly ask: (via: C, tenant: string, req: Omit<BlockRequest, 'configured'>) => Promise<BlockDecision>,
    private readonly release: (via: C, tenant: string, blockId: string) => void,
  ) {
    this.calls = opts.calls ?? 32;
    this.ttlMs = opts.ttlMs ?? 15_000;
    this.useMs = Math.min(opts.useMs ?? 5_000, this.ttlMs / 2);
    this.idleMs = opts.idleMs ?? 1_000;
  }

  /** A lease for a call of this estimate from the tenant's block (asking for one if needed): its block id, or undefined (lease it alone). */
  async take(via: C, tenant: string, est: { tokens: number; usd: number }): Promise<string | undefined> {
    for (let round = 0; round < 2; round++) {
      const now = Date.now();
      const b = this.open.get(tenant);
      if (b && now <= b.usableUntil && b.tokens >= est.tokens && b.usd >= est.usd) {
        b.tokens -= est.tokens;
        b.usd -= est.usd;
        b.lastUse = now;
        // Running low or old: its successor is asked for now, off the calls' path (it replaces this one when granted).
        const low = b.tokens < b.granted.tokens / 4 || b.usd < b.granted.usd / 4 || now > b.usableUntil - this.useMs / 4;
        if (low && !this.asking.has(tenant)) void this.newBlock(via, tenant, est);
        return b.blockId;
      }
      if (b) this.retire(b);
      if ((this.refusedUntil.get(tenant) ?? 0) > now) return undefined;
      await (this.asking.get(tenant) ?? this.newBlock(via, tenant, est));
    }
    return undefined;
  }

  private newBlock(via: C, tenant: string, est: { tokens: number; usd: number }): Promise<void> {
    const req = { blockId: `block/${this.holder}/${++this.seq}`, tokens: est.tokens * this.calls, usd: est.usd * this.calls, minTokens: est.tokens, minUsd: est.usd, ttlMs: this.ttlMs };
    const asked = Date.now();
    const p = this.ask(via, tenant, req)
      .then((d) => {
        if (d.status === 'refused') {
          this.refusedUntil.set(tenant, Date.now() + REFUSED_MS[d.reason]);
          return;
        }
        const b: LocalBlock<C> = { tenant, via, granted: { tokens: d.tokens, usd: d.usd }, blockId: d.blockId, tokens: d.tokens, usd: d.usd, usableUntil: asked + this.useMs, lastUse: Date.now() };
        const before = this.open.get(tenant);
        if (before) this.retire(before); // the block it succeeds
        this.open.set(tenant, b);
        this.watchIdle(b);
      })
      .catch(() => {
        this.refusedUntil.set(tenant, Date.now() + 2_000); // the ledger did not answer: lease call by call for a while
      })
      .finally(() => this.asking.delete(tenant));
    this.asking.set(tenant, p);
    return p;
  }

  private watchIdle(b: LocalBlock<C>): void {
    const check = (): void => {
      const now = Date.now();
      if (this.open.get(b.tenant) !== b) return;
      if (now - b.lastUse >= this.idleMs || now > b.usableUntil) this.retire(b);
      else b.timer = setTimeout(check, Math.max(10, Math.min(b.lastUse + this.idleMs, b.usableUntil + 1) - now)).unref();
    };
    b.timer = setTimeout(check, this.idleMs).unref();
  }

  private retire(b: LocalBlock<C>): void {
    if (this.open.get(b.tenant) === b) this.open.delete(b.tenant);
    if (b.timer) clearTimeout(b.timer);
    this.release(b.via, b.tenant, b.blockId);
  }

  /** At the worker's end: every block is given back. */
  closeAll(): void {
    for (const b of [...this.open.values()]) this.retire(b);
  }

  /** Blocks held now (tests, the bench). */
  held(): number {
    return this.open.size;
  }
}

/**
 * The state of one tenant's ledger (`./budget-ledger`), as plain deterministic code: the period's spending,
 * the leases in flight, the queue of lease requests, per-provider rate windows, top-ups, usage rollups.
 *
 * Leases. A request is granted while the budget allows its estimate on top of what is spent and reserved,
 * so concurrent calls can overspend by at most one lease (a lease alone is granted while anything is left).
 * A request that would overdraw while other leases are in flight waits for them to settle; one that finds
 * the budget spent is answered `exhausted` (the caller waits for `budgetAvailable` or fails).
 *
 * Unknown outcomes. A lease whose call never settles (its worker died, a later attempt of the same call asks
 * again, or its time-to-live passed) is charged at its estimate: the call may have happened. A settlement
 * that arrives after that replaces the estimate with the real usage, so nothing is counted twice.
 *
 * Workers' blocks (`./budget-ledger-blocks`). While nothing waits and no rate limit or agent cap applies, a
 * worker reserves a block of the budget and grants its calls from it itself; each call's estimate moves from
 * the block to a lease of its own before the call is made (`blockCall`), so the rules above hold for it.
 *
 * Rate limits (rpm, tpm per provider, sliding 60 s windows) and fairness: waiting requests are served chat
 * first, then the fair key (session, research job) served longest ago, then in arrival order; a request that
 * has to wait holds back the ones behind it on the same provider, so the order holds.
 */
import {
  periodBounds,
  type BlockCallInput,
  type BlockDecision,
  type BlockRequest,
  type BudgetCap,
  type BudgetLimits,
  type BudgetState,
  type LeaseDecision,
  type LeaseRequest,
  type SettleInput,
  type TopupInput,
  type UsageRecord,
  type UsageRollup,
} from '@hub/contracts/budget/wire';
import { decideBlock } from './budget-ledger-blocks';
import { addToRollups, round, type Lease, type LedgerCarry } from './budget-ledger-carry';

export type { LedgerCarry } from './budget-ledger-carry';

const WINDOW_MS = 60_000;
/** Settled and abandoned lease ids remembered, so a late or repeated settlement counts once. */
const MAX_REMEMBERED = 2_000;

interface Waiting {
  req: LeaseRequest;
  at: number;
  seq: number;
  decide(d: LeaseDecision): void;
}

export class Ledger {
  readonly tenant: string;
  private s: LedgerCarry;
  private queue: Waiting[] = [];
  private seq = 0;

  constructor(tenant: string, now: number, carried?: LedgerCarry) {
    this.tenant = tenant;
    this.s = carried ?? {
      period: periodBounds('day', now),
      spent: { usd: 0, tokens: 0, calls: 0 },
      byAgent: {},
      toppedUp: { usd: 0, tokens: 0 },
      leases: [],
      abandoned: 0,
      charged: {},
      settled: [],
      waiters: [],
      rollups: [],
      windows: {},
      lastServed: {},
    };
  }

  limits(): BudgetLimits | undefined {
    return this.s.admin ?? this.s.configured;
  }

  /** The period rolls over: spending and top-ups start again. Returns the workflows to wake. */
  roll(now: number): string[] {
    const bounds = periodBounds(this.limits()?.period ?? 'day', now);
    if (bounds.start === this.s.period.start && bounds.end === this.s.period.end) return [];
    this.s.period = bounds;
    this.s.spent = { usd: 0, tokens: 0, calls: 0 };
    this.s.byAgent = {};
    this.s.toppedUp = { usd: 0, tokens: 0 };
    return this.takeWaiters();
  }

  takeWaiters(): string[] {
    const w = this.s.waiters;
    this.s.waiters = [];
    return w;
  }

  /** A lease request. Answers at once when it can (a repeated request gets its first answer), else queues it. */
  request(req: LeaseRequest, now: number, decide: (d: LeaseDecision) => void): void {
    if (req.configured !== undefined || this.s.configured !== undefined) this.s.configured = req.configured;
    if (this.s.leases.some((l) => l.leaseId === req.leaseId) || this.s.settled.includes(req.leaseId)) {
      decide({ status: 'granted', leaseId: req.leaseId, queuedMs: 0 });
      return;
    }
    const queued = this.queue.find((w) => w.req.leaseId === req.leaseId);
    if (queued) {
      // Asked again while it waits (the Update was retried): both hear the one decision.
      const first = queued.decide;
      queued.decide = (d) => {
        first(d);
        decide(d);
      };
      return;
    }
    this.abandonEarlier(req.callKey, req.attempt);
    this.queue.push({ req, at: now, seq: this.seq++, decide });
  }

  /** A later attempt of the same call: the earlier attempts died with their leases held. */
  private abandonEarlier(callKey: string, attempt: number): void {
    for (const l of this.s.leases.filter((x) => x.callKey === callKey && x.attempt < attempt)) this.abandon(l);
  }

  /** A worker asks for a block of budget to grant its calls from (answered at once). */
  grantBlock(req: BlockRequest, now: number): BlockDecision {
    if (req.configured !== undefined || this.s.configured !== undefined) this.s.configured = req.configured;
    const blocks = (this.s.blocks ??= []);
    const held = blocks.find((b) => b.blockId === req.blockId);
    if (held) return { status: 'granted', blockId: held.blockId, tokens: held.tokens, usd: held.usd }; // asked again
    // (A period that has just ended is rolled over by the next pump; until then the block is sized on the old one.)
    const reserved = this.reserved();
    const decision = decideBlock(req, { limits: this.limits(), cap: this.caps().tenant, spent: this.s.spent, reserved, queued: this.queue.length });
    if (decision.status === 'granted') blocks.push({ blockId: req.blockId, tokens: decision.tokens, usd: decision.usd, grantedAt: now, ttlMs: req.ttlMs });
    return decision;
  }

  /** A call granted from a block is about to be made: its estimate moves from the block to a lease of its own. */
  blockCall(c: BlockCallInput, now: number): void {
    if (this.s.leases.some((l) => l.leaseId === c.leaseId) || this.s.settled.includes(c.leaseId)) return; // told again
    const block = this.s.blocks?.find((b) => b.blockId === c.blockId);
    if (block) {
      block.tokens = Math.max(0, block.tokens - c.tokens);
      block.usd = Math.max(0, round(block.usd - c.usd));
    }
    // Even with its block gone (expired, closed) the call is made: it is leased all the same.
    this.abandonEarlier(c.callKey, c.attempt);
    this.s.leases.push({ leaseId: c.leaseId, callKey: c.callKey, attempt: c.attempt, provider: c.provider, ...(c.agent ? { agent: c.agent } : {}), tokens: c.tokens, usd: c.usd, grantedAt: now, ttlMs: c.ttlMs });
    this.s.lastServed[c.fairKey] = now;
  }

  /** When the first open block lapses (undefined: none is open). */
  nextBlockLapse(): number | undefined {
    const ends = (this.s.blocks ?? []).map((b) => b.grantedAt + b.ttlMs);
    return ends.length > 0 ? Math.min(...ends) : undefined;
  }

  /** The holder is done with a block (or its time is up): what is left of it is released. */
  closeBlock(blockId: string): void {
    if (this.s.blocks) this.s.blocks = this.s.blocks.filter((b) => b.blockId !== blockId);
  }

  private abandon(l: Lease): void {
    this.s.leases = this.s.leases.filter((x) => x !== l);
    this.charge(l.tokens, l.usd, l.agent);
    this.s.abandoned += 1;
    this.s.charged[l.leaseId] = { usd: l.usd, tokens: l.tokens, ...(l.agent ? { agent: l.agent } : {}) };
    const keys = Object.keys(this.s.charged);
    if (keys.length > MAX_REMEMBERED) delete this.s.charged[keys[0]!];
  }

  private charge(tokens: number, usd: number, agent: string | undefined): void {
    this.s.spent.tokens += tokens;
    this.s.spent.usd = round(this.s.spent.usd + usd);
    if (agent) {
      const a = (this.s.byAgent[agent] ??= { usd: 0, tokens: 0 });
      a.tokens += tokens;
      a.usd = round(a.usd + usd);
    }
  }

  private remember(leaseId: string): void {
    this.s.settled.push(leaseId);
    if (this.s.settled.length > MAX_REMEMBERED) this.s.settled.splice(0, this.s.settled.length - MAX_REMEMBERED);
  }

  /** A call's real usage (and the end of its lease). */
  settle(input: SettleInput): void {
    const { leaseId, usage } = input;
    if (leaseId !== undefined) {
      if (this.s.settled.includes(leaseId)) return; // a repeated settlement
      this.remember(leaseId);
      // Settled before it was granted (its call was cancelled while it waited): it leaves the queue.
      const queued = this.queue.find((w) => w.req.leaseId === leaseId);
      if (queued) {
        this.queue = this.queue.filter((w) => w !== queued);
        queued.decide({ status: 'granted', leaseId, queuedMs: 0 });
      }
      const lease = this.s.leases.find((l) => l.leaseId === leaseId);
      if (lease) {
        this.s.leases = this.s.leases.filter((l) => l !== lease);
        const win = this.s.windows[lease.provider]?.find((w) => w[2] === leaseId);
        if (win) win[1] = usage ? usage.promptTokens + usage.completionTokens : 0;
      } else {
        const est = this.s.charged[leaseId];
        if (est) {
          // Charged at its estimate when it was abandoned: the real usage replaces the estimate.
          delete this.s.charged[leaseId];
          this.charge(-est.tokens, -est.usd, est.agent);
          this.s.abandoned -= 1;
        }
      }
    }
    if (usage) this.record(usage);
  }

  private record(u: UsageRecord): void {
    this.charge(u.promptTokens + u.completionTokens, u.usd, u.agent);
    this.s.spent.calls += 1;
    addToRollups(this.s.rollups, u);
  }

  topup(t: TopupInput, id?: string): string[] {
    if (id !== undefined) {
      const seen = (this.s.topups ??= []);
      if (seen.includes(id)) return [];
      seen.push(id);
      if (seen.length > 500) seen.splice(0, seen.length - 500);
    }
    this.s.toppedUp.usd = round(this.s.toppedUp.usd + (t.usd ?? 0));
    this.s.toppedUp.tokens += t.tokens ?? 0;
    return this.takeWaiters();
  }

  setAdminLimits(limits: BudgetLimits | null, now: number): string[] {
    if (limits === null) delete this.s.admin;
    else this.s.admin = limits;
    return [...this.roll(now), ...this.takeWaiters()];
  }

  /** Caps in force: the limits plus this period's top-ups (undefined: no cap of that kind). */
  private caps(): { tenant: BudgetCap; agents: Record<string, BudgetCap> } {
    const l = this.limits();
    const tenant: BudgetCap = {};
    if (l?.usd !== undefined) tenant.usd = round(l.usd + this.s.toppedUp.usd);
    if (l?.tokens !== undefined) tenant.tokens = l.tokens + this.s.toppedUp.tokens;
    return { tenant, agents: l?.agents ?? {} };
  }

  /** Spent: new calls wait (or fail). */
  private static over(spent: { usd: number; tokens: number }, cap: BudgetCap): boolean {
    return (cap.usd !== undefined && spent.usd >= cap.usd) || (cap.tokens !== undefined && spent.tokens >= cap.tokens);
  }

  /** Held by leases (of one agent, or all) and, for the tenant, by the blocks' remainders (lapsed ones are released by `pump`). */
  private reserved(agent?: string): { usd: number; tokens: number; leases: number; blocks: number } {
    let usd = 0;
    let tokens = 0;
    let leases = 0;
    for (const l of this.s.leases) {
      if (agent !== undefined && l.agent !== agent) continue;
      usd += l.usd;
      tokens += l.tokens;
      leases += 1;
    }
    const blocks = agent === undefined ? (this.s.blocks ?? []) : [];
    for (const b of blocks) {
      usd += b.usd;
      tokens += b.tokens;
    }
    return { usd: round(usd), tokens, leases, blocks: blocks.length };
  }

  private windowOf(provider: string, now: number): Array<[number, number, string]> {
    const w = (this.s.windows[provider] ?? []).filter((e) => e[0] > now - WINDOW_MS);
    if (w.length > 0) this.s.windows[provider] = w;
    else delete this.s.windows[provider];
    return w;
  }

  /**
   * Decides what can be decided: expired leases are charged, queued requests granted, refused as exhausted, or
   * left waiting. Returns when to look again (ms since the epoch; undefined: only when something arrives).
   */
  pump(now: number): { wake: string[]; next?: number } {
    const wake = this.roll(now);
    for (const l of [...this.s.leases]) if (l.grantedAt + l.ttlMs <= now) this.abandon(l);
    for (const b of [...(this.s.blocks ?? [])]) if (b.grantedAt + b.ttlMs <= now) this.closeBlock(b.blockId);
    const caps = this.caps();
    const limits = this.limits();
    const order = [...this.queue].sort(
      (a, b) =>
        (a.req.priority === b.req.priority ? 0 : a.req.priority === 'chat' ? -1 : 1) ||
        (this.s.lastServed[a.req.fairKey] ?? -1) - (this.s.lastServed[b.req.fairKey] ?? -1) ||
        a.seq - b.seq,
    );
    const heldProviders = new Set<string>();
    let heldBudget = false;
    let next: number | undefined;
    const later = (t: number): void => {
      next = next === undefined ? t : Math.min(next, t);
    };
    for (const w of order) {
      const { req } = w;
      const agentCap = req.agent !== undefined ? caps.agents[req.agent] : undefined;
      const agentSpent = req.agent !== undefined ? (this.s.byAgent[req.agent] ?? { usd: 0, tokens: 0 }) : undefined;
      const exhausted: 'tenant' | 'agent' | undefined = Ledger.over(this.s.spent, caps.tenant) ? 'tenant' : agentCap && agentSpent && Ledger.over(agentSpent, agentCap) ? 'agent' : undefined;
      if (exhausted) {
        this.queue = this.queue.filter((x) => x !== w);
        if (req.wake && !this.s.waiters.includes(req.wake)) this.s.waiters.push(req.wake);
        const cap = exhausted === 'tenant' ? caps.tenant : agentCap!;
        const spent = exhausted === 'tenant' ? this.s.spent : agentSpent!;
        w.decide({ status: 'exhausted', scope: exhausted, resetsAt: this.s.period.end, spent: { usd: spent.usd, tokens: spent.tokens }, cap });
        continue;
      }
      // Budget: the estimate must fit beside what is spent and reserved, unless no other lease is in flight.
      const estimate = { usd: req.usd, tokens: req.tokens };
      const tenantRes = this.reserved();
      const overdraws =
        (tenantRes.leases + tenantRes.blocks > 0 && Ledger.overBy(this.s.spent, tenantRes, estimate, caps.tenant)) ||
        (agentCap !== undefined && this.reserved(req.agent).leases > 0 && Ledger.overBy(agentSpent!, this.reserved(req.agent), estimate, agentCap));
      if (heldBudget || overdraws) {
        heldBudget = true; // settlements wake the loop
        this.expiryOf(later);
        continue;
      }
      if (heldProviders.has(req.provider)) continue;
      const win = this.windowOf(req.provider, now);
      const rpmFull = limits?.rpm !== undefined && win.length >= limits.rpm;
      const tpmFull = limits?.tpm !== undefined && win.length > 0 && win.reduce((s, e) => s + e[1], 0) + req.tokens > limits.tpm;
      if (rpmFull || tpmFull) {
        heldProviders.add(req.provider);
        later(win[0]![0] + WINDOW_MS);
        continue;
      }
      this.queue = this.queue.filter((x) => x !== w);
      this.s.leases.push({ leaseId: req.leaseId, callKey: req.callKey, attempt: req.attempt, provider: req.provider, ...(req.agent ? { agent: req.agent } : {}), tokens: req.tokens, usd: req.usd, grantedAt: now, ttlMs: req.ttlMs });
      if (limits?.rpm !== undefined || limits?.tpm !== undefined) (this.s.windows[req.provider] ??= []).push([now, req.tokens, req.leaseId]);
      this.s.lastServed[req.fairKey] = now;
      w.decide({ status: 'granted', leaseId: req.leaseId, queuedMs: now - w.at });
    }
    if (this.s.waiters.length > 0) later(this.s.period.end);
    return { wake, ...(next !== undefined ? { next } : {}) };
  }

  private static overBy(spent: { usd: number; tokens: number }, reserved: { usd: number; tokens: number }, estimate: { usd: number; tokens: number }, cap: BudgetCap): boolean {
    return (cap.usd !== undefined && spent.usd + reserved.usd + estimate.usd > cap.usd) || (cap.tokens !== undefined && spent.tokens + reserved.tokens + estimate.tokens > cap.tokens);
  }

  private expiryOf(later: (t: number) => void): void {
    for (const l of this.s.leases) later(l.grantedAt + l.ttlMs);
    for (const b of this.s.blocks ?? []) later(b.grantedAt + b.ttlMs);
  }

  queued(): number {
    return this.queue.length;
  }

  state(now: number): BudgetState {
    const limits = this.limits();
    const caps = this.caps();
    return {
      tenant: this.tenant,
      ...(limits ? { limits } : {}),
      source: this.s.admin ? 'admin' : this.s.configured ? 'config' : 'none',
      periodStart: new Date(this.s.period.start).toISOString(),
      periodEnd: new Date(this.s.period.end).toISOString(),
      spent: { ...this.s.spent },
      toppedUp: { ...this.s.toppedUp },
      reserved: this.reserved(),
      queued: this.queue.length,
      exhausted: now < this.s.period.end && Ledger.over(this.s.spent, caps.tenant),
      waiting: this.s.waiters.length,
      abandoned: this.s.abandoned,
    };
  }

  rollups(from?: string, to?: string): UsageRollup[] {
    return this.s.rollups.filter((r) => (from === undefined || r.day >= from) && (to === undefined || r.day <= to)).map((r) => ({ ...r }));
  }

  /** What the next run starts from (the queue must be empty: requests are not carried). */
  carry(now: number): LedgerCarry {
    for (const p of Object.keys(this.s.windows)) this.windowOf(p, now);
    for (const k of Object.keys(this.s.lastServed)) if (this.s.lastServed[k]! < now - WINDOW_MS) delete this.s.lastServed[k];
    return JSON.parse(JSON.stringify(this.s)) as LedgerCarry;
  }
}

/**
 * Workers' budget blocks (`acquireBlock`): how much of a tenant's budget one worker may reserve for itself and
 * then grant call by call without asking the ledger (plain, deterministic arithmetic; the ledger,
 * `./budget-ledger-state`, keeps the blocks).
 *
 * A block is refused while requests wait in the queue (they are served in order, chat first), when rate limits
 * or agent caps apply (those need the ledger's view of every call), and when not even the call at hand fits
 * beside what is spent and reserved. A granted block is at most a quarter of what is left, so several workers
 * can hold one and the last of the budget goes call by call; it never overdraws: its calls fit inside it.
 */
import type { BlockDecision, BlockRequest, BudgetCap, BudgetLimits } from '@hub/contracts/budget/wire';
import { round } from './budget-ledger-carry';

/** A block's share of what is left of the budget at most. */
export const BLOCK_SHARE = 0.25;

export interface BlockContext {
  limits?: BudgetLimits;
  /** The tenant's cap in force (limits plus top-ups). */
  cap: BudgetCap;
  spent: { usd: number; tokens: number };
  /** Leases and blocks together. */
  reserved: { usd: number; tokens: number };
  queued: number;
}

/** How much of one dimension a block may take: all it asks with no cap, else its share of what is left. */
function share(want: number, least: number, cap: number | undefined, spent: number, reserved: number): number | undefined {
  if (cap === undefined) return want;
  const left = cap - spent - reserved;
  if (left <= 0 || left < least) return undefined;
  return Math.max(least, Math.min(want, left * BLOCK_SHARE));
}

export function decideBlock(req: BlockRequest, c: BlockContext): BlockDecision {
  if (c.limits?.rpm !== undefined || c.limits?.tpm !== undefined) return { status: 'refused', reason: 'rate-limits' };
  if (c.limits?.agents && Object.keys(c.limits.agents).length > 0) return { status: 'refused', reason: 'agent-caps' };
  if (c.queued > 0) return { status: 'refused', reason: 'queue' };
  const tokens = share(req.tokens, req.minTokens, c.cap.tokens, c.spent.tokens, c.reserved.tokens);
  const usd = share(req.usd, req.minUsd, c.cap.usd, c.spent.usd, c.reserved.usd);
  if (tokens === undefined || usd === undefined) return { status: 'refused', reason: 'budget' };
  return { status: 'granted', blockId: req.blockId, tokens: Math.floor(tokens), usd: round(usd) };
}

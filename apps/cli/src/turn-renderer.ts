/**
 * The followed turn of `hub chat` as terminal text (pure; unit-tested): the agent's streamed reply,
 * tool calls and results, approvals, handoffs (`→ handed off to billing`, and the reply goes on under
 * the new agent's name) and delegations as a tree under their tool call:
 *
 *   team-lead> [tool call] ask_researcher {"task":"find facts"}
 *     ↳ researcher: find facts
 *       [tool call] search {"q":"facts"}
 *       researcher> the facts
 *     ✓ researcher answered (12 tokens)
 *   [tool result] ask_researcher ok: the facts
 *
 * A delegate's events carry its `delegationId` and are indented by its depth. Its tokens are kept
 * apart from the parent's reply: they are gathered per delegation and printed as the delegate's own
 * line when its model call ends (its next tool call, or the delegation's end), so parallel
 * delegations never interleave mid-line.
 */
import type { SessionEvent } from '@hub/contracts';
import { truncate } from './render';

interface Delegation {
  agent: string;
  depth: number;
  round: number;
  attempt: number;
  /** Text streamed in the delegate's current model call, not printed yet. */
  pending: string;
  /** Its latest printed text (compared with the final reply, to not print it twice). */
  lastText: string;
}

export class TurnRenderer {
  private round = -1;
  private attempt = -1;
  private midLine = false;
  /** Text streamed in the current round (a turn's reply is its last round). */
  private streamed = '';
  private readonly delegations = new Map<string, Delegation>();

  constructor(private current: string) {}

  /** The agent answering now (the session's, or the last one a handoff switched to). */
  get agent(): string {
    return this.current;
  }

  /** Whether `delegationId` was started in this turn (its events belong to the followed turn). */
  owns(delegationId: string): boolean {
    return this.delegations.has(delegationId);
  }

  render(e: SessionEvent): string {
    const delegationId = delegationOf(e);
    if (delegationId !== undefined) return this.renderDelegated(e, delegationId);
    switch (e.type) {
      case 'token': {
        let prefix = '';
        if (e.round !== this.round) {
          prefix = (this.midLine ? '\n' : '') + `${this.current}> `;
          this.round = e.round;
          this.attempt = e.attempt;
          this.streamed = '';
        } else if (e.attempt !== this.attempt) {
          prefix = `\n(retrying)\n${this.current}> `;
          this.attempt = e.attempt;
          this.streamed = '';
        }
        this.streamed += e.delta;
        this.midLine = !e.delta.endsWith('\n');
        return prefix + e.delta;
      }
      case 'llm.fallback':
        return this.line(`[fallback] ${e.from} (${e.provider}) → ${e.to}: ${truncate(e.reason, 200)}`);
      case 'agent.handoff':
        this.current = e.to;
        this.streamed = '';
        this.round = -1; // the next tokens start a line under the new agent's name
        return this.line(`→ handed off to ${e.to} (from ${e.from})`);
      case 'delegation.started': {
        const parent = e.parentDelegationId !== undefined ? this.delegations.get(e.parentDelegationId) : undefined;
        const flushed = parent ? this.flush(parent) : '';
        this.delegations.set(e.delegationId, { agent: e.agent, depth: e.depth, round: -1, attempt: -1, pending: '', lastText: '' });
        return flushed + this.line(`${indent(e.depth)}↳ ${e.agent}: ${truncate(e.task, 200)}`);
      }
      case 'delegation.completed': {
        const d = this.delegations.get(e.delegationId);
        const depth = d?.depth ?? 1;
        let out = d ? this.flush(d) : '';
        if (e.ok && e.reply && (!d || d.lastText.trim() !== e.reply.trim())) out += this.line(`${indent(depth + 1)}${e.agent}> ${truncate(e.reply, 2000)}`);
        const tokens = `${e.usage.totalTokens} tokens`;
        return out + this.line(e.ok ? `${indent(depth)}✓ ${e.agent} answered (${tokens})` : `${indent(depth)}✗ ${e.agent} failed: ${truncate(e.error ?? 'no answer', 300)}`);
      }
      default: {
        const text = this.describe(e);
        if (text === undefined) return this.turnEnd(e);
        if (e.type === 'tool.call') this.streamed = '';
        return text ? this.line(text) : '';
      }
    }
  }

  /** The text of an event shown the same way for the session's agent and a delegate (undefined: not such an event). */
  private describe(e: SessionEvent): string | undefined {
    switch (e.type) {
      case 'tool.call':
        return `[tool call] ${e.tool} ${truncate(e.arguments, 300)}`;
      case 'tool.progress':
        return `[tool progress] ${e.tool} ${e.progress}${e.total !== undefined ? `/${e.total}` : ''}${e.message ? ` ${e.message}` : ''}`;
      case 'tool.result':
        return `[tool result] ${e.tool} ${e.ok ? 'ok' : 'error'}: ${truncate(e.content, 300)}`;
      case 'approval.requested': {
        const a = e.approval;
        return `[approval needed]${a.agent && a.delegationId ? ` (${a.agent})` : ''} ${a.tool} ${truncate(a.arguments, 300)} (expires ${a.expiresAt})`;
      }
      case 'approval.resolved':
        return `[approval] ${e.approved ? 'approved' : e.timedOut ? 'timed out (denied)' : 'denied'}${e.reason ? `: ${e.reason}` : ''}`;
      case 'budget.waiting':
        return `[waiting for budget] the ${e.scope === 'agent' ? "agent's" : "tenant's"} budget is spent; resumes after a top-up (hub budget topup) or at ${e.resetsAt}`;
      case 'budget.resumed':
        return '[budget] available again: resumed';
      case 'compensation.completed':
        return `[compensated] ${e.tool}: ${truncate(e.result, 200)}`;
      case 'compensation.failed':
        return `[compensation failed] ${e.tool}: ${truncate(e.error, 200)}`;
      case 'research.progress':
        return e.event.type === 'research.progress'
          ? `[research ${e.jobId}] ${e.event.progress.percent}% (${e.event.progress.succeeded + e.event.progress.failed}/${e.event.progress.total})`
          : '';
      default:
        return undefined;
    }
  }

  private turnEnd(e: SessionEvent): string {
    switch (e.type) {
      case 'turn.completed': {
        // Token events are best-effort (batched signals): show the reply itself when its tokens did not arrive.
        const reply = e.reply && this.streamed.trim() !== e.reply.trim() ? this.line(`${this.current}> ${e.reply}`) : '';
        const cost = e.usage.costUsd !== undefined ? `, $${e.usage.costUsd.toFixed(4)}` : '';
        return reply + this.line(`(${e.usage.totalTokens} tokens${cost})`);
      }
      case 'turn.failed':
        return this.line(`[turn failed] ${e.error}`);
      case 'turn.interrupted':
        return this.line('[turn interrupted]');
      case 'session.closed':
        return this.line(`[session closed] ${e.reason}`);
      default:
        return '';
    }
  }

  /** An event of a delegate: its tokens are gathered, everything else is printed indented under it. */
  private renderDelegated(e: SessionEvent, delegationId: string): string {
    let d = this.delegations.get(delegationId);
    if (!d) {
      // Its start was not seen (e.g. joined mid-turn): show it at depth 1 under an unnamed delegate.
      d = { agent: 'delegate', depth: 1, round: -1, attempt: -1, pending: '', lastText: '' };
      this.delegations.set(delegationId, d);
    }
    if (e.type === 'token') {
      if (e.round !== d.round) {
        const out = this.flush(d);
        d.round = e.round;
        d.attempt = e.attempt;
        d.pending = e.delta;
        return out;
      }
      if (e.attempt !== d.attempt) {
        d.attempt = e.attempt;
        d.pending = ''; // a retried model call streams its answer again
      }
      d.pending += e.delta;
      return '';
    }
    const text = this.describe(e);
    if (!text) return '';
    return this.flush(d) + this.line(`${indent(d.depth + 1)}${text}`);
  }

  /** Prints the delegate's gathered text as its own (indented) line. */
  private flush(d: Delegation): string {
    const text = d.pending.trim();
    d.pending = '';
    if (!text) return '';
    d.lastText = text;
    const pad = indent(d.depth + 1);
    return this.line(`${pad}${d.agent}> ${text.split('\n').join(`\n${pad}  `)}`);
  }

  private line(text: string): string {
    const out = (this.midLine ? '\n' : '') + text + '\n';
    this.midLine = false;
    return out;
  }
}

const indent = (depth: number): string => '  '.repeat(depth);

/** The delegation a delegate's event belongs to (undefined: the session's own agent, or a delegation's start or end). */
export function delegationOf(e: SessionEvent): string | undefined {
  if (e.type === 'delegation.started' || e.type === 'delegation.completed') return undefined;
  if (e.type === 'approval.requested') return e.approval.delegationId;
  return 'delegationId' in e ? e.delegationId : undefined;
}

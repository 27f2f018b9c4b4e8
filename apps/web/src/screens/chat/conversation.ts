/**
 * The conversation of a session as the Chat screen shows it, built from the
 * session's events (tokens, tool calls and results, approvals, turn outcomes,
 * handoffs, delegations), or from its state when its event stream is gone
 * (closed session).
 *
 * Every turn and every delegation has its own transcript: an event tagged with
 * a `delegationId` belongs to that delegate's transcript (never to the turn's
 * reply), and a delegation hangs under the `ask_<agent>` tool call that started
 * it (in the turn's transcript, or in its parent delegation's), which makes the
 * delegation tree.
 */
import type { PendingApproval, SessionEvent, SessionState as ContractState } from '@hub/contracts';
import type { Schema } from '../../api';
import { shortTime } from '../../format';

type SessionState = Schema<'SessionState'> & Pick<ContractState, 'handoffs' | 'agentVersion'>;
type Usage = SessionState['usage'];

export type ToolItem = {
  kind: 'tool';
  toolCallId: string;
  tool: string;
  args: string;
  result?: { ok: boolean; content: string };
  progress?: string;
  approval?: string;
  compensation?: string;
  /** Delegations this call (`ask_<agent>`) started, in order. */
  delegations?: Delegation[];
};

export type Item =
  | { kind: 'text'; round: number; attempt: number; text: string }
  | ToolItem
  | { kind: 'handoff'; toolCallId: string; from: string; to: string }
  | { kind: 'note'; text: string };

/** A list of items in the order they happened: a turn's or a delegation's. */
export interface Transcript {
  items: Item[];
}

export interface Turn extends Transcript {
  turnId: string;
  user: string;
  status: 'queued' | 'running' | 'waiting_budget' | 'completed' | 'failed' | 'interrupted';
  error?: string;
  usage?: Usage;
}

/** The note of a `budget.waiting` event: whose budget is spent and when the turn goes on. */
export function budgetWaitingText(ev: { scope: 'tenant' | 'agent'; resetsAt: string }): string {
  return `Waiting for budget: the ${ev.scope === 'agent' ? "agent's" : "tenant's"} budget is spent; resumes on a top-up or at ${shortTime(ev.resetsAt)}`;
}

/** A delegate's sub-conversation: the task it was given, its transcript and how it ended. */
export interface Delegation extends Transcript {
  delegationId: string;
  parentDelegationId?: string;
  turnId: string;
  toolCallId: string;
  agent: string;
  task: string;
  depth: number;
  status: 'running' | 'completed' | 'failed';
  reply?: string;
  error?: string;
  usage?: Usage;
}

export interface Conversation {
  turns: Turn[];
  approvals: Map<string, PendingApproval>;
  /** Every delegation by id (each is also in the tree under its tool call). */
  delegations: Map<string, Delegation>;
  /** The active agent after the handoffs seen in the events (undefined: none seen; the state says). */
  agent?: string;
  /** Handoffs seen in the events, oldest first. */
  handoffs: { from: string; to: string; turnId: string }[];
  notes: string[];
  closed?: string;
}

export const emptyConversation = (): Conversation => ({ turns: [], approvals: new Map(), delegations: new Map(), handoffs: [], notes: [] });

function turnOf(c: Conversation, turnId: string, user = ''): Turn {
  let t = c.turns.find((x) => x.turnId === turnId);
  if (!t) {
    t = { turnId, user, status: 'queued', items: [] };
    c.turns.push(t);
  }
  return t;
}

export function toolItem(t: Transcript, toolCallId: string): ToolItem | undefined {
  return t.items.find((i): i is ToolItem => i.kind === 'tool' && i.toolCallId === toolCallId);
}

/**
 * The delegation with this id; one that was never announced (its start was
 * before the oldest kept event) is made up as a running delegation at the top of the turn.
 */
function delegationOf(c: Conversation, turnId: string, delegationId: string): Delegation {
  let d = c.delegations.get(delegationId);
  if (!d) {
    d = { delegationId, turnId, toolCallId: '', agent: 'delegate', task: '', depth: 1, status: 'running', items: [] };
    c.delegations.set(delegationId, d);
    turnOf(c, turnId).items.push({ kind: 'tool', toolCallId: `(${delegationId})`, tool: 'delegation', args: '', delegations: [d] });
  }
  return d;
}

/** The transcript an event belongs to: its delegation's when it names one, else its turn's. */
function transcriptOf(c: Conversation, turnId: string, delegationId: string | undefined): Transcript {
  return delegationId !== undefined ? delegationOf(c, turnId, delegationId) : turnOf(c, turnId);
}

function lastText(t: Transcript): Extract<Item, { kind: 'text' }> | undefined {
  return [...t.items].reverse().find((i): i is Extract<Item, { kind: 'text' }> => i.kind === 'text');
}

/** The final answer is authoritative: it replaces what streamed (or stands alone when nothing did). */
function settleReply(t: Transcript, reply: string): void {
  const last = lastText(t);
  if (!last) {
    if (reply) t.items.push({ kind: 'text', round: -1, attempt: 0, text: reply });
  } else if (reply && last.text !== reply) last.text = reply;
}

function approvalText(ev: Extract<SessionEvent, { type: 'approval.resolved' }>): string {
  return ev.timedOut ? 'denied (timed out)' : ev.approved ? 'approved' : `denied${ev.reason ? `: ${ev.reason}` : ''}`;
}

function startDelegation(c: Conversation, ev: Extract<SessionEvent, { type: 'delegation.started' }>): void {
  const parent = transcriptOf(c, ev.turnId, ev.parentDelegationId);
  let call = toolItem(parent, ev.toolCallId);
  if (!call) {
    call = { kind: 'tool', toolCallId: ev.toolCallId, tool: `ask_${ev.agent}`, args: JSON.stringify({ task: ev.task }) };
    parent.items.push(call);
  }
  const known = c.delegations.get(ev.delegationId);
  if (known && known.toolCallId === '') {
    // Made up before its start arrived: it moves under its real tool call.
    const t = turnOf(c, known.turnId);
    t.items = t.items.filter((i) => !(i.kind === 'tool' && i.toolCallId === `(${ev.delegationId})`));
  }
  const d: Delegation = {
    delegationId: ev.delegationId,
    turnId: ev.turnId,
    toolCallId: ev.toolCallId,
    agent: ev.agent,
    task: ev.task,
    depth: ev.depth,
    status: 'running',
    items: known?.items ?? [],
    ...(ev.parentDelegationId !== undefined ? { parentDelegationId: ev.parentDelegationId } : {}),
  };
  c.delegations.set(ev.delegationId, d);
  call.delegations = [...(call.delegations ?? []).filter((x) => x.delegationId !== ev.delegationId), d];
}

/** Applies one session event to the conversation (mutates it). */
export function apply(c: Conversation, ev: SessionEvent): void {
  switch (ev.type) {
    case 'message.queued':
      turnOf(c, ev.turnId, ev.text);
      break;
    case 'turn.started': {
      const t = turnOf(c, ev.turnId, ev.text);
      t.user = ev.text;
      t.status = 'running';
      break;
    }
    case 'token': {
      const t = transcriptOf(c, ev.turnId, ev.delegationId);
      const last = [...t.items].reverse().find((i): i is Extract<Item, { kind: 'text' }> => i.kind === 'text' && i.round === ev.round);
      if (!last) t.items.push({ kind: 'text', round: ev.round, attempt: ev.attempt, text: ev.delta });
      else if (ev.attempt > last.attempt) Object.assign(last, { attempt: ev.attempt, text: ev.delta }); // a retried LLM call starts over
      else if (ev.attempt === last.attempt) last.text += ev.delta;
      break;
    }
    case 'tool.call': {
      // A delegate's approval request may reach the stream before its relayed tool call.
      const asked = [...c.approvals.values()].some((a) => a.toolCallId === ev.toolCallId && a.delegationId === ev.delegationId);
      transcriptOf(c, ev.turnId, ev.delegationId).items.push({
        kind: 'tool',
        toolCallId: ev.toolCallId,
        tool: ev.tool,
        args: ev.arguments,
        ...(asked ? { approval: 'waiting for approval' } : {}),
      });
      break;
    }
    case 'tool.result': {
      const t = transcriptOf(c, ev.turnId, ev.delegationId);
      const item = toolItem(t, ev.toolCallId);
      if (item) item.result = { ok: ev.ok, content: ev.content };
      else t.items.push({ kind: 'tool', toolCallId: ev.toolCallId, tool: ev.tool, args: '', result: { ok: ev.ok, content: ev.content } });
      break;
    }
    case 'tool.progress': {
      const item = toolItem(transcriptOf(c, ev.turnId, ev.delegationId), ev.toolCallId);
      if (item) item.progress = `${ev.progress}${ev.total !== undefined ? ` / ${ev.total}` : ''}${ev.message ? ` — ${ev.message}` : ''}`;
      break;
    }
    case 'research.progress': {
      const item = toolItem(transcriptOf(c, ev.turnId, ev.delegationId), ev.toolCallId);
      if (item) item.progress = `research job ${ev.jobId}: ${ev.event.type}`;
      break;
    }
    case 'approval.requested': {
      const a = ev.approval;
      c.approvals.set(a.approvalId, a);
      const item = toolItem(transcriptOf(c, a.turnId, a.delegationId), a.toolCallId);
      if (item) item.approval = 'waiting for approval';
      break;
    }
    case 'approval.resolved': {
      const pending = c.approvals.get(ev.approvalId);
      c.approvals.delete(ev.approvalId);
      const item = pending ? toolItem(transcriptOf(c, pending.turnId, pending.delegationId ?? ev.delegationId), pending.toolCallId) : undefined;
      if (item) item.approval = approvalText(ev);
      break;
    }
    case 'turn.completed': {
      const t = turnOf(c, ev.turnId);
      t.status = 'completed';
      t.usage = ev.usage;
      settleReply(t, ev.reply);
      break;
    }
    case 'turn.failed': {
      const t = turnOf(c, ev.turnId);
      t.status = 'failed';
      t.error = ev.error;
      break;
    }
    case 'turn.interrupted':
      turnOf(c, ev.turnId).status = 'interrupted';
      break;
    case 'compensation.registered':
    case 'compensation.completed':
    case 'compensation.failed': {
      const item = toolItem(transcriptOf(c, ev.turnId, ev.delegationId), ev.toolCallId);
      const text =
        ev.type === 'compensation.registered'
          ? `undo registered: ${ev.compensationTool}`
          : ev.type === 'compensation.completed'
            ? `undone: ${ev.result}`
            : `undo failed: ${ev.error}`;
      if (item) item.compensation = text;
      break;
    }
    case 'llm.fallback':
      transcriptOf(c, ev.turnId, ev.delegationId).items.push({ kind: 'note', text: `Model ${ev.from} (${ev.provider}) passed over, using ${ev.to}: ${ev.reason}` });
      break;
    case 'budget.waiting': {
      transcriptOf(c, ev.turnId, ev.delegationId).items.push({ kind: 'note', text: budgetWaitingText(ev) });
      const t = turnOf(c, ev.turnId);
      if (t.status === 'running' || t.status === 'queued') t.status = 'waiting_budget';
      break;
    }
    case 'budget.resumed': {
      transcriptOf(c, ev.turnId, ev.delegationId).items.push({ kind: 'note', text: 'Budget available again: resumed.' });
      const t = turnOf(c, ev.turnId);
      if (t.status === 'waiting_budget') t.status = 'running';
      break;
    }
    case 'agent.handoff':
      turnOf(c, ev.turnId).items.push({ kind: 'handoff', toolCallId: ev.toolCallId, from: ev.from, to: ev.to });
      c.handoffs.push({ from: ev.from, to: ev.to, turnId: ev.turnId });
      c.agent = ev.to;
      break;
    case 'delegation.started':
      startDelegation(c, ev);
      break;
    case 'delegation.completed': {
      const d = delegationOf(c, ev.turnId, ev.delegationId);
      d.status = ev.ok ? 'completed' : 'failed';
      d.usage = ev.usage;
      if (ev.reply !== undefined) d.reply = ev.reply;
      if (ev.error !== undefined) d.error = ev.error;
      if (ev.ok && ev.reply !== undefined) settleReply(d, ev.reply);
      break;
    }
    case 'session.compacted':
      c.notes.push(`History compacted (${ev.summarizedMessages} messages summarized).`);
      break;
    case 'session.closed':
      c.closed = ev.reason;
      break;
  }
}

/** The conversation of a closed session, from its state (its event stream is gone; delegates' transcripts with it). */
export function fromState(s: SessionState): Conversation {
  const c = emptyConversation();
  let turn: Turn | undefined;
  let n = 0;
  for (const m of s.messages) {
    if (m.role === 'user') {
      turn = { turnId: m.turnId ?? `h${n++}`, user: m.content, status: 'completed', items: [] };
      c.turns.push(turn);
    } else if (turn && m.role === 'assistant') {
      if (m.content) turn.items.push({ kind: 'text', round: 0, attempt: 0, text: m.content });
      for (const tc of m.toolCalls ?? []) turn.items.push({ kind: 'tool', toolCallId: tc.id, tool: tc.name, args: tc.arguments });
      if (m.error) turn.error = m.error;
    } else if (turn && m.role === 'tool') {
      const item = toolItem(turn, m.toolCallId);
      if (item) item.result = { ok: true, content: m.content };
    }
  }
  for (const h of s.handoffs ?? []) {
    c.handoffs.push({ from: h.from, to: h.to, turnId: h.turnId });
    const t = c.turns.find((x) => x.turnId === h.turnId);
    if (!t) continue;
    // After the transfer tool call of that turn, when it is there.
    const at = t.items.findIndex((i) => i.kind === 'tool' && i.tool === `transfer_to_${h.to}`);
    const item: Item = { kind: 'handoff', toolCallId: at >= 0 ? (t.items[at] as ToolItem).toolCallId : '', from: h.from, to: h.to };
    if (at >= 0) t.items.splice(at + 1, 0, item);
    else t.items.push(item);
  }
  if (s.handoffs?.length) c.agent = s.agent;
  if (s.status === 'closed') c.closed = s.closedReason ?? 'closed';
  return c;
}

/** The handoff path of a session: `triage → billing → refunds`; empty without handoffs. */
export function handoffPath(handoffs: ReadonlyArray<{ from: string; to: string }>): string {
  if (handoffs.length === 0) return '';
  return [handoffs[0]!.from, ...handoffs.map((h) => h.to)].join(' → ');
}

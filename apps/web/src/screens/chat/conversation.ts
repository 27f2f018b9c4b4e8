/**
 * The conversation of a session as the Chat screen shows it, built from the
 * session's events (tokens, tool calls and results, approvals, turn outcomes),
 * or from its state when its event stream is gone (closed session).
 */
import type { PendingApproval, SessionEvent } from '@hub/contracts';
import type { Schema } from '../../api';

type SessionState = Schema<'SessionState'>;
type Usage = SessionState['usage'];

export type Item =
  | { kind: 'text'; round: number; attempt: number; text: string }
  | {
      kind: 'tool';
      toolCallId: string;
      tool: string;
      args: string;
      result?: { ok: boolean; content: string };
      progress?: string;
      approval?: string;
      compensation?: string;
    }
  | { kind: 'note'; text: string };

export interface Turn {
  turnId: string;
  user: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'interrupted';
  items: Item[];
  error?: string;
  usage?: Usage;
}

export interface Conversation {
  turns: Turn[];
  approvals: Map<string, PendingApproval>;
  notes: string[];
  closed?: string;
}

export const emptyConversation = (): Conversation => ({ turns: [], approvals: new Map(), notes: [] });

function turnOf(c: Conversation, turnId: string, user = ''): Turn {
  let t = c.turns.find((x) => x.turnId === turnId);
  if (!t) {
    t = { turnId, user, status: 'queued', items: [] };
    c.turns.push(t);
  }
  return t;
}

export function toolItem(t: Turn, toolCallId: string): Extract<Item, { kind: 'tool' }> | undefined {
  return t.items.find((i): i is Extract<Item, { kind: 'tool' }> => i.kind === 'tool' && i.toolCallId === toolCallId);
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
      const t = turnOf(c, ev.turnId);
      const last = [...t.items].reverse().find((i): i is Extract<Item, { kind: 'text' }> => i.kind === 'text' && i.round === ev.round);
      if (!last) t.items.push({ kind: 'text', round: ev.round, attempt: ev.attempt, text: ev.delta });
      else if (ev.attempt > last.attempt) Object.assign(last, { attempt: ev.attempt, text: ev.delta }); // a retried LLM call starts over
      else if (ev.attempt === last.attempt) last.text += ev.delta;
      break;
    }
    case 'tool.call':
      turnOf(c, ev.turnId).items.push({ kind: 'tool', toolCallId: ev.toolCallId, tool: ev.tool, args: ev.arguments });
      break;
    case 'tool.result': {
      const t = turnOf(c, ev.turnId);
      const item = toolItem(t, ev.toolCallId);
      if (item) item.result = { ok: ev.ok, content: ev.content };
      else t.items.push({ kind: 'tool', toolCallId: ev.toolCallId, tool: ev.tool, args: '', result: { ok: ev.ok, content: ev.content } });
      break;
    }
    case 'tool.progress': {
      const item = toolItem(turnOf(c, ev.turnId), ev.toolCallId);
      if (item) item.progress = `${ev.progress}${ev.total !== undefined ? ` / ${ev.total}` : ''}${ev.message ? ` — ${ev.message}` : ''}`;
      break;
    }
    case 'research.progress': {
      const item = toolItem(turnOf(c, ev.turnId), ev.toolCallId);
      if (item) item.progress = `research job ${ev.jobId}: ${ev.event.type}`;
      break;
    }
    case 'approval.requested': {
      c.approvals.set(ev.approval.approvalId, ev.approval);
      const item = toolItem(turnOf(c, ev.approval.turnId), ev.approval.toolCallId);
      if (item) item.approval = 'waiting for approval';
      break;
    }
    case 'approval.resolved': {
      const pending = c.approvals.get(ev.approvalId);
      c.approvals.delete(ev.approvalId);
      const text = ev.timedOut ? 'denied (timed out)' : ev.approved ? 'approved' : `denied${ev.reason ? `: ${ev.reason}` : ''}`;
      const item = pending ? toolItem(turnOf(c, pending.turnId), pending.toolCallId) : undefined;
      if (item) item.approval = text;
      break;
    }
    case 'turn.completed': {
      const t = turnOf(c, ev.turnId);
      t.status = 'completed';
      t.usage = ev.usage;
      const texts = t.items.filter((i): i is Extract<Item, { kind: 'text' }> => i.kind === 'text');
      const lastText = texts[texts.length - 1];
      if (!lastText) t.items.push({ kind: 'text', round: -1, attempt: 0, text: ev.reply });
      else if (ev.reply && lastText.text !== ev.reply) lastText.text = ev.reply; // the final answer is authoritative
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
      const item = toolItem(turnOf(c, ev.turnId), ev.toolCallId);
      const text =
        ev.type === 'compensation.registered'
          ? `undo registered: ${ev.compensationTool}`
          : ev.type === 'compensation.completed'
            ? `undone: ${ev.result}`
            : `undo failed: ${ev.error}`;
      if (item) item.compensation = text;
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

/** The conversation of a closed session, from its state (its event stream is gone). */
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
  if (s.status === 'closed') c.closed = s.closedReason ?? 'closed';
  return c;
}

/** The Chat screen's conversation model: events → turns, tool calls, approvals (no browser needed). */
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '@hub/contracts';
import { apply, emptyConversation, fromState, type Conversation } from '../src/screens/chat/conversation';
import { costText } from '../src/format';

const usage = { promptTokens: 3, completionTokens: 2, totalTokens: 5 };

function run(events: SessionEvent[]): Conversation {
  const c = emptyConversation();
  for (const ev of events) apply(c, ev);
  return c;
}

describe('conversation model', () => {
  it('streams tokens into the turn and keeps the final reply', () => {
    const c = run([
      { type: 'message.queued', turnId: 't1', text: 'hi', position: 0 },
      { type: 'turn.started', turnId: 't1', text: 'hi' },
      { type: 'token', turnId: 't1', delta: 'Hel', round: 0, attempt: 1 },
      { type: 'token', turnId: 't1', delta: 'lo', round: 0, attempt: 1 },
    ]);
    expect(c.turns).toHaveLength(1);
    expect(c.turns[0]).toMatchObject({ user: 'hi', status: 'running', items: [{ kind: 'text', text: 'Hello' }] });
    apply(c, { type: 'turn.completed', turnId: 't1', reply: 'Hello', usage });
    expect(c.turns[0]).toMatchObject({ status: 'completed', usage, items: [{ kind: 'text', text: 'Hello' }] });
  });

  it('drops the deltas of an earlier attempt of the same round (a retried LLM call starts over)', () => {
    const c = run([
      { type: 'turn.started', turnId: 't1', text: 'q' },
      { type: 'token', turnId: 't1', delta: 'broken ans', round: 0, attempt: 1 },
      { type: 'token', turnId: 't1', delta: 'Good ', round: 0, attempt: 2 },
      { type: 'token', turnId: 't1', delta: 'late old delta', round: 0, attempt: 1 },
      { type: 'token', turnId: 't1', delta: 'answer', round: 0, attempt: 2 },
    ]);
    expect(c.turns[0]!.items).toEqual([{ kind: 'text', round: 0, attempt: 2, text: 'Good answer' }]);
  });

  it('puts tool calls, their approval and result inline, in order, between the rounds', () => {
    const approval = {
      approvalId: 'a1',
      turnId: 't1',
      toolCallId: 'c1',
      tool: 'save_note',
      arguments: '{"title":"x","body":"y"}',
      requestedAt: '2026-01-01T00:00:00Z',
      expiresAt: '2026-01-01T00:15:00Z',
    };
    const c = run([
      { type: 'turn.started', turnId: 't1', text: 'save it' },
      { type: 'tool.call', turnId: 't1', toolCallId: 'c1', tool: 'save_note', arguments: approval.arguments },
      { type: 'approval.requested', approval },
    ]);
    expect(c.approvals.get('a1')).toEqual(approval);
    expect(c.turns[0]!.items[0]).toMatchObject({ kind: 'tool', tool: 'save_note', approval: 'waiting for approval' });
    apply(c, { type: 'approval.resolved', approvalId: 'a1', approved: false, reason: 'not now', timedOut: false });
    apply(c, { type: 'tool.result', turnId: 't1', toolCallId: 'c1', tool: 'save_note', ok: false, content: 'denied' });
    apply(c, { type: 'token', turnId: 't1', delta: 'OK, not saved.', round: 1, attempt: 1 });
    apply(c, { type: 'turn.completed', turnId: 't1', reply: 'OK, not saved.', usage });
    expect(c.approvals.size).toBe(0);
    expect(c.turns[0]!.items).toEqual([
      { kind: 'tool', toolCallId: 'c1', tool: 'save_note', args: approval.arguments, approval: 'denied: not now', result: { ok: false, content: 'denied' } },
      { kind: 'text', round: 1, attempt: 1, text: 'OK, not saved.' },
    ]);
  });

  it('shows a non-streamed reply, failures and the session closing', () => {
    const c = run([
      { type: 'turn.started', turnId: 't1', text: 'a' },
      { type: 'turn.completed', turnId: 't1', reply: 'whole answer', usage },
      { type: 'turn.started', turnId: 't2', text: 'b' },
      { type: 'turn.failed', turnId: 't2', error: 'LLM unavailable' },
      { type: 'session.closed', reason: 'closed by user' },
    ]);
    expect(c.turns[0]!.items).toEqual([{ kind: 'text', round: -1, attempt: 0, text: 'whole answer' }]);
    expect(c.turns[1]).toMatchObject({ status: 'failed', error: 'LLM unavailable' });
    expect(c.closed).toBe('closed by user');
  });

  it('rebuilds a closed session from its state', () => {
    const c = fromState({
      sessionId: 's',
      tenant: 'default',
      agent: 'assistant',
      status: 'closed',
      closedReason: 'idle',
      messages: [
        { role: 'user', content: 'what is 6*7?', turnId: 't1' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'calculator', arguments: '{"expression":"6*7"}' }], turnId: 't1' },
        { role: 'tool', toolCallId: 'c1', name: 'calculator', content: '42', turnId: 't1' },
        { role: 'assistant', content: 'It is 42.', turnId: 't1' },
      ],
      pendingApprovals: [],
      usage,
      turns: 1,
      queued: 0,
      createdAt: '2026-01-01T00:00:00Z',
      lastActivityAt: '2026-01-01T00:00:00Z',
      generation: 0,
    });
    expect(c.closed).toBe('idle');
    expect(c.turns).toHaveLength(1);
    expect(c.turns[0]!.items).toEqual([
      { kind: 'tool', toolCallId: 'c1', tool: 'calculator', args: '{"expression":"6*7"}', result: { ok: true, content: '42' } },
      { kind: 'text', round: 0, attempt: 0, text: 'It is 42.' },
    ]);
  });
});

describe('model fallbacks', () => {
  it('shows an llm.fallback event as a note in its turn', () => {
    const c = emptyConversation();
    apply(c, { type: 'turn.started', turnId: 't1', text: 'hi' });
    apply(c, { type: 'llm.fallback', turnId: 't1', round: 0, from: 'smart', provider: 'primary', reason: 'LLM unavailable (HTTP 429): slow down', to: 'cheap' });
    expect(c.turns[0]!.items).toContainEqual({ kind: 'note', text: 'Model smart (primary) passed over, using cheap: LLM unavailable (HTTP 429): slow down' });
  });
});

describe('budget waits', () => {
  const resetsAt = '2026-03-06T00:00:00.000Z';
  const at = new Date(resetsAt).toLocaleString();

  it('shows budget.waiting as a note in its turn, the turn waiting until budget.resumed', () => {
    const c = emptyConversation();
    apply(c, { type: 'turn.started', turnId: 't1', text: 'hi' });
    apply(c, { type: 'budget.waiting', turnId: 't1', scope: 'tenant', resetsAt });
    expect(c.turns[0]!.items).toEqual([{ kind: 'note', text: `Waiting for budget: the tenant's budget is spent; resumes on a top-up or at ${at}` }]);
    expect(c.turns[0]!.status).toBe('waiting_budget');
    apply(c, { type: 'budget.resumed', turnId: 't1' });
    expect(c.turns[0]!.status).toBe('running');
    apply(c, { type: 'token', turnId: 't1', delta: 'Hello', round: 0, attempt: 1 });
    apply(c, { type: 'turn.completed', turnId: 't1', reply: 'Hello', usage });
    expect(c.turns[0]!.items.map((i) => (i.kind === 'note' || i.kind === 'text' ? i.text : i.kind))).toEqual([
      `Waiting for budget: the tenant's budget is spent; resumes on a top-up or at ${at}`,
      'Budget available again: resumed.',
      'Hello',
    ]);
    expect(c.turns[0]!.status).toBe('completed');
  });

  it("puts a delegate's wait in the delegate's transcript, naming the agent's budget", () => {
    const c = emptyConversation();
    apply(c, { type: 'turn.started', turnId: 't1', text: 'plan' });
    apply(c, { type: 'delegation.started', turnId: 't1', toolCallId: 'c1', delegationId: 'd1', agent: 'flights', task: 'find', depth: 1 });
    apply(c, { type: 'budget.waiting', turnId: 't1', scope: 'agent', resetsAt, delegationId: 'd1' });
    expect(c.delegations.get('d1')!.items).toEqual([{ kind: 'note', text: `Waiting for budget: the agent's budget is spent; resumes on a top-up or at ${at}` }]);
    expect(c.turns[0]!.items.some((i) => i.kind === 'note')).toBe(false);
    expect(c.turns[0]!.status).toBe('waiting_budget');
    apply(c, { type: 'budget.resumed', turnId: 't1', delegationId: 'd1' });
    expect(c.delegations.get('d1')!.items.at(-1)).toEqual({ kind: 'note', text: 'Budget available again: resumed.' });
    expect(c.turns[0]!.status).toBe('running');
  });
});

describe('costs', () => {
  it('shows a usage cost in dollars, and nothing without a price', () => {
    expect(costText({ costUsd: 0.0025 })).toBe(' · $0.0025');
    expect(costText({})).toBe('');
    expect(costText(undefined)).toBe('');
  });
});

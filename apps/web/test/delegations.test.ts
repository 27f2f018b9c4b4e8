/** The Chat screen's conversation model with teams: handoffs, the delegation tree, delegates' approvals (no browser needed). */
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '@hub/contracts';
import { apply, emptyConversation, fromState, handoffPath, type Conversation, type Item, type ToolItem } from '../src/screens/chat/conversation';

const usage = { promptTokens: 3, completionTokens: 2, totalTokens: 5 };

function run(events: SessionEvent[]): Conversation {
  const c = emptyConversation();
  for (const ev of events) apply(c, ev);
  return c;
}
const texts = (items: Item[]) => items.flatMap((i) => (i.kind === 'text' ? [i.text] : []));
const tool = (items: Item[], id: string) => items.find((i): i is ToolItem => i.kind === 'tool' && i.toolCallId === id);

describe('delegation tree', () => {
  it('hangs each delegate under its ask_ call; tokens of two parallel delegates never mix with each other or the reply', () => {
    const c = run([
      { type: 'turn.started', turnId: 't1', text: 'plan a trip' },
      { type: 'token', turnId: 't1', delta: 'Asking the team.', round: 0, attempt: 1 },
      { type: 'tool.call', turnId: 't1', toolCallId: 'c1', tool: 'ask_flights', arguments: '{"task":"find flights"}' },
      { type: 'tool.call', turnId: 't1', toolCallId: 'c2', tool: 'ask_hotels', arguments: '{"task":"find hotels"}' },
      { type: 'delegation.started', turnId: 't1', toolCallId: 'c1', delegationId: 'd1', agent: 'flights', task: 'find flights', depth: 1 },
      { type: 'delegation.started', turnId: 't1', toolCallId: 'c2', delegationId: 'd2', agent: 'hotels', task: 'find hotels', depth: 1 },
      // Interleaved, same rounds and attempts as each other and as the parent.
      { type: 'token', turnId: 't1', delta: 'Flight ', round: 0, attempt: 1, delegationId: 'd1' },
      { type: 'token', turnId: 't1', delta: 'Hotel ', round: 0, attempt: 1, delegationId: 'd2' },
      { type: 'token', turnId: 't1', delta: 'AB12', round: 0, attempt: 1, delegationId: 'd1' },
      { type: 'token', turnId: 't1', delta: 'Ritz', round: 0, attempt: 1, delegationId: 'd2' },
      { type: 'tool.call', turnId: 't1', toolCallId: 'c1', tool: 'calculator', arguments: '{"expression":"2*3"}', delegationId: 'd2' },
      { type: 'tool.result', turnId: 't1', toolCallId: 'c1', tool: 'calculator', ok: true, content: '6', delegationId: 'd2' },
      { type: 'delegation.completed', turnId: 't1', toolCallId: 'c1', delegationId: 'd1', agent: 'flights', ok: true, reply: 'Flight AB12', usage },
      { type: 'tool.result', turnId: 't1', toolCallId: 'c1', tool: 'ask_flights', ok: true, content: 'Flight AB12' },
      { type: 'delegation.completed', turnId: 't1', toolCallId: 'c2', delegationId: 'd2', agent: 'hotels', ok: false, error: 'no rooms', usage },
      { type: 'token', turnId: 't1', delta: 'Here is the plan.', round: 1, attempt: 1 },
      { type: 'turn.completed', turnId: 't1', reply: 'Here is the plan.', usage },
    ]);
    const items = c.turns[0]!.items;
    expect(texts(items)).toEqual(['Asking the team.', 'Here is the plan.']);
    const d1 = tool(items, 'c1')!.delegations!;
    const d2 = tool(items, 'c2')!.delegations!;
    expect(d1.map((d) => d.agent)).toEqual(['flights']);
    expect(texts(d1[0]!.items)).toEqual(['Flight AB12']);
    expect(d1[0]).toMatchObject({ status: 'completed', reply: 'Flight AB12', task: 'find flights', depth: 1, usage });
    expect(texts(d2[0]!.items)).toEqual(['Hotel Ritz']);
    expect(d2[0]).toMatchObject({ status: 'failed', error: 'no rooms' });
    // The delegate's own tool call (same toolCallId as the parent's ask_flights) is in its transcript, not the parent's.
    expect(tool(d2[0]!.items, 'c1')).toMatchObject({ tool: 'calculator', result: { ok: true, content: '6' } });
    expect(tool(items, 'c1')).toMatchObject({ tool: 'ask_flights', result: { ok: true, content: 'Flight AB12' } });
    expect(c.delegations.size).toBe(2);
  });

  it('nests a delegate of a delegate under the call in its parent delegation', () => {
    const c = run([
      { type: 'turn.started', turnId: 't1', text: 'research' },
      { type: 'tool.call', turnId: 't1', toolCallId: 'c1', tool: 'ask_lead', arguments: '{"task":"lead it"}' },
      { type: 'delegation.started', turnId: 't1', toolCallId: 'c1', delegationId: 'd1', agent: 'lead', task: 'lead it', depth: 1 },
      { type: 'tool.call', turnId: 't1', toolCallId: 'k1', tool: 'ask_worker', arguments: '{"task":"dig"}', delegationId: 'd1' },
      { type: 'delegation.started', turnId: 't1', toolCallId: 'k1', delegationId: 'd2', parentDelegationId: 'd1', agent: 'worker', task: 'dig', depth: 2 },
      { type: 'token', turnId: 't1', delta: 'dug', round: 0, attempt: 1, delegationId: 'd2' },
      { type: 'delegation.completed', turnId: 't1', toolCallId: 'k1', delegationId: 'd2', parentDelegationId: 'd1', agent: 'worker', ok: true, reply: 'dug up 3 facts', usage },
      { type: 'tool.result', turnId: 't1', toolCallId: 'k1', tool: 'ask_worker', ok: true, content: 'dug up 3 facts', delegationId: 'd1' },
      { type: 'token', turnId: 't1', delta: 'summary', round: 1, attempt: 1, delegationId: 'd1' },
      { type: 'delegation.completed', turnId: 't1', toolCallId: 'c1', delegationId: 'd1', agent: 'lead', ok: true, reply: 'summary', usage },
    ]);
    const lead = tool(c.turns[0]!.items, 'c1')!.delegations![0]!;
    expect(lead.agent).toBe('lead');
    expect(texts(lead.items)).toEqual(['summary']);
    const worker = tool(lead.items, 'k1')!.delegations![0]!;
    expect(worker).toMatchObject({ agent: 'worker', depth: 2, parentDelegationId: 'd1', status: 'completed' });
    // The streamed 'dug' gives way to the final answer.
    expect(texts(worker.items)).toEqual(['dug up 3 facts']);
    expect(tool(lead.items, 'k1')!.result).toEqual({ ok: true, content: 'dug up 3 facts' });
    expect(texts(c.turns[0]!.items)).toEqual([]);
  });

  it('makes up the ask_ call when the start comes first, and a delegation whose start is gone', () => {
    const c = run([
      { type: 'turn.started', turnId: 't1', text: 'q' },
      { type: 'delegation.started', turnId: 't1', toolCallId: 'c9', delegationId: 'd9', agent: 'helper', task: 'help', depth: 1 },
      { type: 'token', turnId: 't1', delta: 'orphan', round: 0, attempt: 1, delegationId: 'dx' },
    ]);
    expect(tool(c.turns[0]!.items, 'c9')).toMatchObject({ tool: 'ask_helper', args: '{"task":"help"}' });
    expect(texts(c.delegations.get('dx')!.items)).toEqual(['orphan']);
    apply(c, { type: 'delegation.started', turnId: 't1', toolCallId: 'c8', delegationId: 'dx', agent: 'late', task: 't', depth: 1 });
    // It moved under its call, keeping what it said.
    expect(c.turns[0]!.items.map((i) => (i.kind === 'tool' ? i.toolCallId : i.kind))).toEqual(['c9', 'c8']);
    expect(texts(tool(c.turns[0]!.items, 'c8')!.delegations![0]!.items)).toEqual(['orphan']);
  });

  it("marks a delegate's approval on its own tool call and resolves it like the session's", () => {
    const approval = {
      approvalId: 'a1',
      turnId: 't1',
      toolCallId: 'x1',
      tool: 'save_note',
      arguments: '{}',
      requestedAt: '2026-01-01T00:00:00Z',
      expiresAt: '2026-01-01T00:15:00Z',
      delegationId: 'd1',
      agent: 'writer',
    };
    const c = run([
      { type: 'turn.started', turnId: 't1', text: 'write' },
      { type: 'tool.call', turnId: 't1', toolCallId: 'x1', tool: 'ask_writer', arguments: '{"task":"w"}' },
      { type: 'delegation.started', turnId: 't1', toolCallId: 'x1', delegationId: 'd1', agent: 'writer', task: 'w', depth: 1 },
      { type: 'tool.call', turnId: 't1', toolCallId: 'x1', tool: 'save_note', arguments: '{}', delegationId: 'd1' },
      { type: 'approval.requested', approval },
    ]);
    const writer = c.delegations.get('d1')!;
    expect(c.approvals.get('a1')).toEqual(approval);
    expect(tool(writer.items, 'x1')!.approval).toBe('waiting for approval');
    expect(tool(c.turns[0]!.items, 'x1')!.approval).toBeUndefined();
    apply(c, { type: 'approval.resolved', approvalId: 'a1', approved: true, timedOut: false, delegationId: 'd1' });
    expect(c.approvals.size).toBe(0);
    expect(tool(writer.items, 'x1')!.approval).toBe('approved');
  });

  it("marks a delegate's tool call whose approval request came first", () => {
    const approval = { approvalId: 'a2', turnId: 't1', toolCallId: 'y1', tool: 'save_note', arguments: '{}', requestedAt: '', expiresAt: '', delegationId: 'd1', agent: 'writer' };
    const c = run([
      { type: 'turn.started', turnId: 't1', text: 'write' },
      { type: 'delegation.started', turnId: 't1', toolCallId: 'x1', delegationId: 'd1', agent: 'writer', task: 'w', depth: 1 },
      { type: 'approval.requested', approval },
      // The session's own call with the same id is not the one asked about.
      { type: 'tool.call', turnId: 't1', toolCallId: 'y1', tool: 'other', arguments: '{}' },
      { type: 'tool.call', turnId: 't1', toolCallId: 'y1', tool: 'save_note', arguments: '{}', delegationId: 'd1' },
    ]);
    expect(tool(c.delegations.get('d1')!.items, 'y1')!.approval).toBe('waiting for approval');
    expect(tool(c.turns[0]!.items, 'y1')!.approval).toBeUndefined();
    apply(c, { type: 'approval.resolved', approvalId: 'a2', approved: true, timedOut: false, delegationId: 'd1' });
    expect(c.approvals.size).toBe(0);
    expect(tool(c.delegations.get('d1')!.items, 'y1')!.approval).toBe('approved');
  });
});

describe('handoffs', () => {
  it('shows the handoff inline after the transfer call and tracks the active agent and path', () => {
    const c = run([
      { type: 'turn.started', turnId: 't1', text: 'my bill is wrong' },
      { type: 'tool.call', turnId: 't1', toolCallId: 'h1', tool: 'transfer_to_billing', arguments: '{}' },
      { type: 'tool.result', turnId: 't1', toolCallId: 'h1', tool: 'transfer_to_billing', ok: true, content: 'transferred' },
      { type: 'agent.handoff', turnId: 't1', toolCallId: 'h1', from: 'triage', to: 'billing' },
      { type: 'token', turnId: 't1', delta: 'Billing here.', round: 1, attempt: 1 },
      { type: 'turn.completed', turnId: 't1', reply: 'Billing here.', usage },
    ]);
    expect(c.turns[0]!.items.map((i) => i.kind)).toEqual(['tool', 'handoff', 'text']);
    expect(c.turns[0]!.items[1]).toEqual({ kind: 'handoff', toolCallId: 'h1', from: 'triage', to: 'billing' });
    expect(c.agent).toBe('billing');
    apply(c, { type: 'agent.handoff', turnId: 't1', toolCallId: 'h2', from: 'billing', to: 'refunds' });
    expect(handoffPath(c.handoffs)).toBe('triage → billing → refunds');
    expect(handoffPath([])).toBe('');
  });

  it('puts the handoffs of a closed session back after their transfer calls', () => {
    const c = fromState({
      sessionId: 's',
      tenant: 'default',
      agent: 'billing',
      handoffs: [{ from: 'triage', to: 'billing', turnId: 't1', at: '2026-01-01T00:00:00Z' }],
      status: 'closed',
      messages: [
        { role: 'user', content: 'bill', turnId: 't1' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'h1', name: 'transfer_to_billing', arguments: '{}' }], turnId: 't1' },
        { role: 'tool', toolCallId: 'h1', name: 'transfer_to_billing', content: 'ok', turnId: 't1' },
        { role: 'assistant', content: 'Billing here.', turnId: 't1' },
      ],
      pendingApprovals: [],
      usage,
      turns: 1,
      queued: 0,
      createdAt: '2026-01-01T00:00:00Z',
      lastActivityAt: '2026-01-01T00:00:00Z',
      generation: 0,
    });
    expect(c.turns[0]!.items.map((i) => i.kind)).toEqual(['tool', 'handoff', 'text']);
    expect(c.agent).toBe('billing');
    expect(handoffPath(c.handoffs)).toBe('triage → billing');
  });
});

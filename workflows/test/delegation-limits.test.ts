/**
 * Delegations in teams: parallel delegations run at once, depth is limited, cycles are refused, nested
 * delegations form a tree on the root's stream and their usage adds up. Real Temporal dev server, real
 * activities, the scripted LLM answering per agent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_LIMITS, approveToolUpdate, delegationWorkflowId } from '@hub/contracts';
import { delegate, offeredToolNames, parallel, reply, spansOverlap, teamResponder, toolCall, toolResultsOf } from '@hub/testing/scripted-llm-server';
import { eventually, startHarness, type Harness } from './harness';
import { CALL_TOKENS, USAGE, eventsUntil, member, recordHistories, startTeamSession, turnsCompleted } from './delegation-helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.llm.reset());

const results = (req: Parameters<typeof toolResultsOf>[0]) => toolResultsOf(req).map((r) => r.content).join(' | ');

describe('delegation teams', () => {
  it('three delegations asked for in one response run concurrently; results come back in the order asked', async () => {
    const team = teamResponder({
      agents: {
        boss: [parallel(delegate('a', 'task A', 'call_a'), delegate('b', 'task B', 'call_b'), delegate('c', 'task C', 'call_c')), (req) => reply(results(req))],
        a: [reply('answer A', { delayMs: 700 })],
        b: [reply('answer B', { delayMs: 700 })],
        c: [reply('answer C', { delayMs: 700 })],
      },
    });
    h.llm.setResponder(team.responder);
    const s = await startTeamSession(h, [member('boss', { delegates: ['a', 'b', 'c'] }), member('a'), member('b'), member('c')]);
    const result = await s.send('do all three');
    expect(result.reply).toBe('answer A | answer B | answer C');
    const spans = ['a', 'b', 'c'].map((x) => team.spans(x)[0]!);
    for (const [i, j] of [[0, 1], [0, 2], [1, 2]] as const) expect(spansOverlap([spans[i]!, spans[j]!])).toBe(true);
    const events = await eventsUntil(h, s.workflowId, turnsCompleted(1));
    expect(events.filter((e) => e.type === 'delegation.completed').map((e) => e.type === 'delegation.completed' && e.ok)).toEqual([true, true, true]);
    await recordHistories(h, [
      [s.workflowId, 'delegation-parallel'],
      [delegationWorkflowId(s.workflowId, 'turn-1', 'call_b'), 'delegation-parallel-child'],
    ]);
  });

  it('nested delegations: each level tagged with its own id and parent, usage summed; the depth limit offers no deeper ask_ tools', async () => {
    const chain = ['d0', 'd1', 'd2', 'd3', 'd4'];
    const agents = Object.fromEntries(
      chain.map((name, i) => [
        name,
        (req: Parameters<typeof toolResultsOf>[0]) => {
          const offered = offeredToolNames(req);
          const next = chain[i + 1];
          if (next && offered.includes(`ask_${next}`) && toolResultsOf(req).length === 0) return { ...delegate(next, `level ${i + 1}`, `call_${next}`), usage: USAGE };
          return reply(`${name}(${results(req) || 'bottom'})`, { usage: USAGE });
        },
      ]),
    );
    const team = teamResponder({ agents });
    h.llm.setResponder(team.responder);
    const profiles = chain.map((name, i) => member(name, { delegates: chain[i + 1] ? [chain[i + 1]!] : [] }));
    const s = await startTeamSession(h, profiles);
    const result = await s.send('go deep');
    // d0 is the session (depth 0); d1..d3 are delegates at depth 1..3; d3 (at the limit) is offered no ask_d4.
    expect(AGENT_LIMITS.maxDelegationDepth).toBe(3);
    expect(result.reply).toBe('d0(d1(d2(d3(bottom))))');
    expect(offeredToolNames(team.callsOf('d3')[0]!.request)).not.toContain('ask_d4');
    expect(team.callsOf('d4')).toHaveLength(0);
    // d0: 2 calls, d1, d2: 2 each, d3: 1.
    expect(result.usage.totalTokens).toBe(7 * CALL_TOKENS);
    const events = await eventsUntil(h, s.workflowId, turnsCompleted(1));
    const started = events.filter((e) => e.type === 'delegation.started');
    expect(started.map((e) => e.type === 'delegation.started' && [e.agent, e.depth, e.delegationId, e.parentDelegationId])).toEqual([
      ['d1', 1, 'turn-1.call_d1', undefined],
      ['d2', 2, 'turn-1.call_d1.call_d2', 'turn-1.call_d1'],
      ['d3', 3, 'turn-1.call_d1.call_d2.call_d3', 'turn-1.call_d1.call_d2'],
    ]);
    const completedUsage = events.flatMap((e) => (e.type === 'delegation.completed' ? [[e.agent, e.usage.totalTokens]] : []));
    expect(completedUsage).toEqual([
      ['d3', CALL_TOKENS],
      ['d2', 3 * CALL_TOKENS],
      ['d1', 5 * CALL_TOKENS],
    ]);
    // The nested delegation's own tool call (ask_d3 inside d2) is tagged with d2's delegation id.
    expect(events.find((e) => e.type === 'tool.call' && e.tool === 'ask_d3')).toMatchObject({ delegationId: 'turn-1.call_d1.call_d2' });
  });

  it('an agent already on the delegation path is refused (a cycle) with a tool error', async () => {
    const team = teamResponder({
      agents: {
        ping: [delegate('pong', 'bounce', 'call_pong'), (req) => reply(`ping got: ${results(req)}`)],
        pong: [delegate('ping', 'bounce back', 'call_ping'), (req) => reply(`pong got: ${results(req)}`)],
      },
    });
    h.llm.setResponder(team.responder);
    const s = await startTeamSession(h, [member('ping', { delegates: ['pong'] }), member('pong', { delegates: ['ping'] })]);
    const result = await s.send('loop');
    expect(result.reply).toBe("ping got: pong got: Error: delegation refused: 'ping' is already working on this (cycle ping -> pong -> ping)");
    expect(team.callsOf('ping')).toHaveLength(2);
    const events = await eventsUntil(h, s.workflowId, turnsCompleted(1));
    expect(events.filter((e) => e.type === 'delegation.started')).toHaveLength(1);
  });

  it("parallel delegates' approvals are pending on the parent at once, each with its delegation and agent, decided one by one", async () => {
    const save = (title: string) => toolCall('save_note', { title, body: 'x' }, 'call_save');
    const team = teamResponder({
      agents: {
        boss: [parallel(delegate('a', 'save A', 'call_a'), delegate('b', 'save B', 'call_b')), (req) => reply(results(req))],
        a: [save('note-a'), (req) => reply(`a: ${toolResultsOf(req)[0]?.content.slice(0, 24)}`)],
        b: [save('note-b'), (req) => reply(`b: ${toolResultsOf(req)[0]?.content}`)],
      },
    });
    h.llm.setResponder(team.responder);
    const s = await startTeamSession(h, [member('boss', { delegates: ['a', 'b'] }), member('a', { tools: ['save_note'] }), member('b', { tools: ['save_note'] })]);
    const turn = s.send('save both');
    const pending = await eventually(async () => {
      const p = (await s.state()).pendingApprovals;
      return p.length === 2 && p;
    });
    const byAgent = Object.fromEntries(pending.map((p) => [p.agent, p]));
    expect(byAgent.a).toMatchObject({ delegationId: 'turn-1.call_a', toolCallId: 'call_save' });
    expect(byAgent.b).toMatchObject({ delegationId: 'turn-1.call_b', toolCallId: 'call_save' });
    expect(byAgent.a!.approvalId).not.toBe(byAgent.b!.approvalId);
    const handle = h.client.workflow.getHandle(s.workflowId);
    await handle.executeUpdate(approveToolUpdate, { args: [{ approvalId: byAgent.b!.approvalId, approve: false, reason: 'not b' }] });
    await handle.executeUpdate(approveToolUpdate, { args: [{ approvalId: byAgent.a!.approvalId, approve: true }] });
    const result = await turn;
    expect(result.reply).toMatch(/^a: .* \| b: The user denied calling 'save_note': not b$/);
    expect((await s.state()).pendingApprovals).toEqual([]);
  });
});

/**
 * Agents as tools (`ask_<name>`): each delegation is an `agentDelegation` child workflow whose events,
 * tokens and approvals reach the root session. Real Temporal dev server, real LLM and tool activities, the
 * scripted LLM answering per agent (team responder).
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkflowUpdateStage } from '@temporalio/client';
import { approveToolUpdate, delegationWorkflowId, sendMessageUpdate, type SessionEvent } from '@hub/contracts';
import { delegate, offeredToolNames, reply, teamResponder, toolCall, toolResultsOf } from '@hub/testing/scripted-llm-server';
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

const lead = member('lead', { delegates: ['helper'] });
const helper = member('helper', { tools: ['calculator', 'save_note'] });

describe('delegation (ask_<agent>)', () => {
  it("returns the child's answer; the parent's stream shows the delegation, the child's tool calls and tokens tagged; usage is counted", async () => {
    const longReply = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    const team = teamResponder({
      agents: {
        lead: [
          { ...delegate('helper', 'add 2 and 3', 'call_ask'), usage: USAGE },
          (req) => reply(`lead: ${toolResultsOf(req)[0]?.content}`, { usage: USAGE }),
        ],
        helper: [
          { ...toolCall('calculator', { expression: '2+3' }, 'call_calc'), usage: USAGE },
          (req) => reply(`${longReply} result ${toolResultsOf(req)[0]?.content}`, { usage: USAGE, chunkDelayMs: 15 }),
        ],
      },
    });
    h.llm.setResponder(team.responder);
    const s = await startTeamSession(h, [lead, helper]);
    const result = await s.send('what is 2+3?');
    expect(result.status).toBe('completed');
    expect(result.reply).toBe(`lead: ${longReply} result 5`);
    // The lead was offered ask_helper (described by the helper's description); the helper got its own tools, no ask_ tools.
    expect(offeredToolNames(team.callsOf('lead')[0]!.request)).toContain('ask_helper');
    const helperTools = offeredToolNames(team.callsOf('helper')[0]!.request);
    expect(helperTools).toEqual(expect.arrayContaining(['calculator', 'save_note']));
    expect(helperTools.some((t) => t.startsWith('ask_'))).toBe(false);
    // The child ran its own conversation [user: task] with its own instructions.
    const childMessages = team.callsOf('helper')[0]!.request.body?.messages ?? [];
    expect(childMessages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(childMessages[1]?.content).toBe('add 2 and 3');
    // Its LLM requests carry the child workflow's idempotency keys.
    const childId = delegationWorkflowId(s.workflowId, 'turn-1', 'call_ask');
    expect(team.callsOf('helper').map((c) => c.request.idempotencyKey)).toEqual([`${childId}/turn-1/llm/0`, `${childId}/turn-1/llm/1`]);

    const events = await eventsUntil(h, s.workflowId, turnsCompleted(1));
    const delegationId = 'turn-1.call_ask';
    const started = events.find((e) => e.type === 'delegation.started');
    expect(started).toEqual({ type: 'delegation.started', turnId: 'turn-1', toolCallId: 'call_ask', delegationId, agent: 'helper', task: 'add 2 and 3', depth: 1 });
    const completed = events.find((e) => e.type === 'delegation.completed');
    expect(completed).toMatchObject({ delegationId, agent: 'helper', ok: true, reply: `${longReply} result 5`, usage: { totalTokens: 2 * CALL_TOKENS } });
    const childCall = events.find((e) => e.type === 'tool.call' && e.tool === 'calculator');
    expect(childCall).toMatchObject({ toolCallId: 'call_calc', delegationId });
    expect(events.find((e) => e.type === 'tool.result' && e.tool === 'calculator')).toMatchObject({ ok: true, content: '5', delegationId });
    // The parent's own call of ask_helper is untagged.
    expect(events.find((e) => e.type === 'tool.call' && e.tool === 'ask_helper')).not.toHaveProperty('delegationId');
    // The child's tokens went straight to the root's stream, tagged.
    const childTokens = events.filter((e): e is Extract<SessionEvent, { type: 'token' }> => e.type === 'token' && e.delegationId === delegationId);
    expect(childTokens.map((t) => t.delta).join('')).toBe(`${longReply} result 5`);
    // Order: started before the child's events, completed after them.
    const at = (pred: (e: SessionEvent) => boolean) => events.findIndex(pred);
    expect(at((e) => e.type === 'delegation.started')).toBeLessThan(at((e) => e === childCall));
    expect(at((e) => e.type === 'delegation.completed')).toBeGreaterThan(at((e) => e.type === 'tool.result' && e.tool === 'calculator'));

    // Usage: the lead's two calls and the helper's two.
    expect(result.usage.totalTokens).toBe(4 * CALL_TOKENS);
    expect((await s.state()).usage.totalTokens).toBe(4 * CALL_TOKENS);
  });

  it("a child's tool that needs approval shows on the parent's state and is approved through the parent", async () => {
    const team = teamResponder({
      agents: {
        lead: [delegate('helper', 'save the note', 'call_ask'), (req) => reply(`lead: ${toolResultsOf(req)[0]?.content}`)],
        helper: [toolCall('save_note', { title: 'delegated-note', body: 'from the helper' }, 'call_save'), (req) => reply(`saved: ${toolResultsOf(req)[0]?.content.slice(0, 20)}`)],
      },
    });
    h.llm.setResponder(team.responder);
    const s = await startTeamSession(h, [lead, helper]);
    const turn = s.send('please save it');
    const pending = await eventually(async () => (await s.state()).pendingApprovals[0]);
    expect(pending).toMatchObject({ tool: 'save_note', toolCallId: 'call_save', turnId: 'turn-1', delegationId: 'turn-1.call_ask', agent: 'helper' });
    expect((await s.state()).status).toBe('awaiting_approval');
    await h.client.workflow.getHandle(s.workflowId).executeUpdate(approveToolUpdate, { args: [{ approvalId: pending.approvalId, approve: true }] });
    const result = await turn;
    expect(result.reply).toMatch(/^lead: saved: /);
    expect(readFileSync(h.notesFile, 'utf8').split('\n').filter((l) => l.includes('delegated-note'))).toHaveLength(1);
    const after = await s.state();
    expect(after.pendingApprovals).toEqual([]);
    const events = await eventsUntil(h, s.workflowId, turnsCompleted(1));
    const requested = events.find((e) => e.type === 'approval.requested');
    // The child's tool call reaches the stream before its approval request.
    const callAt = events.findIndex((e) => e.type === 'tool.call' && e.tool === 'save_note' && e.delegationId === 'turn-1.call_ask');
    expect(callAt).toBeGreaterThanOrEqual(0);
    expect(callAt).toBeLessThan(events.indexOf(requested!));
    expect(requested).toMatchObject({ approval: { approvalId: pending.approvalId, delegationId: 'turn-1.call_ask', agent: 'helper' } });
    expect(events.find((e) => e.type === 'approval.resolved')).toMatchObject({ approvalId: pending.approvalId, approved: true, timedOut: false });
    await recordHistories(h, [
      [s.workflowId, 'delegation-child-approval'],
      [delegationWorkflowId(s.workflowId, 'turn-1', 'call_ask'), 'delegation-child-approval-child'],
    ]);
  });

  it("the parent's approval timeout applies to a child's request (denied when it passes)", async () => {
    const team = teamResponder({
      agents: {
        lead: [delegate('helper', 'save the note', 'call_ask'), (req) => reply(`lead: ${toolResultsOf(req)[0]?.content}`)],
        helper: [toolCall('save_note', { title: 'late-note', body: 'x' }, 'call_save'), (req) => reply(`helper: ${toolResultsOf(req)[0]?.content}`)],
      },
    });
    h.llm.setResponder(team.responder);
    const s = await startTeamSession(h, [lead, helper], { approvalTimeoutMs: 1_000 });
    const result = await s.send('save it late');
    expect(result.reply).toMatch(/^lead: helper: The user did not approve calling 'save_note' in time/);
    expect((await s.state()).pendingApprovals).toEqual([]);
  });

  it('interrupting the parent turn cancels the child', async () => {
    const team = teamResponder({
      agents: {
        lead: [delegate('helper', 'think forever', 'call_ask'), reply('second answer')],
        helper: [{ hang: true }],
      },
    });
    h.llm.setResponder(team.responder);
    const s = await startTeamSession(h, [lead, helper]);
    const handle = h.client.workflow.getHandle(s.workflowId);
    const first = s.send('start');
    await h.llm.waitFor(() => team.callsOf('helper').length === 1, 20_000);
    const childId = delegationWorkflowId(s.workflowId, 'turn-1', 'call_ask');
    expect((await h.client.workflow.getHandle(childId).describe()).status.name).toBe('RUNNING');
    await handle.startUpdate(sendMessageUpdate, { args: [{ text: 'stop that', interrupt: true }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    expect((await first).status).toBe('interrupted');
    expect((await h.client.workflow.getHandle(childId).describe()).status.name).toBe('CANCELLED');
    const events = await eventsUntil(h, s.workflowId, turnsCompleted(2));
    expect(events.find((e) => e.type === 'delegation.completed')).toMatchObject({ delegationId: 'turn-1.call_ask', ok: false, error: 'cancelled' });
    // The hung model call was aborted (the activity was cancelled), not left open.
    await eventually(async () => h.llm.chatRequests().some((r) => r.aborted));
  });

  it('a child interrupted while its approval waits withdraws it: no stale approval on the parent', async () => {
    const team = teamResponder({
      agents: {
        lead: [delegate('helper', 'save the note', 'call_ask'), reply('moved on')],
        helper: [toolCall('save_note', { title: 'withdrawn-note', body: 'x' }, 'call_save')],
      },
    });
    h.llm.setResponder(team.responder);
    const s = await startTeamSession(h, [lead, helper]);
    const first = s.send('save it');
    await eventually(async () => (await s.state()).pendingApprovals[0]);
    await h.client.workflow
      .getHandle(s.workflowId)
      .startUpdate(sendMessageUpdate, { args: [{ text: 'forget it', interrupt: true }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    expect((await first).status).toBe('interrupted');
    expect((await h.client.workflow.getHandle(delegationWorkflowId(s.workflowId, 'turn-1', 'call_ask')).describe()).status.name).toBe('CANCELLED');
    await eventually(async () => {
      const st = await s.state();
      return st.turns === 2 && st.pendingApprovals.length === 0 && st.status === 'idle';
    });
    expect(existsSync(h.notesFile) ? readFileSync(h.notesFile, 'utf8') : '').not.toContain('withdrawn-note');
  });

  it('a delegate with an outputSchema answers structured JSON: the tool result is the parsed answer', async () => {
    const schema = { type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] };
    const team = teamResponder({
      agents: {
        lead: [delegate('adder', 'add 2 and 3', 'call_ask'), (req) => reply(`lead: ${toolResultsOf(req)[0]?.content}`)],
        adder: [{ json: { sum: 5 } }],
      },
    });
    h.llm.setResponder(team.responder);
    const s = await startTeamSession(h, [member('lead', { delegates: ['adder'] }), member('adder', { outputSchema: schema })]);
    const result = await s.send('add');
    expect(result.reply).toBe('lead: {"sum":5}');
    // The child asked the model for the schema (structured output).
    expect(team.callsOf('adder')[0]!.request.body?.response_format).toMatchObject({ type: 'json_schema', json_schema: { schema } });
    const child = await h.client.workflow.getHandle(delegationWorkflowId(s.workflowId, 'turn-1', 'call_ask')).result();
    expect(child).toMatchObject({ ok: true, structured: { sum: 5 } });
  });
});

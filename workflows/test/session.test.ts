/**
 * The agent-session entity workflow against the real Temporal dev server,
 * with the real LLM and tool activities and the scripted LLM test fixture.
 */
import { readFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import {
  SESSION_EVENTS_TOPIC,
  approveToolUpdate,
  closeSessionUpdate,
  sendMessageUpdate,
  sessionStateQuery,
  type SessionEvent,
  type SessionState,
} from '@hub/contracts';
import { eventually, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.llm.reset());

const state = (workflowId: string): Promise<SessionState> => h.client.workflow.getHandle(workflowId).query(sessionStateQuery);

async function collectEvents(workflowId: string, until: (e: SessionEvent) => boolean): Promise<SessionEvent[]> {
  const stream = WorkflowStreamClient.create(h.client, workflowId);
  const out: SessionEvent[] = [];
  for await (const item of stream.subscribe<SessionEvent>([SESSION_EVENTS_TOPIC], 0, { resultType: true, pollCooldown: 10 })) {
    out.push(item.data);
    if (until(item.data)) break;
  }
  return out;
}

describe('agent session workflow', () => {
  it('creates a session and answers the first message with Update-with-Start', async () => {
    const { workflowId, result } = await h.startSession('hello there');
    expect(result.status).toBe('completed');
    expect(result.reply).toBe('You said: hello there');
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    const s = await state(workflowId);
    expect(s.status).toBe('idle');
    expect(s.turns).toBe(1);
    expect(s.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'hello there'],
      ['assistant', 'You said: hello there'],
    ]);
    expect(s.usage.totalTokens).toBe(result.usage.totalTokens);
    // The LLM request carried a stable idempotency key: workflow id + activity id.
    expect(h.llm.chatRequests()[0]?.idempotencyKey).toBe(`${workflowId}/turn-1/llm/0`);
  });

  it('rejects empty and oversized messages in the Update validator and keeps the history', async () => {
    const { workflowId } = await h.startSession('first');
    const handle = h.client.workflow.getHandle(workflowId);
    await expect(handle.executeUpdate(sendMessageUpdate, { args: [{ text: '   ' }] })).rejects.toThrow(WorkflowUpdateFailedError);
    const err = await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'x'.repeat(40_000) }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((err as WorkflowUpdateFailedError).cause?.message)).toMatch(/at most 32000 characters/);
    const s = await state(workflowId);
    expect(s.messages).toHaveLength(2);
    expect(s.turns).toBe(1);
  });

  it('answers messages that arrive during a turn in arrival order', async () => {
    const { workflowId } = await h.createSession();
    const handle = h.client.workflow.getHandle(workflowId);
    h.llm.script({ reply: 'first answer', delayMs: 800 }, { reply: 'second answer' }, { reply: 'third answer' });
    const first = handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'one' }] });
    await h.llm.waitFor(() => h.llm.chatRequests().length === 1, 10_000);
    // Each message is accepted (queued) before the next is sent, so arrival order is defined.
    const accepted = { waitForStage: WorkflowUpdateStage.ACCEPTED } as const;
    const second = await handle.startUpdate(sendMessageUpdate, { args: [{ text: 'two' }], ...accepted });
    const third = await handle.startUpdate(sendMessageUpdate, { args: [{ text: 'three' }], ...accepted });
    expect((await state(workflowId)).queued).toBe(2);
    const results = await Promise.all([first, second.result(), third.result()]);
    expect(results.map((r) => r.reply)).toEqual(['first answer', 'second answer', 'third answer']);
    const s = await state(workflowId);
    expect(s.messages.map((m) => m.content)).toEqual(['one', 'first answer', 'two', 'second answer', 'three', 'third answer']);
  });

  it('interrupt cancels the running turn and answers the new message next', async () => {
    const { workflowId } = await h.createSession();
    const handle = h.client.workflow.getHandle(workflowId);
    h.llm.script({ hang: true }, { reply: 'answer to the interruption' });
    const first = handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'slow question' }] });
    await h.llm.waitFor(() => h.llm.chatRequests().length === 1, 10_000);
    const second = await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'never mind', interrupt: true }] });
    expect((await first).status).toBe('interrupted');
    expect(second.reply).toBe('answer to the interruption');
    // The hanging HTTP request was aborted through activity cancellation.
    await h.llm.waitFor(() => h.llm.chatRequests()[0]?.aborted === true, 30_000);
  });

  it('runs a built-in tool the model calls and feeds the result back', async () => {
    h.llm.script({ toolCalls: [{ name: 'calculator', arguments: { expression: '6 * (3 + 4)' } }] }, (req) => {
      const toolMsg = req.body?.messages?.find((m) => m.role === 'tool');
      return { reply: `The answer is ${String(toolMsg?.content)}` };
    });
    const { workflowId, result } = await h.startSession('what is 6*(3+4)?');
    expect(result.reply).toBe('The answer is 42');
    const s = await state(workflowId);
    const tool = s.messages.find((m) => m.role === 'tool');
    expect(tool).toMatchObject({ role: 'tool', name: 'calculator', content: '42' });
  });

  it('pauses a tool that requires approval until it is approved, then runs it exactly once', async () => {
    h.llm.script({ toolCalls: [{ name: 'save_note', arguments: { title: 'groceries', body: 'milk' } }] }, { reply: 'saved' });
    const { workflowId } = await h.createSession();
    const handle = h.client.workflow.getHandle(workflowId);
    const turn = handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'save a note' }] });
    const pending = await eventually(async () => {
      const s = await state(workflowId);
      return s.status === 'awaiting_approval' && s.pendingApprovals[0];
    });
    expect(pending.tool).toBe('save_note');
    expect(JSON.parse(pending.arguments)).toEqual({ title: 'groceries', body: 'milk' });
    // An unknown approval id is rejected by the validator.
    await expect(
      handle.executeUpdate(approveToolUpdate, { args: [{ approvalId: 'nope', approve: true }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    await handle.executeUpdate(approveToolUpdate, { args: [{ approvalId: pending.approvalId, approve: true }] });
    expect((await turn).reply).toBe('saved');
    const lines = readFileSync(h.notesFile, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.includes('groceries'))).toHaveLength(1);
    const s = await state(workflowId);
    expect(s.pendingApprovals).toEqual([]);
    expect(s.messages.find((m) => m.role === 'tool')?.content).not.toMatch(/denied/);
  });

  it('reports a denial (with its reason) to the model and the user', async () => {
    h.llm.script({ toolCalls: [{ name: 'save_note', arguments: { title: 'secret', body: 'x' } }] }, (req) => ({
      reply: `ok: ${String(req.body?.messages?.find((m) => m.role === 'tool')?.content)}`,
    }));
    const { workflowId } = await h.createSession();
    const handle = h.client.workflow.getHandle(workflowId);
    const turn = handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'save it' }] });
    const pending = await eventually(async () => (await state(workflowId)).pendingApprovals[0]);
    await handle.executeUpdate(approveToolUpdate, { args: [{ approvalId: pending.approvalId, approve: false, reason: 'not now' }] });
    expect((await turn).reply).toBe("ok: The user denied calling 'save_note': not now");
    const events = await collectEvents(workflowId, (e) => e.type === 'turn.completed');
    expect(events.find((e) => e.type === 'approval.resolved')).toMatchObject({ approved: false, reason: 'not now', timedOut: false });
    expect(existsSync(h.notesFile) ? readFileSync(h.notesFile, 'utf8') : '').not.toContain('secret');
  });

  it('treats an approval that times out as denied', async () => {
    h.llm.script({ toolCalls: [{ name: 'save_note', arguments: { title: 'late', body: 'x' } }] }, (req) => ({
      reply: String(req.body?.messages?.find((m) => m.role === 'tool')?.content),
    }));
    const { workflowId, result } = await h.startSession('save late', { approvalTimeoutMs: 1_000 });
    expect(result.reply).toMatch(/did not approve .* in time; treated as denied/);
    const events = await collectEvents(workflowId, (e) => e.type === 'turn.completed');
    expect(events.find((e) => e.type === 'approval.resolved')).toMatchObject({ approved: false, timedOut: true });
  });

  it('fails the turn with a clear message on a non-retryable LLM error, and keeps the session usable', async () => {
    h.llm.script({ error: { status: 401, message: 'Incorrect API key provided' } });
    const { workflowId, result } = await h.startSession('hi');
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/401/);
    expect(result.error).toMatch(/Incorrect API key/);
    expect(h.llm.chatRequests()).toHaveLength(1); // not retried
    const s = await state(workflowId);
    expect(s.messages[1]).toMatchObject({ role: 'assistant', error: result.error });
    const next = await h.client.workflow.getHandle(workflowId).executeUpdate(sendMessageUpdate, { args: [{ text: 'again' }] });
    expect(next.reply).toBe('You said: again');
    // The failed turn's note is not sent to the model.
    const lastReq = h.llm.chatRequests().at(-1);
    expect(lastReq?.body?.messages?.map((m) => m.role)).toEqual(['system', 'user', 'user']);
  });

  it('retries retryable LLM errors (honouring Retry-After) with the same idempotency key', async () => {
    h.llm.script({ error: { status: 503, message: 'overloaded' } }, { error: { status: 429, message: 'slow down', retryAfter: 1 } });
    const { result } = await h.startSession('persist');
    expect(result.reply).toBe('You said: persist');
    const keys = h.llm.chatRequests().map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    const [, second, third] = h.llm.chatRequests();
    expect(third!.receivedAt - second!.receivedAt).toBeGreaterThanOrEqual(900);
  });

  it('streams token deltas and turn events on the durable stream', async () => {
    h.llm.script({ reply: 'one two three four five six', chunkDelayMs: 30 });
    const { workflowId, result } = await h.startSession('count');
    const events = await collectEvents(workflowId, (e) => e.type === 'turn.completed');
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('turn.started');
    expect(types.at(-1)).toBe('turn.completed');
    const tokens = events.filter((e): e is Extract<SessionEvent, { type: 'token' }> => e.type === 'token');
    expect(tokens.map((t) => t.delta).join('')).toBe(result.reply);
  });

  it('closes on request, answers the close with the final state, and refuses new messages', async () => {
    const { workflowId } = await h.startSession('bye soon');
    const handle = h.client.workflow.getHandle(workflowId);
    const final = await handle.executeUpdate(closeSessionUpdate, { args: [{ reason: 'done here' }] });
    expect(final.status).toBe('closed');
    expect(final.closedReason).toBe('done here');
    expect(final.messages).toHaveLength(2);
    expect((await handle.result()).status).toBe('closed');
    await expect(handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'hello?' }] })).rejects.toThrow();
    // Closed sessions still answer the state query (history is kept).
    expect((await state(workflowId)).messages).toHaveLength(2);
  });

  it('closes itself cleanly after the idle timeout', async () => {
    const { workflowId } = await h.startSession('quick', { idleTimeoutMs: 1_000 });
    const final = await h.client.workflow.getHandle(workflowId).result();
    expect(final.status).toBe('closed');
    expect(final.closedReason).toMatch(/idle/);
    expect(final.messages).toHaveLength(2);
  });

  it('continues-as-new after maxTurnsPerRun, carrying the conversation and the stream', async () => {
    const { workflowId } = await h.startSession('m1', { maxTurnsPerRun: 2 });
    const handle = h.client.workflow.getHandle(workflowId);
    const firstRun = (await handle.describe()).runId;
    await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'm2' }] });
    const newRun = await eventually(async () => {
      const d = await h.client.workflow.getHandle(workflowId).describe();
      return d.runId !== firstRun && d.runId;
    });
    expect(newRun).not.toBe(firstRun);
    const r3 = await h.client.workflow.getHandle(workflowId).executeUpdate(sendMessageUpdate, { args: [{ text: 'm3' }] });
    expect(r3.turnId).toBe('turn-3');
    const s = await state(workflowId);
    expect(s.generation).toBe(1);
    expect(s.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['m1', 'm2', 'm3']);
    // The event stream continues across the run boundary from offset 0.
    const events = await collectEvents(workflowId, (e) => e.type === 'turn.completed' && e.turnId === 'turn-3');
    expect(events.filter((e) => e.type === 'turn.completed').map((e) => (e as { turnId: string }).turnId)).toEqual([
      'turn-1',
      'turn-2',
      'turn-3',
    ]);
  });

  it('compacts a conversation over the size budget into a summary on continue-as-new (nothing silently dropped)', async () => {
    h.llm.setResponder((req) => {
      const isSummary = String(req.body?.messages?.[0]?.content ?? '').includes('summary');
      return isSummary ? { reply: 'SUMMARY: the user said a, b and c' } : { reply: `ack ${req.seq}` };
    });
    const opts = { maxTurnsPerRun: 3, compaction: { maxCarriedChars: 100, keepRecentMessages: 2 } };
    const { workflowId } = await h.startSession('a', opts);
    const handle = h.client.workflow.getHandle(workflowId);
    await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'b' }] });
    await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'c' }] });
    const s = await eventually(async () => {
      const st = await state(workflowId).catch(() => undefined);
      return st && st.generation === 1 && st;
    });
    expect(s.summary).toEqual({ text: 'SUMMARY: the user said a, b and c', coveredMessages: 4 });
    expect(s.messages.map((m) => m.content)).toEqual(['c', expect.stringMatching(/^ack/)]);
    expect(s.turns).toBe(3);
    // The next turn's system prompt carries the summary.
    await h.client.workflow.getHandle(workflowId).executeUpdate(sendMessageUpdate, { args: [{ text: 'd' }] });
    expect(String(h.llm.chatRequests().at(-1)?.body?.messages?.[0]?.content)).toContain('SUMMARY: the user said a, b and c');
  });
});

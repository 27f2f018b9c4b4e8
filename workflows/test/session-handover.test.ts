/**
 * The session's hand-over to its next run (continue-as-new), on the real dev server with the real
 * activities and the scripted LLM: messages that arrive mid-hand-over are carried (never refused as
 * SessionBusy), a resend of the same update id answers the same turn in the next run, and large
 * replies do not wedge the session (the carried state stays within its byte budget).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApplicationFailure, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { sendMessageUpdate, sessionStateQuery, type SessionState, type TurnResult } from '@hub/contracts';
import { eventually, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.llm.reset());

const state = (handle: WorkflowHandle): Promise<SessionState> => handle.query(sessionStateQuery);

/** Sends a message the way the gateway does: one update id, sent again while the session hands over. */
async function send(handle: WorkflowHandle, text: string, updateId: string, seen: string[]): Promise<TurnResult> {
  for (;;) {
    try {
      return await handle.executeUpdate(sendMessageUpdate, { args: [{ text }], updateId });
    } catch (err) {
      const type = err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure ? err.cause.type : undefined;
      if (type !== 'SessionHandover' && type !== 'SessionBusy') throw err;
      seen.push(type);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Turns the LLM ran for a user message (its last message is that user message; summaries are not counted). */
const asked = (text: string) =>
  h.llm.chatRequests().filter((r) => {
    const last = r.body?.messages?.at(-1) as { role?: string; content?: unknown } | undefined;
    return last?.role === 'user' && last.content === text;
  }).length;

describe('continue-as-new hand-over', () => {
  it('carries messages that arrive mid-hand-over into the next run, each answered exactly once', async () => {
    // Three turns are answered, then the hand-over's summary takes 3 s: the messages arrive meanwhile. (Three, so
    // the two carried turns do not start another hand-over whose compaction could race the state read below.)
    h.llm.script({ reply: 'first answer' }, { reply: 'second answer' }, { reply: 'third answer' }, { delayMs: 3_000, reply: 'the summary' });
    const { workflowId } = await h.createSession({ maxTurnsPerRun: 3, compaction: { maxCarriedChars: 1, keepRecentMessages: 1 } });
    const handle = h.client.workflow.getHandle(workflowId);
    const firstRunId = (await handle.describe()).runId;
    const seen: string[] = [];
    expect((await send(handle, 'm1', 'u1', seen)).reply).toBe('first answer');
    expect((await send(handle, 'm2', 'u1b', seen)).reply).toBe('second answer');
    expect((await send(handle, 'm3', 'u1c', seen)).reply).toBe('third answer');
    await h.llm.waitFor(() => h.llm.chatRequests().length >= 4, 10_000);
    const [r2, r3] = await Promise.all([send(handle, 'carried two', 'u2', seen), send(handle, 'carried three', 'u3', seen)]);
    expect(r2.reply).toBe('You said: carried two');
    expect(r3.reply).toBe('You said: carried three');
    expect(seen).toContain('SessionHandover');
    expect(seen).not.toContain('SessionBusy');
    expect(asked('carried two')).toBe(1);
    expect(asked('carried three')).toBe(1);
    // A resend of an answered message answers the same turn again, without a new one.
    const again = await send(handle, 'carried two', 'u2', seen);
    expect(again).toEqual(r2);
    expect(asked('carried two')).toBe(1);
    const s = await state(handle);
    expect(s.generation).toBeGreaterThanOrEqual(1);
    expect(s.messages.filter((m) => m.role === 'user' && m.content === 'carried two')).toHaveLength(1);
    if (process.env.HUB_RECORD_HISTORIES === '1') {
      const history = await h.client.workflow.getHandle(workflowId, firstRunId).fetchHistory();
      writeFileSync(fileURLToPath(new URL('./histories/session-handover-carried.json', import.meta.url)), historyToJSON(history) + '\n');
    }
  });

  it('large replies do not wedge the session: the carried state stays within its budget', async () => {
    // Replies as large as the LLM activity lets through (it caps them), four of them before the hand-over:
    // carried whole (messages and the stream's events) they are several MB, over Temporal's payload limit.
    const big = (c: string) => c.repeat(1_100_000);
    h.llm.script({ reply: big('a') }, { reply: big('b') }, { reply: big('c') }, { reply: big('d') });
    const { workflowId, result } = await h.startSession('big one', { maxTurnsPerRun: 4 });
    const size = result.reply?.length ?? 0;
    expect(size).toBeGreaterThan(200_000);
    const handle = h.client.workflow.getHandle(workflowId);
    const seen: string[] = [];
    for (const text of ['big two', 'big three', 'big four']) expect((await send(handle, text, text, seen)).reply?.length).toBe(size);
    const next = await eventually(async () => {
      const s = await state(handle).catch(() => undefined);
      return s && s.generation === 1 && s;
    }, 30_000);
    const carriedBytes = Buffer.byteLength(JSON.stringify(next.messages));
    expect(carriedBytes).toBeLessThan(1_000_000);
    expect(next.messages.some((m) => m.content?.includes('truncated'))).toBe(true);
    expect((await send(handle, 'still alive?', 'alive', seen)).reply).toBe('You said: still alive?');
  }, 120_000);
});

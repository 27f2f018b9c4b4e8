/**
 * The session's idle timeout watched by one timer (patch `session-idle-watch`, workflows/src/session-idle.ts),
 * against the real Temporal dev server and worker: turns start no timer of their own, and the session still
 * closes `idleTimeoutMs` after it last started waiting — also when the watch timer fired during a turn.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { sendMessageUpdate, type SessionState } from '@hub/contracts';
import { recordHistory } from './compensation-harness';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.llm.reset());

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
const msOf = (e: HistoryEvent): number => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

describe('session idle timeout (one watch timer)', () => {
  it('turns start no timer of their own', async () => {
    const { workflowId } = await h.startSession('one', { idleTimeoutMs: 600_000 });
    const handle = h.client.workflow.getHandle(workflowId);
    for (const text of ['two', 'three', 'four', 'five']) {
      expect(await handle.executeUpdate(sendMessageUpdate, { args: [{ text }] })).toMatchObject({ status: 'completed' });
    }
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes)).toHaveLength(5);
    // Before: a timer started and cancelled around every wait for a message (five turns, six timers).
    expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(1);
    expect(events.filter((e) => e.timerCanceledEventAttributes)).toHaveLength(0);
    await handle.terminate('test done');
  });

  it('closes idleTimeoutMs after the last turn, also when the watch fired while a turn ran', async () => {
    const idleTimeoutMs = 1_500;
    // The second turn runs across the first deadline (its reply takes 1.2 s), so the watch finds the session
    // busy, waits a full timeout, then only what is left of the idle time after the turn.
    h.llm.script({ reply: 'first' }, { reply: 'second', delayMs: 1_200 });
    const { workflowId } = await h.startSession('hello', { idleTimeoutMs });
    const handle = h.client.workflow.getHandle(workflowId);
    await new Promise((r) => setTimeout(r, 800));
    expect(await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'again' }] })).toMatchObject({ status: 'completed', reply: 'second' });
    const final = (await handle.result()) as SessionState;
    expect(final.status).toBe('closed');
    expect(final.closedReason).toMatch(/idle/);
    expect(final.messages.map((m) => m.content)).toEqual(['hello', 'first', 'again', 'second']);

    const events = (await handle.fetchHistory()).events ?? [];
    const lastTurnEnd = msOf(events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes).at(-1)!);
    const closed = msOf(events.find((e) => e.workflowExecutionCompletedEventAttributes)!);
    // Never early: a full idle timeout after the session last started waiting (workflow time).
    expect(closed - lastTurnEnd).toBeGreaterThanOrEqual(idleTimeoutMs - 5);
    expect(events.filter((e) => e.timerFiredEventAttributes).length).toBeGreaterThanOrEqual(2);
    await recordHistory(h.client, workflowId, 'session-idle-watch');
  });
});

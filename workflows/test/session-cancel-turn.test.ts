/**
 * `cancelTurn` (real dev server, real activities, the scripted LLM): cancels the running turn or drops a
 * queued one, and the session stays open for the next message. A2A's CancelTask and
 * `POST /v1/sessions/{id}/turns/{turnId}/cancel` use it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkflowUpdateStage } from '@temporalio/client';
import { cancelTurnUpdate, sendMessageUpdate, sessionStateQuery, type SessionState, type TurnResult } from '@hub/contracts';
import { eventually, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.llm.reset());

describe('cancelTurn', () => {
  it('cancels the running turn and drops a queued one; the session answers the next message', async () => {
    const { workflowId } = await h.createSession();
    const handle = h.client.workflow.getHandle(workflowId);
    h.llm.script({ hang: true }, { reply: 'third answer' });

    const first = await handle.startUpdate(sendMessageUpdate, { args: [{ text: 'slow one' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await h.llm.waitFor(() => h.llm.chatRequests().length === 1);
    const second = await handle.startUpdate(sendMessageUpdate, { args: [{ text: 'queued one' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await eventually(async () => ((await handle.query(sessionStateQuery)).queued === 1 ? true : undefined));

    expect(await handle.executeUpdate(cancelTurnUpdate, { args: [{ turnId: 'turn-2' }] })).toEqual({ turnId: 'turn-2', cancelled: true, was: 'queued' });
    const dropped: TurnResult = await second.result();
    expect(dropped).toMatchObject({ turnId: 'turn-2', status: 'cancelled' });

    expect(await handle.executeUpdate(cancelTurnUpdate, { args: [{ turnId: 'turn-1' }] })).toEqual({ turnId: 'turn-1', cancelled: true, was: 'running' });
    expect(await first.result()).toMatchObject({ turnId: 'turn-1', status: 'cancelled' });

    // Nothing left to cancel; the session is open and answers the next message with the next script step.
    expect(await handle.executeUpdate(cancelTurnUpdate, { args: [{ turnId: 'turn-1' }] })).toEqual({ turnId: 'turn-1', cancelled: false, was: 'ended' });
    const third = await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'again' }] });
    expect(third).toMatchObject({ turnId: 'turn-3', status: 'completed', reply: 'third answer' });

    const state: SessionState = await handle.query(sessionStateQuery);
    expect(state.status).toBe('idle');
    expect(state.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['slow one', 'again']);
    // The cancelled turn is recorded as such for people (not sent to the model again).
    expect(state.messages.find((m) => m.role === 'assistant' && m.turnId === 'turn-1')).toMatchObject({ error: 'turn cancelled' });
    // The dropped message never reached the model: two model calls in all (the hung one and turn 3).
    expect(h.llm.chatRequests()).toHaveLength(2);
  });
});

/**
 * Issue 11 #12 for turn compensations: a tool call whose answer never arrived (the turn was
 * interrupted while the bookings server, having booked, was still answering) may have had its
 * effect, so the turn's rollback undoes it too (the compensation `{"key": "$key"}` names the
 * call by its idempotency key), exactly once. Real Temporal, real `executeTool`, real bookings server.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, WORKFLOW_TYPES, sendMessageUpdate, sessionWorkflowId, type SessionWorkflowInput, type TurnResult } from '@hub/contracts';
import { eventually, recordHistory, startCompensationHarness, type CompensationHarness } from './compensation-harness';
import { testProfile } from './harness';

let h: CompensationHarness;
beforeAll(async () => {
  h = await startCompensationHarness({ compensateBy: 'key' });
});
afterAll(async () => {
  await h?.close();
});

describe('session turn compensations: a call whose outcome is unknown', () => {
  it('an interrupted turn undoes a booking whose answer had not arrived yet, exactly once', async () => {
    const tag = randomUUID().slice(0, 6);
    const slow = { id: 's1', name: 'bookings__create_booking', arguments: { resource: `slow-${tag}`, slot: 'wed 9:00', answerDelayMs: 15_000 } };
    h.llm.script({ toolCalls: [slow] }, { reply: 'Stopped.' });
    const sessionId = randomUUID();
    const wf = sessionWorkflowId('test', sessionId);
    const input: SessionWorkflowInput = {
      sessionId,
      tenant: 'test',
      profile: { ...testProfile, tools: ['bookings__*'] },
      options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
    };
    await h.client.workflow.start(WORKFLOW_TYPES.session, { workflowId: wf, taskQueue: h.taskQueue, args: [input] });
    const handle = h.client.workflow.getHandle(wf);
    const first = handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'book' }] }) as Promise<TurnResult>;
    // The booking is made; its answer is 15 s away: interrupt the turn now.
    await eventually(async () => h.effects(wf).some((e) => e.op === 'create'), 30_000);
    const second = (await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'stop', interrupt: true }] })) as TurnResult;
    const interrupted = await first;
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error).toMatch(/1 tool side effect rolled back/);
    expect(second.reply).toBe('Stopped.');
    expect(h.effects(wf).map((e) => `${e.op}:${e.resource}:${e.key?.slice(wf.length + 1)}`)).toEqual([
      `create:slow-${tag}:turn-1/tool/s1`,
      `cancel:slow-${tag}:turn-1/compensate/s1`,
    ]);
    await recordHistory(h.client, wf, 'turn-compensation-unknown-outcome');
  });
});

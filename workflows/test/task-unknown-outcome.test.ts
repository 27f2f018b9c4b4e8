/**
 * Issue 11 #12: a step whose call failed without an answer (here: the bookings server books, then answers
 * later than the step's time budget) has an unknown outcome; its effect may have happened, so it is
 * compensated, exactly once. Real Temporal, real `executeTool`, the real bookings MCP server.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskState, TaskStep } from '@hub/contracts';
import { recordHistory, startCompensationHarness, type CompensationHarness } from './compensation-harness';

let h: CompensationHarness;
beforeAll(async () => {
  h = await startCompensationHarness();
});
afterAll(async () => {
  await h?.close();
});

const fresh = (n: number) => {
  const tag = randomUUID().slice(0, 8);
  return Array.from({ length: n }, (_, i) => `room-${i}-${tag}`);
};
const effectSummary = (wf: string) => h.effects(wf).map((e) => `${e.op}:${e.resource}:${e.key?.slice(wf.length + 1)}`);

describe('saga task: a step whose outcome is unknown', () => {
  it('is compensated exactly once when its call timed out after the server applied it', async () => {
    const [r0, r1] = fresh(2) as [string, string];
    const byKey = { tool: 'bookings/cancel_booking', args: { key: '$key' } };
    const steps: TaskStep[] = [
      { tool: 'bookings/create_booking', args: { resource: r0, slot: 'mon 10:00' }, compensate: byKey },
      // Books at once, answers after 6 s: the step's 2 s budget runs out after the effect.
      { tool: 'bookings/create_booking', args: { resource: r1, slot: 'mon 10:00', answerDelayMs: 6000 }, timeoutMs: 2000, compensate: byKey },
    ];
    const { workflowId, handle } = await h.startTask(steps);
    const result = (await handle.result()) as TaskState;

    expect(result.steps[1]?.status).toBe('failed');
    expect(result.steps[1]?.outcomeUnknown).toBe(true);
    expect(result.steps.map((s) => s.compensation?.status)).toEqual(['completed', 'completed']);
    expect(result.status).toBe('compensated');
    // The booking the lost answer would have named exists, and is cancelled exactly once.
    expect(effectSummary(workflowId)).toEqual([
      `create:${r0}:step/0`,
      `create:${r1}:step/1`,
      `cancel:${r1}:compensate/1`,
      `cancel:${r0}:compensate/0`,
    ]);
    const fx = h.effects(workflowId);
    expect(fx.find((e) => e.op === 'cancel' && e.resource === r1)?.bookingId).toBe(fx.find((e) => e.op === 'create' && e.resource === r1)?.bookingId);
    await recordHistory(h.client, workflowId, 'saga-task-unknown-outcome-compensated');
  });

  it('a compensation that needs the missing result fails loudly: compensation_failed, never a silent not_needed', async () => {
    const [r0] = fresh(1) as [string];
    const { workflowId, handle } = await h.startTask([
      {
        tool: 'bookings/create_booking',
        args: { resource: r0, slot: 'mon 10:00', answerDelayMs: 5000 },
        timeoutMs: 1500,
        compensate: { tool: 'bookings/cancel_booking', args: { bookingId: '$result.bookingId' } },
      },
    ]);
    const result = (await handle.result()) as TaskState;
    expect(result.status).toBe('compensation_failed');
    expect(result.steps[0]?.outcomeUnknown).toBe(true);
    expect(result.steps[0]?.compensation?.status).toBe('failed');
    expect(result.steps[0]?.compensation?.error).toMatch(/outcome is unknown.*\$key/);
    expect(effectSummary(workflowId)).toEqual([`create:${r0}:step/0`]);
  });
});

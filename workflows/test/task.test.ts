/**
 * Tasks (the `sagaTask` workflow) against the real Temporal dev server, the real `executeTool`
 * activity and the real bookings MCP server (side effects counted in its file).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { CancelledFailure } from '@temporalio/common';
import { TASK_EVENTS_TOPIC, type TaskEvent, type TaskState, type TaskStep } from '@hub/contracts';
import { eventually, startCompensationHarness, type CompensationHarness } from './compensation-harness';

let h: CompensationHarness;
beforeAll(async () => {
  h = await startCompensationHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.setBookingsEnv({}));

/** n booking steps on fresh resources, each compensated by cancelling its booking (by the id it answered, or by its call's idempotency key). */
function bookingSteps(n: number, opts: { delayMsAt?: number; by?: 'result' | 'key' } = {}): { steps: TaskStep[]; resources: string[] } {
  const tag = randomUUID().slice(0, 8);
  const resources = Array.from({ length: n }, (_, i) => `room-${i}-${tag}`);
  const steps = resources.map(
    (resource, i): TaskStep => ({
      tool: 'bookings/create_booking',
      args: { resource, slot: 'mon 10:00', ...(opts.delayMsAt === i ? { delayMs: 60_000 } : {}) },
      compensate: { tool: 'bookings/cancel_booking', args: opts.by === 'key' ? { key: '$key' } : { bookingId: '$result.bookingId' } },
    }),
  );
  return { steps, resources };
}

const effectSummary = (wf: string) => h.effects(wf).map((e) => `${e.op}:${e.resource}:${e.key?.slice(wf.length + 1)}`);

describe('saga task workflow', () => {
  it('runs every step in order and needs no compensation when all succeed', async () => {
    const { steps, resources } = bookingSteps(3);
    const { workflowId, handle } = await h.startTask(steps);
    const result = (await handle.result()) as TaskState;
    expect(result.status).toBe('completed');
    expect(result.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    expect(result.steps.map((s) => s.compensation?.status)).toEqual(['registered', 'registered', 'registered']);
    const booked = result.steps.map((s) => JSON.parse(s.result!) as { bookingId: string; resource: string });
    expect(booked.map((b) => b.resource)).toEqual(resources);
    expect(effectSummary(workflowId)).toEqual(resources.map((r, i) => `create:${r}:step/${i}`));
    expect(await h.state(workflowId)).toEqual(result);
  });

  for (const failAt of [0, 1, 2]) {
    it(`a failure at step ${failAt + 1} of 3 compensates the ${failAt} completed step(s) in reverse order, exactly once each`, async () => {
      const { steps, resources } = bookingSteps(3);
      h.setBookingsEnv({ BOOKINGS_FAIL_RESOURCE: resources[failAt]! });
      const { workflowId, handle } = await h.startTask(steps);
      const result = (await handle.result()) as TaskState;

      expect(result.status).toBe(failAt === 0 ? 'failed' : 'compensated');
      expect(result.error).toMatch(new RegExp(`step ${failAt} .*not available`));
      expect(result.steps[failAt]?.status).toBe('failed');
      expect(result.steps[failAt]?.compensation?.status).toBe('not_needed');
      for (let i = 0; i < failAt; i++) expect(result.steps[i]?.compensation?.status).toBe('completed');
      for (let i = failAt + 1; i < 3; i++) expect(result.steps[i]?.status).toBe('skipped');

      const creates = resources.slice(0, failAt).map((r, i) => `create:${r}:step/${i}`);
      const cancels = resources
        .slice(0, failAt)
        .map((r, i) => `cancel:${r}:compensate/${i}`)
        .reverse();
      expect(effectSummary(workflowId)).toEqual([...creates, ...cancels]);
      // The cancels undo exactly the bookings the creates made.
      const fx = h.effects(workflowId);
      const created = fx.filter((e) => e.op === 'create').map((e) => e.bookingId);
      expect(
        fx
          .filter((e) => e.op === 'cancel')
          .map((e) => e.bookingId)
          .reverse(),
      ).toEqual(created);
    });
  }

  it('a compensation that keeps failing ends the task compensation_failed, and the others still run', async () => {
    const { steps, resources } = bookingSteps(3);
    h.setBookingsEnv({ BOOKINGS_FAIL_RESOURCE: resources[2]!, BOOKINGS_CANCEL_FAIL: '1' });
    const { workflowId, handle } = await h.startTask(steps);
    // Subscribe while the task runs: the stream is read from the running workflow.
    const events: TaskEvent[] = [];
    const collecting = (async () => {
      const stream = WorkflowStreamClient.create(h.client, workflowId);
      for await (const item of stream.subscribe<TaskEvent>([TASK_EVENTS_TOPIC], 0, { resultType: true, pollCooldown: 10 })) {
        events.push(item.data);
        if (item.data.type === 'task.status' && item.data.status === 'compensation_failed') break;
      }
    })();
    const result = (await handle.result()) as TaskState;
    await collecting;
    expect(result.status).toBe('compensation_failed');
    expect(result.steps.map((s) => s.compensation?.status)).toEqual(['failed', 'failed', 'not_needed']);
    expect(result.steps[1]?.compensation?.error).toMatch(/refused/);
    expect(effectSummary(workflowId)).toEqual([`create:${resources[0]}:step/0`, `create:${resources[1]}:step/1`]);

    // Surfaced on the event stream too, in order, never dropped.
    const comp = events.filter((e) => e.type.startsWith('compensation.') && e.type !== 'compensation.registered');
    expect(comp.map((e) => `${e.type}:${'index' in e ? e.index : ''}`)).toEqual([
      'compensation.started:1',
      'compensation.failed:1',
      'compensation.started:0',
      'compensation.failed:0',
    ]);
    // Registered before each step started.
    const order = events.map((e) => ('index' in e ? `${e.type}:${e.index}` : e.type));
    for (const i of [0, 1, 2]) expect(order.indexOf(`compensation.registered:${i}`)).toBeLessThan(order.indexOf(`step.started:${i}`));
  });

  it('cancelling the task mid-step compensates the completed steps and the interrupted one (outcome unknown), and ends compensated', async () => {
    const { steps, resources } = bookingSteps(3, { delayMsAt: 2, by: 'key' });
    const { workflowId, handle } = await h.startTask(steps);
    await eventually(async () => (await h.state(workflowId)).steps[2]?.status === 'running');
    // Let the slow call reach the server before cancelling.
    await new Promise((r) => setTimeout(r, 500));
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

    const s = await h.state(workflowId);
    expect(s.status).toBe('compensated');
    expect(s.cancelled).toBe(true);
    expect(s.steps.map((x) => x.status)).toEqual(['completed', 'completed', 'failed']);
    expect(s.steps[2]?.error).toBe('cancelled');
    // The interrupted call may have booked (its answer never came): it is compensated too; here it had booked nothing.
    expect(s.steps[2]?.outcomeUnknown).toBe(true);
    expect(s.steps.map((x) => x.compensation?.status)).toEqual(['completed', 'completed', 'completed']);
    expect(JSON.parse(s.steps[2]!.compensation!.result!)).toMatchObject({ status: 'nothing_booked' });
    expect(effectSummary(workflowId)).toEqual([
      `create:${resources[0]}:step/0`,
      `create:${resources[1]}:step/1`,
      `cancel:${resources[1]}:compensate/1`,
      `cancel:${resources[0]}:compensate/0`,
    ]);
    const described = await handle.describe();
    expect(described.status.name).toBe('CANCELLED');
  });

  it('maps built-in tool names without a slash and fails cleanly on an unknown tool', async () => {
    const { workflowId, handle } = await h.startTask([
      { tool: 'calculator', args: { expression: '6*7' } },
      { tool: 'bookings/no_such_tool', args: {} },
    ]);
    const result = (await handle.result()) as TaskState;
    expect(result.steps[0]?.status).toBe('completed');
    expect(result.steps[1]?.status).toBe('failed');
    expect(result.status).toBe('failed');
    expect(h.effects(workflowId)).toEqual([]);
  });
});

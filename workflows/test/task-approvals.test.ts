/**
 * Issue 11 #6: a task step whose tool requires approval (the sessions' policy: the tool spec's
 * `requiresApproval`, from built-in tools such as save_note and from an MCP server's
 * `requiresApproval` config) pauses the task until a human decides; a denial or no decision in
 * time fails the step as not run and compensates the completed ones. Real Temporal, real tools.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { approveTaskStepUpdate, type TaskState, type TaskStep } from '@hub/contracts';
import { eventually, recordHistory, startCompensationHarness, type CompensationHarness } from './compensation-harness';

let h: CompensationHarness;
const notesFile = join(mkdtempSync(join(tmpdir(), 'hub-notes-')), 'notes.jsonl');
beforeAll(async () => {
  process.env.HUB_NOTES_FILE = notesFile;
  h = await startCompensationHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.setBookingsApproval(undefined);
  h.setBookingsEnv({});
});

const effectSummary = (wf: string) => h.effects(wf).map((e) => `${e.op}:${e.resource}:${e.key?.slice(wf.length + 1)}`);
const booking = (resource: string): TaskStep => ({
  tool: 'bookings/create_booking',
  args: { resource, slot: 'tue 09:00' },
  compensate: { tool: 'bookings/cancel_booking', args: { bookingId: '$result.bookingId' } },
});

describe('saga task approvals', () => {
  it('a save_note step waits for approval, then runs once approved', async () => {
    const title = `note-${randomUUID()}`;
    const { workflowId, handle } = await h.startTask([
      { tool: 'calculator', args: { expression: '1+1' } },
      { tool: 'save_note', args: { title, body: 'from a task' } },
    ]);
    await eventually(async () => (await h.state(workflowId)).status === 'awaiting_approval');
    const waiting = await h.state(workflowId);
    expect(waiting.steps.map((s) => s.status)).toEqual(['completed', 'awaiting_approval']);
    expect(waiting.pendingApprovals).toEqual([expect.objectContaining({ approvalId: 'step-1', index: 1, tool: 'save_note' })]);
    expect(JSON.parse(waiting.pendingApprovals![0]!.arguments)).toEqual({ title, body: 'from a task' });
    // Nothing was saved before the decision.
    expect(readFileSafe(notesFile)).not.toContain(title);

    await handle.executeUpdate(approveTaskStepUpdate, { args: [{ approvalId: 'step-1', approve: true }] });
    const result = (await handle.result()) as TaskState;
    expect(result.status).toBe('completed');
    expect(result.pendingApprovals).toEqual([]);
    expect(readFileSafe(notesFile)).toContain(title);
  });

  it("tools of a server marked requiresApproval: approved steps run, a denied one fails as not run and the others are compensated (compensations don't ask)", async () => {
    h.setBookingsApproval(true);
    const tag = randomUUID().slice(0, 8);
    const [r0, r1] = [`room-a-${tag}`, `room-b-${tag}`];
    const { workflowId, handle } = await h.startTask([booking(r0), booking(r1)]);
    await eventually(async () => (await h.state(workflowId)).pendingApprovals?.[0]?.approvalId === 'step-0');
    expect(h.effects(workflowId)).toEqual([]);
    // Only the pending approval can be decided.
    const wrong = await handle.executeUpdate(approveTaskStepUpdate, { args: [{ approvalId: 'step-1', approve: true }] }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(WorkflowUpdateFailedError);
    await handle.executeUpdate(approveTaskStepUpdate, { args: [{ approvalId: 'step-0', approve: true }] });
    await eventually(async () => (await h.state(workflowId)).pendingApprovals?.[0]?.approvalId === 'step-1');
    await handle.executeUpdate(approveTaskStepUpdate, { args: [{ approvalId: 'step-1', approve: false, reason: 'too expensive' }] });

    const result = (await handle.result()) as TaskState;
    expect(result.status).toBe('compensated');
    expect(result.steps[1]).toMatchObject({ status: 'failed', error: 'denied: too expensive', compensation: { status: 'not_needed' } });
    expect(result.steps[0]?.compensation?.status).toBe('completed');
    expect(result.error).toMatch(/step 1 .*denied: too expensive/);
    expect(effectSummary(workflowId)).toEqual([`create:${r0}:step/0`, `cancel:${r0}:compensate/0`]);
    await recordHistory(h.client, workflowId, 'saga-task-approval-denied');
  });

  it('no decision within the approval timeout counts as a denial', async () => {
    h.setBookingsApproval(['create_booking']);
    const { workflowId, handle } = await h.startTask([booking(`room-c-${randomUUID().slice(0, 8)}`)], { approvalTimeoutMs: 1000 });
    const result = (await handle.result()) as TaskState;
    expect(result.status).toBe('failed');
    expect(result.steps[0]).toMatchObject({ status: 'failed', error: 'not approved in time (treated as denied)' });
    expect(h.effects(workflowId)).toEqual([]);
  });

  it('cancelling a task that waits for an approval compensates the completed steps; the waiting step never runs', async () => {
    h.setBookingsApproval(['cancel_booking']);
    const title = `never-${randomUUID()}`;
    const r0 = `room-e-${randomUUID().slice(0, 8)}`;
    const { workflowId, handle } = await h.startTask([booking(r0), { tool: 'save_note', args: { title, body: 'x' } }]);
    await eventually(async () => (await h.state(workflowId)).status === 'awaiting_approval');
    await handle.cancel();
    await handle.result().catch(() => undefined);
    const s = await h.state(workflowId);
    expect(s).toMatchObject({ status: 'compensated', cancelled: true, pendingApprovals: [] });
    expect(s.steps[1]).toMatchObject({ status: 'failed', error: 'cancelled' });
    // The compensation ran although its tool (cancel_booking) requires approval: compensations never ask.
    expect(effectSummary(workflowId)).toEqual([`create:${r0}:step/0`, `cancel:${r0}:compensate/0`]);
    expect(readFileSafe(notesFile)).not.toContain(title);
  });

  it('fails closed: a step whose server did not list its tools (so its approval rule is unknown) is not sent', async () => {
    h.setBookingsApproval(true);
    // The server answers nothing for 40 s: every catalogue read of the task misses it.
    h.setBookingsEnv({ BOOKINGS_START_DELAY_MS: '40000' });
    const { workflowId, handle } = await h.startTask([booking(`room-d-${randomUUID().slice(0, 8)}`)]);
    const result = (await handle.result()) as TaskState;
    expect(result.status).toBe('failed');
    expect(result.steps[0]).toMatchObject({ status: 'failed', compensation: { status: 'not_needed' } });
    expect(result.steps[0]?.error).toMatch(/not offered.*not sent/);
    h.setBookingsEnv({});
    await new Promise((r) => setTimeout(r, 1000));
    expect(h.effects(workflowId)).toEqual([]);
  });
});

function readFileSafe(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}
/**
 * Compensations declared in config for session turns: a turn that booked
 * (real bookings MCP server, effects in its file) and then fails or is
 * interrupted has its bookings cancelled, last first, exactly once each,
 * with their own idempotency keys; a turn that completes keeps them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import {
  DEFAULTS,
  WORKFLOW_TYPES,
  sendMessageUpdate,
  sessionWorkflowId,
  type SessionEvent,
  type SessionWorkflowInput,
  type TurnResult,
} from '@hub/contracts';
import { eventually, startCompensationHarness, type CompensationHarness } from './compensation-harness';
import { testProfile } from './harness';

let h: CompensationHarness;
beforeAll(async () => {
  h = await startCompensationHarness();
});
afterAll(async () => {
  await h?.close();
});

async function startSession(): Promise<string> {
  const sessionId = randomUUID();
  const workflowId = sessionWorkflowId('test', sessionId);
  const input: SessionWorkflowInput = {
    sessionId,
    tenant: 'test',
    profile: { ...testProfile, tools: ['bookings__*'] },
    options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
  };
  await h.client.workflow.start(WORKFLOW_TYPES.session, { workflowId, taskQueue: h.taskQueue, args: [input] });
  return workflowId;
}

const book = (resource: string, id: string) => ({ id, name: 'bookings__create_booking', arguments: { resource, slot: 'tue 9:00' } });
const summary = (wf: string) => h.effects(wf).map((e) => `${e.op}:${e.resource}:${e.key?.slice(wf.length + 1)}`);

async function events(workflowId: string, until: (e: SessionEvent) => boolean): Promise<SessionEvent[]> {
  const out: SessionEvent[] = [];
  for await (const item of WorkflowStreamClient.create(h.client, workflowId).subscribe<SessionEvent>(['events'], 0, { resultType: true, pollCooldown: 10 })) {
    out.push(item.data);
    if (until(item.data)) break;
  }
  return out;
}

describe('session turn compensations (hub config `compensations`)', () => {
  it('a failed turn undoes its completed bookings in reverse order, exactly once each', async () => {
    const tag = randomUUID().slice(0, 6);
    h.llm.script(
      { toolCalls: [book(`a-${tag}`, 'c1')] },
      { toolCalls: [book(`b-${tag}`, 'c2')] },
      { error: { status: 400, message: 'the model gives up' } },
    );
    const wf = await startSession();
    const turn = (await h.client.workflow.getHandle(wf).executeUpdate(sendMessageUpdate, { args: [{ text: 'book two rooms' }] })) as TurnResult;
    expect(turn.status).toBe('failed');
    expect(turn.error).toMatch(/the model gives up; 2 tool side effects rolled back/);
    expect(summary(wf)).toEqual([
      `create:a-${tag}:turn-1/tool/c1`,
      `create:b-${tag}:turn-1/tool/c2`,
      `cancel:b-${tag}:turn-1/compensate/c2`,
      `cancel:a-${tag}:turn-1/compensate/c1`,
    ]);
    const ev = await events(wf, (e) => e.type === 'turn.failed');
    expect(ev.filter((e) => e.type.startsWith('compensation.')).map((e) => `${e.type}:${(e as { toolCallId: string }).toolCallId}`)).toEqual([
      'compensation.registered:c1',
      'compensation.registered:c2',
      'compensation.completed:c2',
      'compensation.completed:c1',
    ]);
    // The tool was registered before it ran.
    expect(ev.findIndex((e) => e.type === 'compensation.registered')).toBeLessThan(ev.findIndex((e) => e.type === 'tool.result'));
  });

  it('a completed turn keeps its bookings', async () => {
    const tag = randomUUID().slice(0, 6);
    h.llm.script({ toolCalls: [book(`k-${tag}`, 'k1')] }, { reply: 'Booked.' });
    const wf = await startSession();
    const turn = (await h.client.workflow.getHandle(wf).executeUpdate(sendMessageUpdate, { args: [{ text: 'book' }] })) as TurnResult;
    expect(turn).toMatchObject({ status: 'completed', reply: 'Booked.' });
    expect(summary(wf)).toEqual([`create:k-${tag}:turn-1/tool/k1`]);
  });

  it('an interrupted turn undoes what it booked; a booking that failed has nothing to undo', async () => {
    const tag = randomUUID().slice(0, 6);
    h.llm.script({ toolCalls: [book(`i-${tag}`, 'i1'), book(`sold-out-${tag}`, 'i2')] }, { hang: true }, { reply: 'Stopped.' });
    h.setBookingsEnv({ BOOKINGS_FAIL_RESOURCE: `sold-out-${tag}` });
    try {
      const wf = await startSession();
      const handle = h.client.workflow.getHandle(wf);
      const first = handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'book' }] }) as Promise<TurnResult>;
      await eventually(async () => h.llm.chatRequests().some((r) => r.idempotencyKey === `${wf}/turn-1/llm/1`), 30_000);
      const second = (await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'stop', interrupt: true }] })) as TurnResult;
      const interrupted = await first;
      expect(interrupted.status).toBe('interrupted');
      expect(interrupted.error).toMatch(/1 tool side effect rolled back/);
      expect(second.reply).toBe('Stopped.');
      expect(summary(wf)).toEqual([`create:i-${tag}:turn-1/tool/i1`, `cancel:i-${tag}:turn-1/compensate/i1`]);
    } finally {
      h.setBookingsEnv({});
    }
  });
});

/**
 * A saga task through the gateway with the real bookings MCP server; the
 * worker is SIGKILLed while a compensation's effect is done but its answer
 * not yet received. The restarted worker retries with the same idempotency
 * key: every compensation takes effect exactly once, in reverse order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskState } from '@hub/contracts';
import { repoRoot } from '@hub/runtime';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { recordHistory } from '../src/histories';
import { HubStack, eventually, readSse } from '../src/stack';

interface Effect {
  seq: number;
  op: 'create' | 'cancel';
  key?: string;
  bookingId: string;
  resource: string;
}

let llm: ScriptedLlmServer;
let hub: HubStack;
let bookingsFile: string;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  hub = new HubStack({ llmUrl: llm.url });
  bookingsFile = join(hub.dataDir, 'bookings.json');
  const configFile = join(hub.dataDir, 'hub.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      mcpServers: {
        bookings: {
          command: process.execPath,
          args: ['--import', 'tsx', join(repoRoot(), 'tools', 'servers', 'bookings', 'src', 'main.ts')],
          env: { BOOKINGS_FILE: bookingsFile, BOOKINGS_FAIL_RESOURCE: 'sold-out', BOOKINGS_CANCEL_ANSWER_DELAY_MS: '3000' },
        },
      },
    }),
  );
  hub.opts.env = { ...hub.opts.env, HUB_CONFIG: configFile };
  await hub.start();
});
afterAll(async () => {
  await hub?.stop();
  await llm?.close();
});

const effects = (): Effect[] => (existsSync(bookingsFile) ? (JSON.parse(readFileSync(bookingsFile, 'utf8')) as { effects: Effect[] }).effects : []);

describe('saga task', () => {
  it('compensates completed steps in reverse order exactly once, across a worker SIGKILL during compensation', async () => {
    const step = (resource: string) => ({
      tool: 'bookings/create_booking',
      args: { resource, slot: '2026-12-01T09:00' },
      compensate: { tool: 'bookings/cancel_booking', args: { bookingId: '$result.bookingId' } },
    });
    const created = await hub.api<{ id: string }>('POST', '/v1/tasks', { steps: [step('room-a'), step('room-b'), step('sold-out')] });
    expect(created.status).toBe(202);
    const id = created.body.id;
    // The task's events over SSE, read while it runs (the stream survives the worker's death).
    const streamed = readSse(
      `${hub.gatewayUrl}/v1/tasks/${id}/events`,
      (ev) => ev.event === 'task.status' && ['compensated', 'compensation_failed'].includes((JSON.parse(ev.data) as { status: string }).status),
      { timeoutMs: 150_000 },
    );

    // The first cancellation (of room-b) has taken effect; its answer is delayed: kill the worker now.
    await eventually(async () => effects().some((e) => e.op === 'cancel'), 60_000, 'first compensation');
    await hub.killWorker('SIGKILL');
    await hub.startWorker();

    const final = await eventually(async () => {
      const s = await hub.api<TaskState>('GET', `/v1/tasks/${id}`);
      return s.status === 200 && ['compensated', 'compensation_failed', 'completed', 'failed'].includes(s.body.status) && s.body;
    }, 120_000, 'task end');
    expect(final.status).toBe('compensated');
    expect(final.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'failed']);
    expect(final.steps.slice(0, 2).map((s) => s.compensation?.status)).toEqual(['completed', 'completed']);

    const log = effects();
    expect(log.map((e) => `${e.op}:${e.resource}`)).toEqual(['create:room-a', 'create:room-b', 'cancel:room-b', 'cancel:room-a']);
    // Each effect has its own idempotency key: workflow id + activity id.
    expect(new Set(log.map((e) => e.key)).size).toBe(4);
    expect(log.every((e) => e.key?.startsWith(`task/default/${id}/`))).toBe(true);
    await recordHistory(hub.client, `task/default/${id}`, 'saga-task-worker-killed-compensating');

    const events = (await streamed).map((e) => e.event);
    expect(events.slice(0, 2)).toEqual(['compensation.registered', 'step.started']);
    expect(events.filter((e) => e === 'compensation.completed')).toHaveLength(2);
    expect(events.at(-1)).toBe('task.status');
    // Once the task's workflow has closed, its stream tells the final status once, then ends.
    await eventually(async () => (await hub.client.workflow.getHandle(`task/default/${id}`).describe()).status.name !== 'RUNNING', 30_000, 'task closed');
    const after = await readSse(`${hub.gatewayUrl}/v1/tasks/${id}/events`, (ev) => ev.event === 'stream.end', { timeoutMs: 30_000 });
    expect(after.map((e) => e.event)).toEqual(['task.status', 'stream.end']);
    expect(JSON.parse(after[0]!.data)).toMatchObject({ status: 'compensated' });
  });

  it('a step needing approval (save_note) pauses the task; a denial (sent twice with one Idempotency-Key) compensates the booking before it; a repeated create answers the same task', async () => {
    const body = {
      steps: [
        { tool: 'bookings/create_booking', args: { resource: 'room-approval', slot: '2026-12-02T09:00' }, compensate: { tool: 'bookings/cancel_booking', args: { key: '$key' } } },
        { tool: 'save_note', args: { title: 'booked', body: 'room-approval' } },
      ],
    };
    const created = await hub.api<{ id: string }>('POST', '/v1/tasks', body, { 'Idempotency-Key': 'e2e-task-approval' });
    expect(created.status).toBe(202);
    const id = created.body.id;
    const repeat = await hub.api<{ id: string }>('POST', '/v1/tasks', body, { 'Idempotency-Key': 'e2e-task-approval' });
    expect(repeat).toEqual({ status: 202, body: { id } });

    const waiting = await eventually(async () => {
      const s = await hub.api<TaskState>('GET', `/v1/tasks/${id}`);
      return s.body.status === 'awaiting_approval' && s.body;
    }, 60_000, 'awaiting approval');
    expect(waiting.pendingApprovals?.map((a) => a.approvalId)).toEqual(['step-1']);
    expect(waiting.steps.map((s) => s.status)).toEqual(['completed', 'awaiting_approval']);

    const deny = () => hub.api('POST', `/v1/tasks/${id}/approvals/step-1`, { approve: false, reason: 'no notes today' }, { 'Idempotency-Key': 'e2e-deny' });
    expect((await deny()).status).toBe(200);
    // The same key again answers the original outcome (Temporal deduplicates the update id).
    expect((await deny()).status).toBe(200);
    // Another decision for the same step is refused: it is no longer pending.
    expect((await hub.api('POST', `/v1/tasks/${id}/approvals/step-1`, { approve: true })).status).toBe(404);

    const final = await eventually(async () => {
      const s = await hub.api<TaskState>('GET', `/v1/tasks/${id}`);
      return ['compensated', 'compensation_failed', 'failed', 'completed'].includes(s.body.status) && s.body;
    }, 60_000, 'task end');
    expect(final.status).toBe('compensated');
    expect(final.steps[1]).toMatchObject({ status: 'failed', error: 'denied: no notes today' });
    expect(effects().filter((e) => e.key?.startsWith(`task/default/${id}/`)).map((e) => `${e.op}:${e.resource}`)).toEqual([
      'create:room-approval',
      'cancel:room-approval',
    ]);
  });

  it('a step whose answer comes after its time budget (the booking was made) is compensated exactly once', async () => {
    const created = await hub.api<{ id: string }>('POST', '/v1/tasks', {
      steps: [
        {
          tool: 'bookings/create_booking',
          args: { resource: 'room-slow', slot: '2026-12-03T09:00', answerDelayMs: 8000 },
          timeoutMs: 2000,
          compensate: { tool: 'bookings/cancel_booking', args: { key: '$key' } },
        },
      ],
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    const final = await eventually(async () => {
      const s = await hub.api<TaskState>('GET', `/v1/tasks/${id}`);
      return ['compensated', 'compensation_failed', 'failed', 'completed'].includes(s.body.status) && s.body;
    }, 60_000, 'task end');
    expect(final.status).toBe('compensated');
    expect(final.steps[0]).toMatchObject({ status: 'failed', outcomeUnknown: true, compensation: { status: 'completed' } });
    expect(effects().filter((e) => e.key?.startsWith(`task/default/${id}/`)).map((e) => `${e.op}:${e.resource}`)).toEqual([
      'create:room-slow',
      'cancel:room-slow',
    ]);
  });

  it('rejects an invalid task with 400 naming the field', async () => {
    const res = await hub.api<{ error: { message: string } }>('POST', '/v1/tasks', { steps: [{ tool: '', args: {} }] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/tool/);
  });
});

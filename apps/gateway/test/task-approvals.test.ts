/**
 * Task approvals and Idempotency-Key on the task changes, through the gateway with a real worker
 * (built-in tools: save_note requires approval): a decision repeated with its key answers 200
 * again; a cancel repeated with its key after the task ended cancelled answers 202 again (Temporal
 * accepts a cancel request for a closed workflow too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import type { TaskState } from '@hub/contracts';
import { connectTestClient, json, makeApp } from './helpers';
import { startSessionWorker, type SessionWorker } from './session-worker';

let client: Client;
let connection: Connection;
let worker: SessionWorker;
beforeAll(async () => {
  ({ client, connection } = await connectTestClient());
  worker = await startSessionWorker();
});
afterAll(async () => {
  await worker?.close();
  await connection?.close();
});
const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

async function eventually(ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('task approvals through the gateway', () => {
  it('a step needing approval waits; a denial repeated with its key answers 200 again; the task fails without running it', async () => {
    const { app } = makeApp(client, { taskQueue: worker.taskQueue, rpcTimeoutMs: 5_000 });
    const { id } = await json(await app.request('/v1/tasks', post({ steps: [{ tool: 'calculator', args: { expression: '2*3' } }, { tool: 'save_note', args: { title: 't', body: 'b' } }] })));
    const get = async () => (await json(await app.request(`/v1/tasks/${id}`))) as TaskState;
    await eventually(async () => (await get()).status === 'awaiting_approval', 30_000);
    expect((await get()).pendingApprovals?.[0]).toMatchObject({ approvalId: 'step-1', tool: 'save_note' });
    const deny = () => app.request(`/v1/tasks/${id}/approvals/step-1`, post({ approve: false, reason: 'no' }, { 'Idempotency-Key': 'deny-1' }));
    expect((await deny()).status).toBe(200);
    expect((await deny()).status).toBe(200);
    const other = await app.request(`/v1/tasks/${id}/approvals/step-1`, post({ approve: true }));
    expect(other.status).toBe(404);
    expect((await json(other)).error.code).toBe('approval_not_found');
    await eventually(async () => (await get()).status === 'failed', 30_000);
    expect((await get()).steps[1]).toMatchObject({ status: 'failed', error: 'denied: no' });
  });

  it('a cancel repeated with its Idempotency-Key after the task ended cancelled answers 202 again', async () => {
    const { app } = makeApp(client, { taskQueue: worker.taskQueue, rpcTimeoutMs: 5_000 });
    const { id } = await json(await app.request('/v1/tasks', post({ steps: [{ tool: 'save_note', args: { title: 't', body: 'b' } }] })));
    await eventually(async () => ((await json(await app.request(`/v1/tasks/${id}`))) as TaskState).status === 'awaiting_approval', 30_000);
    const cancel = (headers: Record<string, string>) => app.request(`/v1/tasks/${id}/cancel`, post(undefined, headers));
    expect((await cancel({ 'Idempotency-Key': 'cancel-1' })).status).toBe(202);
    await eventually(async () => (await client.workflow.getHandle(`task/default/${id}`).describe()).status.name === 'CANCELLED', 30_000);
    expect((await cancel({ 'Idempotency-Key': 'cancel-1' })).status).toBe(202);
    expect(((await json(await app.request(`/v1/tasks/${id}`))) as TaskState).status).toBe('compensated');
  });
});

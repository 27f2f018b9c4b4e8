/** /v1/tasks input handling (no worker needed): bad bodies are 400 naming the field (stub services), unknown ids 404, a valid task is started. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { taskWorkflowId } from '@hub/contracts';
import { connectTestClient, json, makeApp, makeStubApp } from './helpers';

let client: Client;
let connection: Connection;
beforeAll(async () => ({ client, connection } = await connectTestClient()));
afterAll(async () => connection?.close());
const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const oneStep = (resource: string) => ({ steps: [{ tool: 'bookings/create_booking', args: { resource, slot: '9am' } }] });

describe('/v1/tasks', () => {
  it('rejects bad step lists with 400 naming the field', async () => {
    const { app } = makeStubApp();
    const empty = await app.request('/v1/tasks', post({ steps: [] }));
    expect(empty.status).toBe(400);
    expect((await json(empty)).error.message).toMatch(/steps/);
    const noTool = await app.request('/v1/tasks', post({ steps: [{ args: {} }] }));
    expect(noTool.status).toBe(400);
    expect((await json(noTool)).error.message).toMatch(/tool/);
  });

  it('starts a task workflow for the tenant and answers 202 with its id', async () => {
    const { app } = makeApp(client);
    const res = await app.request('/v1/tasks', post({ steps: [{ tool: 'bookings/create_booking', args: { resource: 'room', slot: '9am' } }] }));
    expect(res.status).toBe(202);
    const { id } = await json(res);
    const desc = await client.workflow.getHandle(taskWorkflowId('default', id)).describe();
    expect(desc.type).toBe('sagaTask');
    await client.workflow.getHandle(taskWorkflowId('default', id)).terminate('test cleanup');
  });

  it('404s for an unknown task', async () => {
    const { app } = makeApp(client);
    expect((await app.request('/v1/tasks/does-not-exist')).status).toBe(404);
    expect((await app.request('/v1/tasks/does-not-exist/cancel', { method: 'POST' })).status).toBe(404);
    expect((await app.request('/v1/tasks/does-not-exist/events')).status).toBe(404);
  });

  it('Idempotency-Key on POST /v1/tasks: a repeat answers the same task (one workflow); the key with another body is a 409', async () => {
    const { app } = makeApp(client);
    const key = `task-key-${randomUUID()}`;
    const first = await app.request('/v1/tasks', post(oneStep('room-1'), { 'Idempotency-Key': key }));
    expect(first.status).toBe(202);
    const { id } = await json(first);
    const again = await app.request('/v1/tasks', post(oneStep('room-1'), { 'Idempotency-Key': key }));
    expect(again.status).toBe(202);
    expect((await json(again)).id).toBe(id);
    const handle = client.workflow.getHandle(taskWorkflowId('default', id));
    const firstRun = (await handle.describe()).runId;
    // After the task ended too (a gateway restart changes nothing: the id comes from the key).
    await handle.terminate('test: ended');
    const late = await app.request('/v1/tasks', post(oneStep('room-1'), { 'Idempotency-Key': key }));
    expect(late.status).toBe(202);
    expect((await json(late)).id).toBe(id);
    expect((await handle.describe()).runId).toBe(firstRun);
    const other = await app.request('/v1/tasks', post(oneStep('room-2'), { 'Idempotency-Key': key }));
    expect(other.status).toBe(409);
    // Another tenant's key space is its own; a bad key is a 400.
    expect((await app.request('/v1/tasks', post(oneStep('room-1'), { 'Idempotency-Key': 'bad key!' }))).status).toBe(400);
  });

  it('approvals: 404 for an unknown task, 400 for a bad decision', async () => {
    const { app } = makeApp(client);
    const decide = (path: string, body: unknown) => app.request(path, post(body));
    const missing = await decide('/v1/tasks/does-not-exist/approvals/step-0', { approve: true });
    expect(missing.status).toBe(404);
    expect((await decide('/v1/tasks/does-not-exist/approvals/step-0', { approve: 'yes' })).status).toBe(400);
  });

  it('approvals: a decision for an ended task is 404 approval_not_found', async () => {
    const { app } = makeApp(client);
    const { id } = await json(await app.request('/v1/tasks', post(oneStep('room-3'))));
    await client.workflow.getHandle(taskWorkflowId('default', id)).terminate('test: ended');
    const res = await app.request(`/v1/tasks/${id}/approvals/step-0`, post({ approve: true }));
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('approval_not_found');
  });
});

/** /v1/tasks input handling (no worker needed): bad bodies are 400 naming the field (stub services), unknown ids 404, a valid task is started. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { taskWorkflowId } from '@hub/contracts';
import { connectTestClient, json, makeApp, makeStubApp } from './helpers';

let client: Client;
let connection: Connection;
beforeAll(async () => ({ client, connection } = await connectTestClient()));
afterAll(async () => connection?.close());
const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

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
});

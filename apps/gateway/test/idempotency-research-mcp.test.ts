/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * Idempotency-Key on the research and MCP registry routes, against the real Temporal dev server:
 * a repeat (also through a new gateway) answers the original result and starts or stores nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { HubConfigSchema, WORKFLOW_TYPES, mcpRegistryStateQuery, mcpRegistryWorkflowId, researchWorkflowIdPrefix } from '@hub/contracts';
import { connectTestClient, json, makeApp, post } from './helpers';
import { startSessionWorker, type SessionWorker } from './session-worker';

let client: Client;
let connection: Connection;
let w: SessionWorker;
beforeAll(async () => {
  ({ client, connection } = await connectTestClient());
  w = await startSessionWorker();
}, 120_000);
afterAll(async () => {
  await w?.close();
  await connection?.close();
});
const withKey = (body: unknown, key: string) => post(body, { 'idempotency-key': key });

describe('POST /v1/research with an Idempotency-Key', () => {
  it('a repeat (also from a new gateway) answers the same job and starts one workflow; another body is 409', async () => {
    const tenantJobs = async (id: string) => {
      const query = `WorkflowType = '${WORKFLOW_TYPES.researchJob}' AND WorkflowId = '${researchWorkflowIdPrefix('default')}${id}'`;
      let n = 0;
      for await (const _ of client.workflow.list({ query })) n++;
      return n;
    };
    const { app } = makeApp(client);
    const key = randomUUID();
    const body = { question: 'Is this started once?', maxAgents: 2 };
    const a = await app.request('/v1/research', withKey(body, key));
    expect(a.status).toBe(202);
    const { id } = await json(a);
    const b = await makeApp(client).app.request('/v1/research', withKey(body, key));
    expect(b.status).toBe(202);
    expect((await json(b)).id).toBe(id);
    const other = await app.request('/v1/research', withKey({ ...body, question: 'Another question' }, key));
    expect(other.status).toBe(409);
    const cancel = () => app.request(`/v1/research/${id}/cancel`, { method: 'POST', headers: { 'idempotency-key': key } });
    expect((await cancel()).status).toBe(202);
    expect((await cancel()).status).toBe(202);
    await client.workflow.getHandle(`${researchWorkflowIdPrefix('default')}${id}`).terminate('test cleanup');
    for (let i = 0; i < 50 && (await tenantJobs(id)) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await tenantJobs(id)).toBe(1);
  });
});

describe('POST /v1/mcp/servers with an Idempotency-Key', () => {
  it('a repeat (also from a new gateway) answers the registered server, stored once; a repeated removal answers the same', async () => {
    const hubConfig = HubConfigSchema.parse({ security: { stdioCommandAllowlist: [] } });
    const opts = { taskQueue: w.taskQueue, hubConfig, checkMcpUrl: async () => undefined, rpcTimeoutMs: 15_000 };
    const { app } = makeApp(client, opts);
    const key = randomUUID();
    const reg = { name: 'remote', url: 'http://127.0.0.1:9/mcp' };
    const first = await app.request('/v1/mcp/servers', withKey(reg, key));
    expect(first.status).toBe(201);
    const again = await makeApp(client, opts).app.request('/v1/mcp/servers', withKey(reg, key));
    expect(again.status).toBe(201);
    expect((await json(again)).name).toBe('remote');
    const state = await client.workflow.getHandle(mcpRegistryWorkflowId('default')).query(mcpRegistryStateQuery);
    expect(state.servers.filter((s: any) => s.name === 'remote')).toHaveLength(1);
    const remove = () => app.request('/v1/mcp/servers/remote', { method: 'DELETE', headers: { 'idempotency-key': key } });
    expect((await remove()).status).toBe(200);
    expect((await remove()).status).toBe(200);
  }, 60_000);
});

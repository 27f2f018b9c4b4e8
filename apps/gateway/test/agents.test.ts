/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * `/v1/agents` over HTTP against the real agent registry workflow (a real worker on the test
 * Temporal server): create, versions, read a version, new versions, delete; validation naming the
 * field; unknown handoffs/delegates and delegation cycles refused with 400; built-in and config
 * agents read-only; Idempotency-Key on create; and one tenant never seeing another's agents.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { HubConfigSchema } from '@hub/contracts';
import { getProfile, listProfiles } from '@hub/agents/profiles';
import type { GatewayApp } from '../src/app';
import { createServices } from '../src/services';
import { connectTestClient, json, makeApp, post } from './helpers';
import { startSessionWorker, type SessionWorker } from './session-worker';

let client: Client;
let connection: Connection;
let worker: SessionWorker;
let app: GatewayApp;
const tenantA = `agents-a-${randomUUID().slice(0, 8)}`;
const tenantB = `agents-b-${randomUUID().slice(0, 8)}`;
/** The real built-in agents (the team examples, the research roles). */
const builtin = { get: getProfile, list: listProfiles };
const A = { authorization: 'Bearer key-a' };
const B = { authorization: 'Bearer key-b' };
const hubConfig = HubConfigSchema.parse({ agents: { 'ops-desk': { description: 'operator agent', instructions: 'You run ops.', delegates: ['researcher'] } } });

beforeAll(async () => {
  ({ client, connection } = await connectTestClient());
  worker = await startSessionWorker();
  ({ app } = makeApp(client, {
    taskQueue: worker.taskQueue,
    rpcTimeoutMs: 10_000,
    profiles: builtin,
    hubConfig,
    apiKeys: new Map([
      ['key-a', tenantA],
      ['key-b', tenantB],
    ]),
  }));
}, 180_000);
afterAll(async () => {
  await worker?.close();
  await connection?.close();
});

const req = (method: string, body: unknown, headers: Record<string, string>) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const support = (extra: Record<string, unknown> = {}) => ({ name: 'support', description: 'answers customers', instructions: 'You are support v1.', ...extra });

describe('/v1/agents', () => {
  it('creates, versions, reads a version, lists and deletes an agent', async () => {
    const created = await app.request('/v1/agents', post(support({ delegates: ['researcher'] }), A));
    expect(created.status).toBe(201);
    const v1 = await json(created);
    expect(v1).toMatchObject({ name: 'support', version: 1, source: 'api', temperature: 0.2, tools: [], maxToolRounds: 8, handoffs: [], delegates: ['researcher'] });

    // PUT: a new version; the body may leave out the name.
    const { name: _n, ...fields } = support({ instructions: 'You are support v2.' });
    const put = await app.request('/v1/agents/support', req('PUT', fields, A));
    expect(put.status).toBe(200);
    expect(await json(put)).toMatchObject({ name: 'support', version: 2, instructions: 'You are support v2.', createdAt: v1.createdAt });
    // PUT is idempotent: the same definition again is the same version.
    expect(await json(await app.request('/v1/agents/support', req('PUT', fields, A)))).toMatchObject({ version: 2 });

    expect(await json(await app.request('/v1/agents/support', { headers: A }))).toMatchObject({ version: 2 });
    expect(await json(await app.request('/v1/agents/support?version=1', { headers: A }))).toMatchObject({ version: 1, instructions: 'You are support v1.' });
    const missing = await app.request('/v1/agents/support?version=7', { headers: A });
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe('agent_not_found');
    const versions = await json(await app.request('/v1/agents/support/versions', { headers: A }));
    expect(versions.versions.map((r: any) => r.version)).toEqual([2, 1]);

    // The list: built-in, config (read-only) and the tenant's.
    const list = (await json(await app.request('/v1/agents', { headers: A }))).agents;
    const byName = new Map(list.map((a: any) => [a.name, a]));
    expect(byName.get('assistant')).toMatchObject({ source: 'builtin', version: 1 });
    expect(byName.get('ops-desk')).toMatchObject({ source: 'config', version: 1, delegates: ['researcher'] });
    expect(byName.get('support')).toMatchObject({ source: 'api', version: 2 });

    const del = await app.request('/v1/agents/support', { method: 'DELETE', headers: A });
    expect(del.status).toBe(200);
    expect(await json(del)).toEqual({ deleted: 'support' });
    expect((await app.request('/v1/agents/support', { headers: A })).status).toBe(404);
    expect((await app.request('/v1/agents/support', { method: 'DELETE', headers: A })).status).toBe(404);
  });

  it('names the bad field; refuses unknown handoffs/delegates and delegation cycles with 400', async () => {
    const bad = await app.request('/v1/agents', post({ name: 'Bad Name', instructions: '', temperature: 9, extra: 1 }, A));
    expect(bad.status).toBe(400);
    const paths = (await json(bad)).error.details.issues.map((i: any) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'instructions', 'temperature']));

    const unknown = await app.request('/v1/agents', post({ name: 'lead', instructions: 'Lead.', delegates: ['researcher', 'ghost'] }, A));
    expect(unknown.status).toBe(400);
    const u = (await json(unknown)).error;
    expect(u.message).toBe("delegates[1]: unknown agent 'ghost'");
    expect(u.details).toMatchObject({ target: 'body', field: 'delegates[1]', issues: [{ path: 'delegates[1]', message: "unknown agent 'ghost'", code: 'custom' }] });

    const handoff = await app.request('/v1/agents', post({ name: 'router', instructions: 'Route.', handoffs: ['nowhere'] }, A));
    expect(handoff.status).toBe(400);
    expect((await json(handoff)).error.details.field).toBe('handoffs[0]');

    // A cycle: one -> two -> one.
    expect((await app.request('/v1/agents', post({ name: 'one', instructions: 'One.' }, A))).status).toBe(201);
    expect((await app.request('/v1/agents', post({ name: 'two', instructions: 'Two.', delegates: ['one'] }, A))).status).toBe(201);
    const cycle = await app.request('/v1/agents/one', req('PUT', { instructions: 'One.', delegates: ['two'] }, A));
    expect(cycle.status).toBe(400);
    expect((await json(cycle)).error.message).toBe('delegates[0]: delegation cycle: one -> two -> one');

    // A body name other than the path's.
    const renamed = await app.request('/v1/agents/one', req('PUT', { name: 'uno', instructions: 'One.' }, A));
    expect(renamed.status).toBe(400);
    expect((await json(renamed)).error.details.field).toBe('name');

    // Deleting an agent another names: 409 naming it.
    const inUse = await app.request('/v1/agents/one', { method: 'DELETE', headers: A });
    expect(inUse.status).toBe(409);
    expect((await json(inUse)).error.message).toContain("'two'");
  });

  it('keeps built-in and config agents read-only and a create idempotent with its key', async () => {
    const dup = await app.request('/v1/agents', post({ name: 'assistant', instructions: 'Mine.' }, A));
    expect(dup.status).toBe(409);
    expect((await app.request('/v1/agents/assistant', req('PUT', { instructions: 'Mine.' }, A))).status).toBe(403);
    expect((await app.request('/v1/agents/ops-desk', { method: 'DELETE', headers: A })).status).toBe(403);
    expect(await json(await app.request('/v1/agents/assistant/versions', { headers: A }))).toMatchObject({ versions: [{ name: 'assistant', version: 1 }] });

    const key = { 'idempotency-key': `agent-${randomUUID()}` };
    const body = { name: 'once', instructions: 'Once.' };
    const first = await app.request('/v1/agents', post(body, { ...A, ...key }));
    const again = await app.request('/v1/agents', post(body, { ...A, ...key }));
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(await json(again)).toEqual(await json(first));
    const other = await app.request('/v1/agents', post({ name: 'twice', instructions: 'Twice.' }, { ...A, ...key }));
    expect(other.status).toBe(409);
  });

  it("never shows one tenant another tenant's agents", async () => {
    expect((await app.request('/v1/agents', post({ name: 'secret-agent', instructions: 'Shh.' }, A))).status).toBe(201);
    const listB = (await json(await app.request('/v1/agents', { headers: B }))).agents.map((a: any) => a.name);
    expect(listB).not.toContain('secret-agent');
    expect(listB).toContain('assistant');
    expect((await app.request('/v1/agents/secret-agent', { headers: B })).status).toBe(404);
    expect((await app.request('/v1/agents/secret-agent/versions', { headers: B })).status).toBe(404);
    expect((await app.request('/v1/agents/secret-agent', req('PUT', { instructions: 'Mine now.' }, B))).status).toBe(404);
    expect((await app.request('/v1/agents/secret-agent', { method: 'DELETE', headers: B })).status).toBe(404);
    // B can't delegate to it either, and may define its own of the same name.
    const delegating = await app.request('/v1/agents', post({ name: 'spy', instructions: 'Spy.', delegates: ['secret-agent'] }, B));
    expect(delegating.status).toBe(400);
    expect((await json(delegating)).error.message).toBe("delegates[0]: unknown agent 'secret-agent'");
    expect((await app.request('/v1/agents', post({ name: 'secret-agent', instructions: 'B too.' }, B))).status).toBe(201);
    expect(await json(await app.request('/v1/agents/secret-agent', { headers: A }))).toMatchObject({ instructions: 'Shh.' });
  });

  it('fails at startup on a bad hub.config agent, naming the agent and the field', () => {
    const bad = HubConfigSchema.parse({ agents: { desk: { instructions: 'Desk.', handoffs: ['nobody'] } } });
    expect(() => createServices(client, { taskQueue: 'unused', hubConfig: bad })).toThrow("hub.config.json agents: agent 'desk': handoffs[0]: unknown agent 'nobody'");
  });
});

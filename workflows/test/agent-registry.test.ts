/**
 * The agent registry workflow on a real Temporal server: versions, the graph check run inside
 * the Update validators (unknown handoff/delegate, self reference, delegation cycle, names of
 * built-in agents), deletes refused while another agent names the agent, remote agents in the
 * same namespace, and the state carried across continue-as-new. With HUB_RECORD_HISTORIES=1 the
 * first run is kept as a replay fixture (histories/agent-registry.json).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection, Worker } from '@temporalio/worker';
import { testTemporalAddress } from '@hub/testing';
import {
  AGENT_LIMITS,
  AGENT_REGISTRY_BUDGET,
  WORKFLOW_TYPES,
  agentRegistryWorkflowId,
  agentVersionsQuery,
  deleteAgentUpdate,
  getAgentQuery,
  listAgentsQuery,
  putAgentUpdate,
  registerRemoteAgentUpdate,
  remoteAgentsQuery,
  removeRemoteAgentUpdate,
  type AgentDefinition,
  type AgentGraphNode,
  type PutAgentInput,
} from '@hub/contracts';
import { workflowBundle } from './harness';

const taskQueue = `agent-registry-${randomUUID()}`;
let client: Client;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  const address = testTemporalAddress();
  worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {},
  });
  running = worker.run();
  client = new Client({ connection: await Connection.connect({ address }) });
}, 120_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
});

const FIXED: AgentGraphNode[] = [
  { name: 'assistant', handoffs: [], delegates: [] },
  { name: 'researcher', handoffs: [], delegates: [] },
];
const def = (name: string, extra: Partial<AgentDefinition> = {}): AgentDefinition => ({
  name,
  description: `${name} agent`,
  instructions: `You are ${name}.`,
  temperature: 0.2,
  tools: [],
  maxToolRounds: 4,
  handoffs: [],
  delegates: [],
  ...extra,
});
const put = (handle: WorkflowHandle, definition: AgentDefinition, mode: PutAgentInput['mode'] = 'create') =>
  handle.executeUpdate(putAgentUpdate, { args: [{ definition, mode, fixed: FIXED }] });
/** The refusal of an update: its failure type, message and details. */
async function refusal(p: Promise<unknown>): Promise<{ type?: string; message: string; details?: unknown[] }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; message: string; details?: unknown[] };
  return { type: cause.type, message: cause.message, details: cause.details };
}
const start = (tenant: string) =>
  client.workflow.start(WORKFLOW_TYPES.agentRegistry, { workflowId: agentRegistryWorkflowId(tenant), taskQueue, args: [{ tenant }] });

describe('the agent registry workflow', () => {
  it('stores versions, checks the graph in its validators and refuses deleting a named agent', async () => {
    const tenant = `reg-${randomUUID()}`;
    const handle = await start(tenant);

    const v1 = await put(handle, def('support', { delegates: ['researcher'] }));
    expect(v1).toMatchObject({ name: 'support', version: 1, source: 'api', delegates: ['researcher'] });
    const v2 = await put(handle, def('support', { instructions: 'You are support, v2.', delegates: ['researcher'] }), 'update');
    expect(v2).toMatchObject({ version: 2, instructions: 'You are support, v2.', createdAt: v1.createdAt });

    expect((await handle.query(getAgentQuery, { name: 'support' }))?.version).toBe(2);
    expect((await handle.query(getAgentQuery, { name: 'support', version: 1 }))?.instructions).toBe('You are support.');
    expect(await handle.query(getAgentQuery, { name: 'support', version: 9 })).toBeUndefined();
    expect((await handle.query(agentVersionsQuery, { name: 'support' }))?.map((r) => r.version)).toEqual([2, 1]);

    // Create of an existing name, update of an unknown one, a built-in name.
    expect(await refusal(put(handle, def('support')))).toMatchObject({ type: 'AgentExists' });
    expect(await refusal(put(handle, def('nobody'), 'update'))).toMatchObject({ type: 'AgentNotFound' });
    expect(await refusal(put(handle, def('assistant')))).toMatchObject({ type: 'AgentReserved', message: expect.stringContaining('read-only') });

    // The graph: unknown delegate, self handoff, a delegation cycle (names the field).
    const unknown = await refusal(put(handle, def('lead', { delegates: ['support', 'x'] })));
    expect(unknown).toMatchObject({ type: 'InvalidInput', message: "delegates[1]: unknown agent 'x'" });
    expect(unknown.details).toEqual([{ issues: [{ path: 'delegates[1]', message: "unknown agent 'x'" }] }]);
    expect(await refusal(put(handle, def('lead', { handoffs: ['lead'] })))).toMatchObject({ message: expect.stringMatching(/^handoffs\[0\]: .*itself/) });
    await put(handle, def('lead', { delegates: ['support'] }));
    const cycle = await refusal(put(handle, def('support', { delegates: ['lead'] }), 'update'));
    expect(cycle).toMatchObject({ type: 'InvalidInput', message: 'delegates[0]: delegation cycle: support -> lead -> support' });

    // Shape errors name the field.
    const bad = await refusal(put(handle, { ...def('shape'), temperature: 7, name: 'Bad Name' }));
    expect(bad.type).toBe('InvalidInput');
    expect(bad.message).toMatch(/definition\.name|name: /);
    expect(bad.message).toMatch(/temperature/);

    // A delete of an agent another one names is refused, naming it; then allowed.
    expect(await refusal(handle.executeUpdate(deleteAgentUpdate, { args: [{ name: 'support' }] }))).toMatchObject({
      type: 'AgentInUse',
      message: expect.stringContaining("'lead'"),
    });
    expect((await handle.executeUpdate(deleteAgentUpdate, { args: [{ name: 'lead' }] })).name).toBe('lead');
    expect((await handle.executeUpdate(deleteAgentUpdate, { args: [{ name: 'support' }] })).version).toBe(2);
    expect(await handle.query(listAgentsQuery)).toEqual([]);
    expect(await refusal(handle.executeUpdate(deleteAgentUpdate, { args: [{ name: 'support' }] }))).toMatchObject({ type: 'AgentNotFound' });

    // Remote agents share the namespace and can be delegates (not handoffs).
    const card = { cardName: 'Far', description: 'far away', skills: [], url: 'https://far.example/a2a/x', protocolVersion: '0.3', streaming: true };
    const remote = await handle.executeUpdate(registerRemoteAgentUpdate, {
      args: [{ registration: { name: 'far', cardUrl: 'https://far.example/card.json', headers: { Authorization: 'Bearer s' } }, card }],
    });
    expect(remote).toMatchObject({ name: 'far', source: 'remote', headerNames: ['Authorization'] });
    expect(remote).not.toHaveProperty('headers');
    expect((await handle.query(remoteAgentsQuery))[0]!.headers).toEqual({ Authorization: 'Bearer s' });
    expect(await refusal(put(handle, def('far')))).toMatchObject({ type: 'AgentExists' });
    expect(await refusal(put(handle, def('hand', { handoffs: ['far'] })))).toMatchObject({ message: expect.stringMatching(/^handoffs\[0\]: .*remote/) });
    await put(handle, def('asker', { delegates: ['far'] }));
    expect(await refusal(handle.executeUpdate(removeRemoteAgentUpdate, { args: [{ name: 'far' }] }))).toMatchObject({ type: 'AgentInUse' });
    await handle.executeUpdate(deleteAgentUpdate, { args: [{ name: 'asker' }] });
    expect((await handle.executeUpdate(removeRemoteAgentUpdate, { args: [{ name: 'far' }] })).name).toBe('far');

    if (process.env.HUB_RECORD_HISTORIES === '1') {
      const file = fileURLToPath(new URL('./histories/agent-registry.json', import.meta.url));
      writeFileSync(file, historyToJSON(await handle.fetchHistory()) + '\n');
    }
    await handle.terminate('test done');
  });

  it('keeps at most maxVersionsKept versions; a run started with carried records numbers on from them', async () => {
    const tenant = `reg-${randomUUID()}`;
    const handle = await client.workflow.start(WORKFLOW_TYPES.agentRegistry, {
      workflowId: agentRegistryWorkflowId(tenant),
      taskQueue,
      args: [{ tenant }],
    });
    const n = AGENT_LIMITS.maxVersionsKept + 3;
    await put(handle, def('busy'));
    for (let i = 2; i <= n; i++) await put(handle, def('busy', { instructions: `v${i}` }), 'update');
    const versions = (await handle.query(agentVersionsQuery, { name: 'busy' }))!.map((r) => r.version);
    expect(versions).toHaveLength(AGENT_LIMITS.maxVersionsKept);
    expect(versions[0]).toBe(n);
    expect(versions.at(-1)).toBe(n - AGENT_LIMITS.maxVersionsKept + 1);

    // A new run (as continue-as-new starts it) with the carried records answers the same.
    const next = `reg-${randomUUID()}`;
    const carried = await client.workflow.start(WORKFLOW_TYPES.agentRegistry, {
      workflowId: agentRegistryWorkflowId(next),
      taskQueue,
      args: [{ tenant: next, agents: [{ name: 'busy', versions: (await handle.query(agentVersionsQuery, { name: 'busy' }))!.reverse() }] }],
    });
    const v = await put(carried, def('busy', { instructions: 'after the hand-over' }), 'update');
    expect(v.version).toBe(n + 1);
    await handle.terminate('test done');
    await carried.terminate('test done');
  });

  it(`continues as new after ${AGENT_REGISTRY_BUDGET.changesPerRun} changes with its agents and remote agents`, async () => {
    const tenant = `reg-${randomUUID()}`;
    const handle = await start(tenant);
    const first = await handle.describe();
    await put(handle, def('keeper', { delegates: ['researcher'] }));
    const card = { cardName: 'R', description: 'remote', skills: [], url: 'https://r.example/a2a', protocolVersion: '0.3', streaming: false };
    await handle.executeUpdate(registerRemoteAgentUpdate, { args: [{ registration: { name: 'remote-one', cardUrl: 'https://r.example/card.json' }, card }] });
    for (let i = 0; i < AGENT_REGISTRY_BUDGET.changesPerRun; i++) await put(handle, def('keeper', { delegates: ['researcher'] }), 'update');
    await expect.poll(async () => (await client.workflow.getHandle(agentRegistryWorkflowId(tenant)).describe()).runId, { timeout: 20_000 }).not.toBe(first.runId);
    const next = client.workflow.getHandle(agentRegistryWorkflowId(tenant));
    expect((await next.query(getAgentQuery, { name: 'keeper' }))?.version).toBe(1);
    expect((await next.query(remoteAgentsQuery)).map((r) => r.name)).toEqual(['remote-one']);
    expect((await put(next, def('keeper', { instructions: 'v2 in the next run' }), 'update')).version).toBe(2);
    await next.terminate('test done');
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * The MCP endpoint and the tenant's own agents: `list_agents`, and `chat` with `agent` (a name or
 * name@version, resolved by the agent service, a delegation included), driven by the official MCP
 * client over real HTTP against a real worker; the model is the scripted LLM's team responder
 * (each agent answered by its `[agent:<name>]` tag).
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createLlmActivities } from '@hub/agents';
import { testTemporalAddress } from '@hub/testing';
import { delegate, reply, startScriptedLlmServer, systemPromptOf, teamResponder, toolResultsOf, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { createToolActivities } from '@hub/tools';
import { parseApiKeys } from '../src/http/auth';
import { connectTestClient, makeApp } from './helpers';
import { bearer, serveApp, type ServedApp } from './mcp-helpers';

const require = createRequire(import.meta.url);
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

const KEY_A = 'mcp-agents-key-a-0123';
const KEY_B = 'mcp-agents-key-b-4567';
const tenantA = `maa${randomUUID().slice(0, 8)}`;
const tenantB = `mab${randomUUID().slice(0, 8)}`;
const taskQueue = `gateway-mcp-agents-${randomUUID()}`;

const team = teamResponder({
  mode: 'round',
  agents: {
    'mcp-helper': (req) => reply(systemPromptOf(req).includes('second') ? 'helper v2 here' : 'helper v1 here'),
    'mcp-lead': [delegate('mcp-helper', 'say hi'), (req) => reply(`lead got: ${toolResultsOf(req)[0]?.content ?? 'nothing'}`)],
  },
});

let client: Client;
let connection: Connection;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let llm: ScriptedLlmServer;
let served: ServedApp;
let base: string;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  ({ client, connection } = await connectTestClient());
  llm = await startScriptedLlmServer({ responder: team.responder });
  nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  const tools = createToolActivities();
  const openai = new OpenAI({ baseURL: llm.url, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('@hub/workflows'), logger: silent }),
    activities: { ...createLlmActivities({ openai, defaultModel: 'scripted-model', listTools: tools.listTools }), ...tools },
  });
  running = worker.run();
  const made = makeApp(client, { taskQueue, rpcTimeoutMs: 10_000, apiKeys: parseApiKeys(`${KEY_A}:${tenantA},${KEY_B}:${tenantB}`) });
  served = await serveApp(made.app);
  base = `http://127.0.0.1:${served.port}`;
}, 180_000);

afterAll(async () => {
  await served?.close();
  if (worker && worker.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await nativeConnection?.close();
  await connection?.close();
  await llm?.close();
});

const call = async (mcp: McpClient, name: string, args: Record<string, unknown>) => (await mcp.callTool({ name, arguments: args })) as CallToolResult;
const textOf = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
const rest = async (key: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(base + path, {
    method,
    headers: { ...bearer(key), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
};

describe('MCP endpoint: agents', () => {
  let mcpA: McpClient;
  let mcpB: McpClient;

  beforeAll(async () => {
    // Tenant A's own agents: a helper with two versions and a supervisor that delegates to it.
    const v1 = await rest(KEY_A, 'POST', '/v1/agents', { name: 'mcp-helper', description: 'Says hi', instructions: '[agent:mcp-helper] first' });
    expect(v1.status, JSON.stringify(v1.body)).toBe(201);
    const v2 = await rest(KEY_A, 'PUT', '/v1/agents/mcp-helper', { description: 'Says hi', instructions: '[agent:mcp-helper] second' });
    expect(v2.body.version).toBe(2);
    const lead = await rest(KEY_A, 'POST', '/v1/agents', {
      name: 'mcp-lead',
      description: 'Asks the helper',
      instructions: '[agent:mcp-lead] ask the helper',
      delegates: ['mcp-helper'],
    });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    mcpA = await served.connectMcp(KEY_A);
    mcpB = await served.connectMcp(KEY_B);
  });

  it('list_agents is offered (read-only) with its output schema', async () => {
    const { tools } = await mcpA.listTools();
    const listAgents = tools.find((t) => t.name === 'list_agents');
    expect(listAgents?.annotations?.readOnlyHint).toBe(true);
    expect(listAgents?.outputSchema).toMatchObject({ type: 'object', required: ['agents'] });
    const chat = tools.find((t) => t.name === 'chat')!;
    expect((chat.inputSchema.properties as any).agent).toMatchObject({ type: 'string', description: expect.stringContaining('name@version') });
  });

  it("list_agents lists the built-in agents and the caller's own, never another tenant's", async () => {
    const a = await call(mcpA, 'list_agents', {});
    expect(a.isError).toBeFalsy();
    const agents = (a.structuredContent as any).agents as any[];
    expect(agents.find((x) => x.name === 'assistant')).toMatchObject({ source: 'builtin', version: 1 });
    expect(agents.find((x) => x.name === 'mcp-helper')).toEqual({ name: 'mcp-helper', description: 'Says hi', version: 2, source: 'api', handoffs: [], delegates: [] });
    expect(agents.find((x) => x.name === 'mcp-lead')).toMatchObject({ delegates: ['mcp-helper'] });
    expect(textOf(a)).toContain('mcp-helper@2 (api): Says hi');
    expect(textOf(a)).toContain('mcp-lead@1 (api): Asks the helper [asks mcp-helper]');

    const b = await call(mcpB, 'list_agents', {});
    const names = ((b.structuredContent as any).agents as any[]).map((x) => x.name);
    expect(names).toContain('assistant');
    expect(names).not.toContain('mcp-helper');
    expect(names).not.toContain('mcp-lead');
  });

  it('chat takes an agent by name (the latest version) or name@version, and a supervisor delegates', async () => {
    const latest = await call(mcpA, 'chat', { message: 'hello', agent: 'mcp-helper' });
    expect(latest.isError, textOf(latest)).toBeFalsy();
    expect(latest.structuredContent).toMatchObject({ status: 'completed', reply: 'helper v2 here' });
    const pinned = await call(mcpA, 'chat', { message: 'hello', agent: 'mcp-helper@1' });
    expect(pinned.structuredContent).toMatchObject({ status: 'completed', reply: 'helper v1 here' });
    const state = await rest(KEY_A, 'GET', `/v1/sessions/${(pinned.structuredContent as any).sessionId}`);
    expect(state.body).toMatchObject({ agent: 'mcp-helper', agentVersion: 1 });

    const led = await call(mcpA, 'chat', { message: 'go', agent: 'mcp-lead' });
    expect(led.isError, textOf(led)).toBeFalsy();
    expect(led.structuredContent).toMatchObject({ status: 'completed', reply: 'lead got: helper v2 here' });
  });

  it("chat refuses another tenant's agent, an unknown version and a malformed reference", async () => {
    const other = await call(mcpB, 'chat', { message: 'hi', agent: 'mcp-helper' });
    expect(other.isError).toBe(true);
    expect(textOf(other)).toMatch(/mcp-helper/);
    const version = await call(mcpA, 'chat', { message: 'hi', agent: 'mcp-helper@9' });
    expect(version.isError).toBe(true);
    expect(textOf(version)).toMatch(/version 9|mcp-helper@9/);
    const malformed = await call(mcpA, 'chat', { message: 'hi', agent: 'Not A Name!' });
    expect(malformed.isError).toBe(true);
    expect(textOf(malformed)).toMatch(/agent/);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * The hub's MCP tools (`/mcp`), driven by the official MCP TypeScript client over
 * real HTTP, against a real worker running the real session workflow and
 * activities; the model is the scripted LLM test fixture. The endpoint's HTTP
 * behaviour (auth, Host/Origin, limits): mcp-http.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createLlmActivities, createResearchActivities } from '@hub/agents';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { researchResponder } from '@hub/testing/research-responder';
import { hubWorkflowBundle } from '@hub/testing/workflow-bundle';
import { createToolActivities } from '@hub/tools';
import { parseApiKeys } from '../src/http/auth';
import { connectTestClient, makeApp } from './helpers';
import { MCP_HEADERS, bearer, serveApp, type ServedApp } from './mcp-helpers';


const KEY_A = 'mcp-key-a-0123456789';
const KEY_B = 'mcp-key-b-9876543210';
const tenantA = `ma${randomUUID().slice(0, 8)}`;
const tenantB = `mb${randomUUID().slice(0, 8)}`;

let client: Client;
let connection: Connection;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let llm: ScriptedLlmServer;
let log: ReturnType<typeof makeApp>['log'];
let served: ServedApp;
let port: number;
const taskQueue = `gateway-mcp-${randomUUID()}`;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  process.env.HUB_NOTES_FILE = join(mkdtempSync(join(tmpdir(), 'hub-mcp-notes-')), 'notes.jsonl');
  ({ client, connection } = await connectTestClient());
  llm = await startScriptedLlmServer();
  nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  const tools = createToolActivities();
  const openai = new OpenAI({ baseURL: llm.url, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
  const llmActivities = createLlmActivities({ openai, defaultModel: 'scripted-model', listTools: tools.listTools });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await hubWorkflowBundle(),
    // start_research runs a research job: its single-call agents run in the research batch activity.
    activities: { ...llmActivities, ...tools, ...createResearchActivities({ ...llmActivities, listTools: tools.listTools }) },
  });
  running = worker.run();
  const made = makeApp(client, { taskQueue, rpcTimeoutMs: 10_000, apiKeys: parseApiKeys(`${KEY_A}:${tenantA},${KEY_B}:${tenantB}`) });
  log = made.log;
  served = await serveApp(made.app);
  port = served.port;
}, 180_000);

afterAll(async () => {
  await served?.close();
  if (worker && worker.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await nativeConnection?.close();
  await connection?.close();
  await llm?.close();
});

const connectMcp = (key: string): Promise<McpClient> => served.connectMcp(key);

async function call(mcp: McpClient, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await mcp.callTool({ name, arguments: args })) as CallToolResult;
}

async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const textOf = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

describe('MCP endpoint: tools', () => {
  let mcpA: McpClient;
  let mcpB: McpClient;
  let sessionId: string;

  beforeAll(async () => {
    mcpA = await connectMcp(KEY_A);
    mcpB = await connectMcp(KEY_B);
  });

  it('lists the five tools with their schemas', async () => {
    const { tools } = await mcpA.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(['chat', 'get_research', 'list_agents', 'list_sessions', 'start_research']);
    const chat = byName.get('chat')!;
    expect(chat.inputSchema).toMatchObject({
      type: 'object',
      required: ['message'],
      properties: { message: { type: 'string', minLength: 1 }, sessionId: { type: 'string' }, agent: { type: 'string' } },
    });
    expect(chat.outputSchema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['sessionId', 'turnId', 'status', 'reply']),
    });
    expect(byName.get('list_sessions')!.inputSchema.properties).toMatchObject({ limit: { type: 'integer' } });
    expect(byName.get('list_sessions')!.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('start_research')!.inputSchema).toMatchObject({
      required: ['question'],
      properties: { question: { type: 'string' }, maxAgents: { type: 'integer', default: 5, maximum: 10_000 } },
    });
    expect(byName.get('get_research')!.inputSchema).toMatchObject({ required: ['id'] });
  });

  it('chat without sessionId starts a session; with it the conversation continues', async () => {
    const first = await call(mcpA, 'chat', { message: 'hello hub' });
    expect(first.isError).toBeFalsy();
    expect(textOf(first)).toBe('You said: hello hub');
    const sc = first.structuredContent as any;
    expect(sc).toMatchObject({ status: 'completed', reply: 'You said: hello hub', turnId: expect.any(String) });
    sessionId = sc.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

    const second = await call(mcpA, 'chat', { message: 'and again', sessionId });
    expect(second.isError).toBeFalsy();
    expect(second.structuredContent).toMatchObject({ sessionId, status: 'completed', reply: 'You said: and again' });
    expect((second.structuredContent as any).turnId).not.toBe(sc.turnId);

    // The REST API sees the same session, with both turns, in tenant A.
    const res = await fetch(`http://127.0.0.1:${port}/v1/sessions/${sessionId}`, { headers: bearer(KEY_A) });
    expect(res.status).toBe(200);
    const state = (await res.json()) as any;
    expect(state).toMatchObject({ sessionId, tenant: tenantA, agent: 'assistant', turns: 2 });
    expect(state.messages.filter((m: any) => m.role === 'user').map((m: any) => m.content)).toEqual(['hello hub', 'and again']);
    expect(state.messages.filter((m: any) => m.role === 'assistant').map((m: any) => m.content)).toEqual([
      'You said: hello hub',
      'You said: and again',
    ]);
  });

  it("list_sessions lists the tenant's sessions (same data as GET /v1/sessions)", async () => {
    let listed: any[] = [];
    for (let i = 0; i < 100 && !listed.some((s) => s.id === sessionId); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 200));
      const result = await call(mcpA, 'list_sessions', { limit: 50 });
      expect(result.isError).toBeFalsy();
      listed = (result.structuredContent as any).sessions;
      expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
    }
    expect(listed.find((s) => s.id === sessionId)).toMatchObject({ status: 'running', agent: 'assistant' });
    const rest = (await (await fetch(`http://127.0.0.1:${port}/v1/sessions?limit=50`, { headers: bearer(KEY_A) })).json()) as any;
    expect(rest.sessions.find((s: any) => s.id === sessionId)).toEqual(listed.find((s) => s.id === sessionId));

    // Tenant B sees none of tenant A's sessions.
    const other = await call(mcpB, 'list_sessions', {});
    expect((other.structuredContent as any).sessions.some((s: any) => s.id === sessionId)).toBe(false);
  });

  it("tenant isolation: tenant B's chat on tenant A's session is not found", async () => {
    const result = await call(mcpB, 'chat', { message: 'let me in', sessionId });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(new RegExp(`session ${sessionId} not found`));
    // Nothing reached tenant A's session.
    const state = (await (await fetch(`http://127.0.0.1:${port}/v1/sessions/${sessionId}`, { headers: bearer(KEY_A) })).json()) as any;
    expect(state.turns).toBe(2);
  });

  it('chat errors are tool errors: unknown session, empty message, unknown agent', async () => {
    const unknown = await call(mcpA, 'chat', { message: 'hi', sessionId: `nope-${randomUUID()}` });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/not found; call chat without sessionId/);

    for (const message of ['', '   ']) {
      const empty = await call(mcpA, 'chat', { message });
      expect(empty.isError, JSON.stringify(message)).toBe(true);
      expect(textOf(empty)).toMatch(/message/);
    }

    const badAgent = await call(mcpA, 'chat', { message: 'hi', agent: 'no-such-agent' });
    expect(badAgent.isError).toBe(true);
    expect(textOf(badAgent)).toMatch(/unknown agent "no-such-agent"; available agents: assistant, researcher/);

    const badId = await call(mcpA, 'chat', { message: 'hi', sessionId: '../../etc' });
    expect(badId.isError).toBe(true);
  });

  it('a failed turn is a tool error that still names the session', async () => {
    llm.script({ error: { status: 400, message: 'the model refuses this request' } });
    const failed = await call(mcpA, 'chat', { message: 'fail please' });
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toMatch(/failed: .*the model refuses this request/);
    const sc = failed.structuredContent as any;
    expect(sc).toMatchObject({ status: 'failed' });
    // The session exists and goes on.
    const next = await call(mcpA, 'chat', { message: 'better now?', sessionId: sc.sessionId });
    expect(next.structuredContent).toMatchObject({ sessionId: sc.sessionId, status: 'completed', reply: 'You said: better now?' });
  });

  it('chat on a closed session is a tool error', async () => {
    const started = await call(mcpA, 'chat', { message: 'short-lived' });
    const id = (started.structuredContent as any).sessionId;
    const closed = await fetch(`http://127.0.0.1:${port}/v1/sessions/${id}`, { method: 'DELETE', headers: bearer(KEY_A) });
    expect(closed.status).toBe(200);
    const result = await call(mcpA, 'chat', { message: 'still there?', sessionId: id });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/is closed/);
  });

  it('a client that disconnects mid-turn stops the wait; the turn still completes in the session', async () => {
    const first = await call(mcpA, 'chat', { message: 'setup' });
    const id = (first.structuredContent as any).sessionId as string;
    llm.script({ delayMs: 4_000 });
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'chat', arguments: { message: 'slow one', sessionId: id } },
    });
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path: '/mcp',
      method: 'POST',
      agent: false,
      headers: { ...MCP_HEADERS, ...bearer(KEY_A), 'mcp-protocol-version': '2025-06-18', 'content-length': String(Buffer.byteLength(body)) },
    });
    req.on('error', () => undefined);
    const responded = new Promise<number>((resolve) => req.on('response', (res) => resolve(res.statusCode ?? 0)));
    req.end(body);
    expect(await responded).toBe(200); // the SSE stream is open; the turn is running
    const abortedAt = Date.now();
    req.destroy();
    const ended = await waitFor(() =>
      log.lines.find((l) => l.msg === 'mcp tool call' && l.fields?.['sessionId'] === id && l.fields?.['isError'] === true),
    );
    expect(Date.now() - abortedAt).toBeLessThan(3_000); // well before the model answers
    expect(ended.fields).toMatchObject({ tool: 'chat' });
    // The turn is durable: it completes without the client.
    const state = await waitFor(async () => {
      const s = (await (await fetch(`http://127.0.0.1:${port}/v1/sessions/${id}`, { headers: bearer(KEY_A) })).json()) as any;
      return s.turns === 2 && s.status === 'idle' ? s : undefined;
    });
    expect(state.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'You said: slow one' });
  });

  it('start_research starts a job that get_research follows to its report; other tenants cannot see it', async () => {
    llm.setResponder(researchResponder);
    try {
      const start = await call(mcpA, 'start_research', { question: 'Why is the sky blue?', maxAgents: 3 });
      expect(start.isError).toBeFalsy();
      const id = (start.structuredContent as { id: string }).id;
      expect(textOf(start)).toContain(`Research job ${id} started`);
      const done = await waitFor(async () => {
        const r = await call(mcpA, 'get_research', { id });
        return (r.structuredContent as { status?: string } | undefined)?.status === 'completed' ? r : undefined;
      });
      expect(textOf(done)).toMatch(/^Research job .*: completed; 3 of 3 agents done \(100%\), 3 succeeded, 0 failed\./);
      expect(textOf(done)).toContain('Report on: Why is the sky blue?');
      expect(textOf(done)).toMatch(/\[1\] agent 0: Part 1 of: Why is the sky blue\?/);

      const other = await call(mcpB, 'get_research', { id });
      expect(other.isError).toBe(true);
      expect(textOf(other)).toMatch(/no research job/);
      const bad = await call(mcpA, 'start_research', { question: 'x', deadline: 'soon' });
      expect(bad.isError).toBe(true);
      expect(textOf(bad)).toMatch(/policy\.deadline/);
    } finally {
      llm.setResponder(undefined);
    }
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * The hub as an MCP server (`/mcp`), driven by the official MCP TypeScript
 * client over real HTTP, against a real worker running the real session
 * workflow and activities; the model is the scripted LLM test fixture.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { serve, type ServerType } from '@hono/node-server';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createLlmActivities } from '@hub/agents';
import { LIMITS } from '@hub/contracts';
import { testTemporalAddress } from '@hub/infra/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/infra/testing/scripted-llm-server';
import { createToolActivities } from '@hub/tools';
import { parseApiKeys } from '../src/auth';
import { loadGatewayConfig } from '../src/config';
import { researchResponder } from '@hub/infra/testing/research-responder';
import { createOriginGuard, parseAllowedHosts, parseAllowedOrigins } from '../src/mcp-guard';
import { openApiDocument } from '../src/openapi';
import { connectTestClient, makeApp } from './helpers';
import type { GatewayApp } from '../src/app';

const require = createRequire(import.meta.url);
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

const KEY_A = 'mcp-key-a-0123456789';
const KEY_B = 'mcp-key-b-9876543210';
const tenantA = `ma${randomUUID().slice(0, 8)}`;
const tenantB = `mb${randomUUID().slice(0, 8)}`;
const ALLOWED_ORIGIN = 'http://localhost:6274';
const ALLOWED_HOST = 'hub.example.test';

let client: Client;
let connection: Connection;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let llm: ScriptedLlmServer;
let app: GatewayApp;
let log: ReturnType<typeof makeApp>['log'];
let server: ServerType;
let port: number;
const taskQueue = `gateway-mcp-${randomUUID()}`;
const clients: McpClient[] = [];

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  process.env.HUB_NOTES_FILE = join(mkdtempSync(join(tmpdir(), 'hub-mcp-notes-')), 'notes.jsonl');
  ({ client, connection } = await connectTestClient());
  llm = await startScriptedLlmServer();
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
  ({ app, log } = makeApp(client, {
    taskQueue,
    rpcTimeoutMs: 10_000,
    apiKeys: parseApiKeys(`${KEY_A}:${tenantA},${KEY_B}:${tenantB}`),
    mcp: { allowedHosts: [ALLOWED_HOST], allowedOrigins: [ALLOWED_ORIGIN] },
  }));
  server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    s.once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  if (server && 'closeAllConnections' in server) server.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (worker && worker.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await nativeConnection?.close();
  await connection?.close();
  await llm?.close();
});

const mcpUrl = () => new URL(`http://127.0.0.1:${port}/mcp`);
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function connectMcp(key: string | undefined, headers: Record<string, string> = {}): Promise<McpClient> {
  const mcp = new McpClient({ name: 'gateway-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(mcpUrl(), {
    requestInit: { headers: { ...(key !== undefined ? bearer(key) : {}), ...headers } },
  });
  await mcp.connect(transport);
  clients.push(mcp);
  return mcp;
}

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

/** A raw HTTP request with full control over the headers (Host included). */
function raw(
  method: string,
  body: string | Buffer | undefined,
  headers: Record<string, string>,
  opts: { chunked?: boolean } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/mcp',
        method,
        // A fresh connection each: after a 413 the server may close a connection whose body it did not read.
        agent: false,
        headers: {
          ...(body !== undefined && !opts.chunked ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    if (body !== undefined && opts.chunked) {
      const buf = Buffer.from(body);
      for (let i = 0; i < buf.length; i += 64 * 1024) req.write(buf.subarray(i, i + 64 * 1024));
    } else if (body !== undefined) {
      req.write(body);
    }
    req.end();
  });
}

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** The JSON-RPC message of a response that is either JSON or a one-message SSE stream. */
function rpcBody(text: string): any {
  const data = text
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trim())
    .join('');
  return JSON.parse(data || text);
}

describe('MCP endpoint: tools', () => {
  let mcpA: McpClient;
  let mcpB: McpClient;
  let sessionId: string;

  beforeAll(async () => {
    mcpA = await connectMcp(KEY_A);
    mcpB = await connectMcp(KEY_B);
  });

  it('lists the four tools with their schemas', async () => {
    const { tools } = await mcpA.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(['chat', 'get_research', 'list_sessions', 'start_research']);
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

describe('MCP endpoint: HTTP', () => {
  it('requires the API key (401) when keys are configured', async () => {
    const res = await raw('POST', INITIALIZE, MCP_HEADERS);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.parse(res.text).error.code).toBe('unauthorized');
    const wrong = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer('wrong-key') });
    expect(wrong.status).toBe(401);
    await expect(connectMcp(undefined)).rejects.toThrow();
  });

  it('answers a raw initialize (stateless: no Mcp-Session-Id)', async () => {
    const res = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A) });
    expect(res.status).toBe(200);
    expect(res.headers['mcp-session-id']).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['x-request-id']).toBeDefined();
    const msg = rpcBody(res.text);
    expect(msg).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: { name: 'agent-hub' }, capabilities: { tools: {} } } });
  });

  it('rejects a foreign Origin with 403 (JSON-RPC error); allows the hub itself and configured origins', async () => {
    const foreign = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000, message: expect.stringMatching(/Origin/) } });
    const nullOrigin = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    const otherPort = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), origin: 'http://127.0.0.1:1' });
    expect(otherPort.status).toBe(403);

    for (const origin of [`http://127.0.0.1:${port}`, ALLOWED_ORIGIN]) {
      const ok = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), origin });
      expect(ok.status, origin).toBe(200);
    }
    // Through the official client too.
    await expect(connectMcp(KEY_A, { origin: 'http://evil.example' })).rejects.toThrow(/403|Origin/);
  });

  it('rejects a Host that is not the hub (DNS rebinding) with 403; loopback names and configured hosts pass', async () => {
    const evil = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), host: `evil.example:${port}` });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.text)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.stringMatching(/Host/) } });
    const evilGet = await raw('GET', undefined, { accept: 'text/event-stream', ...bearer(KEY_A), host: 'evil.example' });
    expect(evilGet.status).toBe(403);

    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, ALLOWED_HOST, `${ALLOWED_HOST}:443`]) {
      const ok = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), host });
      expect(ok.status, host).toBe(200);
    }
  });

  it('applies the body limit (413), with and without Content-Length', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: { pad: 'x'.repeat(LIMITS.maxBodyBytes) } });
    const declared = await raw('POST', big, { ...MCP_HEADERS, ...bearer(KEY_A) });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text).error.code).toBe('payload_too_large');
    const chunked = await raw('POST', big, { ...MCP_HEADERS, ...bearer(KEY_A) }, { chunked: true });
    expect(chunked.status).toBe(413);
  });

  it('answers GET and DELETE with 405 and a JSON-RPC error (stateless server)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await raw(method, undefined, { accept: 'text/event-stream', ...bearer(KEY_A) });
      expect(res.status, method).toBe(405);
      expect(res.headers['allow']).toBe('POST');
      expect(JSON.parse(res.text)).toEqual({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
    }
  });

  it('is documented in the OpenAPI document as a POST endpoint', async () => {
    const doc = JSON.parse(await openApiDocument());
    const op = doc.paths['/mcp'];
    expect(Object.keys(op)).toEqual(['post']);
    expect(op.post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/JsonRpcMessage' });
    expect(Object.keys(op.post.responses)).toEqual(expect.arrayContaining(['200', '202', '401', '403', '413']));
  });
});

describe('MCP DNS-rebinding guard and its settings', () => {
  it('parses HUB_MCP_ALLOWED_HOSTS / HUB_MCP_ALLOWED_ORIGINS and adds a specific HOST', () => {
    expect(parseAllowedHosts(' hub.example.com, 10.0.0.5:8787 ,[::1]')).toEqual(['hub.example.com', '10.0.0.5:8787', '[::1]']);
    expect(() => parseAllowedHosts('http://hub.example.com')).toThrow(/HUB_MCP_ALLOWED_HOSTS/);
    expect(parseAllowedOrigins('https://app.example.com,http://localhost:6274')).toEqual(['https://app.example.com', 'http://localhost:6274']);
    expect(() => parseAllowedOrigins('app.example.com')).toThrow(/HUB_MCP_ALLOWED_ORIGINS/);
    expect(() => parseAllowedOrigins('https://app.example.com/path')).toThrow(/HUB_MCP_ALLOWED_ORIGINS/);

    expect(loadGatewayConfig({}).mcp).toEqual({ allowedHosts: [], allowedOrigins: [] });
    expect(loadGatewayConfig({ HOST: '0.0.0.0', HUB_API_KEYS: 'k:t', HUB_MCP_ALLOWED_HOSTS: 'hub.example.com' }).mcp.allowedHosts).toEqual([
      'hub.example.com',
    ]);
    expect(loadGatewayConfig({ HOST: '10.1.2.3', HUB_API_KEYS: 'k:t' }).mcp.allowedHosts).toEqual(['10.1.2.3']);
    expect(() => loadGatewayConfig({ HUB_MCP_ALLOWED_ORIGINS: 'nope' })).toThrow(/HUB_MCP_ALLOWED_ORIGINS/);
  });

  it('checks Host by name (a port limits a rule when given) and Origin against the host or the list', () => {
    const guard = createOriginGuard({ allowedHosts: ['hub.example.com', 'other.example.com:8443'], allowedOrigins: ['https://app.example.com'] });
    expect(guard.check('localhost:8787', undefined)).toBeUndefined();
    expect(guard.check('127.0.0.2', undefined)).toBeUndefined();
    expect(guard.check('[::1]:1', undefined)).toBeUndefined();
    expect(guard.check('HUB.example.com:9999', undefined)).toBeUndefined();
    expect(guard.check('other.example.com:8443', undefined)).toBeUndefined();
    expect(guard.check('other.example.com', undefined)).toMatch(/Host/);
    expect(guard.check('localhost.evil.example', undefined)).toMatch(/Host/);
    expect(guard.check(undefined, undefined)).toMatch(/Host/);
    expect(guard.check('a b', undefined)).toMatch(/Host/);

    expect(guard.check('hub.example.com', 'https://hub.example.com')).toBeUndefined();
    expect(guard.check('localhost:8787', 'http://localhost:8787')).toBeUndefined();
    expect(guard.check('localhost:8787', 'https://APP.example.com')).toBeUndefined();
    expect(guard.check('localhost:8787', 'http://localhost:3000')).toMatch(/Origin/);
    expect(guard.check('localhost:8787', 'https://app.example.com.evil.example')).toMatch(/Origin/);
    expect(guard.check('localhost:8787', 'null')).toMatch(/Origin/);
  });
});

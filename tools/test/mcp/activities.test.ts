/** The executeTool / listTools activities with MCP tools: tenant pass-through and `tool.progress` events. */
import { afterEach, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Info } from '@temporalio/activity';
import type { Logger } from '@temporalio/common';
import type { SessionEvent, ToolRequest } from '@hub/contracts';
import type { SessionEventPublisherFactory } from '@hub/runtime/streams';
import { ToolRegistry, createBuiltinProvider, createToolActivities } from '../../src';
import { McpConnectionManager, McpToolProvider, type ResolvedMcpServer } from '../../src/mcp';
import { memoryTransports } from './memory-server';

const noop = () => {};
const silentLogger: Logger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** MockActivityEnvironment whose run() keeps the activity's return type. */
class Env extends MockActivityEnvironment {
  override run<P extends unknown[], R>(fn: (...args: P) => Promise<R>, ...args: P): Promise<R> {
    return super.run(fn, ...args) as Promise<R>;
  }
}

function env(activityId: string, workflowId = 'session/acme/s1'): Env {
  const info: Partial<Info> = { activityId, workflowExecution: { workflowId, runId: 'run-1' } };
  return new Env(info, { logger: silentLogger });
}

let manager: McpConnectionManager | undefined;
afterEach(async () => {
  await manager?.closeAll();
  manager = undefined;
});

function setup() {
  const mem = memoryTransports();
  manager = new McpConnectionManager({ createTransport: mem.createTransport });
  const tenants: (string | undefined)[] = [];
  const provider = new McpToolProvider({
    manager,
    servers: async (ctx) => {
      tenants.push(ctx.tenant);
      const s: ResolvedMcpServer = { name: 'mem', source: 'api', config: { command: 'mem' }, allowPrivateHosts: [], pins: {}, flagged: new Set() };
      return ctx.tenant === 'acme' ? [s] : [];
    },
  });
  const events: SessionEvent[] = [];
  let opened = 0;
  let closed = 0;
  const publisher: SessionEventPublisherFactory = () => {
    opened += 1;
    return { publish: (ev) => void events.push(ev), close: async () => void (closed += 1) };
  };
  const registry = new ToolRegistry([createBuiltinProvider(), provider]);
  const acts = createToolActivities({ registry, progressPublisher: publisher, progressIntervalMs: 0 });
  return { acts, events, tenants, mem, counts: () => ({ opened, closed }) };
}

describe('tool activities with MCP servers', () => {
  it('listTools passes the tenant to the providers', async () => {
    const { acts } = setup();
    const acme = await env('t1/tools').run(acts.listTools, { allow: ['mem__*', 'calculator'], tenant: 'acme' });
    expect(acme.map((t) => t.name)).toEqual(expect.arrayContaining(['calculator', 'mem__echo']));
    const other = await env('t1/tools').run(acts.listTools, { allow: ['mem__*'], tenant: 'other' });
    expect(other).toEqual([]);
  });

  it('executeTool resolves MCP tools with the tenant of the session workflow', async () => {
    const { acts, tenants } = setup();
    const req: ToolRequest = { name: 'mem__echo', arguments: JSON.stringify({ text: 'hi' }), sessionId: 's1' };
    await expect(env('turn-1/tool/c1').run(acts.executeTool, req)).resolves.toEqual({ ok: true, content: 'echo: hi' });
    expect(tenants).toContain('acme');
    // another tenant's session does not see acme's server
    await expect(env('turn-1/tool/c1', 'session/other/s9').run(acts.executeTool, req)).resolves.toMatchObject({ ok: false, content: 'Unknown tool "mem__echo"' });
  });

  it('executeTool fails (to be retried) when the server of the tool is down, and is ok:false for a tool it lacks', async () => {
    const mem = memoryTransports();
    let down = true;
    manager = new McpConnectionManager({
      createTransport: (name, config) => (down ? Promise.reject(new Error('connection refused')) : mem.createTransport(name, config)),
      backoff: { initialMs: 1, maxMs: 1 },
    });
    const provider = new McpToolProvider({
      manager,
      servers: async () => [{ name: 'mem', source: 'config', config: { command: 'mem' }, allowPrivateHosts: [], pins: {}, flagged: new Set() }],
    });
    const acts = createToolActivities({ registry: new ToolRegistry([createBuiltinProvider(), provider]) });
    const req: ToolRequest = { name: 'mem__echo', arguments: '{"text":"x"}', sessionId: 's1' };
    await expect(env('t/tool/1').run(acts.executeTool, req)).rejects.toThrow(/connection refused/);
    down = false;
    await new Promise((r) => setTimeout(r, 10));
    await expect(env('t/tool/1').run(acts.executeTool, req)).resolves.toEqual({ ok: true, content: 'echo: x' });
    await expect(env('t/tool/2').run(acts.executeTool, { ...req, name: 'mem__nope' })).resolves.toEqual({ ok: false, content: 'Unknown tool "mem__nope"' });
    await expect(env('t/tool/3').run(acts.executeTool, { ...req, name: 'zzz__nope' })).resolves.toEqual({ ok: false, content: 'Unknown tool "zzz__nope"' });
  });

  it('executeTool reports schema violations to the model (ok: false)', async () => {
    const { acts, mem } = setup();
    const req: ToolRequest = { name: 'mem__typed', arguments: JSON.stringify({ count: 'x' }), sessionId: 's1' };
    const res = await env('turn-1/tool/c2').run(acts.executeTool, req);
    expect(res.ok).toBe(false);
    expect(res.content).toContain('count: must be integer');
    expect(res.content).toContain('tags: is required');
    expect(mem.log.calls).not.toContain('typed');
  });

  it('publishes progress as tool.progress events of the turn and heartbeats', async () => {
    const { acts, events, counts } = setup();
    const e = env('turn-3/tool/call-9');
    const heartbeats: unknown[] = [];
    e.on('heartbeat', (d: unknown) => heartbeats.push(d));
    const req: ToolRequest = { name: 'mem__progress', arguments: '{"n":3}', sessionId: 's1', turnId: 'turn-3', toolCallId: 'call-9' };
    await expect(e.run(acts.executeTool, req)).resolves.toEqual({ ok: true, content: 'did 3 steps' });
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]).toEqual({ type: 'tool.progress', turnId: 'turn-3', toolCallId: 'call-9', tool: 'mem__progress', progress: 1, total: 3, message: 'step 1' });
    expect(counts()).toEqual({ opened: 1, closed: 1 });
    expect(heartbeats.length).toBeGreaterThanOrEqual(events.length);
  });

  it('publishes nothing without turnId/toolCallId, and opens no publisher for calls without progress', async () => {
    const { acts, events, counts } = setup();
    await env('a').run(acts.executeTool, { name: 'mem__progress', arguments: '{"n":2}', sessionId: 's1' });
    await env('b').run(acts.executeTool, { name: 'mem__echo', arguments: '{"text":"x"}', sessionId: 's1', turnId: 't', toolCallId: 'c' });
    expect(events).toEqual([]);
    expect(counts()).toEqual({ opened: 0, closed: 0 });
  });

  it('coalesces progress events to one per interval', async () => {
    const mem = memoryTransports();
    manager = new McpConnectionManager({ createTransport: mem.createTransport });
    const provider = new McpToolProvider({
      manager,
      servers: async () => [{ name: 'mem', source: 'config', config: { command: 'mem' }, allowPrivateHosts: [], pins: {}, flagged: new Set() }],
    });
    const events: SessionEvent[] = [];
    const acts = createToolActivities({
      registry: new ToolRegistry([provider]),
      progressPublisher: () => ({ publish: (ev) => void events.push(ev), close: async () => undefined }),
      progressIntervalMs: 10_000,
    });
    const req: ToolRequest = { name: 'mem__progress', arguments: '{"n":5}', sessionId: 's1', turnId: 't', toolCallId: 'c' };
    await env('x').run(acts.executeTool, req);
    expect(events).toHaveLength(1); // the first; the rest fall within the window and the result follows
  });
});

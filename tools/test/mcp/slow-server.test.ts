// Issue 11 #15: one MCP server that accepts connections and never answers does not hold up a listing; a server whose
// listing stalls is served from its last good catalogue; the tool activities heartbeat while they list.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Logger } from '@temporalio/common';
import type { McpServerConfig } from '@hub/contracts';
import { ToolRegistry, createBuiltinProvider, createToolActivities, type ToolSourceUnavailable } from '../../src';
import { McpConnectionManager, McpToolProvider, type ResolvedMcpServer } from '../../src/mcp';
import { startEverythingHttp, type HttpServerProcess } from './helpers';

function server(name: string, config: McpServerConfig): ResolvedMcpServer {
  return { name, source: 'config', config, allowPrivateHosts: ['127.0.0.1'], pins: {}, flagged: new Set() };
}

/** A TCP server on 127.0.0.1 that accepts every connection and never answers. */
async function startBlackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const srv: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => srv.close(() => r()));
    },
  };
}

let everything: HttpServerProcess;
let hole: { port: number; close(): Promise<void> };
let manager: McpConnectionManager | undefined;

beforeAll(async () => {
  [everything, hole] = await Promise.all([startEverythingHttp('streamableHttp'), startBlackHole()]);
});
afterAll(async () => {
  if (everything?.child.pid) everything.child.kill('SIGCONT');
  await Promise.all([everything?.stop(), hole?.close()]);
});
afterEach(async () => {
  await manager?.closeAll();
  manager = undefined;
});

const live = () => server('live', { url: `http://127.0.0.1:${everything.port}/mcp` });
const stuck = () => server('stuck', { url: `http://127.0.0.1:${hole.port}/mcp` });

describe('a hanging MCP server', () => {
  it('is left out after the per-server deadline (2.5 s), listed concurrently with the others, and reported', async () => {
    manager = new McpConnectionManager();
    const provider = new McpToolProvider({ manager, servers: async () => [stuck(), live()] });
    const unavailable: ToolSourceUnavailable[] = [];
    const started = Date.now();
    const tools = await provider.listTools({ onUnavailable: (u) => void unavailable.push(u) });
    const took = Date.now() - started;
    expect(tools.some((t) => t.name.startsWith('live__'))).toBe(true);
    expect(tools.some((t) => t.name.startsWith('stuck__'))).toBe(false);
    expect(took).toBeLessThan(4_500);
    expect(unavailable).toEqual([{ server: 'stuck', error: expect.stringContaining('took longer than 2500 ms'), cached: false }]);

    // Its listing is still overdue: the next listing (next turn, a tool call) does not wait for it again.
    const again: ToolSourceUnavailable[] = [];
    const t0 = Date.now();
    await provider.listTools({ onUnavailable: (u) => void again.push(u) });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(again).toEqual([{ server: 'stuck', error: expect.stringMatching(/has not answered its tool listing for \d+ ms/), cached: false }]);
  });

  it('a server that stops answering is offered from its last good catalogue', async () => {
    manager = new McpConnectionManager();
    const provider = new McpToolProvider({ manager, servers: async () => [live()] });
    const before = (await provider.listTools()).map((t) => t.name);
    expect(before).toContain('live__echo');

    // The process is frozen (the kernel still accepts connections) and the connection is lost.
    everything.child.kill('SIGSTOP');
    try {
      await manager.close('live');
      const unavailable: ToolSourceUnavailable[] = [];
      const started = Date.now();
      const after = (await provider.listTools({ onUnavailable: (u) => void unavailable.push(u) })).map((t) => t.name);
      expect(Date.now() - started).toBeLessThan(4_500);
      expect(after).toEqual(before);
      expect(unavailable).toMatchObject([{ server: 'live', cached: true }]);
    } finally {
      everything.child.kill('SIGCONT');
    }
  });
});

describe('the tool activities', () => {
  const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

  it('heartbeat from their start, while the MCP servers are listed', async () => {
    manager = new McpConnectionManager();
    const m = manager;
    const fresh = () => new McpToolProvider({ manager: m, servers: async () => [stuck()], listTimeoutMs: 1_000 });
    const acts = createToolActivities({ registry: new ToolRegistry([createBuiltinProvider(), fresh()]) });
    const env = new MockActivityEnvironment(
      { activityId: 'tool/1', workflowExecution: { workflowId: 'session/acme/s1', runId: 'r' }, heartbeatTimeoutMs: 600 },
      { logger: quiet },
    );
    let beats = 0;
    env.on('heartbeat', () => beats++);
    // A name no provider lists: finding out lists every provider, the stuck server's listing takes its 1 s.
    const res = await env.run(acts.executeTool, { sessionId: 's1', name: 'nope', arguments: '{}' });
    expect(res).toMatchObject({ ok: false, content: 'Unknown tool "nope"' });
    expect(beats).toBeGreaterThanOrEqual(4); // every 200 ms

    beats = 0;
    // A provider that has not seen the server miss a deadline waits for it (and heartbeats) again.
    const lister = createToolActivities({ registry: new ToolRegistry([createBuiltinProvider(), fresh()]) });
    const listed = (await env.run(lister.listTools, { allow: ['*'] })) as Array<{ name: string }>;
    expect(listed.some((t) => t.name === 'calculator')).toBe(true);
    expect(beats).toBeGreaterThanOrEqual(4);
  });
});

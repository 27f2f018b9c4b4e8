/**
 * A real third-party server: @modelcontextprotocol/server-everything, over
 * stdio, Streamable HTTP and legacy SSE (the HTTP modes run as child
 * processes forced onto 127.0.0.1, see fixtures/loopback-only.mjs).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isToolError } from '../../src';
import { McpConnectionManager, McpSafetyError, McpToolProvider, type ResolvedMcpServer } from '../../src/mcp';
import { everythingStdioConfig, startEverythingHttp, toolCtx, type HttpServerProcess } from './helpers';

let manager: McpConnectionManager;
afterEach(async () => {
  await manager?.closeAll();
});

describe('server-everything over stdio', () => {
  it('lists tools and calls them through the provider', async () => {
    manager = new McpConnectionManager();
    const server: ResolvedMcpServer = {
      name: 'everything',
      source: 'config',
      config: everythingStdioConfig(),
      allowPrivateHosts: [],
      pins: {},
      flagged: new Set(),
    };
    const provider = new McpToolProvider({ manager, servers: async () => [server] });
    const names = (await provider.listTools()).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['everything__echo', 'everything__get-sum', 'everything__trigger-long-running-operation']));
    expect(names).not.toContain('everything__simulate-research-query'); // task-only tools are not offered

    await expect(provider.call('everything__echo', { message: 'hello' }, toolCtx())).resolves.toEqual({ ok: true, content: 'Echo: hello' });
    const sum = await provider.call('everything__get-sum', { a: 2, b: 40 }, toolCtx());
    expect(sum.content).toContain('42');
    const bad = await provider.call('everything__get-sum', { a: 'two' }, toolCtx()).then(() => new Error('no error'), (e: unknown) => e as Error);
    expect(bad.message).toContain('a: must be number');
    expect(bad.message).toContain('b: is required');

    const img = await provider.call('everything__get-tiny-image', {}, toolCtx());
    expect(img.content).toMatch(/\[image image\/png, \d+ bytes\]/);

    const ctx = toolCtx();
    const long = await provider.call('everything__trigger-long-running-operation', { duration: 1, steps: 4 }, ctx);
    expect(long.content).toContain('Long running operation completed');
    expect(ctx.progress.length).toBeGreaterThanOrEqual(2);
    expect(ctx.progress[0]).toMatchObject({ progress: 1, total: 4 });
  });

  it('a killed server fails the call in flight (retryable) and the next call reconnects', async () => {
    manager = new McpConnectionManager();
    const conn = await manager.get('everything', everythingStdioConfig(), { allowPrivateHosts: [] });
    const pid = conn.pid!;
    expect(pid).toBeGreaterThan(0);
    let progressed!: () => void;
    const firstProgress = new Promise<void>((r) => (progressed = r));
    const inFlight = conn
      .callTool('trigger-long-running-operation', { duration: 20, steps: 40 }, { onProgress: () => progressed() })
      .catch((e: unknown) => e);
    await firstProgress;
    process.kill(pid, 'SIGKILL');
    const err = await inFlight;
    expect(err).toBeInstanceOf(Error);
    expect(isToolError(err)).toBe(false); // a transport failure: the activity retries
    expect(manager.status('everything').state).toBe('error');

    const res = await conn.callTool('echo', { message: 'again' });
    expect(res.content).toEqual([{ type: 'text', text: 'Echo: again' }]);
    expect(conn.pid).not.toBe(pid);
    expect(manager.status('everything').state).toBe('connected');
  });
});

describe('server-everything over HTTP', () => {
  let streamable: HttpServerProcess;
  let sse: HttpServerProcess;

  beforeAll(async () => {
    [streamable, sse] = await Promise.all([startEverythingHttp('streamableHttp'), startEverythingHttp('sse')]);
  });
  afterAll(async () => {
    await Promise.all([streamable?.stop(), sse?.stop()]);
  });

  it('the fixture binds loopback only', () => {
    expect(streamable.host).toBe('127.0.0.1');
    expect(sse.host).toBe('127.0.0.1');
  });

  it('is refused on loopback unless 127.0.0.1 is allowlisted', async () => {
    manager = new McpConnectionManager();
    const url = `http://127.0.0.1:${streamable.port}/mcp`;
    await expect(manager.get('web', { url }, { allowPrivateHosts: [] })).rejects.toBeInstanceOf(McpSafetyError);
    expect(manager.status('web')).toMatchObject({ state: 'error', error: expect.stringContaining('allowPrivateHosts') });
  });

  it('speaks Streamable HTTP through the guarded fetch, with headers, progress and calls', async () => {
    manager = new McpConnectionManager();
    const conn = await manager.get(
      'web',
      { url: `http://127.0.0.1:${streamable.port}/mcp`, headers: { 'x-test': 'yes' } },
      { allowPrivateHosts: ['127.0.0.1'] },
    );
    expect(conn.transportKind).toBe('streamable-http');
    const tools = await conn.listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    const res = await conn.callTool('echo', { message: 'over http' });
    expect(res.content).toEqual([{ type: 'text', text: 'Echo: over http' }]);
    const progress: number[] = [];
    await conn.callTool('trigger-long-running-operation', { duration: 1, steps: 3 }, { onProgress: (p) => progress.push(p.progress) });
    expect(progress.length).toBeGreaterThanOrEqual(2);
  });

  it('falls back to the legacy SSE transport when the server does not speak Streamable HTTP', async () => {
    manager = new McpConnectionManager();
    const conn = await manager.get('legacy', { url: `http://127.0.0.1:${sse.port}/sse` }, { allowPrivateHosts: ['127.0.0.0/8'] });
    expect(conn.transportKind).toBe('sse');
    const res = await conn.callTool('echo', { message: 'over sse' });
    expect(res.content).toEqual([{ type: 'text', text: 'Echo: over sse' }]);
  });
});

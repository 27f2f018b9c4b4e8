import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { McpConnectionManager, McpUnavailableError, connectionConfigHash } from '../../src/mcp';
import { memoryTransports } from './memory-server';

let manager: McpConnectionManager | undefined;
afterEach(async () => {
  await manager?.closeAll();
  manager = undefined;
});

describe('McpConnectionManager', () => {
  it('connects lazily, once, and shares the connection', async () => {
    const mem = memoryTransports();
    manager = new McpConnectionManager({ createTransport: mem.createTransport });
    expect(manager.status('mem')).toEqual({ state: 'unknown' });
    const [a, b] = await Promise.all([
      manager.get('mem', { command: 'mem' }, { allowPrivateHosts: [] }),
      manager.get('mem', { command: 'mem' }, { allowPrivateHosts: [] }),
    ]);
    expect(a).toBe(b);
    expect(mem.log.connects).toBe(1);
    expect(manager.status('mem').state).toBe('connected');
  });

  it('hashes only what the connection depends on', () => {
    const base = { command: 'x', args: ['a'] };
    expect(connectionConfigHash({ ...base, requiresApproval: true, timeouts: { callMs: 5 } }, [])).toBe(connectionConfigHash(base, []));
    expect(connectionConfigHash({ ...base, env: { A: '1' } }, [])).not.toBe(connectionConfigHash(base, []));
    expect(connectionConfigHash(base, ['10.0.0.0/8'])).not.toBe(connectionConfigHash(base, []));
  });

  it('backs off after failed attempts, failing fast in between', async () => {
    let fail = true;
    const mem = memoryTransports();
    manager = new McpConnectionManager({
      createTransport: async (name, config) => {
        if (fail) throw new Error('server down');
        return mem.createTransport(name, config);
      },
      backoff: { initialMs: 300, maxMs: 1_000 },
    });
    await expect(manager.get('mem', { command: 'mem' }, { allowPrivateHosts: [] })).rejects.toThrow('server down');
    expect(manager.status('mem')).toMatchObject({ state: 'error', error: 'server down' });
    // within the backoff window: no new attempt
    await expect(manager.get('mem', { command: 'mem' }, { allowPrivateHosts: [] })).rejects.toBeInstanceOf(McpUnavailableError);
    fail = false;
    await new Promise((r) => setTimeout(r, 350));
    const conn = await manager.get('mem', { command: 'mem' }, { allowPrivateHosts: [] });
    expect(conn.connected).toBe(true);
    expect(manager.status('mem').state).toBe('connected');
  });

  it('re-establishes a connection whose transport closed', async () => {
    const mem = memoryTransports();
    manager = new McpConnectionManager({ createTransport: mem.createTransport });
    const conn = await manager.get('mem', { command: 'mem' }, { allowPrivateHosts: [] });
    await conn.listTools();
    await mem.log.live[0]!.close(); // the server side goes away
    await expect.poll(() => conn.connected).toBe(false);
    const tools = await conn.listTools(); // reconnects on use
    expect(tools.length).toBeGreaterThan(0);
    expect(mem.log.connects).toBe(2);
  });

  it('closeAll closes every connection; a later get reconnects', async () => {
    const mem = memoryTransports();
    manager = new McpConnectionManager({ createTransport: mem.createTransport });
    const conn = await manager.get('mem', { command: 'mem' }, { allowPrivateHosts: [] });
    await manager.closeAll();
    expect(conn.connected).toBe(false);
    await expect(conn.listTools()).rejects.toBeInstanceOf(McpUnavailableError);
    const again = await manager.get('mem', { command: 'mem' }, { allowPrivateHosts: [] });
    expect(again).not.toBe(conn);
    expect(again.connected).toBe(true);
  });
});

describe('HTTP transport details', () => {
  let server: Server;
  let port: number;
  const seen: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      res.writeHead(500).end('nope');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('sends the configured headers, and a 5xx is a (retryable) error without SSE fallback', async () => {
    manager = new McpConnectionManager();
    const err = await manager
      .get('h', { url: `http://127.0.0.1:${port}/mcp`, headers: { authorization: 'Bearer t0ken', 'x-tenant': 'acme' } }, { allowPrivateHosts: ['127.0.0.1'] })
      .then(() => new Error('connected?'), (e: unknown) => e as Error);
    expect(err.message).toMatch(/500/);
    expect(seen).toHaveLength(1); // the initialize POST only: no SSE GET
    expect(seen[0]).toMatchObject({ authorization: 'Bearer t0ken', 'x-tenant': 'acme' });
  });
});

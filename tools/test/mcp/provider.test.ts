import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { McpObservation, McpServerConfig } from '@hub/contracts';
import { ToolInputError, ToolRegistry, UnknownToolError, isToolError, type ToolError } from '../../src';
import { McpConnectionManager, McpToolProvider, toolDefinitionHash, type ResolvedMcpServer } from '../../src/mcp';
import { toolCtx, waitFor } from './helpers';
import { memoryTransports } from './memory-server';

function server(name: string, config: McpServerConfig, over: Partial<ResolvedMcpServer> = {}): ResolvedMcpServer {
  return { name, source: 'config', config, allowPrivateHosts: [], pins: {}, flagged: new Set(), ...over };
}

let manager: McpConnectionManager | undefined;
afterEach(async () => {
  await manager?.closeAll();
  manager = undefined;
});

function setup(servers: ResolvedMcpServer[] | ((ctx: { tenant?: string }) => ResolvedMcpServer[]), variant?: (c: McpServerConfig) => string) {
  const mem = memoryTransports(variant ? { variant } : {});
  manager = new McpConnectionManager({ createTransport: mem.createTransport, backoff: { initialMs: 50, maxMs: 200 } });
  const observed: McpObservation[] = [];
  const observedCtx: { tenant?: string }[] = [];
  const provider = new McpToolProvider({
    manager,
    servers: async (ctx) => (typeof servers === 'function' ? servers(ctx) : servers),
    onObserved: (obs, ctx) => {
      observed.push(obs);
      observedCtx.push(ctx);
    },
    observeRepeatMs: 0,
  });
  return { provider, observed, observedCtx, log: mem.log, manager };
}

describe('McpToolProvider.listTools', () => {
  it('offers every tool as server__tool with the server prefix in the description', async () => {
    const { provider } = setup([server('mem', { command: 'mem' })]);
    const tools = await provider.listTools();
    const names = tools.map((t) => t.name).sort();
    expect(names).toEqual(['mem__echo', 'mem__fail', 'mem__files_read', 'mem__hang', 'mem__mixed', 'mem__progress', 'mem__structured', 'mem__typed']);
    const echo = tools.find((t) => t.name === 'mem__echo')!;
    expect(echo.description).toBe('[mem] Echoes text');
    expect(echo.parameters).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
    expect(echo.requiresApproval).toBe(false);
    expect(echo.timeouts).toBeUndefined();
  });

  it('sets requiresApproval (true, exact names, globs) and timeouts from the server entry', async () => {
    const { provider } = setup([
      server('all', { command: 'mem', requiresApproval: true }),
      server('some', { command: 'mem', requiresApproval: ['echo', 'files.*', 'some__typed'], timeouts: { callMs: 5_000, heartbeatMs: 2_000 } }),
    ]);
    const tools = await provider.listTools();
    const by = (n: string) => tools.find((t) => t.name === n)!;
    expect(tools.filter((t) => t.name.startsWith('all__')).every((t) => t.requiresApproval)).toBe(true);
    expect(by('some__echo').requiresApproval).toBe(true);
    expect(by('some__files_read').requiresApproval).toBe(true);
    expect(by('some__typed').requiresApproval).toBe(true);
    expect(by('some__fail').requiresApproval).toBe(false);
    expect(by('some__echo').timeouts).toEqual({ callMs: 5_000, heartbeatMs: 2_000 });
  });

  it('reports what it saw, with definition hashes, and skips disabled servers', async () => {
    const { provider, observed } = setup([server('mem', { command: 'mem' }), server('off', { command: 'mem', disabled: true })]);
    await provider.listTools({ tenant: 'acme' });
    expect(observed).toHaveLength(1);
    const obs = observed[0]!;
    expect(obs).toMatchObject({ server: 'mem', source: 'config', status: { state: 'connected' } });
    const echo = obs.tools!.find((t) => t.name === 'echo')!;
    expect(echo.hash).toBe(toolDefinitionHash(echo));
  });

  it('skips a server that cannot connect and reports it, without breaking the others', async () => {
    const { provider, observed } = setup([server('broken', { command: 'nope' }), server('mem', { command: 'mem' })]);
    const tools = await provider.listTools();
    expect(tools.some((t) => t.name === 'mem__echo')).toBe(true);
    expect(tools.some((t) => t.name.startsWith('broken__'))).toBe(false);
    const broken = observed.find((o) => o.server === 'broken')!;
    expect(broken.status.state).toBe('error');
    expect(broken.status.error).toContain('cannot reach broken');
    expect(broken.tools).toBeUndefined();
  });

  it('skips a server that is too slow to list, without waiting for it', async () => {
    const mem = memoryTransports();
    manager = new McpConnectionManager({
      createTransport: (name, config) => (name === 'slow' ? new Promise(() => undefined) : mem.createTransport(name, config)),
    });
    const observed: McpObservation[] = [];
    const provider = new McpToolProvider({
      manager,
      servers: async () => [server('slow', { command: 'mem' }), server('mem', { command: 'mem' })],
      onObserved: (o) => void observed.push(o),
      listTimeoutMs: 300,
    });
    const started = Date.now();
    const names = (await provider.listTools()).map((t) => t.name);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(names).toContain('mem__echo');
    expect(observed.find((o) => o.server === 'slow')!.status).toMatchObject({ state: 'error', error: expect.stringContaining('longer than 300 ms') });
  });

  it('offers pinned tools whose hash matches, hides changed and flagged ones', async () => {
    const first = setup([server('mem', { command: 'mem' })]);
    await first.provider.listTools();
    const pins = Object.fromEntries(first.observed[0]!.tools!.map((t) => [t.name, t.hash]));
    await first.manager.closeAll();

    // The server now describes `echo` differently; `typed` is flagged by an operator.
    const { provider, observed } = setup([server('mem', { command: 'mem' }, { pins, flagged: new Set(['typed']) })], () => ' (v2)');
    const tools = (await provider.listTools()).map((t) => t.name);
    expect(tools).not.toContain('mem__echo');
    expect(tools).not.toContain('mem__typed');
    expect(tools).toContain('mem__files_read');
    // the observation carries the new hash so the registry can flag it
    const echo = observed[0]!.tools!.find((t) => t.name === 'echo')!;
    expect(echo.description).toBe('Echoes text (v2)');
    expect(echo.hash).not.toBe(pins.echo);
    // and calling it is refused
    await expect(provider.call('mem__echo', { text: 'x' }, toolCtx())).rejects.toThrow(/disabled: its definition changed/);
    await expect(provider.call('mem__typed', { count: 1, tags: [] }, toolCtx())).rejects.toThrow(/flagged/);
  });

  it('dedupes unchanged observations when asked to', async () => {
    const mem = memoryTransports();
    manager = new McpConnectionManager({ createTransport: mem.createTransport });
    const observed: McpObservation[] = [];
    const provider = new McpToolProvider({
      manager,
      servers: async () => [server('mem', { command: 'mem' })],
      onObserved: (o) => void observed.push(o),
    });
    await provider.listTools();
    await provider.listTools();
    expect(observed).toHaveLength(1);
  });

  it('keeps runtime-registered servers per tenant', async () => {
    const { provider, log, observedCtx } = setup((ctx) => [server('gh', { command: 'mem', env: { T: ctx.tenant ?? '' } }, { source: 'api' })]);
    await provider.listTools({ tenant: 'a' });
    await provider.listTools({ tenant: 'b' });
    await provider.listTools({ tenant: 'a' });
    expect(log.connects).toBe(2); // one connection per tenant, no thrashing
    expect(observedCtx.map((c) => c.tenant)).toEqual(['a', 'b', 'a']);
  });

  it('refuses runtime-registered stdio servers outside the command allowlist', async () => {
    const mem = memoryTransports();
    manager = new McpConnectionManager({ createTransport: mem.createTransport });
    const observed: McpObservation[] = [];
    const provider = new McpToolProvider({
      manager,
      servers: async () => [server('evil', { command: 'mem' }, { source: 'api' }), server('ok', { command: 'mem' })],
      onObserved: (o) => void observed.push(o),
      stdioCommandAllowlist: ['npx'],
    });
    const names = (await provider.listTools()).map((t) => t.name);
    expect(names.some((n) => n.startsWith('evil__'))).toBe(false);
    expect(names.some((n) => n.startsWith('ok__'))).toBe(true); // config-file servers are trusted
    expect(observed.find((o) => o.server === 'evil')!.status.error).toContain('stdioCommandAllowlist');
    expect(mem.log.connects).toBe(1);
  });

  it('reconnects when the server config changes', async () => {
    let env = 'one';
    const { provider, log } = setup(() => [server('mem', { command: 'mem', env: { V: env } })]);
    await provider.listTools();
    await provider.listTools();
    expect(log.connects).toBe(1);
    env = 'two';
    await provider.listTools();
    expect(log.connects).toBe(2);
  });

  it('refreshes the cached tool list on notifications/tools/list_changed', async () => {
    const { provider, log } = setup([server('mem', { command: 'mem' })]);
    expect((await provider.listTools()).map((t) => t.name)).not.toContain('mem__added');
    log.live[0]!.registerTool('added', { description: 'Added later', inputSchema: { x: z.string() } }, async () => ({ content: [] }));
    await waitFor(async () => (await provider.listTools()).some((t) => t.name === 'mem__added'), 5_000, 'the new tool');
  });
});

describe('McpToolProvider.call', () => {
  const one = () => setup([server('mem', { command: 'mem' })]);

  it('calls the tool and returns its text', async () => {
    const { provider } = one();
    await expect(provider.call('mem__echo', { text: 'hi' }, toolCtx())).resolves.toEqual({ ok: true, content: 'echo: hi' });
  });

  it('maps a sanitised name back to the original tool name', async () => {
    const { provider, log } = one();
    await expect(provider.call('mem__files_read', { path: '/a' }, toolCtx())).resolves.toEqual({ ok: true, content: 'read /a' });
    expect(log.calls).toContain('files.read');
  });

  it('validates arguments against the input schema, naming the fields, before calling', async () => {
    const { provider, log } = one();
    const err = await provider.call('mem__typed', { count: 0.5, tags: ['a', 2], mode: 'c', extra: 1 }, toolCtx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolInputError);
    const msg = (err as Error).message;
    expect(msg).toContain('Invalid arguments for mem__typed');
    expect(msg).toContain('count: must be integer');
    expect(msg).toContain('tags[1]: must be string');
    expect(msg).toContain('mode: must be one of "a", "b"');
    await expect(provider.call('mem__typed', {}, toolCtx())).rejects.toThrow(/count: is required; tags: is required/);
    await expect(provider.call('mem__typed', [1], toolCtx())).rejects.toThrow(/must be a JSON object/);
    expect(log.calls).not.toContain('typed');
    await expect(provider.call('mem__typed', { count: 2, tags: [] }, toolCtx())).resolves.toEqual({ ok: true, content: 'typed ok' });
  });

  it('turns isError results into a ToolError with the text', async () => {
    const { provider } = one();
    const err = await provider.call('mem__fail', {}, toolCtx()).catch((e: unknown) => e);
    expect(isToolError(err)).toBe(true);
    expect((err as ToolError).message).toBe('boom: the widget is broken');
  });

  it('summarises non-text content and includes embedded resource text', async () => {
    const { provider } = one();
    const { content } = await provider.call('mem__mixed', {}, toolCtx());
    expect(content.split('\n')).toEqual([
      'here you go',
      expect.stringMatching(/^\[image image\/png, \d+ bytes\]$/),
      '[resource mem://doc text/plain]',
      'embedded text',
      '[resource mem://bin application/octet-stream, 4 bytes]',
      '[resource link linked: mem://linked]',
    ]);
  });

  it('returns structuredContent as JSON when there is no text', async () => {
    const { provider } = one();
    const { content } = await provider.call('mem__structured', {}, toolCtx());
    expect(JSON.parse(content)).toEqual({ temperature: 21.5, conditions: 'sunny' });
  });

  it('sends the idempotency key in _meta', async () => {
    const { provider, log } = one();
    await provider.call('mem__echo', { text: 'x' }, toolCtx({ idempotencyKey: 'wf/act-1' }));
    expect(log.metas[0]).toMatchObject({ idempotencyKey: 'wf/act-1', 'io.agenthub/idempotency-key': 'wf/act-1' });
  });

  it('forwards progress notifications and heartbeats on each', async () => {
    const { provider } = one();
    const ctx = toolCtx();
    await expect(provider.call('mem__progress', { n: 3 }, ctx)).resolves.toEqual({ ok: true, content: 'did 3 steps' });
    expect(ctx.progress.length).toBeGreaterThanOrEqual(2);
    expect(ctx.progress[0]).toEqual({ progress: 1, total: 3, message: 'step 1' });
    expect(ctx.heartbeats.length).toBeGreaterThan(ctx.progress.length); // one up front plus one per progress
  });

  it('cancels the call on the server when the signal aborts, and throws the abort reason', async () => {
    const { provider, log } = one();
    const ac = new AbortController();
    const reason = new Error('activity cancelled');
    const call = provider.call('mem__hang', {}, toolCtx({ signal: ac.signal })).catch((e: unknown) => e);
    await waitFor(() => log.live.length > 0, 5_000);
    setTimeout(() => ac.abort(reason), 100);
    expect(await call).toBe(reason);
    await waitFor(() => log.cancelled === 1, 5_000, 'the server to see the cancellation');
  });

  it('throws UnknownToolError for names no server has', async () => {
    const { provider } = one();
    await expect(provider.call('mem__nope', {}, toolCtx())).rejects.toBeInstanceOf(UnknownToolError);
    await expect(provider.call('other__echo', {}, toolCtx())).rejects.toBeInstanceOf(UnknownToolError);
  });

  it('works through a ToolRegistry, resolving with the tenant of the call', async () => {
    const { provider } = setup((ctx) => (ctx.tenant === 'acme' ? [server('mem', { command: 'mem' }, { source: 'api' })] : []));
    const registry = new ToolRegistry([provider]);
    expect((await registry.listTools(['mem__*'], { tenant: 'acme' })).length).toBeGreaterThan(0);
    expect(await registry.listTools(['mem__*'], { tenant: 'other' })).toEqual([]);
    await expect(registry.call('mem__echo', { text: 'r' }, toolCtx({ tenant: 'acme' }))).resolves.toEqual({ ok: true, content: 'echo: r' });
    await expect(registry.call('mem__echo', { text: 'r' }, toolCtx({ tenant: 'other' }))).rejects.toBeInstanceOf(UnknownToolError);
  });
});

/** A real third-party server: @modelcontextprotocol/server-filesystem over stdio on a temp folder. */
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isToolError } from '../../src';
import { McpConnectionManager, McpToolProvider, type ResolvedMcpServer } from '../../src/mcp';
import { filesystemMain, toolCtx } from './helpers';

describe('server-filesystem over stdio', () => {
  let dir: string;
  let manager: McpConnectionManager;
  let provider: McpToolProvider;

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'hub-mcp-fs-')));
    await writeFile(join(dir, 'hello.txt'), 'hello from disk\n');
    manager = new McpConnectionManager();
    const server: ResolvedMcpServer = {
      name: 'fs',
      source: 'config',
      config: { command: process.execPath, args: [filesystemMain, dir], requiresApproval: ['write_file', 'edit_*', 'move_file'] },
      allowPrivateHosts: [],
      pins: {},
      flagged: new Set(),
    };
    provider = new McpToolProvider({ manager, servers: async () => [server] });
  });
  afterAll(async () => {
    await manager.closeAll();
    await rm(dir, { recursive: true, force: true });
  });

  it('offers its tools, with approval where configured', async () => {
    const tools = await provider.listTools();
    const by = (n: string) => tools.find((t) => t.name === n);
    expect(by('fs__read_text_file')?.requiresApproval).toBe(false);
    expect(by('fs__write_file')?.requiresApproval).toBe(true);
    expect(by('fs__edit_file')?.requiresApproval).toBe(true);
  });

  it('reads and writes files in the allowed folder', async () => {
    const read = await provider.call('fs__read_text_file', { path: join(dir, 'hello.txt') }, toolCtx());
    expect(read).toMatchObject({ ok: true });
    expect(read.content).toContain('hello from disk');

    const target = join(dir, 'out.txt');
    const write = await provider.call('fs__write_file', { path: target, content: 'written by the hub' }, toolCtx());
    expect(write.ok).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('written by the hub');

    const list = await provider.call('fs__list_directory', { path: dir }, toolCtx());
    expect(list.content).toContain('out.txt');
  });

  it('reports a refused path as a tool error (no retry)', async () => {
    const err = await provider.call('fs__read_text_file', { path: '/etc/hostname' }, toolCtx()).catch((e: unknown) => e);
    expect(isToolError(err)).toBe(true);
    expect((err as Error).message).toMatch(/denied|outside|not allowed/i);
  });

  it('validates arguments before the server sees them', async () => {
    await expect(provider.call('fs__write_file', { path: join(dir, 'x') }, toolCtx())).rejects.toThrow(/content: is required/);
  });
});

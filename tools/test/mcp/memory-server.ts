import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServerConfig } from '@hub/contracts';
import { z } from 'zod';
import type { McpConnectionManagerOptions } from '../../src/mcp';

/** What the in-process test server saw. */
export interface MemoryServerLog {
  connects: number;
  metas: Record<string, unknown>[];
  cancelled: number;
  calls: string[];
  live: McpServer[];
}

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** Registers the test tools; `variant` changes a description (a changed definition). */
export function registerTestTools(server: McpServer, log: MemoryServerLog, variant = ''): void {
  const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });
  server.registerTool('echo', { description: `Echoes text${variant}`, inputSchema: { text: z.string() } }, async ({ text: t }, extra) => {
    log.calls.push('echo');
    if (extra._meta) log.metas.push({ ...extra._meta });
    return text(`echo: ${t}`);
  });
  server.registerTool('files.read', { description: 'Reads a file', inputSchema: { path: z.string() } }, async ({ path }) => {
    log.calls.push('files.read');
    return text(`read ${path}`);
  });
  server.registerTool(
    'typed',
    {
      description: 'Typed arguments',
      inputSchema: { count: z.number().int().min(1), tags: z.array(z.string()), mode: z.enum(['a', 'b']).optional() },
    },
    async () => {
      log.calls.push('typed');
      return text('typed ok');
    },
  );
  server.registerTool('fail', { description: 'Always fails' }, async () => ({
    content: [{ type: 'text' as const, text: 'boom: the widget is broken' }],
    isError: true,
  }));
  server.registerTool('mixed', { description: 'Mixed content' }, async () => ({
    content: [
      { type: 'text' as const, text: 'here you go' },
      { type: 'image' as const, data: PNG_1PX, mimeType: 'image/png' },
      { type: 'resource' as const, resource: { uri: 'mem://doc', mimeType: 'text/plain', text: 'embedded text' } },
      { type: 'resource' as const, resource: { uri: 'mem://bin', mimeType: 'application/octet-stream', blob: 'AAECAw==' } },
      { type: 'resource_link' as const, uri: 'mem://linked', name: 'linked' },
    ],
  }));
  server.registerTool(
    'structured',
    { description: 'Structured only', outputSchema: { temperature: z.number(), conditions: z.string() } },
    async () => ({ content: [], structuredContent: { temperature: 21.5, conditions: 'sunny' } }),
  );
  server.registerTool('progress', { description: 'Reports progress', inputSchema: { n: z.number().int() } }, async ({ n }, extra) => {
    const token = extra._meta?.progressToken;
    for (let i = 1; i <= n; i++) {
      if (token !== undefined) {
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, progress: i, total: n, message: `step ${i}` },
        });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return text(`did ${n} steps`);
  });
  server.registerTool('hang', { description: 'Waits until cancelled' }, async (extra) => {
    await new Promise<void>((resolve) => {
      extra.signal.addEventListener('abort', () => {
        log.cancelled += 1;
        resolve();
      });
    });
    return text('cancelled');
  });
}

/**
 * `createTransport` for the manager: every connection attempt builds a new
 * in-process server for the config's `command` (`mem` or `mem2`). Other
 * commands fail to connect.
 */
export function memoryTransports(opts: { variant?: (config: McpServerConfig) => string } = {}): {
  createTransport: NonNullable<McpConnectionManagerOptions['createTransport']>;
  log: MemoryServerLog;
} {
  const log: MemoryServerLog = { connects: 0, metas: [], cancelled: 0, calls: [], live: [] };
  const createTransport: NonNullable<McpConnectionManagerOptions['createTransport']> = async (name, config) => {
    if (!('command' in config) || !config.command.startsWith('mem')) throw new Error(`cannot reach ${name}`);
    const server = new McpServer({ name, version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
    registerTestTools(server, log, opts.variant?.(config) ?? '');
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    log.connects += 1;
    log.live.push(server);
    return clientSide;
  };
  return { createTransport, log };
}

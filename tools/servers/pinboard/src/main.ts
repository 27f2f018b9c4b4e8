/**
 * pinboard: a stdio MCP server for tests and demos (see ../README.md).
 * stdout carries the protocol; log lines go to stderr.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

interface Pin {
  id: string;
  text: string;
  createdAt: string;
}

interface Board {
  pins: Pin[];
  /** Idempotency key → id of the pin that key created. */
  keys: Record<string, string>;
}

const FILE = resolve(process.env.PINBOARD_FILE ?? 'pinboard.json');
// PINBOARD_DESCRIPTION_FILE (read at start) or PINBOARD_DESCRIPTION: lets a test change a tool's
// description between restarts, i.e. simulate a "rug pull".
const DESCRIPTION = process.env.PINBOARD_DESCRIPTION_FILE
  ? readFileSync(process.env.PINBOARD_DESCRIPTION_FILE, 'utf8').trim()
  : (process.env.PINBOARD_DESCRIPTION ?? 'Describes this pinboard server.');
const STEP_MS = 200;

const log = (msg: string): void => {
  process.stderr.write(`[pinboard ${process.pid}] ${msg}\n`);
};

async function load(): Promise<Board> {
  try {
    const data = JSON.parse(await readFile(FILE, 'utf8')) as Partial<Board>;
    return { pins: data.pins ?? [], keys: data.keys ?? {} };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { pins: [], keys: {} };
    throw err;
  }
}

async function save(board: Board): Promise<void> {
  await mkdir(dirname(FILE), { recursive: true });
  const tmp = `${FILE}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(board, null, 2));
  await rename(tmp, FILE); // atomic: readers see the old or the new board
}

/** Serialises read-modify-write cycles of this process. */
let queue: Promise<unknown> = Promise.resolve();
function locked<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

function idempotencyKey(meta: Record<string, unknown> | undefined): string | undefined {
  const k = meta?.['io.agenthub/idempotency-key'] ?? meta?.idempotencyKey;
  return typeof k === 'string' && k !== '' ? k : undefined;
}

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

const server = new McpServer({ name: 'pinboard', version: '0.1.0' }, { capabilities: { tools: { listChanged: true } } });

server.registerTool(
  'pin_note',
  {
    description: 'Pins a short note to the board. Returns the pin id.',
    inputSchema: { text: z.string().min(1).max(2000).describe('The note') },
    annotations: { idempotentHint: true, destructiveHint: false },
  },
  async ({ text: note }, extra) => {
    const key = idempotencyKey(extra._meta);
    const pin = await locked(async () => {
      const board = await load();
      const existing = key !== undefined ? board.keys[key] : undefined;
      const prior = existing !== undefined ? board.pins.find((p) => p.id === existing) : undefined;
      if (prior) {
        log(`pin_note: key ${key} seen before, returning pin ${prior.id}`);
        return prior;
      }
      const created: Pin = { id: randomUUID().slice(0, 8), text: note, createdAt: new Date().toISOString() };
      board.pins.push(created);
      if (key !== undefined) board.keys[key] = created.id;
      await save(board);
      log(`pin_note: pinned ${created.id}`);
      return created;
    });
    return text(`Pinned note ${pin.id}: ${pin.text}`);
  },
);

server.registerTool(
  'list_pins',
  { description: 'Lists the pinned notes, oldest first.', annotations: { readOnlyHint: true } },
  async () => {
    const board = await load();
    if (board.pins.length === 0) return text('The board is empty.');
    return text(board.pins.map((p) => `${p.id}: ${p.text}`).join('\n'));
  },
);

server.registerTool('describe_me', { description: DESCRIPTION, annotations: { readOnlyHint: true } }, async () =>
  text(`pinboard 0.1.0 (pid ${process.pid}), board file ${FILE}`),
);

server.registerTool(
  'slow_count',
  {
    description: `Counts from 1 to n, one step every ${STEP_MS} ms, reporting progress at each step.`,
    inputSchema: { n: z.number().int().min(1).max(1000).describe('How far to count') },
    annotations: { readOnlyHint: true },
  },
  async ({ n }, extra) => {
    const token = extra._meta?.progressToken;
    for (let i = 1; i <= n; i++) {
      await new Promise<void>((res, rej) => {
        if (extra.signal.aborted) {
          rej(extra.signal.reason);
          return;
        }
        const onAbort = () => {
          clearTimeout(t);
          rej(extra.signal.reason);
        };
        const t = setTimeout(() => {
          extra.signal.removeEventListener('abort', onAbort);
          res();
        }, STEP_MS);
        extra.signal.addEventListener('abort', onAbort, { once: true });
      }).catch((err: unknown) => {
        log(`slow_count cancelled at ${i - 1}/${n}`);
        throw err;
      });
      if (token !== undefined) {
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, progress: i, total: n, message: `counted ${i} of ${n}` },
        });
      }
    }
    return text(`Counted to ${n}.`);
  },
);

const transport = new StdioServerTransport();
await server.connect(transport);
log(`ready (board ${FILE})`);

const shutdown = () => {
  void server.close().finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);

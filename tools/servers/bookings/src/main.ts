/**
 * bookings: a real side-effecting stdio MCP server persisted to a JSON file,
 * idempotent on the hub's idempotency key (see ../README.md).
 * stdout carries the protocol; log lines go to stderr.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

interface Booking {
  bookingId: string;
  resource: string;
  slot: string;
  status: 'active' | 'cancelled';
  createdAt: string;
  cancelledAt?: string;
}

/** One applied side effect, in the order applied. */
interface Effect {
  seq: number;
  op: 'create' | 'cancel';
  /** The idempotency key the call carried (absent when the caller sent none). */
  key?: string;
  bookingId: string;
  resource: string;
  slot: string;
  at: string;
}

interface Store {
  bookings: Booking[];
  /** Every applied effect, in order (tests count these). */
  effects: Effect[];
  /** Idempotency key → the result text the first call with that key returned. */
  results: Record<string, string>;
  /**
   * Idempotency keys of create calls cancelled (by key) before they were applied: a create that
   * arrives later with one of these books nothing.
   */
  voided: string[];
}

const FILE = resolve(process.env.BOOKINGS_FILE ?? 'bookings.json');
/** Test hook: create_booking for this resource fails (a business error, `isError`). */
const FAIL_RESOURCE = process.env.BOOKINGS_FAIL_RESOURCE;
/** Test hook: cancel_booking always fails (`isError`). */
const CANCEL_FAIL = process.env.BOOKINGS_CANCEL_FAIL === '1';
/** Test hook: after a cancellation is applied (and stored), wait this long before answering. */
const CANCEL_ANSWER_DELAY_MS = Number(process.env.BOOKINGS_CANCEL_ANSWER_DELAY_MS ?? 0);

const log = (msg: string): void => {
  process.stderr.write(`[bookings ${process.pid}] ${msg}\n`);
};

async function load(): Promise<Store> {
  try {
    const data = JSON.parse(await readFile(FILE, 'utf8')) as Partial<Store>;
    return { bookings: data.bookings ?? [], effects: data.effects ?? [], results: data.results ?? {}, voided: data.voided ?? [] };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { bookings: [], effects: [], results: {}, voided: [] };
    throw err;
  }
}

async function save(store: Store): Promise<void> {
  await mkdir(dirname(FILE), { recursive: true });
  const tmp = `${FILE}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(store, null, 2));
  await rename(tmp, FILE); // atomic: readers see the old or the new store
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
const failure = (t: string) => ({ content: [{ type: 'text' as const, text: t }], isError: true });

/** Waits `ms`, rejecting when the call is cancelled (nothing has been applied then). */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((res, rej) => {
    if (signal.aborted) {
      rej(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      rej(signal.reason);
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      res();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `apply` once per idempotency key: a repeated key returns the recorded
 * result without applying anything. Business failures are not recorded (a
 * retry may succeed once the cause is gone).
 */
async function once(
  key: string | undefined,
  apply: (store: Store) => { result: string; effect?: Omit<Effect, 'seq' | 'key' | 'at'> } | { error: string },
): Promise<{ result: string } | { error: string }> {
  return locked(async () => {
    const store = await load();
    const prior = key !== undefined ? store.results[key] : undefined;
    if (prior !== undefined) {
      log(`key ${key} seen before: returning the recorded result`);
      return { result: prior };
    }
    const out = apply(store);
    if ('error' in out) return out;
    if (out.effect) {
      store.effects.push({
        seq: store.effects.length + 1,
        ...(key !== undefined ? { key } : {}),
        ...out.effect,
        at: new Date().toISOString(),
      });
    }
    if (key !== undefined) store.results[key] = out.result;
    await save(store);
    return { result: out.result };
  });
}

const server = new McpServer({ name: 'bookings', version: '0.1.0' });

server.registerTool(
  'create_booking',
  {
    description: 'Books a resource for a time slot. Returns JSON {bookingId, resource, slot}. Idempotent on the idempotency key.',
    inputSchema: {
      resource: z.string().min(1).max(200).describe('What to book (a room, a car, …)'),
      slot: z.string().min(1).max(200).describe('When (free text, e.g. 2030-01-01T10:00/11:00)'),
      delayMs: z.number().int().min(0).max(600_000).optional().describe('Demo/test hook: wait this long before booking (cancellable)'),
      answerDelayMs: z
        .number()
        .int()
        .min(0)
        .max(600_000)
        .optional()
        .describe('Test hook: book first, then wait this long before answering, on every call (a slow answer: the caller may time out after the effect)'),
    },
    annotations: { idempotentHint: true, destructiveHint: false },
  },
  async ({ resource, slot, delayMs, answerDelayMs }, extra) => {
    const key = idempotencyKey(extra._meta);
    if (delayMs !== undefined && delayMs > 0) {
      await delay(delayMs, extra.signal).catch((err: unknown) => {
        log(`create_booking ${resource}: cancelled while waiting, nothing booked`);
        throw err;
      });
    }
    const out = await once(key, (store) => {
      if (key !== undefined && store.voided.includes(key)) return { error: `booking request ${key} was cancelled before it was applied; nothing booked` };
      if (FAIL_RESOURCE !== undefined && resource === FAIL_RESOURCE) return { error: `${resource} is not available` };
      const clash = store.bookings.find((b) => b.status === 'active' && b.resource === resource && b.slot === slot);
      if (clash) return { error: `${resource} is already booked for ${slot} (${clash.bookingId})` };
      const booking: Booking = { bookingId: `bk-${randomUUID().slice(0, 8)}`, resource, slot, status: 'active', createdAt: new Date().toISOString() };
      store.bookings.push(booking);
      log(`create_booking: booked ${booking.bookingId} (${resource} @ ${slot})`);
      return {
        result: JSON.stringify({ bookingId: booking.bookingId, resource, slot }),
        effect: { op: 'create', bookingId: booking.bookingId, resource, slot },
      };
    });
    // Not cancellable: the booking is made; only the answer is late.
    if (answerDelayMs !== undefined && answerDelayMs > 0) await new Promise((r) => setTimeout(r, answerDelayMs));
    return 'error' in out ? failure(out.error) : text(out.result);
  },
);

server.registerTool(
  'cancel_booking',
  {
    description:
      'Cancels a booking, named by its id or by the idempotency key of the create_booking call that made it (for a call whose answer never ' +
      'arrived). Returns JSON {bookingId, status}. Idempotent: cancelling a cancelled booking changes nothing; cancelling by a key that booked ' +
      'nothing yet answers {"status": "nothing_booked"} and makes a later create_booking with that key book nothing.',
    inputSchema: {
      bookingId: z.string().min(1).max(100).optional().describe('The id create_booking returned'),
      key: z.string().min(1).max(300).optional().describe('The idempotency key of the create_booking call (instead of bookingId)'),
    },
    annotations: { idempotentHint: true, destructiveHint: true },
  },
  async ({ bookingId: givenId, key: createKey }, extra) => {
    const key = idempotencyKey(extra._meta);
    if ((givenId === undefined) === (createKey === undefined)) return failure('give exactly one of bookingId and key');
    if (CANCEL_FAIL) return failure(`cancelling ${givenId ?? createKey} is refused (BOOKINGS_CANCEL_FAIL)`);
    const out = await once(key, (store) => {
      let bookingId = givenId;
      if (createKey !== undefined) {
        const created = store.results[createKey];
        if (created === undefined) {
          if (!store.voided.includes(createKey)) store.voided.push(createKey);
          log(`cancel_booking: nothing booked under key ${createKey}; a later create with it books nothing`);
          return { result: JSON.stringify({ key: createKey, status: 'nothing_booked' }) };
        }
        bookingId = (JSON.parse(created) as { bookingId: string }).bookingId;
      }
      const booking = store.bookings.find((b) => b.bookingId === bookingId);
      if (!booking) return { error: `no booking ${bookingId}` };
      if (booking.status === 'cancelled') return { result: JSON.stringify({ bookingId, status: 'cancelled' }) };
      booking.status = 'cancelled';
      booking.cancelledAt = new Date().toISOString();
      log(`cancel_booking: cancelled ${bookingId}`);
      return {
        result: JSON.stringify({ bookingId, status: 'cancelled' }),
        effect: { op: 'cancel', bookingId: booking.bookingId, resource: booking.resource, slot: booking.slot },
      };
    });
    // A crash of the caller in this window is the interesting case: the effect is done, the answer not yet received.
    if (CANCEL_ANSWER_DELAY_MS > 0) await delay(CANCEL_ANSWER_DELAY_MS, extra.signal).catch(() => undefined);
    return 'error' in out ? failure(out.error) : text(out.result);
  },
);

server.registerTool(
  'list_bookings',
  { description: 'Lists the bookings (JSON array), oldest first.', annotations: { readOnlyHint: true } },
  async () => text(JSON.stringify((await load()).bookings)),
);

/** Test hook: wait this long before answering anything (a server that is slow to start: its tool listing misses the hub's deadline). */
const START_DELAY_MS = Number(process.env.BOOKINGS_START_DELAY_MS ?? 0);
if (START_DELAY_MS > 0) await new Promise((r) => setTimeout(r, START_DELAY_MS));

const transport = new StdioServerTransport();
await server.connect(transport);
log(`ready (file ${FILE})`);

const shutdown = () => {
  void server.close().finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);

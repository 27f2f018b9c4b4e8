import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Info } from '@temporalio/activity';
import type { Logger } from '@temporalio/common';
import { LIMITS, type ToolRequest, type ToolResult, type ToolSpec } from '@hub/contracts';
import {
  ToolError,
  ToolRegistry,
  createBuiltinProvider,
  createToolActivities,
  idempotencyKeyFromInfo,
  type ToolContext,
  type ToolProvider,
} from '../src';

const noop = () => {};
const silentLogger: Logger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** MockActivityEnvironment whose run() keeps the activity's return type. */
class Env extends MockActivityEnvironment {
  constructor(activityInfo?: Partial<Info>) {
    // Silent: the expected failures below would otherwise be logged as activity errors.
    super(activityInfo, { logger: silentLogger });
  }

  call<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
    return this.run(fn, ...args) as Promise<R>;
  }
}

function info(activityId: string, workflowId = 'session/acme/s1', runId = 'run-1'): Partial<Info> {
  return { activityId, workflowExecution: { workflowId, runId } };
}

function req(name: string, args: unknown, sessionId = 's1'): ToolRequest {
  return { name, arguments: typeof args === 'string' ? args : JSON.stringify(args), sessionId };
}

/** A provider whose tools do what the test needs. */
function testProvider(handlers: Record<string, (args: unknown, ctx: ToolContext) => Promise<ToolResult>>): ToolProvider {
  return {
    id: 'test',
    async listTools(): Promise<ToolSpec[]> {
      return Object.keys(handlers).map((name) => ({ name, description: name, parameters: { type: 'object' }, requiresApproval: false }));
    },
    async call(name, args, ctx) {
      return handlers[name]!(args, ctx);
    },
  };
}

let dir: string;
let notesFile: string;
const savedEnv = process.env.HUB_NOTES_FILE;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hub-tools-'));
  notesFile = join(dir, 'sub', 'notes.jsonl');
  process.env.HUB_NOTES_FILE = notesFile;
});

afterEach(async () => {
  if (savedEnv === undefined) delete process.env.HUB_NOTES_FILE;
  else process.env.HUB_NOTES_FILE = savedEnv;
  await rm(dir, { recursive: true, force: true });
});

async function lines(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);
}

describe('listTools activity', () => {
  it('filters by the allowlist', async () => {
    const { listTools } = createToolActivities();
    const env = new Env(info('1'));
    expect(await env.call(listTools, { allow: [] })).toEqual([]);
    const tools = await env.call(listTools, { allow: ['calculator', 'current_*'] });
    expect(tools.map((t) => t.name)).toEqual(['calculator', 'current_time']);
    expect(tools[0]).toMatchObject({
      requiresApproval: false,
      parameters: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] },
    });
  });
});

describe('executeTool activity', () => {
  const { executeTool } = createToolActivities();

  it('runs the calculator', async () => {
    const env = new Env(info('1'));
    expect(await env.call(executeTool, req('calculator', { expression: '2 + 3 * 4' }))).toEqual({ ok: true, content: '14' });
  });

  it('reports calculator errors to the model', async () => {
    const env = new Env(info('1'));
    expect(await env.call(executeTool, req('calculator', { expression: '1 / (3 - 3)' }))).toEqual({ ok: false, content: 'Division by zero' });
    const bad = await env.call(executeTool, req('calculator', { expression: '2 +* 3' }));
    expect(bad.ok).toBe(false);
    expect(bad.content).toMatch(/^Syntax error: unexpected '\*' at position 4/);
  });

  it('unknown tool → ok:false', async () => {
    const env = new Env(info('1'));
    expect(await env.call(executeTool, req('rm_rf', {}))).toEqual({ ok: false, content: 'Unknown tool "rm_rf"' });
  });

  it('invalid JSON arguments → ok:false naming the problem', async () => {
    const env = new Env(info('1'));
    const r = await env.call(executeTool, req('calculator', '{"expression": "1+1"'));
    expect(r.ok).toBe(false);
    expect(r.content).toMatch(/^Invalid arguments for calculator: arguments are not valid JSON \(.+\)$/);
  });

  it('schema violation → ok:false naming the field', async () => {
    const env = new Env(info('1'));
    const r1 = await env.call(executeTool, req('calculator', { expression: 42 }));
    expect(r1).toEqual({ ok: false, content: 'Invalid arguments for calculator: expression: Invalid input: expected string, received number' });
    const r2 = await env.call(executeTool, req('save_note', { title: 'x' }));
    expect(r2.ok).toBe(false);
    expect(r2.content).toMatch(/^Invalid arguments for save_note: body: /);
    const r3 = await env.call(executeTool, req('current_time', { timeZone: 'Mars/Olympus' }));
    expect(r3.content).toBe('Invalid arguments for current_time: timeZone: Unknown IANA time zone (use names like "Europe/Berlin" or "UTC")');
    const r4 = await env.call(executeTool, req('calculator', '[1]'));
    expect(r4.content).toBe('Invalid arguments for calculator: Invalid input: expected object, received array');
  });

  it('empty arguments mean {}', async () => {
    const env = new Env(info('1'));
    const r = await env.call(executeTool, req('current_time', ''));
    expect(r.ok).toBe(true);
    expect(JSON.parse(r.content)).toHaveProperty('iso');
  });

  it('current_time in a time zone', async () => {
    const fixed = new Date('2025-01-02T13:04:05.000Z');
    const { executeTool: exec } = createToolActivities({ registry: new ToolRegistry([createBuiltinProvider({ now: () => fixed })]) });
    const env = new Env(info('1'));
    const r = await env.call(exec, req('current_time', { timeZone: 'Asia/Kolkata' }));
    expect(JSON.parse(r.content)).toEqual({
      iso: '2025-01-02T13:04:05.000Z',
      unixMs: fixed.getTime(),
      timeZone: 'Asia/Kolkata',
      local: '2025-01-02T18:34:05+05:30',
      utcOffset: '+05:30',
      weekday: 'Thursday',
    });
    const utc = JSON.parse((await env.call(exec, req('current_time', { timeZone: 'UTC' }))).content) as Record<string, unknown>;
    expect(utc.local).toBe('2025-01-02T13:04:05+00:00');
  });

  it('save_note twice with the same activity writes one line and returns the same content', async () => {
    const a = await new Env(info('7')).call(executeTool, req('save_note', { title: 'Groceries', body: 'milk, eggs' }));
    // A retry: new attempt, same workflowId/runId/activityId.
    const b = await new Env({ ...info('7'), attempt: 2 }).call(
      executeTool,
      req('save_note', { title: 'Groceries', body: 'milk, eggs' }),
    );
    expect(a.ok).toBe(true);
    expect(b).toEqual(a);
    expect(JSON.parse(a.content)).toMatchObject({ saved: true, title: 'Groceries' });
    const stored = await lines(notesFile);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      key: idempotencyKeyFromInfo(info('7') as Info),
      title: 'Groceries',
      body: 'milk, eggs',
      tenant: 'acme',
      sessionId: 's1',
    });
  });

  it('concurrent attempts of the same activity still write once', async () => {
    const results = await Promise.all(
      [1, 2, 3].map((attempt) =>
        new Env({ ...info('9'), attempt }).call(executeTool, req('save_note', { title: 't', body: 'b' })),
      ),
    );
    expect(new Set(results.map((r) => r.content)).size).toBe(1);
    expect(await lines(notesFile)).toHaveLength(1);
  });

  it('save_note with a different activityId writes another line', async () => {
    await new Env(info('turn-1/tool/a')).call(executeTool, req('save_note', { title: 'a', body: 'one' }));
    await new Env(info('turn-1/tool/b')).call(executeTool, req('save_note', { title: 'a', body: 'one' }));
    // Session workflows give activity ids unique across continue-as-new runs, so a later run is a different key.
    await new Env(info('turn-2/tool/a', 'session/acme/s1', 'run-2')).call(executeTool, req('save_note', { title: 'a', body: 'one' }));
    expect(await lines(notesFile)).toHaveLength(3);
  });

  it('list_notes reads back the tenant’s notes, newest first', async () => {
    await new Env(info('1')).call(executeTool, req('save_note', { title: 'first', body: 'alpha' }));
    await new Env(info('2')).call(executeTool, req('save_note', { title: 'second', body: 'beta' }));
    await new Env(info('1', 'session/other/s9')).call(executeTool, req('save_note', { title: 'secret', body: 'x' }));

    const env = new Env(info('3'));
    const all = JSON.parse((await env.call(executeTool, req('list_notes', {}))).content) as { total: number; notes: { title: string }[] };
    expect(all.total).toBe(2);
    expect(all.notes.map((n) => n.title)).toEqual(['second', 'first']);
    const some = JSON.parse((await env.call(executeTool, req('list_notes', { contains: 'ALPHA' }))).content) as { notes: { title: string }[] };
    expect(some.notes.map((n) => n.title)).toEqual(['first']);
    const other = JSON.parse((await new Env(info('2', 'session/other/s9')).call(executeTool, req('list_notes', { limit: 5 }))).content) as {
      notes: { title: string }[];
    };
    expect(other.notes.map((n) => n.title)).toEqual(['secret']);
  });

  it('truncates a long result', async () => {
    const long = 'x'.repeat(LIMITS.maxToolResultChars + 5_000);
    const registry = new ToolRegistry([testProvider({ big: async () => ({ ok: true, content: long }) })]);
    const { executeTool: exec } = createToolActivities({ registry });
    const r = await new Env(info('1')).call(exec, req('big', {}));
    expect(r.ok).toBe(true);
    expect(r.truncated).toBe(true);
    expect(r.content.length).toBeLessThanOrEqual(LIMITS.maxToolResultChars);
    const m = /\n…\[truncated (\d+) characters\]$/.exec(r.content);
    expect(m).not.toBeNull();
    const kept = r.content.length - m![0].length;
    expect(kept + Number(m![1])).toBe(long.length);
    expect(r.content.startsWith('x'.repeat(kept))).toBe(true);
  });

  it('does not truncate a result at the limit', async () => {
    const exact = 'y'.repeat(LIMITS.maxToolResultChars);
    const { executeTool: exec } = createToolActivities({ registry: new ToolRegistry([testProvider({ t: async () => ({ ok: true, content: exact }) })]) });
    expect(await new Env(info('1')).call(exec, req('t', {}))).toEqual({ ok: true, content: exact });
  });

  it('ToolError → ok:false; other errors are rethrown for a retry', async () => {
    const registry = new ToolRegistry([
      testProvider({
        refuses: async () => {
          throw new ToolError('quota exceeded for this repository');
        },
        flaky: async () => {
          throw new Error('ECONNRESET');
        },
      }),
    ]);
    const { executeTool: exec } = createToolActivities({ registry });
    const env = new Env(info('1'));
    expect(await env.call(exec, req('refuses', {}))).toEqual({ ok: false, content: 'quota exceeded for this repository' });
    await expect(env.call(exec, req('flaky', {}))).rejects.toThrow('ECONNRESET');
  });

  it('passes the idempotency key, signal and heartbeat to the handler', async () => {
    let seen: ToolContext | undefined;
    const registry = new ToolRegistry([
      testProvider({
        probe: async (_args, ctx) => {
          seen = ctx;
          ctx.heartbeat('progress');
          return { ok: true, content: 'done' };
        },
      }),
    ]);
    const { executeTool: exec } = createToolActivities({ registry });
    const env = new Env(info('42', 'session/acme/s1', 'run-7'));
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await env.call(exec, req('probe', {}));
    expect(seen?.idempotencyKey).toBe('session/acme/s1/42');
    expect(seen?.tenant).toBe('acme');
    expect(seen?.sessionId).toBe('s1');
    expect(seen?.signal).toBe(env.context.cancellationSignal);
    expect(beats).toEqual(['progress']);
  });
});

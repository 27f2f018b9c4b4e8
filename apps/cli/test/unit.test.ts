/** Argument parsing, exit codes and rendering, without a hub (a tiny fake gateway where HTTP is needed). */
import { createServer, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Schema } from '@hub/gateway/client';
import { main } from '../src/run';
import { parseYesNo, TurnRenderer } from '../src/commands/chat';
import { EXIT } from '../src/errors';
import { progressBar, renderReport, renderSessions, renderTask, table } from '../src/render';
import { researchBody } from '../src/commands/research';

async function hub(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(args, { stdout, stderr, stdin: new PassThrough(), env });
  return { code, stdout: out, stderr: err };
}

describe('argument parsing and exit codes', () => {
  it('--help works on every command and exits 0', async () => {
    for (const args of [[], ['chat'], ['research'], ['sessions'], ['sessions', 'ls'], ['sessions', 'show'], ['sessions', 'close'], ['mcp'], ['mcp', 'add'], ['mcp', 'ls'], ['mcp', 'tools'], ['mcp', 'rm'], ['tasks'], ['tasks', 'run'], ['tasks', 'show']]) {
      const r = await hub([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(EXIT.ok);
      expect(r.stdout, args.join(' ')).toMatch(/^Usage: hub/);
    }
    expect((await hub(['--help'])).stdout).toContain('130 interrupted');
  });

  it('usage errors exit 2', async () => {
    for (const args of [
      ['nope'],
      ['sessions', 'show'],
      ['research'],
      ['research', 'q', '--agents', '0'],
      ['research', 'q', '--agents', 'many'],
      ['research', 'q', '--min-success', '1.5'],
      ['research', 'q', '--deadline', 'soon'],
      ['sessions', 'ls', '--bogus'],
      ['mcp', 'add', 'x'],
      ['mcp', 'add', 'x', '--env', 'novalue', '--command', 'c'],
      ['tasks', 'run', '/nonexistent/task.json'],
    ]) {
      const r = await hub(args);
      expect(r.code, args.join(' ')).toBe(EXIT.usage);
      expect(r.stderr, args.join(' ')).not.toBe('');
    }
  });

  it('an unreachable gateway exits 3', async () => {
    const r = await hub(['--url', 'http://127.0.0.1:9', 'sessions', 'ls']);
    expect(r.code).toBe(EXIT.api);
    expect(r.stderr).toContain('cannot reach the gateway');
  });

  it('research options become the request body', () => {
    expect(researchBody({ question: 'q', agents: 8, minSuccess: 0.6, deadline: '10m', json: true })).toEqual({
      question: 'q',
      maxAgents: 8,
      policy: { minSuccessRatio: 0.6, deadline: '10m' },
    });
    expect(researchBody({ question: 'q', agents: 3, json: false })).toEqual({ question: 'q', maxAgents: 3 });
  });
});

describe('against a fake gateway', () => {
  let server: Server;
  let url = '';
  const seen: { method: string; url: string; auth?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method!, url: req.url!, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/sessions') {
        res.end(JSON.stringify({ sessions: [{ id: 's1', status: 'running', agent: 'assistant', startTime: '2026-01-01T00:00:00Z' }] }));
      } else if (req.url === '/v1/tasks/broken') {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { code: 'internal', message: 'boom' } }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: 'not_found', message: 'no such thing' } }));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends the API key from the environment and prints a table or JSON', async () => {
    const r = await hub(['sessions', 'ls'], { HUB_URL: url, HUB_API_KEY: 'k1' });
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^ID\s+STATUS\s+AGENT\s+STARTED\ns1\s+running\s+assistant/);
    expect(seen.at(-1)).toEqual({ method: 'GET', url: '/v1/sessions', auth: 'Bearer k1' });
    const j = await hub(['--url', url, '--api-key', 'k2', 'sessions', 'ls', '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ sessions: [{ id: 's1' }] });
    expect(seen.at(-1)?.auth).toBe('Bearer k2');
  });

  it('404 exits 4, other HTTP errors exit 3', async () => {
    const nf = await hub(['--url', url, 'sessions', 'show', 'nope']);
    expect(nf.code).toBe(EXIT.notFound);
    expect(nf.stderr).toContain('no such thing');
    expect((await hub(['--url', url, 'tasks', 'show', 'broken'])).code).toBe(EXIT.api);
  });
});

describe('rendering', () => {
  it('draws a progress bar with counts', () => {
    expect(progressBar({ total: 8, pending: 2, running: 3, succeeded: 2, failed: 1, percent: 37.5 }, 8)).toBe('[###.....]  38%  3/8 done, 1 failed, 3 running');
  });

  it('pads table columns', () => {
    expect(table(['A', 'BB'], [['xxx', 'y']])).toBe('A    BB\nxxx  y');
    expect(renderSessions({ sessions: [] })).toBe('No sessions.');
  });

  it('prints a report with its citations and failed agents', () => {
    const job = {
      id: 'r1',
      question: 'Why?',
      status: 'completed',
      progress: { total: 2, pending: 0, running: 0, succeeded: 1, failed: 1, percent: 100 },
      result: {
        report: 'Because [1].',
        citations: [{ ref: 1, agent: 0, question: 'Part 1', sources: ['https://a.example'] }],
        findings: [
          { index: 0, workflowId: 'w0', status: 'succeeded', toolCalls: [], sources: [], usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } },
        ],
        failures: [{ index: 1, status: 'failed', reason: 'HTTP 400' }],
      },
    } as unknown as Schema<'ResearchJob'>;
    const text = renderReport(job);
    expect(text).toContain('Because [1].');
    expect(text).toContain('[1] agent 0: Part 1 — https://a.example');
    expect(text).toContain('agent 1: failed — HTTP 400');
    expect(text).not.toContain('more');
    const big = renderReport({ ...job, result: { ...job.result!, failuresOmitted: 30 } });
    expect(big).toContain('Failed agents (31):');
    expect(big).toContain('  … and 30 more');
  });

  it('prints task steps and compensations', () => {
    const task = {
      id: 't1',
      status: 'compensated',
      steps: [
        { index: 0, tool: 'book', status: 'completed', result: 'ok', compensation: { tool: 'cancel', status: 'completed', result: 'undone' } },
        { index: 1, tool: 'pay', status: 'failed', error: 'declined', compensation: { tool: 'refund', status: 'not_needed' } },
      ],
    } as unknown as Schema<'Task'>;
    expect(renderTask(task)).toBe(
      ['Task t1: compensated', '  1. book: completed → ok', '     undo cancel: completed → undone', '  2. pay: failed — declined', '     undo refund: not_needed'].join('\n'),
    );
  });

  it('renders a turn: tokens, retries, tool calls and results, approvals, the end', () => {
    const r = new TurnRenderer('assistant');
    const parts = [
      r.render({ type: 'turn.started', turnId: 't', text: 'hi' }),
      r.render({ type: 'token', turnId: 't', delta: 'Hel', round: 0, attempt: 1 }),
      r.render({ type: 'token', turnId: 't', delta: 'lo', round: 0, attempt: 1 }),
      r.render({ type: 'token', turnId: 't', delta: 'Hello', round: 0, attempt: 2 }),
      r.render({ type: 'tool.call', turnId: 't', toolCallId: 'c', tool: 'save_note', arguments: '{"title":"x"}' }),
      r.render({
        type: 'approval.requested',
        approval: { approvalId: 'a', turnId: 't', toolCallId: 'c', tool: 'save_note', arguments: '{}', requestedAt: 'now', expiresAt: 'later' },
      }),
      r.render({ type: 'approval.resolved', approvalId: 'a', approved: true, timedOut: false }),
      r.render({ type: 'tool.result', turnId: 't', toolCallId: 'c', tool: 'save_note', ok: true, content: 'saved' }),
      r.render({ type: 'token', turnId: 't', delta: 'Done.', round: 1, attempt: 1 }),
      r.render({ type: 'turn.completed', turnId: 't', reply: 'Done.', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } }),
    ];
    expect(parts.join('')).toBe(
      [
        'assistant> Hello',
        '(retrying)',
        'assistant> Hello',
        '[tool call] save_note {"title":"x"}',
        '[approval needed] save_note {} (expires later)',
        '[approval] approved',
        '[tool result] save_note ok: saved',
        'assistant> Done.',
        '(3 tokens)',
        '',
      ].join('\n'),
    );
  });

  it('reads y/n answers', () => {
    expect([parseYesNo('Y'), parseYesNo(' no '), parseYesNo('maybe')]).toEqual([true, false, undefined]);
  });
});

describe('TurnRenderer without tokens', () => {
  it('prints the reply from turn.completed when its tokens were not streamed', () => {
    const r = new TurnRenderer('assistant');
    const text =
      r.render({ type: 'tool.result', turnId: 't', toolCallId: 'c', tool: 'x', ok: true, content: 'r' }) +
      r.render({ type: 'turn.completed', turnId: 't', reply: 'Done.', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } });
    expect(text).toBe('[tool result] x ok: r\nassistant> Done.\n(2 tokens)\n');
  });
});

/**
 * `hub agents …` and the team parts of `hub chat` without a hub: the commands against a tiny fake
 * gateway (requests and exit codes), the renderers of agents, versions, handoffs and the delegation tree.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRecord, SessionEvent } from '@hub/contracts';
import { main } from '../src/run';
import { EXIT } from '../src/errors';
import { TurnRenderer } from '../src/turn-renderer';
import { changes, renderAgent, renderAgents, renderVersions } from '../src/render-agents';
import { renderSession } from '../src/render';
import { definitionsOf, editBody } from '../src/commands/agents';

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

const record = (name: string, version: number, over: Partial<AgentRecord> = {}): AgentRecord => ({
  name,
  description: `${name} agent`,
  instructions: `You are ${name}.`,
  temperature: 0.2,
  tools: [],
  maxToolRounds: 8,
  handoffs: [],
  delegates: [],
  version,
  source: 'api',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: `2026-01-0${version}T00:00:00Z`,
  ...over,
});

const tmp = mkdtempSync(join(tmpdir(), 'hub-cli-agents-'));
const file = (name: string, content: unknown) => {
  const p = join(tmp, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

describe('hub agents: help and usage errors', () => {
  it('--help works on every agents command and shows the definition format', async () => {
    for (const args of [['agents'], ['agents', 'ls'], ['agents', 'show'], ['agents', 'versions'], ['agents', 'add'], ['agents', 'edit'], ['agents', 'rm']]) {
      const r = await hub([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(EXIT.ok);
      expect(r.stdout, args.join(' ')).toMatch(/^Usage: hub agents/);
    }
    expect((await hub(['agents', 'add', '--help'])).stdout).toMatch(/"delegates": \["researcher", "writer"\]/);
    expect((await hub(['chat', '--help'])).stdout).toMatch(/--agent <name\[@version\]>[\s\S]*support@2/);
    expect((await hub(['--help'])).stdout).toMatch(/agents\s+Agents: list, show, define/);
  });

  it('usage errors exit 2: missing -f, unreadable or invalid files, a renaming edit, a bad --version', async () => {
    for (const args of [
      ['agents', 'add'],
      ['agents', 'add', '-f', join(tmp, 'missing.json')],
      ['agents', 'add', '-f', file('bad.json', '{ nope')],
      ['agents', 'add', '-f', file('noname.json', { instructions: 'x' })],
      ['agents', 'add', '-f', file('empty.json', [])],
      ['agents', 'edit', 'a', '-f', file('other.json', { name: 'b', instructions: 'x' })],
      ['agents', 'show', 'a', '--version', '0'],
      ['agents', 'rm'],
    ]) {
      const r = await hub(args);
      expect(r.code, args.join(' ')).toBe(EXIT.usage);
      expect(r.stderr, args.join(' ')).not.toBe('');
    }
  });

  it('builds bodies: a list of definitions in order; an edit named by the argument', () => {
    expect(definitionsOf([{ name: 'a', instructions: 'x' }, { name: 'b', instructions: 'y' }], 'f').map((d) => d.name)).toEqual(['a', 'b']);
    expect(editBody('a', { instructions: 'new' }, 'f')).toEqual({ name: 'a', instructions: 'new' });
  });
});

describe('hub agents against a fake gateway', () => {
  let server: Server;
  let url = '';
  const seen: { method: string; url: string; body?: unknown; idem?: string }[] = [];
  const readBody = (req: IncomingMessage) =>
    new Promise<unknown>((resolve) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => resolve(raw ? JSON.parse(raw) : undefined));
    });
  beforeAll(async () => {
    server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        seen.push({ method: req.method!, url: req.url!, ...(body !== undefined ? { body } : {}), ...(req.headers['idempotency-key'] ? { idem: String(req.headers['idempotency-key']) } : {}) });
        res.setHeader('content-type', 'application/json');
        const send = (status: number, data: unknown) => {
          res.statusCode = status;
          res.end(JSON.stringify(data));
        };
        const key = `${req.method} ${req.url}`;
        if (key === 'GET /v1/agents') return send(200, { agents: [record('writer', 1), record('lead', 2, { delegates: ['writer'] })] });
        if (key === 'GET /v1/agents/lead') return send(200, record('lead', 2, { delegates: ['writer'] }));
        if (key === 'GET /v1/agents/lead?version=1') return send(200, record('lead', 1));
        if (key === 'GET /v1/agents/lead/versions') return send(200, { versions: [record('lead', 1), record('lead', 2, { delegates: ['writer'] })] });
        if (key === 'POST /v1/agents') {
          const d = body as { name: string; delegates?: string[] };
          if (d.delegates?.includes('ghost')) {
            return send(400, {
              error: {
                code: 'invalid_request',
                message: "invalid request body: delegates[0]: unknown agent 'ghost'; temperature: too big",
                details: { target: 'body', issues: [{ path: 'delegates[0]', message: "unknown agent 'ghost'" }, { path: 'temperature', message: 'too big' }] },
              },
            });
          }
          return send(201, record(d.name, 1));
        }
        if (key === 'PUT /v1/agents/lead') return send(200, record('lead', 3));
        if (key === 'DELETE /v1/agents/lead') return send(200, { deleted: 'lead' });
        if (key === 'DELETE /v1/agents/writer') return send(409, { error: { code: 'conflict', message: "agent 'writer' is still named by: lead" } });
        send(404, { error: { code: 'agent_not_found', message: 'no such agent' } });
      })();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => void (seen.length = 0));

  const run = (...args: string[]) => hub(['--url', url, '--api-key', 'k', ...args]);

  it('ls prints a table (sorted by name) or JSON', async () => {
    const r = await run('agents', 'ls');
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^NAME\s+VERSION\s+SOURCE\s+HANDOFFS\s+DELEGATES\s+DESCRIPTION\nlead\s+2\s+api\s+-\s+writer\s+lead agent\nwriter\s+1/);
    expect(JSON.parse((await run('agents', 'ls', '--json')).stdout).agents).toHaveLength(2);
  });

  it('show prints the definition and its versions; --version shows an older one', async () => {
    const r = await run('agents', 'show', 'lead');
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('Agent lead@2  source: api');
    expect(r.stdout).toContain('Delegates to: writer');
    expect(r.stdout).toContain('Versions: 2 (latest) *, 1  (pin one: hub chat --agent lead@N)');
    const old = await run('agents', 'show', 'lead', '--version', '1');
    expect(old.stdout).toContain('Agent lead@1');
    expect(old.stdout).toContain('Versions: 2 (latest), 1 *');
    expect(seen.map((s) => s.url)).toContain('/v1/agents/lead?version=1');
    expect(JSON.parse((await run('agents', 'show', 'lead', '--json')).stdout)).toMatchObject({ name: 'lead', version: 2, versions: [2, 1] });
  });

  it('versions lists newest first with what each changed', async () => {
    const r = await run('agents', 'versions', 'lead');
    expect(r.stdout).toMatch(/^VERSION\s+UPDATED\s+CHANGED\s+INSTRUCTIONS\n2\s+\S+\s+delegates\s+You are lead\.\n1\s+\S+\s+created/);
  });

  it('add posts each definition (with an Idempotency-Key); edit PUTs a new version; rm deletes', async () => {
    const team = file('team.json', [{ name: 'writer', instructions: 'Write.' }, { name: 'lead', instructions: 'Lead.', delegates: ['writer'] }]);
    const added = await run('agents', 'add', '-f', team);
    expect(added.code).toBe(EXIT.ok);
    expect(added.stdout).toBe('Added agent writer@1.\nAdded agent lead@1.\n');
    expect(seen.map((s) => [s.method, s.url, (s.body as { name: string }).name])).toEqual([
      ['POST', '/v1/agents', 'writer'],
      ['POST', '/v1/agents', 'lead'],
    ]);
    expect(seen.every((s) => s.idem)).toBe(true);

    const edited = await run('agents', 'edit', 'lead', '-f', file('lead.json', { instructions: 'Lead better.' }));
    expect(edited.stdout).toContain('Stored lead@3');
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', url: '/v1/agents/lead', body: { name: 'lead', instructions: 'Lead better.' } });

    expect((await run('agents', 'rm', 'lead')).stdout).toContain('Removed agent lead');
  });

  it('a 400 prints every field the gateway names (exit 3); 404 exits 4; a 409 prints its message', async () => {
    const bad = await run('agents', 'add', '-f', file('ghost.json', { name: 'x', instructions: 'x', delegates: ['ghost'] }));
    expect(bad.code).toBe(EXIT.api);
    expect(bad.stderr).toContain("agent x: invalid_request: invalid request body: delegates[0]: unknown agent 'ghost'");
    expect(bad.stderr).toContain("  - delegates[0]: unknown agent 'ghost'\n  - temperature: too big");
    const missing = await run('agents', 'show', 'nobody');
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toContain('agent nobody: not found');
    const inUse = await run('agents', 'rm', 'writer');
    expect(inUse.code).toBe(EXIT.api);
    expect(inUse.stderr).toContain("still named by: lead");
  });
});

describe('rendering agents', () => {
  it('lists, shows and diffs versions', () => {
    expect(renderAgents([])).toBe('No agents.');
    const shown = renderAgent(record('r', 1, { outputSchema: { type: 'object' }, model: 'm1', tools: ['notes__*'], instructions: 'a\nb' }));
    expect(shown).toContain('Model: m1  temperature: 0.2  max tool rounds: 8');
    expect(shown).toContain('Tools: notes__*');
    expect(shown).toContain('Output schema: {"type":"object"}');
    expect(shown).toContain('Instructions:\n  a\n  b');
    expect(changes(record('r', 1), record('r', 2, { instructions: 'new', tools: ['x'] }))).toBe('instructions, tools');
    expect(changes(record('r', 1), record('r', 2))).toBe('nothing');
    expect(changes(undefined, record('r', 5))).toBe('-');
    expect(renderVersions('r', [])).toBe('r: no versions.');
  });

  it("a session shows its active agent and the handoff path", () => {
    const text = renderSession({
      sessionId: 's1',
      agent: 'tech-support',
      status: 'idle',
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      messages: [{ role: 'assistant', content: 'Let us check the logs.' }],
      pendingApprovals: [],
      handoffs: [
        { from: 'triage', to: 'billing', turnId: 'turn-1', at: 'x' },
        { from: 'billing', to: 'tech-support', turnId: 'turn-2', at: 'y' },
      ],
    } as unknown as Parameters<typeof renderSession>[0]);
    expect(text).toContain('Session s1  agent: tech-support  status: idle');
    expect(text).toContain('Handoffs: triage → billing → tech-support');
    expect(text).toContain('tech-support> Let us check the logs.');
  });
});

describe('TurnRenderer: handoffs and the delegation tree', () => {
  const usage = (totalTokens: number) => ({ promptTokens: 0, completionTokens: totalTokens, totalTokens });

  it('a model fallback is announced and the turn shows its cost', () => {
    const r = new TurnRenderer('assistant');
    const events: SessionEvent[] = [
      { type: 'llm.fallback', turnId: 't', round: 0, from: 'smart', provider: 'primary', reason: 'LLM unavailable (HTTP 429): slow down', to: 'cheap' },
      { type: 'turn.completed', turnId: 't', reply: 'Hi.', usage: { promptTokens: 2_000, completionTokens: 1_000, totalTokens: 3_000, costUsd: 0.0025 } },
    ];
    expect(events.map((e) => r.render(e)).join('')).toBe(
      ['[fallback] smart (primary) → cheap: LLM unavailable (HTTP 429): slow down', 'assistant> Hi.', '(3000 tokens, $0.0025)', ''].join('\n'),
    );
  });

  it('a wait for budget and its resumption are announced', () => {
    const r = new TurnRenderer('assistant');
    const events: SessionEvent[] = [
      { type: 'budget.waiting', turnId: 't', scope: 'tenant', resetsAt: '2026-12-03T00:00:00.000Z' },
      { type: 'budget.resumed', turnId: 't' },
    ];
    expect(events.map((e) => r.render(e)).join('')).toBe(
      [
        "[waiting for budget] the tenant's budget is spent; resumes after a top-up (hub budget topup) or at 2026-12-03T00:00:00.000Z",
        '[budget] available again: resumed',
        '',
      ].join('\n'),
    );
  });

  it('a handoff is announced and the reply goes on under the new agent', () => {
    const r = new TurnRenderer('triage');
    const events: SessionEvent[] = [
      { type: 'tool.call', turnId: 't', toolCallId: 'c1', tool: 'transfer_to_billing', arguments: '{}' },
      { type: 'agent.handoff', turnId: 't', toolCallId: 'c1', from: 'triage', to: 'billing' },
      { type: 'tool.result', turnId: 't', toolCallId: 'c1', tool: 'transfer_to_billing', ok: true, content: 'Transferred.' },
      { type: 'token', turnId: 't', delta: 'Billing ', round: 1, attempt: 1 },
      { type: 'token', turnId: 't', delta: 'here.', round: 1, attempt: 1 },
      { type: 'turn.completed', turnId: 't', reply: 'Billing here.', usage: usage(5) },
    ];
    expect(events.map((e) => r.render(e)).join('')).toBe(
      [
        '[tool call] transfer_to_billing {}',
        '→ handed off to billing (from triage)',
        '[tool result] transfer_to_billing ok: Transferred.',
        'billing> Billing here.',
        '(5 tokens)',
        '',
      ].join('\n'),
    );
    expect(r.agent).toBe('billing');
  });

  it("parallel delegations nest under their tool calls, indented by depth; delegates' tokens never join the reply", () => {
    const r = new TurnRenderer('lead');
    const tok = (delta: string, delegationId?: string, round = 0): SessionEvent => ({ type: 'token', turnId: 't', delta, round, attempt: 1, ...(delegationId ? { delegationId } : {}) });
    const events: SessionEvent[] = [
      { type: 'tool.call', turnId: 't', toolCallId: 'a', tool: 'ask_researcher', arguments: '{"task":"facts"}' },
      { type: 'tool.call', turnId: 't', toolCallId: 'b', tool: 'ask_writer', arguments: '{"task":"draft"}' },
      { type: 'delegation.started', turnId: 't', toolCallId: 'a', delegationId: 'd1', agent: 'researcher', task: 'facts', depth: 1 },
      { type: 'delegation.started', turnId: 't', toolCallId: 'b', delegationId: 'd2', agent: 'writer', task: 'draft', depth: 1 },
      tok('the ', 'd1'),
      tok('A ', 'd2'),
      tok('facts', 'd1'),
      { type: 'tool.call', turnId: 't', toolCallId: 'x', tool: 'search', arguments: '{}', delegationId: 'd2' },
      { type: 'delegation.started', turnId: 't', toolCallId: 'y', delegationId: 'd3', parentDelegationId: 'd2', agent: 'checker', task: 'check', depth: 2 },
      { type: 'delegation.completed', turnId: 't', toolCallId: 'y', delegationId: 'd3', parentDelegationId: 'd2', agent: 'checker', ok: false, error: 'timed out', usage: usage(1) },
      { type: 'delegation.completed', turnId: 't', toolCallId: 'a', delegationId: 'd1', agent: 'researcher', ok: true, reply: 'the facts', usage: usage(4) },
      tok('A final draft', 'd2', 1),
      { type: 'delegation.completed', turnId: 't', toolCallId: 'b', delegationId: 'd2', agent: 'writer', ok: true, reply: 'A final draft', usage: usage(6) },
      { type: 'tool.result', turnId: 't', toolCallId: 'a', tool: 'ask_researcher', ok: true, content: 'the facts' },
      { type: 'tool.result', turnId: 't', toolCallId: 'b', tool: 'ask_writer', ok: true, content: 'A final draft' },
      tok('Both ', undefined, 1),
      tok('done.', undefined, 1),
      { type: 'turn.completed', turnId: 't', reply: 'Both done.', usage: usage(20) },
    ];
    expect(events.map((e) => r.render(e)).join('')).toBe(
      [
        '[tool call] ask_researcher {"task":"facts"}',
        '[tool call] ask_writer {"task":"draft"}',
        '  ↳ researcher: facts',
        '  ↳ writer: draft',
        '    writer> A',
        '    [tool call] search {}',
        '    ↳ checker: check',
        '    ✗ checker failed: timed out',
        '    researcher> the facts',
        '  ✓ researcher answered (4 tokens)',
        '    writer> A final draft',
        '  ✓ writer answered (6 tokens)',
        '[tool result] ask_researcher ok: the facts',
        '[tool result] ask_writer ok: A final draft',
        'lead> Both done.',
        '(20 tokens)',
        '',
      ].join('\n'),
    );
    expect(r.owns('d3')).toBe(true);
  });

  it("a delegate's approval is shown under it, naming the agent", () => {
    const r = new TurnRenderer('lead');
    r.render({ type: 'delegation.started', turnId: 't', toolCallId: 'a', delegationId: 'd1', agent: 'notes', task: 'save', depth: 1 });
    const text = r.render({
      type: 'approval.requested',
      approval: { approvalId: 'p', turnId: 't', toolCallId: 'c', tool: 'save_note', arguments: '{}', requestedAt: 'now', expiresAt: 'later', delegationId: 'd1', agent: 'notes' },
    });
    expect(text).toBe('    [approval needed] (notes) save_note {} (expires later)\n');
  });
});

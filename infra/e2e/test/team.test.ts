/**
 * End to end: a team of the user's own agents on the real stack (dev server, worker and gateway
 * processes) with the scripted LLM answering each agent from its own script (teamResponder, by the
 * `[agent:<name>]` tag in each agent's instructions). Agents are defined over HTTP and with the CLI;
 * a supervisor asks two members in parallel (the delegation tree on the event stream), a router hands
 * the conversation off (the session's active agent and handoff path), a session pins a version, and
 * `hub chat --agent` shows the tree and the handoff.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRecord, SessionEvent, SessionState, TurnResult } from '@hub/contracts';
import { repoRoot } from '@hub/runtime';
import {
  delegate,
  handoff,
  lastUserMessage,
  offeredToolNames,
  parallel,
  reply,
  spansOverlap,
  startScriptedLlmServer,
  systemPromptOf,
  teamResponder,
  toolCall,
  toolResultsOf,
  type ScriptedLlmServer,
} from '@hub/testing/scripted-llm-server';
import { HubStack, readSse } from '../src/stack';

const MEMBER_DELAY_MS = 600;
const team = teamResponder({
  mode: 'round', // a retried model call gets the same step
  agents: {
    'e2e-lead': [
      parallel(delegate('e2e-researcher', 'find sky facts'), delegate('e2e-writer', 'draft sky answer')),
      // Streamed slowly enough that its tokens go out as events (a reply complete within the first ~100 ms window
      // reaches clients in turn.completed only).
      (req) => reply(`Team answer: ${toolResultsOf(req).map((r) => r.content).join(' | ')}`, { chunkDelayMs: 30 }),
    ],
    // The members stream too (a reply that arrives whole in one read is published only in delegation.completed).
    'e2e-researcher': [reply('Fact: the sky is blue.', { delayMs: MEMBER_DELAY_MS, chunkDelayMs: 30 })],
    'e2e-writer': [(req) => reply(`Draft for ${lastUserMessage(req)}.`, { delayMs: MEMBER_DELAY_MS, chunkDelayMs: 30 })],
    'e2e-router': [handoff('e2e-billing')],
    'e2e-billing': (req) => reply(`Billing here: ${lastUserMessage(req)}`),
    'e2e-boss': [delegate('e2e-notetaker', 'save a team note'), (req) => reply(`Boss says: ${toolResultsOf(req)[0]?.content ?? 'nothing'}`)],
    'e2e-notetaker': [toolCall('save_note', { title: 'team', body: 'saved by a delegate' }), (req) => reply(`Note result: ${toolResultsOf(req)[0]?.content ?? 'none'}`)],
    'e2e-cli-agent': (req) => reply(systemPromptOf(req).includes('version two') ? 'I am version 2.' : 'I am version 1.'),
  },
});

let llm: ScriptedLlmServer;
let hub: HubStack;
const tmp = mkdtempSync(join(tmpdir(), 'hub-e2e-team-'));
const CLI = join(repoRoot(), 'apps', 'cli', 'src', 'main.ts');

beforeAll(async () => {
  llm = await startScriptedLlmServer({ responder: team.responder });
  hub = await new HubStack({ llmUrl: llm.url }).start();
});
afterAll(async () => {
  await hub?.stop();
  await llm?.close();
});
beforeEach(() => team.reset());

/** Runs the CLI as a process against the stack (stdin piped: the REPL reads lines, waits for each turn). */
function cli(args: string[], stdin = '', timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: repoRoot(),
      env: { ...process.env, HUB_URL: hub.gatewayUrl, HUB_API_KEY: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`hub ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    proc.stdin.end(stdin);
  });
}

/** POST /v1/agents; a 503/504 (the registry's first start on a busy machine) is retried with the same Idempotency-Key. */
const define = async (def: Record<string, unknown>) => {
  const res = await hub.apiRetried<AgentRecord>('POST', '/v1/agents', def, `define-${String(def.name)}-${randomUUID()}`);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const tagged = (name: string, text: string) => `[agent:${name}] ${text}`;
type Created = { id: string; session: SessionState; reply?: TurnResult };

async function eventsOf(id: string, turns = 1): Promise<SessionEvent[]> {
  const raw = await readSse(`${hub.gatewayUrl}/v1/sessions/${id}/events`, (_e, all) => all.filter((x) => x.event === 'turn.completed').length === turns);
  return raw.map((e) => JSON.parse(e.data) as SessionEvent);
}

describe('a team of user-defined agents', () => {
  beforeAll(async () => {
    await define({ name: 'e2e-researcher', description: 'Finds facts', instructions: tagged('e2e-researcher', 'You find facts.') });
    await define({ name: 'e2e-writer', description: 'Writes drafts', instructions: tagged('e2e-writer', 'You write.') });
    await define({
      name: 'e2e-lead',
      description: 'Supervisor',
      instructions: tagged('e2e-lead', 'Ask your members, then answer.'),
      delegates: ['e2e-researcher', 'e2e-writer'],
    });
    await define({ name: 'e2e-billing', description: 'Billing', instructions: tagged('e2e-billing', 'You handle invoices.') });
    await define({ name: 'e2e-notetaker', description: 'Saves notes', instructions: tagged('e2e-notetaker', 'You save notes.'), tools: ['save_note'] });
    await define({ name: 'e2e-boss', description: 'Has notes saved', instructions: tagged('e2e-boss', 'Ask the notetaker.'), delegates: ['e2e-notetaker'] });
    await define({ name: 'e2e-router', description: 'Front desk', instructions: tagged('e2e-router', 'Route the customer.'), handoffs: ['e2e-billing'] });
  });

  it('a supervisor asks two members at once and answers from both; the stream shows the delegation tree', async () => {
    const created = await hub.api<Created>('POST', '/v1/sessions', { agent: 'e2e-lead', message: 'Why is the sky blue?' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.reply).toMatchObject({
      status: 'completed',
      reply: 'Team answer: Fact: the sky is blue. | Draft for draft sky answer.',
    });
    // The members' model calls overlapped (parallel delegations), each with its own instructions.
    const members = [...team.spans('e2e-researcher'), ...team.spans('e2e-writer')];
    expect(members).toHaveLength(2);
    expect(spansOverlap(members)).toBe(true);
    expect(offeredToolNames(team.callsOf('e2e-lead')[0]!.request).sort()).toEqual(['ask_e2e-researcher', 'ask_e2e-writer']);

    const events = await eventsOf(created.body.id);
    const calls = events.filter((e): e is Extract<SessionEvent, { type: 'tool.call' }> => e.type === 'tool.call' && e.delegationId === undefined);
    const started = events.filter((e): e is Extract<SessionEvent, { type: 'delegation.started' }> => e.type === 'delegation.started');
    const completed = events.filter((e): e is Extract<SessionEvent, { type: 'delegation.completed' }> => e.type === 'delegation.completed');
    expect(started.map((s) => [s.agent, s.task, s.depth]).sort()).toEqual([
      ['e2e-researcher', 'find sky facts', 1],
      ['e2e-writer', 'draft sky answer', 1],
    ]);
    for (const s of started) {
      // Each delegation hangs under the supervisor's ask_<member> call, and ends once, ok, with the member's answer.
      expect(calls.find((c) => c.toolCallId === s.toolCallId)?.tool).toBe(`ask_${s.agent}`);
      const done = completed.filter((c) => c.delegationId === s.delegationId);
      expect(done).toHaveLength(1);
      expect(done[0]).toMatchObject({ ok: true, agent: s.agent, toolCallId: s.toolCallId });
      // The member's tokens are tagged with its delegation and add up to its answer.
      const tokens = events.filter((e) => e.type === 'token' && e.delegationId === s.delegationId).map((e) => (e as { delta: string }).delta);
      expect(tokens.join('')).toBe(done[0]!.reply);
    }
    // The supervisor's own tokens are its reply only: nothing of the members' answers streamed into it untagged.
    const own = events.filter((e) => e.type === 'token' && e.delegationId === undefined).map((e) => (e as { delta: string }).delta);
    expect(own.join('')).toBe('Team answer: Fact: the sky is blue. | Draft for draft sky answer.');
    // The members' usage is counted in the turn's.
    const turnDone = events.find((e): e is Extract<SessionEvent, { type: 'turn.completed' }> => e.type === 'turn.completed')!;
    const childTokens = completed.reduce((n, c) => n + c.usage.totalTokens, 0);
    expect(childTokens).toBeGreaterThan(0);
    expect(turnDone.usage.totalTokens).toBeGreaterThan(childTokens);

    const state = await hub.api<SessionState>('GET', `/v1/sessions/${created.body.id}`);
    expect(state.body).toMatchObject({ agent: 'e2e-lead', agentVersion: 1 });
  });

  it('a router hands the conversation off: the session goes on with the new agent', async () => {
    const created = await hub.api<Created>('POST', '/v1/sessions', { agent: 'e2e-router', message: 'I was charged twice' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.reply?.reply).toBe('Billing here: I was charged twice');
    const id = created.body.id;
    expect(offeredToolNames(team.callsOf('e2e-router')[0]!.request)).toEqual(['transfer_to_e2e-billing']);
    // Billing answers with its own instructions, and is not offered the router's handoff.
    const billing = team.callsOf('e2e-billing')[0]!.request;
    expect(systemPromptOf(billing)).toContain('You handle invoices.');
    expect(offeredToolNames(billing)).not.toContain('transfer_to_e2e-billing');

    const state = await hub.api<SessionState>('GET', `/v1/sessions/${id}`);
    expect(state.body.agent).toBe('e2e-billing');
    expect(state.body.handoffs).toEqual([{ from: 'e2e-router', to: 'e2e-billing', turnId: 'turn-1', at: expect.any(String) }]);
    // The next message goes straight to billing.
    const next = await hub.api<TurnResult>('POST', `/v1/sessions/${id}/messages`, { text: 'and a refund?' });
    expect(next.body.reply).toBe('Billing here: and a refund?');
    expect(team.callsOf('e2e-router')).toHaveLength(1);

    const events = await eventsOf(id, 2);
    expect(events.filter((e) => e.type === 'agent.handoff')).toEqual([
      { type: 'agent.handoff', turnId: 'turn-1', toolCallId: expect.any(String), from: 'e2e-router', to: 'e2e-billing' },
    ]);
  });

  it('hub chat --agent shows the delegation tree, and the handoff', async () => {
    const chat = await cli(['chat', '--agent', 'e2e-lead'], 'Why is the sky blue?\n');
    expect(chat.code, chat.stderr).toBe(0);
    const out = chat.stdout;
    expect(out).toMatch(/Session \S+ \(agent e2e-lead\)/);
    expect(out).toContain('[tool call] ask_e2e-researcher {"task":"find sky facts"}');
    expect(out).toContain('  ↳ e2e-researcher: find sky facts');
    expect(out).toContain('    e2e-researcher> Fact: the sky is blue.');
    expect(out).toMatch(/ {2}✓ e2e-researcher answered \(\d+ tokens\)/);
    expect(out).toContain('  ↳ e2e-writer: draft sky answer');
    expect(out).toContain('    e2e-writer> Draft for draft sky answer.');
    expect(out).toContain('e2e-lead> Team answer: Fact: the sky is blue. | Draft for draft sky answer.');

    const routed = await cli(['chat', '--agent', 'e2e-router'], 'I was charged twice\n');
    expect(routed.code, routed.stderr).toBe(0);
    expect(routed.stdout).toContain('→ handed off to e2e-billing (from e2e-router)');
    expect(routed.stdout).toContain('e2e-billing> Billing here: I was charged twice');
  });

  it("hub chat asks for a delegate's approval and approves it through the parent session", async () => {
    const chat = await cli(['chat', '--agent', 'e2e-boss'], 'please save a note\ny\nlooks fine\n');
    expect(chat.code, chat.stderr).toBe(0);
    const out = chat.stdout;
    expect(out).toContain('  ↳ e2e-notetaker: save a team note');
    expect(out).toContain('    [tool call] save_note {"title":"team","body":"saved by a delegate"}');
    expect(out).toMatch(/ {4}\[approval needed\] \(e2e-notetaker\) save_note/);
    expect(out).toContain('Approve save_note? [y/n]');
    expect(out).toContain('    [approval] approved: looks fine');
    expect(out).toMatch(/ {4}\[tool result\] save_note ok/);
    expect(out).toMatch(/e2e-boss> Boss says: Note result: .*saved/);
    const id = /Session (\S+) \(agent e2e-boss\)/.exec(out)![1]!;
    const state = await hub.api<SessionState>('GET', `/v1/sessions/${id}`);
    expect(state.body.pendingApprovals).toEqual([]);
    expect(state.body.messages.at(-1)).toMatchObject({ role: 'assistant', content: expect.stringContaining('Boss says: Note result:') });
  });
});

describe('agents defined with the CLI; versions and pinning', () => {
  it('hub agents add / edit / show / versions / rm, and sessions pin the version they start with', async () => {
    const v1 = join(tmp, 'agent-v1.json');
    writeFileSync(v1, JSON.stringify({ name: 'e2e-cli-agent', description: 'Defined with the CLI', instructions: tagged('e2e-cli-agent', 'version one') }));
    const added = await cli(['agents', 'add', '-f', v1]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe('Added agent e2e-cli-agent@1.\n');
    const pinned = await hub.api<Created>('POST', '/v1/sessions', { agent: 'e2e-cli-agent', message: 'who are you?' });
    expect(pinned.body.reply?.reply).toBe('I am version 1.');

    const v2 = join(tmp, 'agent-v2.json');
    writeFileSync(v2, JSON.stringify({ description: 'Defined with the CLI', instructions: tagged('e2e-cli-agent', 'version two') }));
    const edited = await cli(['agents', 'edit', 'e2e-cli-agent', '-f', v2]);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('Stored e2e-cli-agent@2');

    const listed = await cli(['agents', 'ls']);
    expect(listed.stdout).toMatch(/e2e-cli-agent\s+2\s+api\s+-\s+-\s+Defined with the CLI/);
    expect(listed.stdout).toMatch(/team-lead\s+1\s+builtin\s+-\s+fact-finder, writer/);
    const shown = await cli(['agents', 'show', 'e2e-cli-agent']);
    expect(shown.stdout).toContain('Agent e2e-cli-agent@2  source: api');
    expect(shown.stdout).toContain('Versions: 2 (latest) *, 1');
    const old = await cli(['agents', 'show', 'e2e-cli-agent', '--version', '1']);
    expect(old.stdout).toContain('[agent:e2e-cli-agent] version one');
    const versions = await cli(['agents', 'versions', 'e2e-cli-agent']);
    expect(versions.stdout).toMatch(/^VERSION\s+UPDATED\s+CHANGED\s+INSTRUCTIONS\n2\s+\S+\s+instructions\s+.*\n1\s+\S+\s+created/);

    // The session started on version 1 keeps it; a new one gets version 2, and @1 pins the old one.
    const again = await hub.api<TurnResult>('POST', `/v1/sessions/${pinned.body.id}/messages`, { text: 'and now?' });
    expect(again.body.reply).toBe('I am version 1.');
    expect((await hub.api<Created>('POST', '/v1/sessions', { agent: 'e2e-cli-agent', message: 'hi' })).body.reply?.reply).toBe('I am version 2.');
    const atOne = await hub.api<Created>('POST', '/v1/sessions', { agent: 'e2e-cli-agent@1', message: 'hi' });
    expect(atOne.body.reply?.reply).toBe('I am version 1.');
    expect(atOne.body.session).toMatchObject({ agent: 'e2e-cli-agent', agentVersion: 1 });

    // A definition naming an unknown delegate: the gateway's 400 names the field, and the CLI prints it (exit 3).
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'e2e-bad', instructions: 'x', delegates: ['nobody-here'] }));
    const refused = await cli(['agents', 'add', '-f', bad]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/delegates\[0\].*nobody-here/);

    const removed = await cli(['agents', 'rm', 'e2e-cli-agent']);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await cli(['agents', 'show', 'e2e-cli-agent'])).code).toBe(4);
  });
});

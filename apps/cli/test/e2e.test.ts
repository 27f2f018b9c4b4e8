/**
 * The `hub` CLI as a process against the real stack (dev server, worker and
 * gateway processes from @hub/e2e's HubStack) with the scripted LLM test
 * fixture; the research responder plays the research-job roles. The chat
 * REPL runs in a pseudo-terminal (util-linux `script`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Schema } from '@hub/gateway/client';
import { HubStack, eventually } from '@hub/e2e';
import { repoRoot } from '@hub/runtime';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { researchResponder } from '@hub/testing/research-responder';

let llm: ScriptedLlmServer;
let hub: HubStack;
const tmp = mkdtempSync(join(tmpdir(), 'hub-cli-'));
const MAIN = join(repoRoot(), 'apps', 'cli', 'src', 'main.ts');

const PINBOARD_MAIN = join(repoRoot(), 'tools', 'servers', 'pinboard', 'src', 'main.ts');

beforeAll(async () => {
  llm = await startScriptedLlmServer({ responder: researchResponder });
  hub = new HubStack({ llmUrl: llm.url });
  // Stdio MCP servers may be registered at runtime only as an allowlisted invocation (node running the pinboard server, here).
  const configFile = join(hub.dataDir, 'hub.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ security: { stdioCommandAllowlist: [{ command: process.execPath, args: ['--import', 'tsx', PINBOARD_MAIN], env: ['PINBOARD_FILE'] }] } }),
  );
  hub.opts.env = { ...hub.opts.env, HUB_CONFIG: configFile };
  await hub.start();
});
afterAll(async () => {
  await hub?.stop();
  await llm?.close();
});
beforeEach(() => llm.reset());

/** Runs `hub <args>` as a process (HUB_URL pointing at the stack); bounded by a timeout. */
function cli(args: string[], timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: repoRoot(),
      env: { ...process.env, HUB_URL: hub.gatewayUrl, HUB_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
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
  });
}

type Created = { id: string };

describe('hub sessions', () => {
  it('ls, show and close a session; unknown ids exit 4', async () => {
    const created = await hub.api<Created>('POST', '/v1/sessions', { message: 'hello from the test' });
    const id = created.body.id;

    // Visibility is eventually consistent: poll (bounded) until the list has it.
    const listed = await eventually(async () => {
      const r = await cli(['sessions', 'ls', '--json']);
      expect(r.code).toBe(0);
      const list = JSON.parse(r.stdout) as Schema<'SessionList'>;
      return list.sessions.some((s) => s.id === id) && list;
    }, 60_000, 'session listed');
    expect(listed.sessions.find((s) => s.id === id)?.status).toBe('running');
    const table = await cli(['sessions', 'ls']);
    expect(table.stdout).toMatch(/^ID\s+STATUS/);
    expect(table.stdout).toContain(id);

    const shown = await cli(['sessions', 'show', id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('you> hello from the test');
    expect(shown.stdout).toContain('assistant> You said: hello from the test');

    const closed = await cli(['sessions', 'close', id]);
    expect(closed.code).toBe(0);
    expect(closed.stdout).toContain('closed');
    const after = await cli(['sessions', 'show', id, '--json']);
    expect((JSON.parse(after.stdout) as Schema<'SessionState'>).status).toBe('closed');

    for (const args of [['sessions', 'show', 'no-such-session'], ['sessions', 'close', 'no-such-session']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(4);
      expect(r.stderr).toContain('not found');
    }
    // The REPL refuses a closed session (3) and an unknown one (4) before it starts.
    const chatClosed = await cli(['chat', id]);
    expect(chatClosed.code).toBe(3);
    expect(chatClosed.stderr).toContain('is closed');
    expect((await cli(['chat', 'no-such-session'])).code).toBe(4);
    const usage = await cli(['sessions', 'frobnicate']);
    expect(usage.code).toBe(2);
  });
});

describe('hub research', () => {
  it('--json: the job completes and the JSON has the report and citations', async () => {
    const r = await cli(['research', 'How do CLIs work?', '--agents', '3', '--min-success', '0.6', '--deadline', '10m', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout) as Schema<'ResearchJob'>;
    expect(job.status).toBe('completed');
    expect(job.progress).toMatchObject({ total: 3, succeeded: 3, failed: 0, percent: 100 });
    expect(job.result?.report).toContain('Report on: How do CLIs work?');
    expect(job.result?.citations.map((c) => c.ref)).toEqual([1, 2]);
  });

  it('prints progress and the report with citations; a failed job exits 1', async () => {
    const r = await cli(['research', 'Partly failing fail=2', '--agents', '3', '--min-success', '0.5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[#+\.*\] +\d+%/); // progress lines (stderr is not a TTY: one line per change)
    expect(r.stderr).toContain('3/3 done, 1 failed');
    expect(r.stdout).toContain('Report on: Partly failing');
    expect(r.stdout).toMatch(/Citations:\n {2}\[1\] agent \d+: Part \d of: Partly failing/);
    expect(r.stdout).toContain('Failed agents (1):');

    const failed = await cli(['research', 'Mostly failing fail=1,2', '--agents', '3', '--min-success', '0.9', '--json']);
    expect(failed.code).toBe(1);
    expect((JSON.parse(failed.stdout) as Schema<'ResearchJob'>).status).toBe('failed');
  });
});

describe('hub mcp and tasks', () => {
  it('mcp add, ls, tools and rm a stdio server; unknown servers exit 4', async () => {
    const pins = join(tmp, 'pins.json');
    const add = await cli([
      'mcp', 'add', 'pinboard', '--command', process.execPath, '--arg=--import', '--arg', 'tsx', '--arg', PINBOARD_MAIN,
      '--env', `PINBOARD_FILE=${pins}`, '--requires-approval', 'pin_note', '--json',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const added = JSON.parse(add.stdout) as Schema<'McpServer'>;
    expect(added.tools.map((t) => t.name)).toContain('pin_note');

    const ls = await cli(['mcp', 'ls', '--json']);
    expect(ls.code).toBe(0);
    expect((JSON.parse(ls.stdout) as Schema<'McpServerList'>).servers.map((s) => s.name)).toContain('pinboard');
    const table = await cli(['mcp', 'ls']);
    expect(table.stdout).toMatch(/^NAME\s+SOURCE\s+STATUS/);
    expect(table.stdout).toMatch(/pinboard\s+api\s+connected/);

    const tools = await cli(['mcp', 'tools', 'pinboard']);
    expect(tools.code).toBe(0);
    expect(tools.stdout).toMatch(/pin_note\s+enabled/);

    expect((await cli(['mcp', 'rm', 'pinboard'])).code).toBe(0);
    expect((await cli(['mcp', 'tools', 'pinboard'])).code).toBe(4);
    expect((await cli(['mcp', 'tools', 'no-such-server'])).code).toBe(4);
    expect((await cli(['mcp', 'rm', 'no-such-server'])).code).toBe(4);
    expect((await cli(['mcp', 'add', 'x'])).code).toBe(2);
  });

  it('tasks run follows a task to the end; tasks show prints its steps', async () => {
    const file = join(tmp, 'task.json');
    writeFileSync(file, JSON.stringify({ steps: [{ tool: 'calculator', args: { expression: '6*7' } }] }));
    const run = await cli(['tasks', 'run', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const task = JSON.parse(run.stdout) as Schema<'Task'>;
    expect(task.status).toBe('completed');
    expect(task.steps[0]).toMatchObject({ tool: 'calculator', status: 'completed' });

    const shown = await cli(['tasks', 'show', task.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Task ${task.id}: completed`);
    expect(shown.stdout).toMatch(/1\. calculator: completed → .*42/);
    expect((await cli(['tasks', 'show', 'no-such-task'])).code).toBe(4);
  });
});

describe('hub chat (REPL in a pseudo-terminal)', () => {
  // util-linux `script` (Debian's essential bsdutils) runs the REPL on a pseudo-terminal: stdin and stdout
  // are a TTY for the CLI (raw-mode readline, Ctrl-C as a key), while the test writes keys and reads the output.
  const terms: ChildProcess[] = [];
  // eslint-disable-next-line no-control-regex
  const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r/g;

  function startRepl(args: string[]) {
    let output = '';
    const cmd = `stty cols 200 rows 60; ${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(MAIN)} ${args.join(' ')}; echo "EXIT=$?"`;
    const term = spawn('script', ['-q', '-f', '-e', '-c', cmd, '/dev/null'], {
      cwd: repoRoot(),
      env: { ...process.env, HUB_URL: hub.gatewayUrl, HUB_API_KEY: '', TERM: 'xterm', SHELL: '/bin/sh' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    terms.push(term);
    term.stdout.on('data', (d: Buffer) => (output += d.toString()));
    term.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const screen = (): string => output.replace(ANSI, '');
    const type = (text: string): void => void term.stdin.write(text);
    return {
      screen,
      type,
      enter: (): void => type('\r'),
      waitScreen: async (what: string | RegExp, timeoutMs = 60_000): Promise<string> => {
        try {
          return await eventually(async () => {
            const s = screen();
            return (typeof what === 'string' ? s.includes(what) : what.test(s)) && s;
          }, timeoutMs, `screen shows ${String(what)}`);
        } catch (err) {
          throw new Error(`${(err as Error).message}; the screen:\n${screen()}`);
        }
      },
    };
  }

  afterAll(() => {
    for (const t of terms) t.kill('SIGKILL');
  });

  it('continues a session whose turn waits for an approval: follows it, asks, denies with a reason; /exit leaves', async () => {
    llm.script({ toolCalls: [{ name: 'save_note', arguments: { title: 'later', body: 'not now' } }] }, { reply: 'Okay, I did not save it.' });
    const created = await hub.api<Created>('POST', '/v1/sessions', {});
    const id = created.body.id;
    await hub.api('POST', `/v1/sessions/${id}/messages?wait=false`, { text: 'save a note for later' });
    await eventually(async () => (await hub.api<Schema<'SessionState'>>('GET', `/v1/sessions/${id}`)).body.pendingApprovals.length > 0, 60_000, 'approval pending');

    const { waitScreen, type, enter } = startRepl(['chat', id]);
    await waitScreen('you> save a note for later');
    await waitScreen('(following the running turn');
    await waitScreen('Approve save_note? [y/n]');
    type('maybe');
    enter();
    await waitScreen(/Approve save_note\? \[y\/n\] maybe\s*\n\s*Approve save_note\? \[y\/n\]/);
    type('n');
    enter();
    await waitScreen('Reason for denying (optional):');
    type('not now');
    enter();
    await waitScreen('[approval] denied: not now');
    await waitScreen('assistant> Okay, I did not save it.');
    await waitScreen(/tokens\)\s*\n\s*you> $/m);
    type('/exit');
    enter();
    await waitScreen('EXIT=0');
    const state = await hub.api<Schema<'SessionState'>>('GET', `/v1/sessions/${id}`);
    expect(state.body.status).toBe('idle');
  });

  it('streams a reply, asks for an approval inline, interrupts a turn with Ctrl-C, exits on Ctrl-C when idle', async () => {
    const { waitScreen, type, enter } = startRepl(['chat']);
    const banner = await waitScreen(/Session (\S+) \(agent assistant\)/);
    const id = /Session (\S+) \(agent assistant\)/.exec(banner)![1]!;
    await waitScreen('you> ');

    // 1. A streamed reply.
    llm.script({ reply: 'Hello from the scripted model, word by word.', chunkDelayMs: 30 });
    type('hi there');
    enter();
    await waitScreen('assistant> Hello from the scripted model, word by word.');
    await waitScreen(/\(\d+ tokens\)\s*\n\s*you> $/m);

    // 2. A tool call that needs approval: y/n and a reason, inline.
    llm.script({ toolCalls: [{ name: 'save_note', arguments: { title: 'cli', body: 'from the REPL' } }] }, { reply: 'Saved your note.' });
    type('please save a note');
    enter();
    await waitScreen('[tool call] save_note');
    await waitScreen('[approval needed] save_note');
    await waitScreen('Approve save_note? [y/n]');
    type('y');
    enter();
    await waitScreen('Reason (optional):');
    type('looks fine');
    enter();
    await waitScreen('[approval] approved: looks fine');
    await waitScreen('[tool result] save_note ok');
    await waitScreen('assistant> Saved your note.');

    // 3. Ctrl-C during a turn (the model hangs): back to the prompt; the next message interrupts that turn.
    llm.script({ hang: true });
    type('this will hang');
    enter();
    await llm.waitFor(() => llm.requests.some((r) => JSON.stringify(r.body).includes('this will hang')), 30_000);
    type('\x03'); // Ctrl-C
    await waitScreen('stopped following the turn');
    llm.script({ reply: 'Answer after the interrupt.' });
    type('never mind');
    enter();
    await waitScreen('assistant> Answer after the interrupt.');

    const state = await hub.api<Schema<'SessionState'>>('GET', `/v1/sessions/${id}`);
    expect(state.body.status).toBe('idle');
    const toolMsg = state.body.messages.find((m) => m.role === 'tool');
    expect(toolMsg?.content).toBeDefined();
    expect(state.body.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      'hi there',
      'please save a note',
      'this will hang',
      'never mind',
    ]);
    // The hanging turn was interrupted by the next message (sent with interrupt: true).
    expect(JSON.stringify(state.body.messages)).toContain('turn interrupted');
    expect(toolMsg?.content).toContain('"saved":true');

    // 4. Ctrl-C at the prompt exits with 130.
    await waitScreen(/Answer after the interrupt\.[\s\S]*you> $/m);
    type('\x03'); // Ctrl-C
    await waitScreen('EXIT=130');
  });
});

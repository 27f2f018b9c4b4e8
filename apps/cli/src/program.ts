/**
 * The `hub` command line (commander). Every action returns its exit code;
 * errors are CliErrors carrying theirs (see ./errors).
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Schema } from '@hub/gateway/client';
import { client, ok, type GlobalOptions } from './api';
import { runChat } from './chat';
import { CliError, EXIT, type ExitCode } from './errors';
import { renderMcpServers, renderMcpTools, renderSession, renderSessions, renderTask } from './render';
import { runResearch } from './research';
import { followTask } from './tasks';

export const DEFAULT_URL = 'http://127.0.0.1:8787';

/** Where the CLI writes and reads; the process's streams, or fakes in tests. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  env: NodeJS.ProcessEnv;
}

export const parseIntArg =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };

export function parseRatio(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1, e.g. 0.6');
  return n;
}

/** A duration as the gateway takes it: `90s`, `10m`, `2h` (or plain milliseconds, `500ms`). */
export function parseDuration(value: string): string {
  if (!/^\d+(?:\.\d+)?(?:ms|s|m|h)$/.test(value.trim())) throw new InvalidArgumentError('expected a duration like 90s, 10m or 2h');
  return value.trim();
}

function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected KEY=VALUE');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const json = (io: Io, data: unknown): void => void io.stdout.write(JSON.stringify(data, null, 2) + '\n');
const print = (io: Io, text: string): void => void io.stdout.write(text + '\n');

/**
 * Builds the program. `done(code)` receives each action's exit code (the
 * caller exits with it). Usage errors surface as CommanderErrors (exitOverride).
 */
export function buildProgram(io: Io, done: (code: ExitCode) => void): Command {
  const program = new Command('hub');
  program
    .description('Terminal client of the Agent Hub gateway: chat with sessions, run research jobs, manage MCP servers and tasks.')
    // Defaults from io.env (not commander's .env(), which reads process.env): testable, and the key is never shown in --help.
    .addOption(new Option('--url <url>', 'gateway URL (env: HUB_URL)').default(io.env.HUB_URL || DEFAULT_URL, ''))
    .addOption(new Option('--api-key <key>', 'API key, sent as Authorization: Bearer (env: HUB_API_KEY)').default(io.env.HUB_API_KEY || undefined, ''))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 job/task/turn failed, 2 usage error, 3 API/HTTP error or gateway unreachable, 4 not found, 130 interrupted (Ctrl-C).`,
    );

  const globals = (cmd: Command): GlobalOptions => {
    const o = cmd.optsWithGlobals<{ url: string; apiKey?: string }>();
    return { url: o.url, apiKey: o.apiKey || undefined };
  };
  const run =
    <A extends unknown[]>(fn: (...args: A) => Promise<ExitCode>) =>
    async (...args: A): Promise<void> => done(await fn(...args));

  program
    .command('chat')
    .description('Interactive chat with a session (new one unless SESSION is given): streams tokens, shows tool calls, asks for approvals')
    .argument('[session]', 'id of an existing session to continue')
    .option('--agent <name>', 'agent profile of a new session (default: assistant)')
    .addHelpText('after', '\nIn the chat: Ctrl-C interrupts a running turn (or exits when idle); /exit or Ctrl-D exits; /close closes the session and exits.')
    .action(
      run(async (session: string | undefined, opts: { agent?: string }, cmd: Command) =>
        runChat(io, client(globals(cmd)), { session, agent: opts.agent }),
      ),
    );

  program
    .command('research')
    .description('Run a research job: parallel agents research parts of QUESTION; shows live progress, then the report with citations')
    .argument('<question>', 'the research question')
    .addOption(new Option('--agents <n>', 'number of sub-agents').argParser(parseIntArg(1, 10000)).default(5))
    .addOption(new Option('--min-success <ratio>', 'share of agents that must succeed (0..1)').argParser(parseRatio))
    .addOption(new Option('--deadline <duration>', 'time the agents have, e.g. 90s, 10m, 2h').argParser(parseDuration))
    .addOption(new Option('--concurrency <n>', 'most agents running at once').argParser(parseIntArg(1, 500)))
    .option('--json', 'print the final job as JSON (no progress bar)')
    .addHelpText('after', '\nExit code 0 when the job completes, 1 when it fails or is cancelled; Ctrl-C cancels the job (exit 130).')
    .action(
      run(
        async (question: string, opts: { agents: number; minSuccess?: number; deadline?: string; concurrency?: number; json?: boolean }, cmd: Command) =>
          runResearch(io, client(globals(cmd)), { question, ...opts, json: opts.json ?? false }),
      ),
    );

  const sessions = program.command('sessions').description('List, show and close sessions');
  sessions
    .command('ls')
    .description("The tenant's sessions, newest first")
    .addOption(new Option('--limit <n>', 'at most this many').argParser(parseIntArg(1, 1000)))
    .option('--json', 'print JSON')
    .action(
      run(async (opts: { limit?: number; json?: boolean }, cmd: Command) => {
        const list = await ok(
          client(globals(cmd)).GET('/v1/sessions', { params: { query: opts.limit !== undefined ? { limit: opts.limit } : {} } }),
          'sessions',
        );
        if (opts.json) json(io, list);
        else print(io, renderSessions(list));
        return EXIT.ok;
      }),
    );
  sessions
    .command('show')
    .description('A session: status, token usage, messages and pending approvals')
    .argument('<id>', 'session id')
    .option('--json', 'print JSON')
    .action(
      run(async (id: string, opts: { json?: boolean }, cmd: Command) => {
        const state = await ok(client(globals(cmd)).GET('/v1/sessions/{id}', { params: { path: { id } } }), `session ${id}`);
        if (opts.json) json(io, state);
        else print(io, renderSession(state));
        return EXIT.ok;
      }),
    );
  sessions
    .command('close')
    .description('Close a session (its history is kept)')
    .argument('<id>', 'session id')
    .option('--json', 'print the final state as JSON')
    .action(
      run(async (id: string, opts: { json?: boolean }, cmd: Command) => {
        const state = await ok(client(globals(cmd)).DELETE('/v1/sessions/{id}', { params: { path: { id } } }), `session ${id}`);
        if (opts.json) json(io, state);
        else print(io, `Session ${state.sessionId} closed.`);
        return EXIT.ok;
      }),
    );

  const mcp = program.command('mcp').description('MCP tool servers: add, list, show tools, remove');
  mcp
    .command('add')
    .description('Register an MCP server: stdio (--command, allowlisted in config) or HTTP (--url-server)')
    .argument('<name>', 'server name (letters, digits, _ and -)')
    .option('--command <command>', 'stdio: the command to start')
    .option('--arg <arg>', 'stdio: an argument (repeat for more)', collect)
    .option('--env <KEY=VALUE>', 'stdio: an environment variable (repeat for more)', keyValue)
    .option('--server-url <url>', 'HTTP: the Streamable HTTP endpoint')
    .option('--header <KEY=VALUE>', 'HTTP: a request header (repeat for more)', keyValue)
    .option('--requires-approval [tools]', 'every tool call (or the comma-separated tools) needs a human approval')
    .option('--json', 'print JSON')
    .action(
      run(
        async (
          name: string,
          o: {
            command?: string;
            arg?: string[];
            env?: Record<string, string>;
            serverUrl?: string;
            header?: Record<string, string>;
            requiresApproval?: string | true;
            json?: boolean;
          },
          cmd: Command,
        ) => {
          if ((o.command === undefined) === (o.serverUrl === undefined)) {
            throw new CliError('mcp add: give exactly one of --command (stdio) or --server-url (HTTP)', EXIT.usage);
          }
          const requiresApproval =
            o.requiresApproval === undefined ? {} : { requiresApproval: o.requiresApproval === true ? true : o.requiresApproval.split(',').map((t) => t.trim()) };
          const body: Schema<'McpServerRegistration'> =
            o.command !== undefined
              ? { name, command: o.command, ...(o.arg ? { args: o.arg } : {}), ...(o.env ? { env: o.env } : {}), ...requiresApproval }
              : { name, url: o.serverUrl!, ...(o.header ? { headers: o.header } : {}), ...requiresApproval };
          const server = await ok(client(globals(cmd)).POST('/v1/mcp/servers', { body }), `mcp server ${name}`);
          if (o.json) json(io, server);
          else print(io, `Added MCP server ${name}.\n${renderMcpTools(server as Schema<'McpServer'>)}`);
          return EXIT.ok;
        },
      ),
    );
  mcp
    .command('ls')
    .description('MCP servers with their status and tool count')
    .option('--json', 'print JSON')
    .action(
      run(async (opts: { json?: boolean }, cmd: Command) => {
        const list = await ok(client(globals(cmd)).GET('/v1/mcp/servers'), 'mcp servers');
        if (opts.json) json(io, list);
        else print(io, renderMcpServers(list));
        return EXIT.ok;
      }),
    );
  mcp
    .command('tools')
    .description("A server's tools (flagged tools are offered to no agent until re-approved)")
    .argument('<name>', 'server name')
    .option('--json', 'print JSON')
    .action(
      run(async (name: string, opts: { json?: boolean }, cmd: Command) => {
        const server = await ok(client(globals(cmd)).GET('/v1/mcp/servers/{name}/tools', { params: { path: { name } } }), `mcp server ${name}`);
        if (opts.json) json(io, server);
        else print(io, renderMcpTools(server));
        return EXIT.ok;
      }),
    );
  mcp
    .command('rm')
    .description('Remove a runtime-registered MCP server')
    .argument('<name>', 'server name')
    .action(
      run(async (name: string, _opts: unknown, cmd: Command) => {
        await ok(client(globals(cmd)).DELETE('/v1/mcp/servers/{name}', { params: { path: { name } } }), `mcp server ${name}`);
        print(io, `Removed MCP server ${name}.`);
        return EXIT.ok;
      }),
    );

  const tasks = program.command('tasks').description('Saga tasks: run from a file, show');
  tasks
    .command('run')
    .description('Start a saga task from a JSON file ({"steps": [...]}, as POST /v1/tasks) and follow it to the end')
    .argument('<file>', 'JSON file with the task')
    .option('--no-wait', 'print the task id and return at once')
    .option('--json', 'print the final task as JSON')
    .addHelpText('after', '\nExit code 0 when every step completed, 1 when the task failed (compensated or not).')
    .action(
      run(async (file: string, opts: { wait: boolean; json?: boolean }, cmd: Command) => {
        let body: Schema<'CreateTask'>;
        try {
          body = JSON.parse(readFileSync(file, 'utf8')) as Schema<'CreateTask'>;
        } catch (err) {
          throw new CliError(`tasks run: cannot read ${file}: ${(err as Error).message}`, EXIT.usage);
        }
        const hub = client(globals(cmd));
        const accepted = await ok(hub.POST('/v1/tasks', { body }), 'task');
        if (!opts.wait) {
          if (opts.json) json(io, accepted);
          else print(io, accepted.id);
          return EXIT.ok;
        }
        return followTask(io, hub, accepted.id, opts.json ?? false);
      }),
    );
  tasks
    .command('show')
    .description('A task with the status of each step and compensation')
    .argument('<id>', 'task id')
    .option('--json', 'print JSON')
    .action(
      run(async (id: string, opts: { json?: boolean }, cmd: Command) => {
        const task = await ok(client(globals(cmd)).GET('/v1/tasks/{id}', { params: { path: { id } } }), `task ${id}`);
        if (opts.json) json(io, task);
        else print(io, renderTask(task));
        return EXIT.ok;
      }),
    );

  return program;
}

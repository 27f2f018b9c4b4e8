/**
 * The `hub` command line (commander): the global options and help, and the
 * commands, one module each under ./commands. Every action returns its exit
 * code; errors are CliErrors carrying theirs (see ./errors).
 */
import { Command, Option } from 'commander';
import { client } from './api';
import type { ExitCode } from './errors';
import type { Io } from './io';
import { registerAgents } from './commands/agents';
import { registerBudget } from './commands/budget';
import { registerChat } from './commands/chat';
import type { CommandContext } from './commands/context';
import { registerMcp } from './commands/mcp';
import { registerResearch } from './commands/research';
import { registerSessions } from './commands/sessions';
import { registerTasks } from './commands/tasks';
import { registerUsage } from './commands/usage';

export type { Io } from './io';
export { parseDuration, parseIntArg, parseRatio } from './args';

export const DEFAULT_URL = 'http://127.0.0.1:8787';

/**
 * Builds the program. `done(code)` receives each action's exit code (the
 * caller exits with it). Usage errors surface as CommanderErrors (exitOverride).
 */
export function buildProgram(io: Io, done: (code: ExitCode) => void): Command {
  const program = new Command('hub');
  program
    .description('Terminal client of the Agent Hub gateway: chat with sessions, define agents and teams, run research jobs, manage MCP servers and tasks.')
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

  const globals = (cmd: Command) => {
    const o = cmd.optsWithGlobals<{ url: string; apiKey?: string }>();
    return { url: o.url, apiKey: o.apiKey || undefined };
  };
  const ctx: CommandContext = {
    io,
    hub: (cmd) => client(globals(cmd)),
    globals,
    run:
      (fn) =>
      async (...args) =>
        done(await fn(...args)),
  };
  // In this order in `hub --help`.
  registerChat(program, ctx);
  registerAgents(program, ctx);
  registerResearch(program, ctx);
  registerSessions(program, ctx);
  registerMcp(program, ctx);
  registerTasks(program, ctx);
  registerUsage(program, ctx);
  registerBudget(program, ctx);
  return program;
}

/** `hub sessions ls | show | close`. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { ok } from '../api';
import { parseIntArg } from '../args';
import { EXIT } from '../errors';
import { renderSession, renderSessions } from '../render';
import { print, printJson, type CommandContext } from './context';

export function registerSessions(program: Command, { io, hub, run }: CommandContext): void {
  const sessions = program.command('sessions').description('List, show and close sessions');
  sessions
    .command('ls')
    .description("The tenant's sessions, newest first")
    .addOption(new Option('--limit <n>', 'at most this many').argParser(parseIntArg(1, 1000)))
    .option('--json', 'print JSON')
    .action(
      run(async (opts: { limit?: number; json?: boolean }, cmd: Command) => {
        const list = await ok(hub(cmd).GET('/v1/sessions', { params: { query: opts.limit !== undefined ? { limit: opts.limit } : {} } }), 'sessions');
        if (opts.json) printJson(io, list);
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
        const state = await ok(hub(cmd).GET('/v1/sessions/{id}', { params: { path: { id } } }), `session ${id}`);
        if (opts.json) printJson(io, state);
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
        const state = await ok(hub(cmd).DELETE('/v1/sessions/{id}', { params: { path: { id } } }), `session ${id}`);
        if (opts.json) printJson(io, state);
        else print(io, `Session ${state.sessionId} closed.`);
        return EXIT.ok;
      }),
    );
}

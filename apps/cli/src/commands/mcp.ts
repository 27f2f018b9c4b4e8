/** `hub mcp add | ls | tools | rm`: the gateway's MCP tool servers. */
import type { Command } from 'commander';
import type { Schema } from '@hub/gateway/client';
import { ok } from '../api';
import { collect, keyValue } from '../args';
import { CliError, EXIT } from '../errors';
import { renderMcpServers, renderMcpTools } from '../render';
import { print, printJson, type CommandContext } from './context';

interface AddOptions {
  command?: string;
  arg?: string[];
  env?: Record<string, string>;
  serverUrl?: string;
  header?: Record<string, string>;
  requiresApproval?: string | true;
  json?: boolean;
}

/** The registration `hub mcp add NAME ...` sends; a usage error unless exactly one transport is given. */
function registration(name: string, o: AddOptions): Schema<'McpServerRegistration'> {
  if ((o.command === undefined) === (o.serverUrl === undefined)) {
    throw new CliError('mcp add: give exactly one of --command (stdio) or --server-url (HTTP)', EXIT.usage);
  }
  const requiresApproval =
    o.requiresApproval === undefined ? {} : { requiresApproval: o.requiresApproval === true ? true : o.requiresApproval.split(',').map((t) => t.trim()) };
  return o.command !== undefined
    ? { name, command: o.command, ...(o.arg ? { args: o.arg } : {}), ...(o.env ? { env: o.env } : {}), ...requiresApproval }
    : { name, url: o.serverUrl!, ...(o.header ? { headers: o.header } : {}), ...requiresApproval };
}

export function registerMcp(program: Command, { io, hub, run }: CommandContext): void {
  const mcp = program.command('mcp').description('MCP tool servers: add, list, show tools, remove');
  mcp
    .command('add')
    .description('Register an MCP server: stdio (--command, allowlisted in config) or HTTP (--server-url)')
    .argument('<name>', 'server name (letters, digits, _ and -)')
    .option('--command <command>', 'stdio: the command to start')
    .option('--arg <arg>', 'stdio: an argument (repeat for more)', collect)
    .option('--env <KEY=VALUE>', 'stdio: an environment variable (repeat for more)', keyValue)
    .option('--server-url <url>', 'HTTP: the Streamable HTTP endpoint')
    .option('--header <KEY=VALUE>', 'HTTP: a request header (repeat for more)', keyValue)
    .option('--requires-approval [tools]', 'every tool call (or the comma-separated tools) needs a human approval')
    .option('--json', 'print JSON')
    .action(
      run(async (name: string, o: AddOptions, cmd: Command) => {
        const body = registration(name, o);
        const server = await ok(hub(cmd).POST('/v1/mcp/servers', { body }), `mcp server ${name}`);
        if (o.json) printJson(io, server);
        else print(io, `Added MCP server ${name}.\n${renderMcpTools(server as Schema<'McpServer'>)}`);
        return EXIT.ok;
      }),
    );
  mcp
    .command('ls')
    .description('MCP servers with their status and tool count')
    .option('--json', 'print JSON')
    .action(
      run(async (opts: { json?: boolean }, cmd: Command) => {
        const list = await ok(hub(cmd).GET('/v1/mcp/servers'), 'mcp servers');
        if (opts.json) printJson(io, list);
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
        const server = await ok(hub(cmd).GET('/v1/mcp/servers/{name}/tools', { params: { path: { name } } }), `mcp server ${name}`);
        if (opts.json) printJson(io, server);
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
        await ok(hub(cmd).DELETE('/v1/mcp/servers/{name}', { params: { path: { name } } }), `mcp server ${name}`);
        print(io, `Removed MCP server ${name}.`);
        return EXIT.ok;
      }),
    );
}

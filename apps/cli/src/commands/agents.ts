/** `hub agents ls | show | versions | add | edit | rm`: the agents a tenant can use and the ones it defines. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { AgentDefinitionInput, AgentRecord } from '@hub/contracts';
import { agentsApi } from '../agents-api';
import { parseIntArg } from '../args';
import { CliError, EXIT } from '../errors';
import type { Io } from '../io';
import { renderAgent, renderAgents, renderVersions } from '../render-agents';
import { print, printJson, type CommandContext } from './context';

const DEFINITION_HELP = `
FILE is a JSON agent definition (as POST /v1/agents), or - for stdin:
  {
    "name": "team-lead",
    "description": "Splits a question between a researcher and a writer",
    "instructions": "Ask the researcher for facts and the writer for a draft, then answer.",
    "delegates": ["researcher", "writer"],
    "handoffs": [],
    "tools": [],
    "model": "gpt-4o-mini", "temperature": 0.2, "maxToolRounds": 8,
    "outputSchema": { "type": "object", ... }
  }
Only name and instructions are required. handoffs: agents it may transfer the conversation to (tools
transfer_to_<name>); delegates: agents it calls as tools (ask_<name>({task})). Every name it refers to must
exist already, and delegations may not form a cycle (the gateway answers 400 naming the field).`;

/** The JSON of `file` (`-`: stdin); a usage error when it cannot be read or parsed. */
export function readJsonFile(file: string, io: Io, what: string): unknown {
  let text: string;
  try {
    text = file === '-' ? readFileSync((io.stdin as { fd?: number }).fd ?? 0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`${what}: cannot read ${file}: ${(err as Error).message}`, EXIT.usage);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${what}: ${file} is not valid JSON: ${(err as Error).message}`, EXIT.usage);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The definitions of `hub agents add`: one object, or an array of them (created in order: members before their team). */
export function definitionsOf(json: unknown, file: string): AgentDefinitionInput[] {
  const list = Array.isArray(json) ? json : [json];
  if (list.length === 0) throw new CliError(`agents add: ${file} holds an empty list`, EXIT.usage);
  list.forEach((d, i) => {
    const where = Array.isArray(json) ? `${file}[${i}]` : file;
    if (!isObject(d)) throw new CliError(`agents add: ${where} must be a JSON object (an agent definition)`, EXIT.usage);
    if (typeof d.name !== 'string' || d.name === '') throw new CliError(`agents add: ${where} has no "name"`, EXIT.usage);
  });
  return list as AgentDefinitionInput[];
}

/** The body of `hub agents edit NAME -f FILE`: the file's definition, named NAME (the file may leave the name out). */
export function editBody(name: string, json: unknown, file: string): AgentDefinitionInput {
  if (!isObject(json)) throw new CliError(`agents edit: ${file} must be a JSON object (an agent definition)`, EXIT.usage);
  if (json.name !== undefined && json.name !== name) {
    throw new CliError(`agents edit: ${file} names "${String(json.name)}", not "${name}" (renaming is not an edit: add the new one, then rm the old)`, EXIT.usage);
  }
  return { ...json, name } as AgentDefinitionInput;
}

const fileOption = () => new Option('-f, --file <file>', 'JSON agent definition (- for stdin)').makeOptionMandatory();

export function registerAgents(program: Command, { io, globals, run }: CommandContext): void {
  const agents = program
    .command('agents')
    .description('Agents: list, show, define (add), edit (a new version), versions, remove')
    .addHelpText(
      'after',
      `
Built-in agents ship with the hub and hub.config.json "agents" are the operator's (both read-only); the
ones you add are your tenant's. Every edit makes a new version; a session pins the version it started with.

Examples:
  hub agents ls
  hub agents add -f team.json            (a definition, or a list: members first, then the team)
  hub agents show team-lead --version 1
  hub agents edit team-lead -f team-lead.json
  hub chat --agent team-lead`,
    );
  const api = (cmd: Command) => agentsApi(globals(cmd));
  const emit = (json: boolean | undefined, data: unknown, text: string) => (json ? printJson(io, data) : print(io, text));

  agents
    .command('ls')
    .description('The agents you can use: name, latest version, source, handoffs, delegates')
    .option('--json', 'print JSON')
    .action(
      run(async (opts: { json?: boolean }, cmd: Command) => {
        const list = await api(cmd).list();
        emit(opts.json, list, renderAgents(list.agents));
        return EXIT.ok;
      }),
    );
  agents
    .command('show')
    .description("An agent's definition (the latest version, or --version N) and its versions")
    .argument('<name>', 'agent name')
    .addOption(new Option('--version <n>', 'show this version').argParser(parseIntArg(1, 999_999_999)))
    .option('--json', 'print JSON')
    .action(
      run(async (name: string, opts: { version?: number; json?: boolean }, cmd: Command) => {
        const a = api(cmd);
        const record = await a.get(name, opts.version);
        // Built-in and config agents have one version; a failure to list versions leaves the line out.
        const versions = await a.versions(name).then((v) => v.versions, () => undefined);
        emit(opts.json, { ...record, ...(versions ? { versions: versions.map((v) => v.version) } : {}) }, renderAgent(record, versions));
        return EXIT.ok;
      }),
    );
  agents
    .command('versions')
    .description('The kept versions of an agent, newest first, with the fields each one changed')
    .argument('<name>', 'agent name')
    .option('--json', 'print JSON')
    .action(
      run(async (name: string, opts: { json?: boolean }, cmd: Command) => {
        const v = await api(cmd).versions(name);
        emit(opts.json, v, renderVersions(name, v.versions));
        return EXIT.ok;
      }),
    );
  agents
    .command('add')
    .description('Define an agent (or several, from a JSON list) for your tenant: version 1')
    .addOption(fileOption())
    .option('--json', 'print the stored records as JSON')
    .addHelpText('after', DEFINITION_HELP)
    .action(
      run(async (opts: { file: string; json?: boolean }, cmd: Command) => {
        const json = readJsonFile(opts.file, io, 'agents add');
        const defs = definitionsOf(json, opts.file);
        const a = api(cmd);
        const created: AgentRecord[] = [];
        for (const d of defs) {
          const record = await a.create(d);
          created.push(record);
          if (!opts.json) print(io, `Added agent ${record.name}@${record.version}.`);
        }
        if (opts.json) printJson(io, Array.isArray(json) ? created : created[0]);
        return EXIT.ok;
      }),
    );
  agents
    .command('edit')
    .description('Store a new version of an agent from a JSON definition (running sessions keep theirs)')
    .argument('<name>', 'agent name')
    .addOption(fileOption())
    .option('--json', 'print the new version as JSON')
    .addHelpText('after', DEFINITION_HELP.replace('as POST /v1/agents', 'as PUT /v1/agents/{name}; "name" may be left out'))
    .action(
      run(async (name: string, opts: { file: string; json?: boolean }, cmd: Command) => {
        const body = editBody(name, readJsonFile(opts.file, io, 'agents edit'), opts.file);
        const record = await api(cmd).update(name, body);
        emit(opts.json, record, `Stored ${record.name}@${record.version} (sessions started before keep the version they pinned).`);
        return EXIT.ok;
      }),
    );
  agents
    .command('rm')
    .description('Remove an agent you defined, with all its versions (refused while another agent refers to it)')
    .argument('<name>', 'agent name')
    .action(
      run(async (name: string, _opts: unknown, cmd: Command) => {
        await api(cmd).remove(name);
        print(io, `Removed agent ${name} (all its versions).`);
        return EXIT.ok;
      }),
    );
}

/**
 * The MCP server registry of one tenant: an entity workflow, so
 * registrations, tool pins and flags are durable and shared by every worker
 * and gateway (none of it lives in one process's memory).
 *
 * - `registerMcpServer` / `removeMcpServer` (Updates) manage runtime servers;
 *   registering inspects the server once (an activity on a worker) and
 *   answers with its status and tools.
 * - `refreshMcpServer` (Update) inspects a server again.
 * - `approveMcpTool` (Update) re-approves a flagged tool at its current definition.
 * - `observeMcpTools` (Signal) is how workers report what they listed.
 *
 * Tool pinning: the first definition seen of a tool is pinned by hash. A later
 * listing with another hash (a changed description or schema) flags the tool
 * and it is offered to no model until re-approved. Pins outlive a listing
 * that lacks the tool (it is marked `missing`), so a tool cannot vanish and
 * come back changed to be pinned afresh; and a tool that appears on a
 * server after its first listing waits for approval, unless the server
 * sets `trustNewTools`.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  approveMcpToolUpdate,
  mcpRegistryStateQuery,
  mcpServerSchemas,
  observeMcpToolsSignal,
  refreshMcpServerUpdate,
  registerMcpServerUpdate,
  removeMcpServerUpdate,
} from '@hub/contracts/mcp/wire';
import type { McpActivities, McpObservation, McpRegistryState, McpServerState, McpToolState } from '@hub/contracts';
import { describeFailure, nowIso } from './util';
import { check, withZod } from './validators';

export interface McpRegistryInput {
  tenant: string;
  servers?: McpServerState[];
}

const registration = withZod((z) => mcpServerSchemas(z).registration);

const { inspectMcpServer } = proxyActivities<McpActivities>({
  startToCloseTimeout: '45 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});

export interface ApplyObservationOptions {
  /**
   * Issue 11 #5 (two-step rug pull), behind the `mcp-keep-vanished-pins`
   * patch: keep the pins of tools a listing does not have (marked
   * `missing`), and flag a tool that first appears on a server whose first
   * listing was already pinned, unless the server sets `trustNewTools`.
   * Without it (histories from before): tools missing from a listing are
   * dropped and every new tool is pinned as seen.
   */
  keepVanishedPins: boolean;
}

/** Applies a listing to a server's state: pin new tools, flag changed ones. Pure; exported for tests. */
export function applyObservation(
  current: McpServerState | undefined,
  obs: McpObservation,
  at: string,
  opts: ApplyObservationOptions = { keepVanishedPins: true },
): McpServerState {
  const server: McpServerState = current
    ? { ...current, config: obs.config, status: obs.status }
    : { name: obs.server, source: obs.source, config: obs.config, status: obs.status, tools: [] };
  if (!obs.tools) return server;
  const before = new Map(server.tools.map((t) => [t.name, t]));
  // A server whose first listing is pinned (older states: one that has tools) holds its new tools for approval.
  const established = opts.keepVanishedPins && (server.pinnedAt !== undefined || server.tools.length > 0);
  const holdNew = established && obs.config.trustNewTools !== true;
  const listed = obs.tools.map((def): McpToolState => {
    const known = before.get(def.name);
    if (!known) {
      if (!holdNew) return { ...def, pinnedHash: def.hash, status: 'enabled' };
      return {
        ...def,
        pinnedHash: def.hash,
        status: 'flagged',
        flaggedReason: `new tool, first listed at ${at} on an already-registered server; approve to enable (or set trustNewTools on the server)`,
      };
    }
    // A new tool held for approval stays held until approved (its pin is the hash it was first seen with).
    if (known.status === 'flagged' && known.flaggedReason?.startsWith('new tool') && def.hash === known.pinnedHash) {
      return { ...def, pinnedHash: known.pinnedHash, status: 'flagged', flaggedReason: known.flaggedReason };
    }
    // Back at (or still at) the approved definition: enabled.
    if (def.hash === known.pinnedHash) return { ...def, pinnedHash: known.pinnedHash, status: 'enabled' };
    return {
      ...def,
      pinnedHash: known.pinnedHash,
      status: 'flagged',
      flaggedReason: `definition changed at ${at} (description or input schema differs from the approved one); re-approve to enable`,
    };
  });
  if (!opts.keepVanishedPins) {
    server.tools = listed;
    return server;
  }
  const names = new Set(listed.map((t) => t.name));
  const vanished = server.tools.filter((t) => !names.has(t.name)).map((t): McpToolState => ({ ...t, missing: true }));
  server.tools = [...listed, ...vanished];
  if (server.pinnedAt === undefined) server.pinnedAt = at;
  return server;
}

export async function mcpRegistry(input: McpRegistryInput): Promise<void> {
  const servers = new Map<string, McpServerState>((input.servers ?? []).map((s) => [s.name, s]));
  let changes = 0;

  const state = (): McpRegistryState => ({ tenant: input.tenant, servers: [...servers.values()] });
  const observe = (obs: McpObservation) => {
    const keepVanishedPins = patched('mcp-keep-vanished-pins');
    servers.set(obs.server, applyObservation(servers.get(obs.server), obs, nowIso(), { keepVanishedPins }));
    changes++;
  };
  const inspect = async (name: string): Promise<McpServerState> => {
    const server = servers.get(name)!;
    try {
      observe(await inspectMcpServer({ tenant: input.tenant, server: name, source: server.source, config: server.config }));
    } catch (err) {
      observe({ server: name, source: server.source, config: server.config, status: { state: 'error', error: describeFailure(err), checkedAt: nowIso() } });
    }
    return servers.get(name)!;
  };
  const mustExist = (name: string) => {
    if (!servers.has(name)) {
      throw ApplicationFailure.create({ type: 'McpServerNotFound', message: `no MCP server named '${name}'`, nonRetryable: true });
    }
  };

  setHandler(mcpRegistryStateQuery, state);
  setHandler(observeMcpToolsSignal, observe);

  setHandler(
    registerMcpServerUpdate,
    async (reg) => {
      const { name, ...config } = reg;
      servers.set(name, { name, source: 'api', config, status: { state: 'unknown' }, tools: [] });
      changes++;
      return inspect(name);
    },
    {
      validator: (reg) => {
        const checked = check(registration(), reg, 'body');
        if (!checked.ok) throw ApplicationFailure.create({ type: 'InvalidInput', message: checked.error, nonRetryable: true });
        if (servers.has(reg.name)) {
          throw ApplicationFailure.create({ type: 'McpServerExists', message: `an MCP server named '${reg.name}' already exists`, nonRetryable: true });
        }
      },
    },
  );

  setHandler(
    removeMcpServerUpdate,
    ({ name }) => {
      const removed = servers.get(name)!;
      servers.delete(name);
      changes++;
      return removed;
    },
    {
      validator: ({ name }) => {
        mustExist(name);
        if (servers.get(name)!.source !== 'api') {
          throw ApplicationFailure.create({
            type: 'McpServerFromConfig',
            message: `'${name}' is declared in the hub config file; remove it there`,
            nonRetryable: true,
          });
        }
      },
    },
  );

  setHandler(
    refreshMcpServerUpdate,
    ({ name, config }) => {
      if (!servers.has(name) && config) servers.set(name, { name, source: 'config', config, status: { state: 'unknown' }, tools: [] });
      return inspect(name);
    },
    { validator: ({ name, config }) => (config ? undefined : mustExist(name)) },
  );

  setHandler(
    approveMcpToolUpdate,
    ({ server, tool }) => {
      const s = servers.get(server)!;
      s.tools = s.tools.map((t) => (t.name === tool ? { ...t, pinnedHash: t.hash, status: 'enabled' as const, flaggedReason: undefined } : t));
      changes++;
      return s;
    },
    {
      validator: ({ server, tool }) => {
        mustExist(server);
        if (!servers.get(server)!.tools.some((t) => t.name === tool)) {
          throw ApplicationFailure.create({ type: 'McpToolNotFound', message: `server '${server}' has no tool '${tool}'`, nonRetryable: true });
        }
      },
    },
  );

  // An entity that lives forever: roll over to a fresh history now and then.
  await condition(() => workflowInfo().continueAsNewSuggested || changes >= 1_000);
  await condition(allHandlersFinished);
  await continueAsNew<typeof mcpRegistry>({ tenant: input.tenant, servers: [...servers.values()] });
}

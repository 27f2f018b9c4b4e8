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
 * and it is offered to no model until re-approved.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
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

/** Applies a listing to a server's state: pin new tools, flag changed ones. Pure; exported for tests. */
export function applyObservation(current: McpServerState | undefined, obs: McpObservation, at: string): McpServerState {
  const server: McpServerState = current
    ? { ...current, config: obs.config, status: obs.status }
    : { name: obs.server, source: obs.source, config: obs.config, status: obs.status, tools: [] };
  if (!obs.tools) return server;
  const before = new Map(server.tools.map((t) => [t.name, t]));
  server.tools = obs.tools.map((def): McpToolState => {
    const known = before.get(def.name);
    if (!known) return { ...def, pinnedHash: def.hash, status: 'enabled' };
    // Back at (or still at) the approved definition: enabled.
    if (def.hash === known.pinnedHash) return { ...def, pinnedHash: known.pinnedHash, status: 'enabled' };
    return {
      ...def,
      pinnedHash: known.pinnedHash,
      status: 'flagged',
      flaggedReason: `definition changed at ${at} (description or input schema differs from the approved one); re-approve to enable`,
    };
  });
  return server;
}

export async function mcpRegistry(input: McpRegistryInput): Promise<void> {
  const servers = new Map<string, McpServerState>((input.servers ?? []).map((s) => [s.name, s]));
  let changes = 0;

  const state = (): McpRegistryState => ({ tenant: input.tenant, servers: [...servers.values()] });
  const observe = (obs: McpObservation) => {
    servers.set(obs.server, applyObservation(servers.get(obs.server), obs, nowIso()));
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

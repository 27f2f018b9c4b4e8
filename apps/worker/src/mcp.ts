/**
 * MCP in the worker process: one connection manager per process, the tool
 * provider that offers MCP tools to agents, and the `inspectMcpServer`
 * activity of the registry workflow.
 *
 * Which servers a tenant has comes from two places: `hub.config.json`
 * (shared by all tenants) and the tenant's registry workflow (runtime
 * registrations, tool pins and flags), read with a query and cached briefly.
 * What a listing sees is reported back to the registry with a signal, so new
 * tools get pinned and changed ones flagged.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  WORKFLOW_TYPES,
  isStdioServer,
  mcpRegistryStateQuery,
  mcpRegistryWorkflowId,
  observeMcpToolsSignal,
  type HubConfig,
  type McpActivities,
  type McpObservation,
  type McpServerState,
} from '@hub/contracts';
import { McpConnectionManager, McpToolProvider, assertStdioAllowed, toDefinition, type ResolvedMcpServer } from '@hub/tools';

export interface McpIntegrationOptions {
  hubConfig: HubConfig;
  taskQueue: string;
  manager?: McpConnectionManager;
  /** Temporal client for registry queries/signals; default: the activity context's client. */
  client?: () => Client;
  /** How long a tenant's registry state is reused (ms): registrations reach agents within this time. */
  registryCacheMs?: number;
}

export interface McpIntegration {
  manager: McpConnectionManager;
  provider: McpToolProvider;
  activities: McpActivities;
  close(): Promise<void>;
}

const DEFAULT_TENANT = 'default';

export function createMcpIntegration(opts: McpIntegrationOptions): McpIntegration {
  const { hubConfig, taskQueue } = opts;
  const manager = opts.manager ?? new McpConnectionManager();
  const client = opts.client ?? (() => Context.current().client);
  const cacheMs = opts.registryCacheMs ?? 1_000;
  const cache = new Map<string, { at: number; servers: Promise<McpServerState[]> }>();
  const allowPrivateHosts = hubConfig.security.allowPrivateHosts;
  const scopeOf = (tenant: string, source: 'config' | 'api') => (source === 'api' ? `tenant:${tenant}` : undefined);

  /** The tenant's registry, read at most once per `cacheMs` however many activities ask at once (a fan-out asks hundreds). */
  function registryServers(tenant: string): Promise<McpServerState[]> {
    const hit = cache.get(tenant);
    if (hit && Date.now() - hit.at < cacheMs) return hit.servers;
    const servers = client()
      .workflow.getHandle(mcpRegistryWorkflowId(tenant))
      .query(mcpRegistryStateQuery)
      .then(
        (state) => state.servers,
        (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return [];
          cache.delete(tenant); // a failed read is not cached
          throw err;
        },
      );
    cache.set(tenant, { at: Date.now(), servers });
    return servers;
  }

  const resolve = (s: { name: string; source: 'config' | 'api'; config: ResolvedMcpServer['config'] }, stored?: McpServerState): ResolvedMcpServer => ({
    name: s.name,
    source: s.source,
    config: s.config,
    allowPrivateHosts,
    pins: Object.fromEntries((stored?.tools ?? []).map((t) => [t.name, t.pinnedHash])),
    flagged: new Set((stored?.tools ?? []).filter((t) => t.status === 'flagged').map((t) => t.name)),
  });

  async function servers(ctx: { tenant?: string }): Promise<ResolvedMcpServer[]> {
    const tenant = ctx.tenant ?? DEFAULT_TENANT;
    const stored = await registryServers(tenant);
    const byName = new Map(stored.map((s) => [s.name, s]));
    const fromConfig = Object.entries(hubConfig.mcpServers).map(([name, config]) => resolve({ name, source: 'config', config }, byName.get(name)));
    const fromApi = stored.filter((s) => s.source === 'api' && !hubConfig.mcpServers[s.name]).map((s) => resolve(s, s));
    return [...fromConfig, ...fromApi];
  }

  async function onObserved(obs: McpObservation, ctx: { tenant?: string }): Promise<void> {
    const tenant = ctx.tenant ?? DEFAULT_TENANT;
    await client().workflow.signalWithStart(WORKFLOW_TYPES.mcpRegistry, {
      workflowId: mcpRegistryWorkflowId(tenant),
      taskQueue,
      args: [{ tenant }],
      signal: observeMcpToolsSignal,
      signalArgs: [obs],
    });
    cache.delete(tenant);
  }

  const provider = new McpToolProvider({
    manager,
    servers,
    onObserved,
    stdioCommandAllowlist: hubConfig.security.stdioCommandAllowlist,
  });

  const activities: McpActivities = {
    async inspectMcpServer({ tenant, server, source, config }) {
      const checkedAt = new Date().toISOString();
      try {
        // Defence in depth: the gateway checks this at registration too.
        if (source === 'api' && isStdioServer(config)) assertStdioAllowed(config.command, hubConfig.security.stdioCommandAllowlist);
        const conn = await manager.get(server, config, { allowPrivateHosts, scope: scopeOf(tenant, source) });
        const tools = await conn.listTools();
        return { server, source, config, status: { state: 'connected', checkedAt }, tools: tools.map(toDefinition) };
      } catch (err) {
        return { server, source, config, status: { state: 'error', error: err instanceof Error ? err.message : String(err), checkedAt } };
      }
    },
  };

  return { manager, provider, activities, close: () => manager.closeAll() };
}


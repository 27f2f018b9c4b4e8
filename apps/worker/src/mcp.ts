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
 *
 * Runtime stdio servers are checked against the operator's allowlist again
 * here, before anything is spawned (the registry may hold a registration
 * made under an older config). And a runtime server deleted from the
 * registry loses its connection (its process) on this worker too: every
 * read of a tenant's registry closes the connections of servers it no
 * longer lists, and a sweep re-reads the registry of every tenant with open
 * runtime connections every `reconcileMs`.
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
  type McpServerConfig,
  type McpServerState,
} from '@hub/contracts';
import {
  McpConnectionManager,
  McpToolProvider,
  assertStdioInvocationAllowed,
  connectionConfigHash,
  toDefinition,
  type ResolvedMcpServer,
} from '@hub/tools';

export interface McpIntegrationOptions {
  hubConfig: HubConfig;
  taskQueue: string;
  manager?: McpConnectionManager;
  /** Temporal client for registry queries/signals; default: the activity context's client. */
  client?: () => Client;
  /** How long a tenant's registry state is reused (ms): registrations reach agents within this time. */
  registryCacheMs?: number;
  /** How often the registries of tenants with open runtime connections are re-read, closing removed servers (ms; default 2 s). */
  reconcileMs?: number;
  /** A runtime server the allowlist refuses now (it is left out of the tenant's tools). */
  onRefused?: (tenant: string, server: string, reason: string) => void;
}

export interface McpIntegration {
  manager: McpConnectionManager;
  provider: McpToolProvider;
  activities: McpActivities;
  close(): Promise<void>;
}

const DEFAULT_TENANT = 'default';

/** The flagged tools of a server, counting every tool without a pin as flagged too (new tools wait for approval). */
class FlaggedUnlessPinned extends Set<string> {
  constructor(
    flagged: Iterable<string>,
    private readonly pins: Record<string, string>,
  ) {
    super(flagged);
  }
  override has(name: string): boolean {
    return super.has(name) || !Object.hasOwn(this.pins, name);
  }
}

export function createMcpIntegration(opts: McpIntegrationOptions): McpIntegration {
  const { hubConfig, taskQueue } = opts;
  const manager = opts.manager ?? new McpConnectionManager();
  // The sweep runs outside any activity: it uses the client the last activity had.
  let lastClient: Client | undefined;
  const client =
    opts.client ??
    ((): Client => {
      try {
        lastClient = Context.current().client;
      } catch (err) {
        if (!lastClient) throw err;
      }
      return lastClient;
    });
  const cacheMs = opts.registryCacheMs ?? 1_000;
  const cache = new Map<string, { at: number; servers: Promise<McpServerState[]> }>();
  const allowPrivateHosts = hubConfig.security.allowPrivateHosts;
  const scopeOf = (tenant: string, source: 'config' | 'api') => (source === 'api' ? `tenant:${tenant}` : undefined);

  const keepClient = () => {
    try {
      client();
    } catch {
      // not in an activity (tests): the sweep waits for a client
    }
  };

  /** Runtime servers this worker may have a connection to, by tenant: name -> connection config hash. */
  const opened = new Map<string, Map<string, string>>();
  const remember = (tenant: string, name: string, config: McpServerConfig) => {
    if (!opened.has(tenant)) opened.set(tenant, new Map());
    opened.get(tenant)!.set(name, connectionConfigHash(config, allowPrivateHosts));
  };
  /** Closes this worker's connections to runtime servers the registry no longer has (or has with another config). */
  const reconcile = async (tenant: string, stored: McpServerState[]): Promise<void> => {
    const mine = opened.get(tenant);
    if (!mine) return;
    const now = new Map(stored.filter((s) => s.source === 'api').map((s) => [s.name, connectionConfigHash(s.config, allowPrivateHosts)]));
    for (const [name, hash] of [...mine]) {
      if (now.get(name) === hash) continue;
      mine.delete(name);
      await manager.close(name, scopeOf(tenant, 'api')).catch(() => undefined);
    }
    if (mine.size === 0) opened.delete(tenant);
  };
  const checkRuntime = (config: McpServerConfig) => {
    if (isStdioServer(config)) assertStdioInvocationAllowed(config, hubConfig.security, { resolveLinks: true });
  };

  /** The tenant's registry, read at most once per `cacheMs` however many activities ask at once (a fan-out asks hundreds). */
  function registryServers(tenant: string): Promise<McpServerState[]> {
    const hit = cache.get(tenant);
    if (hit && Date.now() - hit.at < cacheMs) return hit.servers;
    const servers = client()
      .workflow.getHandle(mcpRegistryWorkflowId(tenant))
      .query(mcpRegistryStateQuery)
      .then(
        async (state) => {
          await reconcile(tenant, state.servers);
          return state.servers;
        },
        async (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) {
            await reconcile(tenant, []);
            return [];
          }
          cache.delete(tenant); // a failed read is not cached
          throw err;
        },
      );
    cache.set(tenant, { at: Date.now(), servers });
    return servers;
  }

  const resolve = (s: { name: string; source: 'config' | 'api'; config: ResolvedMcpServer['config'] }, stored?: McpServerState): ResolvedMcpServer => {
    const pins = Object.fromEntries((stored?.tools ?? []).map((t) => [t.name, t.pinnedHash]));
    const flagged = (stored?.tools ?? []).filter((t) => t.status === 'flagged').map((t) => t.name);
    // A server whose first listing is pinned offers no tool it has no pin for (a new tool waits for the registry,
    // which holds it for approval), unless it trusts new tools.
    const established = stored !== undefined && (stored.pinnedAt !== undefined || stored.tools.length > 0);
    const holdUnpinned = established && s.config.trustNewTools !== true;
    return {
      name: s.name,
      source: s.source,
      config: s.config,
      allowPrivateHosts,
      pins,
      flagged: holdUnpinned ? new FlaggedUnlessPinned(flagged, pins) : new Set(flagged),
    };
  };

  async function servers(ctx: { tenant?: string }): Promise<ResolvedMcpServer[]> {
    const tenant = ctx.tenant ?? DEFAULT_TENANT;
    const stored = await registryServers(tenant);
    const byName = new Map(stored.map((s) => [s.name, s]));
    const fromConfig = Object.entries(hubConfig.mcpServers).map(([name, config]) => resolve({ name, source: 'config', config }, byName.get(name)));
    const fromApi = stored
      .filter((s) => s.source === 'api' && !hubConfig.mcpServers[s.name])
      .filter((s) => {
        try {
          checkRuntime(s.config);
          return true;
        } catch (err) {
          opts.onRefused?.(tenant, s.name, err instanceof Error ? err.message : String(err));
          return false;
        }
      })
      .map((s) => {
        remember(tenant, s.name, s.config);
        return resolve(s, s);
      });
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
    stdioCommandAllowlist: hubConfig.security.stdioCommandAllowlist.map((e) => (typeof e === 'string' ? e : e.command)),
  });

  const activities: McpActivities = {
    async inspectMcpServer({ tenant, server, source, config }) {
      const checkedAt = new Date().toISOString();
      try {
        // Defence in depth: the gateway checks this at registration too.
        if (source === 'api') {
          checkRuntime(config);
          remember(tenant, server, config);
          keepClient(); // for the reconcile sweep, which runs outside any activity
        }
        const conn = await manager.get(server, config, { allowPrivateHosts, scope: scopeOf(tenant, source) });
        const tools = await conn.listTools();
        return { server, source, config, status: { state: 'connected', checkedAt }, tools: tools.map(toDefinition) };
      } catch (err) {
        return { server, source, config, status: { state: 'error', error: err instanceof Error ? err.message : String(err), checkedAt } };
      }
    },
  };

  const sweep = setInterval(() => {
    for (const tenant of opened.keys()) {
      cache.delete(tenant);
      // No client yet, or Temporal unreachable: try again next time. Never throws out of the timer.
      void Promise.resolve()
        .then(() => registryServers(tenant))
        .catch(() => undefined);
    }
  }, opts.reconcileMs ?? 2_000);
  sweep.unref();

  return {
    manager,
    provider,
    activities,
    close: () => {
      clearInterval(sweep);
      return manager.closeAll();
    },
  };
}


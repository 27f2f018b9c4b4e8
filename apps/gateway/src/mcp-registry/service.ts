/**
 * The MCP server registry service: registrations live in the tenant's registry workflow
 * (shared by every worker and gateway); servers from `hub.config.json` are listed beside
 * them. Safety rules are checked here before anything is stored: stdio commands must be
 * allowlisted in the config, and HTTP servers may not point at private, loopback or
 * link-local addresses (after DNS resolution) unless allowlisted. Header and env values
 * may be secrets: nothing this service returns carries them.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  WORKFLOW_TYPES,
  approveMcpToolUpdate,
  isStdioServer,
  mcpRegistryStateQuery,
  mcpRegistryWorkflowId,
  refreshMcpServerUpdate,
  registerMcpServerUpdate,
  removeMcpServerUpdate,
  type HubConfig,
  type McpServerConfig,
  type McpServerRegistration,
  type McpServerState,
} from '@hub/contracts';
import { assertStdioInvocationAllowed } from '@hub/tools';
import { ApiError } from '../http/errors';
import { idempotentUpdateId, requestFingerprint } from '../http/idempotency';
import { shortCalls } from '../temporal/deadlines';
import { withApiErrors } from '../temporal/failures';

export interface McpRegistryService {
  /** Registers a server (after the safety checks) and inspects it (status and tools). */
  /** Registers a server; with an idempotency key, a repeat of the same registration answers the registered server. */
  register(tenant: string, registration: McpServerRegistration, idempotencyKey?: string): Promise<McpServerState>;
  /** The tenant's servers (runtime-registered and from the config file) with their connection status. */
  list(tenant: string): Promise<McpServerState[]>;
  /** Connects to a server and lists its tools. */
  inspect(tenant: string, name: string): Promise<McpServerState>;
  /** Removes a runtime-registered server. */
  remove(tenant: string, name: string, idempotencyKey?: string): Promise<McpServerState>;
  /** Re-approves a flagged tool at its current definition. */
  approveTool(tenant: string, name: string, tool: string, idempotencyKey?: string): Promise<McpServerState>;
}

export interface McpRegistryServiceOptions {
  client: Client;
  taskQueue: string;
  hubConfig: HubConfig;
  /** Throws when an HTTP server URL is not allowed (default in createServices: the tools package's DNS-resolving check). */
  checkUrl: (url: string, allowPrivateHosts: string[]) => Promise<void>;
  rpcTimeoutMs?: number | undefined;
}

const REDACTED = '***';
/** Header and env values may be secrets: never echo them back. */
export function redactConfig(config: McpServerConfig): McpServerConfig {
  const mask = (r?: Record<string, string>) => (r ? Object.fromEntries(Object.keys(r).map((k) => [k, REDACTED])) : undefined);
  if (isStdioServer(config)) return { ...config, ...(config.env ? { env: mask(config.env) } : {}) };
  return { ...config, ...(config.headers ? { headers: mask(config.headers) } : {}) };
}
const redact = (s: McpServerState): McpServerState => ({ ...s, config: redactConfig(s.config) });

/** Whether a stored server's config is the registration's (its name aside). */
function sameConfig(config: McpServerConfig, reg: McpServerRegistration): boolean {
  const { name: _name, ...rest } = reg as McpServerRegistration & { name: string };
  return requestFingerprint(rest) === requestFingerprint(config);
}
const updateIdFor = (tenant: string, route: string, key: string | undefined) =>
  key !== undefined ? { updateId: idempotentUpdateId(tenant, route, key) } : {};

/** Maps the registry workflow's validator rejections to API errors. */
function registryError(err: unknown): never {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { type?: string; message?: string } | undefined;
    const message = cause?.message ?? err.message;
    switch (cause?.type) {
      case 'McpServerNotFound':
        throw new ApiError(404, 'mcp_server_not_found', message);
      case 'McpToolNotFound':
        throw new ApiError(404, 'mcp_tool_not_found', message);
      case 'McpServerExists':
      case 'McpServerFromConfig':
        throw new ApiError(409, 'conflict', message);
      case 'InvalidInput':
        throw new ApiError(400, 'invalid_request', message);
    }
  }
  throw err;
}

export function createMcpRegistryService(opts: McpRegistryServiceOptions): McpRegistryService {
  const { client, taskQueue, hubConfig } = opts;
  const short = shortCalls(client, opts.rpcTimeoutMs);
  const registry = (tenant: string) => client.workflow.getHandle(mcpRegistryWorkflowId(tenant));
  const startOp = (tenant: string) =>
    new WithStartWorkflowOperation(WORKFLOW_TYPES.mcpRegistry, {
      workflowId: mcpRegistryWorkflowId(tenant),
      taskQueue,
      args: [{ tenant }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  const configServers = Object.entries(hubConfig.mcpServers);
  const serverNotFound = (name: string) => (err: unknown): never => {
    if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'mcp_server_not_found', `no MCP server named '${name}'`);
    return registryError(err);
  };

  const stored = async (tenant: string): Promise<McpServerState[]> => {
    try {
      return (await short(() => registry(tenant).query(mcpRegistryStateQuery))).servers;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [];
      throw err;
    }
  };

  return withApiErrors<McpRegistryService>({
    async register(tenant, reg, key) {
      if (hubConfig.mcpServers[reg.name]) throw new ApiError(409, 'conflict', `'${reg.name}' is declared in the hub config file`);
      if (isStdioServer(reg)) {
        // The whole invocation (command, arguments, env names, cwd) must be allowlisted; workers check again before spawning.
        try {
          assertStdioInvocationAllowed(reg, hubConfig.security);
        } catch (err) {
          throw new ApiError(403, 'forbidden', `stdio servers run a command on the worker's machine: ${err instanceof Error ? err.message : String(err)}`);
        }
      } else {
        try {
          await opts.checkUrl(reg.url, hubConfig.security.allowPrivateHosts);
        } catch (err) {
          throw new ApiError(403, 'forbidden', err instanceof Error ? err.message : String(err));
        }
      }
      const updateId = key !== undefined ? idempotentUpdateId(tenant, 'POST /v1/mcp/servers', key) : undefined;
      try {
        // Temporal answers a repeated update id (within the registry's run) with the original result.
        const state = await client.workflow.executeUpdateWithStart(registerMcpServerUpdate, {
          args: [reg],
          startWorkflowOperation: startOp(tenant),
          ...(updateId !== undefined ? { updateId } : {}),
        });
        return redact(state);
      } catch (err) {
        // A repeat that reached a later run of the registry: the same registration is already there.
        const same = key !== undefined ? (await stored(tenant)).find((s) => s.name === reg.name && sameConfig(s.config, reg)) : undefined;
        if (same && (err as { cause?: { type?: string } }).cause?.type === 'McpServerExists') return redact(same);
        return registryError(err);
      }
    },

    async list(tenant) {
      const servers = await stored(tenant);
      const known = new Set(servers.map((s) => s.name));
      for (const [name, config] of configServers) {
        if (!known.has(name)) servers.push({ name, source: 'config', config, status: { state: 'unknown' }, tools: [] });
      }
      return servers.map(redact);
    },

    async inspect(tenant, name) {
      const config = hubConfig.mcpServers[name];
      const state = await client.workflow
        .executeUpdateWithStart(refreshMcpServerUpdate, {
          args: [{ name, ...(config ? { config } : {}) }],
          startWorkflowOperation: startOp(tenant),
        })
        .catch(registryError);
      return redact(state);
    },

    async remove(tenant, name, key) {
      if (hubConfig.mcpServers[name]) throw new ApiError(409, 'conflict', `'${name}' is declared in the hub config file; remove it there`);
      const removed = await short(() => registry(tenant).executeUpdate(removeMcpServerUpdate, { args: [{ name }], ...updateIdFor(tenant, `DELETE /v1/mcp/servers/${name}`, key) })).catch(serverNotFound(name));
      return redact(removed);
    },

    async approveTool(tenant, name, tool, key) {
      const state = await short(() => registry(tenant).executeUpdate(approveMcpToolUpdate, {
          args: [{ server: name, tool }],
          ...updateIdFor(tenant, `POST /v1/mcp/servers/${name}/tools/${tool}/approve`, key),
        })).catch(
        serverNotFound(name),
      );
      return redact(state);
    },
  });
}

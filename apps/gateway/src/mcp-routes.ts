/**
 * MCP server registry over HTTP: `/v1/mcp/servers`. Registrations live in the
 * tenant's registry workflow (shared by every worker and gateway); servers
 * from `hub.config.json` are listed beside them. Safety rules are checked here
 * before anything is stored: stdio commands must be allowlisted in the config,
 * and HTTP servers may not point at private, loopback or link-local addresses
 * (after DNS resolution) unless allowlisted.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  McpServerRegistrationSchema,
  McpServerStateSchema,
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
  type McpServerState,
} from '@hub/contracts';
import { shortCalls } from './sessions';
import { ApiError, ErrorResponseSchema } from './errors';
import type { GatewayApp } from './app';

export interface McpRoutesOptions {
  client: Client;
  taskQueue: string;
  hubConfig: HubConfig;
  /** Throws when an HTTP server URL is not allowed (default: the tools package's DNS-resolving check). */
  checkUrl: (url: string, allowPrivateHosts: string[]) => Promise<void>;
  rpcTimeoutMs?: number;
}

const REDACTED = '***';
/** Header and env values may be secrets: never echo them back. */
export function redactConfig(config: McpServerConfig): McpServerConfig {
  const mask = (r?: Record<string, string>) => (r ? Object.fromEntries(Object.keys(r).map((k) => [k, REDACTED])) : undefined);
  if (isStdioServer(config)) return { ...config, ...(config.env ? { env: mask(config.env) } : {}) };
  return { ...config, ...(config.headers ? { headers: mask(config.headers) } : {}) };
}
const redact = (s: McpServerState): McpServerState => ({ ...s, config: redactConfig(s.config) });

const ServerResponse = McpServerStateSchema.meta({ id: 'McpServer' });
const ServerList = z.object({ servers: z.array(ServerResponse) }).openapi('McpServerList');
const NameParams = z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' } }) });
const ToolParams = NameParams.extend({ tool: z.string().openapi({ param: { name: 'tool', in: 'path' } }) });
const errors = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorResponseSchema } } },
  403: { description: 'Refused by a safety rule', content: { 'application/json': { schema: ErrorResponseSchema } } },
  404: { description: 'Unknown server or tool', content: { 'application/json': { schema: ErrorResponseSchema } } },
  409: { description: 'Conflict', content: { 'application/json': { schema: ErrorResponseSchema } } },
};
const tags = ['mcp'];

const registerRoute = createRoute({
  method: 'post',
  path: '/v1/mcp/servers',
  tags,
  summary: 'Register an MCP server (stdio: command allowlisted in config; HTTP: public address or allowlisted)',
  request: { body: { required: true, content: { 'application/json': { schema: McpServerRegistrationSchema.meta({ id: 'McpServerRegistration' }) } } } },
  responses: { 201: { description: 'Registered and inspected (status and tools)', content: { 'application/json': { schema: ServerResponse } } }, ...errors },
});
const listRoute = createRoute({
  method: 'get',
  path: '/v1/mcp/servers',
  tags,
  summary: 'MCP servers (config file and runtime) with connection status; header and env values redacted',
  responses: { 200: { description: 'Servers', content: { 'application/json': { schema: ServerList } } } },
});
const toolsRoute = createRoute({
  method: 'get',
  path: '/v1/mcp/servers/{name}/tools',
  tags,
  summary: "Connect to a server and list its tools (flagged tools are marked and offered to no agent)",
  request: { params: NameParams },
  responses: { 200: { description: 'Server with its tools', content: { 'application/json': { schema: ServerResponse } } }, ...errors },
});
const removeRoute = createRoute({
  method: 'delete',
  path: '/v1/mcp/servers/{name}',
  tags,
  summary: 'Remove a runtime-registered MCP server',
  request: { params: NameParams },
  responses: { 200: { description: 'Removed', content: { 'application/json': { schema: ServerResponse } } }, ...errors },
});
const approveRoute = createRoute({
  method: 'post',
  path: '/v1/mcp/servers/{name}/tools/{tool}/approve',
  tags,
  summary: "Re-approve a flagged tool at its current definition (pins the new hash)",
  request: { params: ToolParams },
  responses: { 200: { description: 'Server with its tools', content: { 'application/json': { schema: ServerResponse } } }, ...errors },
});

/** Maps the registry workflow's validator rejections to HTTP errors. */
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

export function mountMcpRegistryRoutes(app: GatewayApp, opts: McpRoutesOptions): void {
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

  const stored = async (tenant: string): Promise<McpServerState[]> => {
    try {
      return (await short(() => registry(tenant).query(mcpRegistryStateQuery))).servers;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [];
      throw err;
    }
  };

  app.openapi(registerRoute, async (c) => {
    const reg = c.req.valid('json');
    if (hubConfig.mcpServers[reg.name]) throw new ApiError(409, 'conflict', `'${reg.name}' is declared in the hub config file`);
    if (isStdioServer(reg)) {
      if (!hubConfig.security.stdioCommandAllowlist.includes(reg.command)) {
        throw new ApiError(
          403,
          'forbidden',
          `stdio servers run a command on the worker's machine: '${reg.command}' is not on security.stdioCommandAllowlist in hub.config.json`,
        );
      }
    } else {
      try {
        await opts.checkUrl(reg.url, hubConfig.security.allowPrivateHosts);
      } catch (err) {
        throw new ApiError(403, 'forbidden', err instanceof Error ? err.message : String(err));
      }
    }
    const state = await client.workflow
      .executeUpdateWithStart(registerMcpServerUpdate, { args: [reg], startWorkflowOperation: startOp(c.get('tenant')) })
      .catch(registryError);
    return c.json(redact(state), 201);
  });

  app.openapi(listRoute, async (c) => {
    const servers = await stored(c.get('tenant'));
    const known = new Set(servers.map((s) => s.name));
    for (const [name, config] of configServers) {
      if (!known.has(name)) servers.push({ name, source: 'config', config, status: { state: 'unknown' }, tools: [] });
    }
    return c.json({ servers: servers.map(redact) }, 200);
  });

  app.openapi(toolsRoute, async (c) => {
    const { name } = c.req.valid('param');
    const config = hubConfig.mcpServers[name];
    const state = await client.workflow
      .executeUpdateWithStart(refreshMcpServerUpdate, {
        args: [{ name, ...(config ? { config } : {}) }],
        startWorkflowOperation: startOp(c.get('tenant')),
      })
      .catch(registryError);
    return c.json(redact(state), 200);
  });

  app.openapi(removeRoute, async (c) => {
    const { name } = c.req.valid('param');
    if (hubConfig.mcpServers[name]) throw new ApiError(409, 'conflict', `'${name}' is declared in the hub config file; remove it there`);
    const removed = await short(() => registry(c.get('tenant')).executeUpdate(removeMcpServerUpdate, { args: [{ name }] })).catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'mcp_server_not_found', `no MCP server named '${name}'`);
      return registryError(err);
    });
    return c.json(redact(removed), 200);
  });

  app.openapi(approveRoute, async (c) => {
    const { name, tool } = c.req.valid('param');
    const state = await short(() => registry(c.get('tenant')).executeUpdate(approveMcpToolUpdate, { args: [{ server: name, tool }] })).catch(
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'mcp_server_not_found', `no MCP server named '${name}'`);
        return registryError(err);
      },
    );
    return c.json(redact(state), 200);
  });
}

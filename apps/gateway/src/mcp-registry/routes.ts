/**
 * The MCP server registry over HTTP: `/v1/mcp/servers` (register, list, inspect, remove,
 * re-approve a tool). The safety rules and the redaction of secrets are the service's
 * (mcp-registry/service.ts).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { McpServerRegistrationSchema, McpServerStateSchema } from '@hub/contracts';
import { errorResponses } from '../http/error-responses';
import { IdempotencyHeaders, idempotencyKeyOf } from '../http/idempotency';
import type { GatewayApp } from '../http/env';
import { createRouter } from '../http/router';
import type { McpRegistryService } from './service';

const ServerResponse = McpServerStateSchema.meta({ id: 'McpServer' });
const ServerList = z.object({ servers: z.array(ServerResponse) }).openapi('McpServerList');
const NameParams = z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' } }) });
const ToolParams = NameParams.extend({ tool: z.string().openapi({ param: { name: 'tool', in: 'path' } }) });
/** The errors of a route on one server. */
const errors = {
  invalid: 'Invalid request',
  forbidden: 'Refused by a safety rule',
  notFound: 'Unknown server or tool',
  conflict: 'Conflict',
} as const;
const tags = ['mcp'];

const registerRoute = createRoute({
  method: 'post',
  path: '/v1/mcp/servers',
  tags,
  summary: 'Register an MCP server (stdio: command allowlisted in config; HTTP: public address or allowlisted)',
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: McpServerRegistrationSchema.meta({ id: 'McpServerRegistration' }) } } },
  },
  responses: {
    201: { description: 'Registered and inspected (status and tools)', content: { 'application/json': { schema: ServerResponse } } },
    ...errorResponses({ ...errors, body: true }),
  },
});
const listRoute = createRoute({
  method: 'get',
  path: '/v1/mcp/servers',
  tags,
  summary: 'MCP servers (config file and runtime) with connection status; header and env values redacted',
  responses: { 200: { description: 'Servers', content: { 'application/json': { schema: ServerList } } }, ...errorResponses({ invalid: false }) },
});
const toolsRoute = createRoute({
  method: 'get',
  path: '/v1/mcp/servers/{name}/tools',
  tags,
  summary: "Connect to a server and list its tools (flagged tools are marked and offered to no agent)",
  request: { params: NameParams },
  responses: { 200: { description: 'Server with its tools', content: { 'application/json': { schema: ServerResponse } } }, ...errorResponses(errors) },
});
const removeRoute = createRoute({
  method: 'delete',
  path: '/v1/mcp/servers/{name}',
  tags,
  summary: 'Remove a runtime-registered MCP server',
  request: { params: NameParams, headers: IdempotencyHeaders },
  responses: { 200: { description: 'Removed', content: { 'application/json': { schema: ServerResponse } } }, ...errorResponses(errors) },
});
const approveRoute = createRoute({
  method: 'post',
  path: '/v1/mcp/servers/{name}/tools/{tool}/approve',
  tags,
  summary: "Re-approve a flagged tool at its current definition (pins the new hash)",
  request: { params: ToolParams, headers: IdempotencyHeaders },
  responses: { 200: { description: 'Server with its tools', content: { 'application/json': { schema: ServerResponse } } }, ...errorResponses(errors) },
});

export function mcpRegistryRoutes(registry: McpRegistryService): GatewayApp {
  const app = createRouter();

  app.openapi(registerRoute, async (c) => c.json(await registry.register(c.get('tenant'), c.req.valid('json'), idempotencyKeyOf(c)), 201));

  app.openapi(listRoute, async (c) => c.json({ servers: await registry.list(c.get('tenant')) }, 200));

  app.openapi(toolsRoute, async (c) => c.json(await registry.inspect(c.get('tenant'), c.req.valid('param').name), 200));

  app.openapi(removeRoute, async (c) => c.json(await registry.remove(c.get('tenant'), c.req.valid('param').name, idempotencyKeyOf(c)), 200));

  app.openapi(approveRoute, async (c) => {
    const { name, tool } = c.req.valid('param');
    return c.json(await registry.approveTool(c.get('tenant'), name, tool, idempotencyKeyOf(c)), 200);
  });

  return app;
}

/**
 * Agent definitions over HTTP: `/v1/agents` (create, list, read a version, new version, delete,
 * versions). The rules (read-only built-in and config agents, the graph check, versions) are the
 * service's (agents/service.ts) and the registry workflow's.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { AGENT_LIMITS, AgentDefinitionFieldsSchema, AgentDefinitionSchema, AgentNameSchema, AgentRecordSchema } from '@hub/contracts';
import { errorResponses } from '../http/error-responses';
import { IdempotencyHeaders, idempotencyKeyOf } from '../http/idempotency';
import { requestContext, type GatewayApp } from '../http/env';
import { createRouter } from '../http/router';
import type { AgentService } from './service';

const Agent = AgentRecordSchema.meta({ id: 'Agent' });
const AgentList = z.object({ agents: z.array(Agent) }).openapi('AgentList');
const AgentVersions = z.object({ versions: z.array(Agent).describe('Kept versions, newest first') }).openapi('AgentVersions');
const AgentDeleted = z.object({ deleted: z.string().describe('The deleted agent') }).openapi('AgentDeleted');
const CreateBody = AgentDefinitionSchema.meta({ id: 'AgentDefinition' });
const UpdateBody = AgentDefinitionFieldsSchema.extend({ name: AgentNameSchema.optional().describe("Left out, or the path's name") })
  .strict()
  .meta({ id: 'AgentDefinitionUpdate' });
const NameParams = z.object({ name: z.string().max(64).openapi({ param: { name: 'name', in: 'path' }, description: 'Agent name' }) });
const VersionQuery = z.object({
  version: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .openapi({ param: { name: 'version', in: 'query' }, description: 'A given version (default: the latest)' }),
});
const tags = ['agents'];
const notFound = 'Unknown agent (`agent_not_found`), or no such version';
const graph = `the definition, or a handoff or delegate naming an unknown agent, the agent itself, or closing a delegation cycle (details.issues names the field); at most ${AGENT_LIMITS.maxVersionsKept} versions are kept`;

const createAgentRoute = createRoute({
  method: 'post',
  path: '/v1/agents',
  tags,
  summary: 'Define an agent (version 1) for this tenant',
  request: { headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: CreateBody } } } },
  responses: {
    201: { description: 'Stored (version 1)', content: { 'application/json': { schema: Agent } } },
    ...errorResponses({
      body: true,
      invalid: `Refused: ${graph}`,
      conflict: `An agent (built-in, config, the tenant's or a remote agent) of that name exists, or the tenant has ${AGENT_LIMITS.maxAgentsPerTenant} agents`,
    }),
  },
});
const listAgentsRoute = createRoute({
  method: 'get',
  path: '/v1/agents',
  tags,
  summary: "Agents this tenant may use: built-in, hub.config.json (read-only) and its own (latest versions)",
  responses: { 200: { description: 'Agents', content: { 'application/json': { schema: AgentList } } }, ...errorResponses({ invalid: false }) },
});
const getAgentRoute = createRoute({
  method: 'get',
  path: '/v1/agents/{name}',
  tags,
  summary: 'One agent: its latest version, or ?version=N',
  request: { params: NameParams, query: VersionQuery },
  responses: { 200: { description: 'Agent', content: { 'application/json': { schema: Agent } } }, ...errorResponses({ notFound }) },
});
const updateAgentRoute = createRoute({
  method: 'put',
  path: '/v1/agents/{name}',
  tags,
  summary: "Store a new version of an agent (running sessions keep the version they pinned; the latest version's definition again answers that version)",
  request: { params: NameParams, body: { required: true, content: { 'application/json': { schema: UpdateBody } } } },
  responses: {
    200: { description: 'The new version', content: { 'application/json': { schema: Agent } } },
    ...errorResponses({ body: true, invalid: `Refused: ${graph}; or a body name other than the path's`, forbidden: 'A built-in or config agent (read-only)', notFound }),
  },
});
const deleteAgentRoute = createRoute({
  method: 'delete',
  path: '/v1/agents/{name}',
  tags,
  summary: 'Delete an agent and its versions (refused while another agent names it)',
  request: { params: NameParams },
  responses: {
    200: { description: 'Deleted', content: { 'application/json': { schema: AgentDeleted } } },
    ...errorResponses({ forbidden: 'A built-in or config agent (read-only)', notFound, conflict: 'Other agents still name it in handoffs or delegates (the message names them)' }),
  },
});
const versionsRoute = createRoute({
  method: 'get',
  path: '/v1/agents/{name}/versions',
  tags,
  summary: `The kept versions of an agent, newest first (at most ${AGENT_LIMITS.maxVersionsKept})`,
  request: { params: NameParams },
  responses: { 200: { description: 'Versions', content: { 'application/json': { schema: AgentVersions } } }, ...errorResponses({ notFound }) },
});

export function agentRoutes(agents: AgentService): GatewayApp {
  const app = createRouter();
  app.openapi(createAgentRoute, async (c) => c.json(await agents.create(requestContext(c), c.req.valid('json'), idempotencyKeyOf(c)), 201));
  app.openapi(listAgentsRoute, async (c) => c.json({ agents: await agents.list(requestContext(c)) }, 200));
  app.openapi(getAgentRoute, async (c) => c.json(await agents.get(requestContext(c), c.req.valid('param').name, c.req.valid('query').version), 200));
  app.openapi(updateAgentRoute, async (c) => {
    const { name } = c.req.valid('param');
    const body = c.req.valid('json');
    return c.json(await agents.update(requestContext(c), name, { ...body, name: body.name ?? name }), 200);
  });
  app.openapi(deleteAgentRoute, async (c) => {
    const { name } = c.req.valid('param');
    await agents.remove(requestContext(c), name);
    return c.json({ deleted: name }, 200);
  });
  app.openapi(versionsRoute, async (c) => c.json({ versions: await agents.versions(requestContext(c), c.req.valid('param').name) }, 200));
  return app;
}

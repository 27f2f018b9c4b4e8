/**
 * Remote A2A agents over HTTP: `/v1/a2a/remotes` (register, list, show, remove). A registered
 * remote may be named in an agent's `delegates` (tool `ask_<name>`). The safety rules and the
 * redaction of header values are the service's (a2a-remotes/service.ts).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { RemoteAgentRecordSchema, RemoteAgentRegistrationSchema } from '@hub/contracts';
import { errorResponses } from '../http/error-responses';
import { IdempotencyHeaders, idempotencyKeyOf } from '../http/idempotency';
import { requestContext, type GatewayApp } from '../http/env';
import { createRouter } from '../http/router';
import type { RemoteAgentService } from './service';

const RemoteResponse = RemoteAgentRecordSchema.meta({ id: 'RemoteAgent' });
const RemoteList = z.object({ remotes: z.array(RemoteResponse) }).openapi('RemoteAgentList');
const NameParams = z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' }, description: 'The remote agent\'s name' }) });
const tags = ['a2a'];

const registerRoute = createRoute({
  method: 'post',
  path: '/v1/a2a/remotes',
  tags,
  summary: 'Register a remote A2A agent (its card URL public or allowlisted in security.allowPrivateHosts); usable as a delegate',
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: RemoteAgentRegistrationSchema.meta({ id: 'RemoteAgentRegistration' }) } } },
  },
  responses: {
    201: { description: 'Registered: the card was read and validated (header values are never returned)', content: { 'application/json': { schema: RemoteResponse } } },
    ...errorResponses({
      body: true,
      invalid: 'The card could not be read or is not a usable A2A card (the field is cardUrl)',
      forbidden: 'The card URL or its JSON-RPC endpoint is a private, loopback or link-local address not in security.allowPrivateHosts',
      conflict: 'An agent or remote agent of that name exists, or the tenant has as many agents as it may',
    }),
  },
});
const listRoute = createRoute({
  method: 'get',
  path: '/v1/a2a/remotes',
  tags,
  summary: "The tenant's remote A2A agents (header names only)",
  responses: { 200: { description: 'Remote agents', content: { 'application/json': { schema: RemoteList } } }, ...errorResponses({ invalid: false }) },
});
const getRoute = createRoute({
  method: 'get',
  path: '/v1/a2a/remotes/{name}',
  tags,
  summary: 'One remote A2A agent (header names only)',
  request: { params: NameParams },
  responses: {
    200: { description: 'The remote agent', content: { 'application/json': { schema: RemoteResponse } } },
    ...errorResponses({ notFound: 'No remote agent of that name (`agent_not_found`)' }),
  },
});
const removeRoute = createRoute({
  method: 'delete',
  path: '/v1/a2a/remotes/{name}',
  tags,
  summary: 'Remove a remote A2A agent (refused while an agent names it in delegates)',
  request: { params: NameParams, headers: IdempotencyHeaders },
  responses: {
    200: { description: 'Removed', content: { 'application/json': { schema: RemoteResponse } } },
    ...errorResponses({ notFound: 'No remote agent of that name (`agent_not_found`)', conflict: 'An agent names it in delegates' }),
  },
});

export function remoteAgentRoutes(remotes: RemoteAgentService): GatewayApp {
  const app = createRouter();

  app.openapi(registerRoute, async (c) => c.json(await remotes.register(requestContext(c), c.req.valid('json'), idempotencyKeyOf(c)), 201));

  app.openapi(listRoute, async (c) => c.json({ remotes: await remotes.list(requestContext(c)) }, 200));

  app.openapi(getRoute, async (c) => c.json(await remotes.get(requestContext(c), c.req.valid('param').name), 200));

  app.openapi(removeRoute, async (c) => c.json(await remotes.remove(requestContext(c), c.req.valid('param').name, idempotencyKeyOf(c)), 200));

  return app;
}

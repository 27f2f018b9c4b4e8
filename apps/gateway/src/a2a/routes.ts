/**
 * The A2A routes (HTTP only; the protocol is the SDK's, in service.ts): an agent's card at
 * `GET /a2a/{agent}/.well-known/agent-card.json` and its JSON-RPC endpoint at `POST /a2a/{agent}` (answers as
 * JSON, streaming methods as Server-Sent Events of JSON-RPC responses). Mounted after the app's middleware:
 * the Host/Origin guard, the bearer API key (it picks the tenant whose agents and sessions these are), the body
 * limit. Documented in the OpenAPI document, not validated by it (the SDK validates JSON-RPC itself).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { errorResponses } from '../http/error-responses';
import { requestContext, type GatewayApp, type GatewayEnv } from '../http/env';
import { createRouter } from '../http/router';
import type { SseSettings } from '../http/sse';
import type { Admission } from '../quotas/admission';
import { A2A_PREFIX, CARD_PATH } from './card';
import type { A2aService } from './service';

const tags = ['a2a'];
const AgentParams = z.object({
  agent: z.string().openapi({ param: { name: 'agent', in: 'path' }, description: 'Agent name', example: 'assistant' }),
});
const JsonObject = z.record(z.string(), z.unknown());

const cardRoute = createRoute({
  method: 'get',
  path: `${A2A_PREFIX}/{agent}/${CARD_PATH}`,
  tags,
  summary: "An agent's A2A agent card",
  description:
    'The Agent2Agent card (protocol 1.0) of one of the tenant\'s agents: skills from its description and tools, the JSON-RPC ' +
    'endpoint (`POST /a2a/{agent}`, protocol 1.0 and 0.3), streaming, and the bearer API key as the security scheme.',
  security: [{ bearer: [] }],
  request: { params: AgentParams },
  responses: {
    200: { description: 'The agent card', content: { 'application/json': { schema: JsonObject.openapi({ description: 'A2A AgentCard' }) } } },
    ...errorResponses({ notFound: 'No such agent' }),
  },
});

const rpcRoute = createRoute({
  method: 'post',
  path: `${A2A_PREFIX}/{agent}`,
  tags,
  summary: 'A2A JSON-RPC endpoint of an agent',
  description: [
    'Agent2Agent JSON-RPC served by the official SDK (@a2a-js/sdk). Protocol 1.0 (`A2A-Version: 1.0`): `SendMessage`,',
    '`SendStreamingMessage` (SSE), `GetTask`, `CancelTask`, `ListTasks` (per contextId), `SubscribeToTask` (SSE); protocol 0.3',
    '(`A2A-Version: 0.3` or no header): `message/send`, `message/stream`, `tasks/get`, `tasks/cancel`, `tasks/resubscribe`.',
    'A context is a session (a message without contextId starts one with this agent) and a task one of its turns; a resent',
    'message (same messageId) never runs twice; a tool',
    'that needs approval makes the task `input-required` (answer it on the task with "approve" or {"approve": true});',
    'cancelling a task cancels its turn (the session stays open). A refusal of the hub (a closed context 409, a quota 429) is an HTTP error.',
  ].join(' '),
  security: [{ bearer: [] }],
  request: {
    params: AgentParams,
    body: { required: true, description: 'A JSON-RPC 2.0 request', content: { 'application/json': { schema: JsonObject } } },
  },
  responses: {
    200: {
      description: 'The JSON-RPC response (errors included), or for streaming methods a text/event-stream of JSON-RPC responses',
      content: { 'application/json': { schema: JsonObject }, 'text/event-stream': { schema: z.string() } },
    },
    500: { description: 'Internal JSON-RPC error', content: { 'application/json': { schema: JsonObject } } },
    ...errorResponses({ notFound: 'No such agent', body: true }),
  },
});

export interface A2aRouteOptions {
  /** Whether the hub's API keys are enforced: the cards then name the bearer scheme. */
  auth: boolean;
  sse: SseSettings;
  /** The tenant's limits, asked before a message starts a new session (unset: none). */
  admission?: Admission | undefined;
}

const originOf = (c: Context<GatewayEnv>): string => new URL(c.req.url).origin;

export function a2aRoutes(a2a: A2aService, opts: A2aRouteOptions): GatewayApp {
  const app = createRouter();
  app.openAPIRegistry.registerPath(cardRoute);
  app.openAPIRegistry.registerPath(rpcRoute);

  app.get(`${A2A_PREFIX}/:agent/${CARD_PATH}`, async (c) => {
    const card = await a2a.card(requestContext(c), c.req.param('agent'), { origin: originOf(c), auth: opts.auth });
    return c.json(card, 200);
  });

  app.post(`${A2A_PREFIX}/:agent`, async (c) => {
    const ctx = { ...requestContext(c), signal: c.req.raw.signal };
    const body = await c.req.text();
    const handleOpts = { origin: originOf(c), auth: opts.auth, admission: opts.admission };
    const out = await a2a.handle(ctx, c.req.param('agent'), handleOpts, body, (name) => c.req.header(name));
    for (const [k, v] of Object.entries(out.headers)) c.header(k, v);
    if (out.kind === 'json') return c.json(out.body as object, out.status);
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      const ping = setInterval(() => void stream.write(': ping\n\n').catch(() => undefined), opts.sse.keepAliveMs);
      const stop = () => void stream.close();
      opts.sse.shutdown?.addEventListener('abort', stop, { once: true });
      try {
        if (out.first !== undefined) await stream.writeSSE({ data: JSON.stringify(out.first) });
        for (;;) {
          if (stream.aborted || stream.closed) break;
          const r = await out.rest.next();
          if (r.done) break;
          await stream.writeSSE({ data: JSON.stringify(r.value) });
        }
      } catch (err) {
        ctx.log.warn('a2a stream failed', { err: err instanceof Error ? err.message : String(err) });
        if (!stream.aborted) await stream.writeSSE({ event: 'error', data: JSON.stringify(out.mapError(err)) }).catch(() => undefined);
      } finally {
        clearInterval(ping);
        opts.sse.shutdown?.removeEventListener('abort', stop);
        await out.rest.return?.(undefined)?.catch(() => undefined);
      }
    });
  });

  return app;
}

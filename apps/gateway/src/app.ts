/**
 * The gateway's HTTP API: a thin, validated facade over the session entity
 * workflows. Every route is declared with `createRoute` (request and response
 * schemas from `@hub/contracts`), so `/openapi.json` is the public contract.
 */
import { OpenAPIHono, createRoute, z, type Hook } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { LIMITS, sessionWorkflowId } from '@hub/contracts';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DEFAULT_TENANT, bearerToken, makeKeyVerifier } from './auth';
import { ApiError, ErrorResponseSchema, toApiError } from './errors';
import { defaultOpenStream, pumpEvents, type OpenStream } from './events';
import { withFields, type Logger } from './log';
import { createLogger } from '@hub/infra';
import { mountMcpEndpoint, type McpOptions } from './mcp-endpoint';
import { mountMcpRegistryRoutes, type McpRoutesOptions } from './mcp-routes';
import { mountTaskRoutes } from './task-routes';
import { mountResearchRoutes } from './research-routes';
import { serveWebApp, type WebAssetsOptions } from './web';
import { createResearchService } from './research';
import { assertUrlAllowed } from '@hub/tools';
import { HubConfigSchema, type HubConfig } from '@hub/contracts';
import {
  ApprovalBody,
  ApprovalParams,
  ApprovalResponse,
  CreateSessionBody,
  CreateSessionResponse,
  EventsHeaders,
  EventsQuery,
  HealthResponse,
  LIST_LIMIT_DEFAULT,
  ListSessionsQuery,
  ListSessionsResponse,
  MessageAcceptedResponse,
  ReadinessResponse,
  SendMessageBody,
  SendMessageQuery,
  SessionIdParams,
  SessionStateResponse,
  TurnResultResponse,
} from './schemas';
import { createSessionService, type ProfileSource, type SessionContext, type SessionDefaults } from './sessions';
import type { LlmInfo } from './llm-info';

export type { ProfileSource, SessionDefaults } from './sessions';

export interface Readiness {
  ok: boolean;
  details: Record<string, unknown>;
}

export interface CreateAppOptions {
  client: Client;
  taskQueue: string;
  /** API key → tenant. Unset or empty: auth is off and every request is tenant "default". */
  apiKeys?: Map<string, string> | undefined;
  profiles: ProfileSource;
  defaults?: Partial<SessionDefaults> | undefined;
  log?: Logger | undefined;
  /** Readiness probe for /readyz. Default: Temporal `getSystemInfo` with a 3 s deadline. */
  readiness?: (() => Promise<Readiness>) | undefined;
  /** The LLM the workers use (local model server or remote endpoint); /readyz reports it as `details.llm`. */
  llm?: LlmInfo | undefined;
  /** Deadline for short Temporal calls (describe, query, list, start). Default 10 s. */
  rpcTimeoutMs?: number | undefined;
  /** SSE keep-alive comment interval. Default 15 s. */
  sseKeepAliveMs?: number | undefined;
  /** Aborting it ends every open SSE stream (graceful shutdown). */
  shutdownSignal?: AbortSignal | undefined;
  /** Opens a session event subscription; override in tests. Default: workflow-streams client. */
  openStream?: OpenStream | undefined;
  /** The MCP endpoint (`/mcp`): DNS-rebinding protection settings. */
  mcp?: McpOptions | undefined;
  /** The hub config file (MCP servers from config, security settings); default: no servers, nothing allowlisted. */
  hubConfig?: HubConfig | undefined;
  /** Check of HTTP MCP server URLs at registration (default: `assertUrlAllowed` from @hub/tools, DNS-resolving). */
  checkMcpUrl?: McpRoutesOptions['checkUrl'] | undefined;
  /** Serve the built web app (apps/web/dist) at `/` (see web.ts); default: no web app. */
  web?: WebAssetsOptions | undefined;
}

export type GatewayEnv = {
  Variables: {
    requestId: string;
    tenant: string;
    log: Logger;
  };
};

export type GatewayApp = OpenAPIHono<GatewayEnv>;

const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/openapi.json']);

function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(root)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

/** Renders zod validation failures as 400 `invalid_request`, naming each offending field. */
const validationHook: Hook<unknown, GatewayEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const issues = result.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message, code: i.code }));
  const where = result.target === 'json' ? 'body' : result.target;
  const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return c.json(
    { error: { code: 'invalid_request' as const, message: `invalid request ${where}: ${message}`, details: { target: where, issues } } },
    400,
  );
};

const errorResponses = (...statuses: ContentfulStatusCode[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, { description: ERROR_DESCRIPTIONS[s] ?? 'Error', content: { 'application/json': { schema: ErrorResponseSchema } } }]),
  );

const ERROR_DESCRIPTIONS: Partial<Record<number, string>> = {
  400: 'Invalid request (`invalid_request`); details lists the offending fields',
  401: 'Missing or wrong API key (`unauthorized`)',
  404: 'Session (or approval) not found',
  409: 'The session is closed (`session_closed`)',
  413: 'Request body too large (`payload_too_large`)',
  415: 'Request body is not JSON (`unsupported_media_type`)',
  503: 'Temporal is unreachable (`temporal_unavailable`)',
  504: 'Temporal or the worker did not answer in time (`upstream_timeout`)',
};

const COMMON_ERRORS = [400, 401, 503, 504] as const;
const BODY_ERRORS = [413, 415] as const;

const security = [{ bearer: [] }];
const jsonBody = <T extends z.ZodType>(schema: T, description: string, required = true) => ({
  required,
  description,
  content: { 'application/json': { schema } },
});

// ---------------------------------------------------------------- routes

const createSessionRoute = createRoute({
  method: 'post',
  path: '/v1/sessions',
  tags: ['sessions'],
  summary: 'Start a session (optionally with a first message)',
  security,
  request: { body: jsonBody(CreateSessionBody, 'Session options and an optional first message (may be omitted)', false) },
  responses: {
    201: {
      description: 'Session created; `reply` is the first turn when a message was given',
      content: { 'application/json': { schema: CreateSessionResponse } },
    },
    ...errorResponses(...COMMON_ERRORS, ...BODY_ERRORS),
  },
});

const listSessionsRoute = createRoute({
  method: 'get',
  path: '/v1/sessions',
  tags: ['sessions'],
  summary: "List the tenant's sessions (newest first, from Temporal visibility: eventually consistent)",
  security,
  request: { query: ListSessionsQuery },
  responses: {
    200: { description: 'Sessions', content: { 'application/json': { schema: ListSessionsResponse } } },
    ...errorResponses(...COMMON_ERRORS),
  },
});

const getSessionRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}',
  tags: ['sessions'],
  summary: 'Session state',
  security,
  request: { params: SessionIdParams },
  responses: {
    200: { description: 'Current state (closed sessions answer too)', content: { 'application/json': { schema: SessionStateResponse } } },
    ...errorResponses(...COMMON_ERRORS, 404, 409),
  },
});

const sendMessageRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/messages',
  tags: ['sessions'],
  summary: 'Send a message; waits for the turn unless wait=false',
  security,
  request: { params: SessionIdParams, query: SendMessageQuery, body: jsonBody(SendMessageBody, 'The user message') },
  responses: {
    200: { description: 'The finished turn', content: { 'application/json': { schema: TurnResultResponse } } },
    202: { description: 'Accepted (wait=false); follow /events for progress', content: { 'application/json': { schema: MessageAcceptedResponse } } },
    ...errorResponses(...COMMON_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

const eventsRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/events',
  tags: ['sessions'],
  summary: 'Session events as Server-Sent Events (resumable with Last-Event-ID)',
  description: [
    'Each stream item is sent as `id: <offset>`, `event: <type>`, `data: <SessionEvent JSON>`.',
    'Resume with `Last-Event-ID: N` (or `?from=N+1`). Gateway messages without id: `stream.truncated`',
    '(events before the resume point are no longer retained; the stream continues from the oldest retained one),',
    '`stream.end` (session ended or server shutting down), `stream.error`; `: ping` comments every 15 s.',
  ].join(' '),
  security,
  request: { params: SessionIdParams, query: EventsQuery, headers: EventsHeaders },
  responses: {
    200: {
      description: 'text/event-stream of SessionEvent',
      content: { 'text/event-stream': { schema: z.string().openapi({ description: 'SSE stream' }) } },
    },
    ...errorResponses(...COMMON_ERRORS, 404, 409),
  },
});

const approvalRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/approvals/{approvalId}',
  tags: ['sessions'],
  summary: 'Approve or deny a pending tool call',
  security,
  request: { params: ApprovalParams, body: jsonBody(ApprovalBody, 'The decision') },
  responses: {
    200: { description: 'Decision recorded', content: { 'application/json': { schema: ApprovalResponse } } },
    ...errorResponses(...COMMON_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

const closeSessionRoute = createRoute({
  method: 'delete',
  path: '/v1/sessions/{id}',
  tags: ['sessions'],
  summary: 'Close a session',
  security,
  request: { params: SessionIdParams },
  responses: {
    200: { description: 'Final state', content: { 'application/json': { schema: SessionStateResponse } } },
    ...errorResponses(...COMMON_ERRORS, 404, 409),
  },
});

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['ops'],
  summary: 'Liveness (no auth)',
  security: [],
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HealthResponse } } } },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['ops'],
  summary: 'Readiness: Temporal reachable (no auth)',
  security: [],
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ReadinessResponse } } },
    503: { description: 'Not ready', content: { 'application/json': { schema: ReadinessResponse } } },
  },
});

export function createApp(opts: CreateAppOptions): GatewayApp {
  const { client } = opts;
  const rootLog = opts.log ?? createLogger('gateway');
  const sessions = createSessionService(opts);
  const keepAliveMs = opts.sseKeepAliveMs ?? 15_000;
  const openStream = opts.openStream ?? defaultOpenStream(client);
  const verify = opts.apiKeys && opts.apiKeys.size > 0 ? makeKeyVerifier(opts.apiKeys) : undefined;
  const readiness =
    opts.readiness ??
    (async (): Promise<Readiness> => {
      const started = Date.now();
      try {
        await client.withDeadline(Date.now() + 3_000, () => client.workflowService.getSystemInfo({}));
        return { ok: true, details: { temporal: 'ok', namespace: client.options.namespace, latencyMs: Date.now() - started } };
      } catch (err) {
        return { ok: false, details: { temporal: 'unreachable', error: err instanceof Error ? err.message : String(err) } };
      }
    });

  /** The session service's view of a request: its tenant and logger. */
  const ctxOf = (c: Context<GatewayEnv>): SessionContext => ({ tenant: c.get('tenant'), log: c.get('log') });

  const app = new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook });

  // ------------------------------------------------------------ middleware
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    c.set('tenant', DEFAULT_TENANT);
    c.set('log', withFields(rootLog, { requestId: c.get('requestId') }));
    try {
      await next();
    } finally {
      rootLog.info('request', {
        requestId: c.get('requestId'),
        tenant: c.get('tenant'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      });
    }
  });
  // The web app's static files (no auth; API paths pass through to the routes below).
  if (opts.web) app.use(serveWebApp(opts.web));
  app.use(async (c, next) => {
    if (!verify || PUBLIC_PATHS.has(c.req.path)) return next();
    const token = bearerToken(c.req.header('authorization'));
    const tenant = token === undefined ? undefined : verify(token);
    if (tenant === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="agent-hub"');
      throw new ApiError(401, 'unauthorized', token === undefined ? 'missing bearer token (Authorization: Bearer <key>)' : 'invalid API key');
    }
    c.set('tenant', tenant);
    c.set('log', withFields(rootLog, { requestId: c.get('requestId'), tenant }));
    return next();
  });
  app.use(
    bodyLimit({
      maxSize: LIMITS.maxBodyBytes,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `request body exceeds ${LIMITS.maxBodyBytes} bytes`);
      },
    }),
  );

  /** Whether Temporal answers a trivial call right now (tells "unreachable" from "slow / no worker"). */
  const temporalReachable = async (): Promise<boolean> => {
    try {
      await client.withDeadline(Date.now() + 1_000, () => client.workflowService.getSystemInfo({}));
      return true;
    } catch {
      return false;
    }
  };

  app.onError(async (err, c) => {
    let apiErr = toApiError(err);
    // A deadline hit while Temporal is unreachable (gRPC keeps retrying UNAVAILABLE until the deadline) is a 503.
    if (apiErr.code === 'upstream_timeout' && !(await temporalReachable())) {
      apiErr = new ApiError(503, 'temporal_unavailable', 'Temporal is unavailable');
    }
    const log = c.get('log') ?? rootLog;
    if (apiErr.status >= 500) log.error('request failed', { err, code: apiErr.code, status: apiErr.status });
    else if (!(err instanceof ApiError)) log.debug('request rejected', { code: apiErr.code, message: apiErr.message });
    return c.json(apiErr.toBody(), apiErr.status);
  });
  app.notFound((c) =>
    c.json({ error: { code: 'not_found' as const, message: `no route for ${c.req.method} ${c.req.path}` } }, 404),
  );

  // ------------------------------------------------------------ ops
  app.openapi(healthRoute, (c) => c.json({ ok: true as const }, 200));
  app.openapi(readyRoute, async (c) => {
    let r: Readiness;
    try {
      r = await readiness();
    } catch (err) {
      r = { ok: false, details: { error: err instanceof Error ? err.message : String(err) } };
    }
    if (opts.llm) r = { ...r, details: { ...r.details, llm: opts.llm } };
    return r.ok ? c.json(r, 200) : c.json(r, 503);
  });

  // ------------------------------------------------------------ sessions
  app.openapi(createSessionRoute, async (c) => {
    const created = await sessions.create(ctxOf(c), c.req.valid('json'));
    return c.json(created, 201);
  });

  app.openapi(listSessionsRoute, async (c) => {
    const { limit = LIST_LIMIT_DEFAULT } = c.req.valid('query');
    return c.json({ sessions: await sessions.list(ctxOf(c), limit) }, 200);
  });

  app.openapi(getSessionRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await sessions.state(ctxOf(c), id), 200);
  });

  app.openapi(sendMessageRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { wait } = c.req.valid('query');
    const body = c.req.valid('json');
    if (wait === 'false') {
      await sessions.sendNoWait(ctxOf(c), id, body);
      return c.json({ accepted: true as const, sessionId: id }, 202);
    }
    return c.json(await sessions.send(ctxOf(c), id, body), 200);
  });

  app.openapi(eventsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { from } = c.req.valid('query');
    const lastEventId = c.req.valid('header')['last-event-id'];
    const fromOffset = lastEventId !== undefined ? Number(lastEventId) + 1 : (from ?? 0);
    const workflowId = sessionWorkflowId(c.get('tenant'), id);
    const status = await sessions.status(ctxOf(c), id);
    if (status === undefined) throw new ApiError(404, 'session_not_found', 'session not found');
    // A finished workflow can't be polled; a 409 (not an empty 200) also stops EventSource reconnect loops.
    if (status !== 'RUNNING') throw new ApiError(409, 'session_closed', 'session is closed; its event stream has ended');
    const log = c.get('log');
    return streamSSE(c, async (stream) => {
      const outcome = await pumpEvents({
        stream,
        items: openStream(workflowId, fromOffset),
        fromOffset,
        keepAliveMs,
        shutdown: opts.shutdownSignal,
        log,
        describeError: (err) => {
          const e = toApiError(err);
          return { code: e.code, message: e.message };
        },
      });
      log.debug('event stream ended', { sessionId: id, outcome });
    });
  });

  app.openapi(approvalRoute, async (c) => {
    const { id, approvalId } = c.req.valid('param');
    const body = c.req.valid('json');
    await sessions.approve(ctxOf(c), id, { approvalId, ...body });
    return c.json({ accepted: true as const }, 200);
  });

  app.openapi(closeSessionRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await sessions.close(ctxOf(c), id, 'closed by user'), 200);
  });

  // ------------------------------------------------------------ MCP (Streamable HTTP at /mcp; see mcp.ts)
  const research = createResearchService({ client: opts.client, taskQueue: opts.taskQueue, profiles: opts.profiles, rpcTimeoutMs: opts.rpcTimeoutMs });
  mountMcpEndpoint(app, { sessions, research, log: rootLog, options: opts.mcp });
  mountMcpRegistryRoutes(app, {
    client: opts.client,
    taskQueue: opts.taskQueue,
    hubConfig: opts.hubConfig ?? HubConfigSchema.parse({}),
    checkUrl: opts.checkMcpUrl ?? (async (url, allow) => void (await assertUrlAllowed(url, allow))),
    rpcTimeoutMs: opts.rpcTimeoutMs,
  });
  mountTaskRoutes(app, {
    client: opts.client,
    taskQueue: opts.taskQueue,
    rpcTimeoutMs: opts.rpcTimeoutMs,
    openStream,
    keepAliveMs,
    shutdownSignal: opts.shutdownSignal,
  });
  mountResearchRoutes(app, { research, openStream, keepAliveMs, shutdownSignal: opts.shutdownSignal });

  // ------------------------------------------------------------ OpenAPI
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'API key from HUB_API_KEYS (only enforced when keys are configured)',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Agent Hub Gateway',
      version: '0.1.0',
      description: 'Durable multi-agent sessions on Temporal. Errors are `{ error: { code, message, details? } }`.',
    },
    security,
  });

  return app;
}

/**
 * The gateway's HTTP API: a thin, validated facade over the session entity
 * workflows. Every route is declared with `createRoute` (request and response
 * schemas from `@hub/contracts`), so `/openapi.json` is the public contract.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono, createRoute, z, type Hook } from '@hono/zod-openapi';
import {
  ApplicationFailure,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type Client,
  type WorkflowHandle,
  type WorkflowUpdateHandle,
} from '@temporalio/client';
import {
  DEFAULTS,
  LIMITS,
  WORKFLOW_TYPES,
  ZERO_USAGE,
  approveToolUpdate,
  closeSessionUpdate,
  sendMessageUpdate,
  sessionStateQuery,
  sessionWorkflowId,
  sessionWorkflowIdPrefix,
  type AgentProfile,
  type SessionOptions,
  type SessionState,
  type SessionWorkflowInput,
} from '@hub/contracts';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DEFAULT_TENANT, bearerToken, makeKeyVerifier } from './auth';
import { ApiError, ErrorResponseSchema, toApiError } from './errors';
import { defaultOpenStream, pumpEvents, type OpenStream } from './events';
import { jsonLogger, withFields, type Logger } from './log';
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
  type SessionListStatusSchema,
} from './schemas';

export interface ProfileSource {
  get(name: string): AgentProfile | undefined;
  list(): AgentProfile[];
}

export interface Readiness {
  ok: boolean;
  details: Record<string, unknown>;
}

export interface SessionDefaults {
  idleTimeoutMs: number;
  approvalTimeoutMs: number;
  maxTurnsPerRun: number;
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
  /** Deadline for short Temporal calls (describe, query, list, start). Default 10 s. */
  rpcTimeoutMs?: number | undefined;
  /** SSE keep-alive comment interval. Default 15 s. */
  sseKeepAliveMs?: number | undefined;
  /** Aborting it ends every open SSE stream (graceful shutdown). */
  shutdownSignal?: AbortSignal | undefined;
  /** Opens a session event subscription; override in tests. Default: workflow-streams client. */
  openStream?: OpenStream | undefined;
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

// ---------------------------------------------------------------- helpers

type ListStatus = z.infer<typeof SessionListStatusSchema>;
const LIST_STATUS: Record<string, ListStatus> = {
  RUNNING: 'running',
  COMPLETED: 'closed',
  CONTINUED_AS_NEW: 'continued_as_new',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
};

function applicationFailureOf(err: WorkflowUpdateFailedError): ApplicationFailure | undefined {
  return err.cause instanceof ApplicationFailure ? err.cause : undefined;
}

export function createApp(opts: CreateAppOptions): GatewayApp {
  const { client, taskQueue, profiles } = opts;
  const rootLog = opts.log ?? jsonLogger('gateway');
  const defaults: SessionDefaults = {
    idleTimeoutMs: opts.defaults?.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
    approvalTimeoutMs: opts.defaults?.approvalTimeoutMs ?? DEFAULTS.approvalTimeoutMs,
    maxTurnsPerRun: opts.defaults?.maxTurnsPerRun ?? DEFAULTS.maxTurnsPerRun,
  };
  const rpcTimeoutMs = opts.rpcTimeoutMs ?? 10_000;
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

  /** Short Temporal calls get a deadline so a dead server or a missing worker can't hang a request. */
  const short = <R>(fn: () => Promise<R>): Promise<R> => client.withDeadline(Date.now() + rpcTimeoutMs, fn);
  const handleFor = (tenant: string, id: string): WorkflowHandle => client.workflow.getHandle(sessionWorkflowId(tenant, id));

  /** Status name of the latest run, or undefined when the workflow does not exist. */
  const describeStatus = async (handle: WorkflowHandle): Promise<string | undefined> => {
    try {
      return (await short(() => handle.describe())).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  };

  /** Whether the session is closed: its workflow ended, or it reports status "closed". */
  const isClosed = async (handle: WorkflowHandle): Promise<boolean> => {
    try {
      const status = await describeStatus(handle);
      if (status !== 'RUNNING') return status !== undefined;
      const state = await short(() => handle.query(sessionStateQuery));
      return state.status === 'closed';
    } catch {
      return false;
    }
  };

  /**
   * Runs an update against a session and maps its failures:
   * unknown workflow → 404, ended workflow or closed session → 409,
   * rejected by the workflow (validator) → `onRejected`.
   */
  const runUpdate = async <R>(
    handle: WorkflowHandle,
    fn: () => Promise<R>,
    onRejected: (message: string, failure: ApplicationFailure | undefined) => ApiError,
  ): Promise<R> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        // Updates on a finished workflow fail with NOT_FOUND too: tell the two apart.
        const status = await describeStatus(handle).catch(() => undefined);
        if (status !== undefined && status !== 'RUNNING') throw new ApiError(409, 'session_closed', 'session is closed');
        throw new ApiError(404, 'session_not_found', 'session not found');
      }
      if (err instanceof WorkflowUpdateFailedError) {
        const failure = applicationFailureOf(err);
        if (failure?.type === 'AcceptedUpdateCompletedWorkflow' || (await isClosed(handle))) {
          throw new ApiError(409, 'session_closed', 'session is closed');
        }
        throw onRejected(failure?.message ?? err.cause?.message ?? err.message, failure);
      }
      throw err;
    }
  };

  /**
   * `startUpdate(..., ACCEPTED)` does not throw when the validator rejects the update: the
   * rejection is the handle's (already known) outcome. `result()` surfaces it without any RPC;
   * for an accepted update it would start polling for completion, which we cancel at once.
   */
  const throwIfRejected = async (update: WorkflowUpdateHandle<unknown>): Promise<void> => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), 20);
    try {
      await client.withAbortSignal(ctrl.signal, () => update.result());
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw err;
      // Cancelled poll: the update was accepted and is still running.
    } finally {
      clearTimeout(timer);
    }
  };

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
    return r.ok ? c.json(r, 200) : c.json(r, 503);
  });

  // ------------------------------------------------------------ sessions
  app.openapi(createSessionRoute, async (c) => {
    const body = c.req.valid('json');
    const tenant = c.get('tenant');
    const agentName = body.agent ?? DEFAULTS.agent;
    const profile = profiles.get(agentName);
    if (!profile) {
      throw new ApiError(400, 'invalid_request', `unknown agent ${JSON.stringify(agentName)}`, {
        field: 'agent',
        available: profiles.list().map((p) => p.name),
      });
    }
    const id = randomUUID();
    const workflowId = sessionWorkflowId(tenant, id);
    const options: SessionOptions = {
      idleTimeoutMs: body.idleTimeoutMs ?? defaults.idleTimeoutMs,
      approvalTimeoutMs: defaults.approvalTimeoutMs,
      maxTurnsPerRun: defaults.maxTurnsPerRun,
      ...(body.tools !== undefined ? { toolAllowlist: body.tools } : {}),
    };
    const input: SessionWorkflowInput = { sessionId: id, tenant, profile, options };
    const startOptions = {
      workflowId,
      taskQueue,
      args: [input] as [SessionWorkflowInput],
      memo: { agent: profile.name },
      staticSummary: `agent session (${profile.name})`,
    };
    const log = c.get('log');
    let reply;
    if (body.message !== undefined) {
      const handle = client.workflow.getHandle(workflowId);
      reply = await runUpdate(
        handle,
        () =>
          client.workflow.executeUpdateWithStart(sendMessageUpdate, {
            args: [{ text: body.message! }],
            startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.session, {
              ...startOptions,
              workflowIdConflictPolicy: 'FAIL',
            }),
          }),
        (message) => new ApiError(400, 'invalid_request', message, { field: 'message', sessionId: id }),
      );
    } else {
      await short(() => client.workflow.start(WORKFLOW_TYPES.session, startOptions));
    }
    log.info('session started', { sessionId: id, agent: profile.name, withMessage: body.message !== undefined });
    let session: SessionState;
    try {
      session = await short(() => client.workflow.getHandle(workflowId).query(sessionStateQuery));
    } catch (err) {
      if (reply !== undefined) throw err;
      // The session exists but no worker answered yet: answer with its initial state rather than losing the id.
      log.warn('session started but its state query failed; returning the initial state (is a worker running?)', {
        sessionId: id,
        err: err instanceof Error ? err.message : String(err),
      });
      const now = new Date().toISOString();
      session = {
        sessionId: id,
        tenant,
        agent: profile.name,
        status: 'idle',
        messages: [],
        pendingApprovals: [],
        usage: { ...ZERO_USAGE },
        turns: 0,
        queued: 0,
        createdAt: now,
        lastActivityAt: now,
        generation: 0,
      };
    }
    return c.json({ id, session, ...(reply !== undefined ? { reply } : {}) }, 201);
  });

  app.openapi(listSessionsRoute, async (c) => {
    const { limit = LIST_LIMIT_DEFAULT } = c.req.valid('query');
    const tenant = c.get('tenant');
    const prefix = sessionWorkflowIdPrefix(tenant);
    const query = `WorkflowType = '${WORKFLOW_TYPES.session}' AND WorkflowId STARTS_WITH '${prefix}'`;
    // Continue-as-new leaves one visibility record per run: keep the newest run of each workflow id.
    const byId = new Map<string, { startTime: Date; closeTime?: Date | undefined; status: string; agent?: unknown }>();
    const scanCap = limit * 10 + 100;
    let scanned = 0;
    await short(async () => {
      for await (const wf of client.workflow.list({ query, pageSize: Math.min(1000, limit * 2 + 10) })) {
        scanned++;
        const prev = byId.get(wf.workflowId);
        if (!prev || wf.startTime > prev.startTime) {
          if (!prev && byId.size >= limit) break;
          byId.set(wf.workflowId, { startTime: wf.startTime, closeTime: wf.closeTime, status: wf.status.name, agent: wf.memo?.['agent'] });
        }
        if (scanned >= scanCap) break;
      }
    });
    const sessions = [...byId]
      .sort((a, b) => b[1].startTime.getTime() - a[1].startTime.getTime())
      .map(([workflowId, w]) => ({
        id: workflowId.slice(prefix.length),
        status: LIST_STATUS[w.status] ?? ('unknown' as const),
        ...(typeof w.agent === 'string' ? { agent: w.agent } : {}),
        startTime: w.startTime.toISOString(),
        ...(w.closeTime ? { closeTime: w.closeTime.toISOString() } : {}),
      }));
    return c.json({ sessions }, 200);
  });

  app.openapi(getSessionRoute, async (c) => {
    const { id } = c.req.valid('param');
    const state: SessionState = await short(() => handleFor(c.get('tenant'), id).query(sessionStateQuery));
    return c.json(state, 200);
  });

  app.openapi(sendMessageRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { wait } = c.req.valid('query');
    const body = c.req.valid('json');
    const handle = handleFor(c.get('tenant'), id);
    const args: [typeof body] = [{ text: body.text, ...(body.interrupt !== undefined ? { interrupt: body.interrupt } : {}) }];
    const rejected = (message: string) => new ApiError(400, 'invalid_request', message, { field: 'text' });
    if (wait === 'false') {
      await runUpdate(
        handle,
        async () => {
          const update = await handle.startUpdate(sendMessageUpdate, { args, waitForStage: WorkflowUpdateStage.ACCEPTED });
          await throwIfRejected(update);
        },
        rejected,
      );
      return c.json({ accepted: true as const, sessionId: id }, 202);
    }
    const result = await runUpdate(handle, () => handle.executeUpdate(sendMessageUpdate, { args }), rejected);
    return c.json(result, 200);
  });

  app.openapi(eventsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { from } = c.req.valid('query');
    const lastEventId = c.req.valid('header')['last-event-id'];
    const fromOffset = lastEventId !== undefined ? Number(lastEventId) + 1 : (from ?? 0);
    const tenant = c.get('tenant');
    const workflowId = sessionWorkflowId(tenant, id);
    const status = await describeStatus(client.workflow.getHandle(workflowId));
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
    const handle = handleFor(c.get('tenant'), id);
    await runUpdate(
      handle,
      () =>
        handle.executeUpdate(approveToolUpdate, {
          args: [{ approvalId, approve: body.approve, ...(body.reason !== undefined ? { reason: body.reason } : {}) }],
        }),
      (message) => new ApiError(404, 'approval_not_found', message, { approvalId }),
    );
    return c.json({ accepted: true as const }, 200);
  });

  app.openapi(closeSessionRoute, async (c) => {
    const { id } = c.req.valid('param');
    const handle = handleFor(c.get('tenant'), id);
    const state = await runUpdate(
      handle,
      () => handle.executeUpdate(closeSessionUpdate, { args: [{ reason: 'closed by user' }] }),
      (message) => new ApiError(409, 'session_closed', message),
    );
    c.get('log').info('session closed by user', { sessionId: id });
    return c.json(state, 200);
  });

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

/** The session routes: `/v1/sessions` (start, list, state, messages, events, approvals, close). */
import { createRoute } from '@hono/zod-openapi';
import { ApiError } from '../http/errors';
import { errorResponses } from '../http/error-responses';
import { IdempotencyHeaders, idempotencyKeyOf } from '../http/idempotency';
import { requestContext, type GatewayApp } from '../http/env';
import { LIST_LIMIT_DEFAULT } from '../http/list-query';
import { createRouter, jsonBody, security } from '../http/router';
import { EventsHeaders, EventsQuery, resumeOffset, sseResponse, streamEvents, type SseSettings } from '../http/sse';
import {
  ApprovalBody,
  ApprovalParams,
  ApprovalResponse,
  CancelTurnResponse,
  CreateSessionBody,
  CreateSessionResponse,
  ListSessionsQuery,
  ListSessionsResponse,
  MessageAcceptedResponse,
  SendMessageBody,
  SendMessageQuery,
  SessionIdParams,
  SessionStateResponse,
  TurnParams,
  TurnResultResponse,
} from './schemas';
import type { SessionService } from './service';

const tags = ['sessions'];
/** The errors of a route on one session. */
const oneSession = { notFound: 'Session (or approval) not found', conflict: 'The session is closed (`session_closed`)' };

const createSessionRoute = createRoute({
  method: 'post',
  path: '/v1/sessions',
  tags,
  summary: 'Start a session (optionally with a first message)',
  security,
  description:
    'With a first message, answers when its turn ends (`reply`), or as soon as the turn waits for a tool approval (`pendingTurn`). ' +
    'Safe to retry with an `Idempotency-Key` (or a client-chosen `id`): a repeat answers the same session and never runs the message twice.',
  request: {
    headers: IdempotencyHeaders,
    body: jsonBody(CreateSessionBody, 'Session options and an optional first message (may be omitted)', false),
  },
  responses: {
    201: {
      description: 'Session created (or, for a repeat, the session the first request created); `reply` is the first turn when a message was given',
      content: { 'application/json': { schema: CreateSessionResponse } },
    },
    ...errorResponses({ body: true }),
  },
});

const listSessionsRoute = createRoute({
  method: 'get',
  path: '/v1/sessions',
  tags,
  summary: "List the tenant's sessions (newest first, from Temporal visibility: eventually consistent)",
  security,
  request: { query: ListSessionsQuery },
  responses: {
    200: { description: 'Sessions', content: { 'application/json': { schema: ListSessionsResponse } } },
    ...errorResponses({}),
  },
});

const getSessionRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}',
  tags,
  summary: 'Session state',
  security,
  request: { params: SessionIdParams },
  responses: {
    200: { description: 'Current state (closed sessions answer too)', content: { 'application/json': { schema: SessionStateResponse } } },
    ...errorResponses(oneSession),
  },
});

const sendMessageRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/messages',
  tags,
  summary: 'Send a message; waits for the turn unless wait=false',
  security,
  request: { params: SessionIdParams, query: SendMessageQuery, headers: IdempotencyHeaders, body: jsonBody(SendMessageBody, 'The user message') },
  responses: {
    200: { description: 'The finished turn', content: { 'application/json': { schema: TurnResultResponse } } },
    202: { description: 'Accepted (wait=false); follow /events for progress', content: { 'application/json': { schema: MessageAcceptedResponse } } },
    ...errorResponses({ ...oneSession, body: true }),
  },
});

const eventsRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/events',
  tags,
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
    200: sseResponse('text/event-stream of SessionEvent'),
    ...errorResponses(oneSession),
  },
});

const approvalRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/approvals/{approvalId}',
  tags,
  summary: 'Approve or deny a pending tool call',
  security,
  request: { params: ApprovalParams, headers: IdempotencyHeaders, body: jsonBody(ApprovalBody, 'The decision') },
  responses: {
    200: { description: 'Decision recorded', content: { 'application/json': { schema: ApprovalResponse } } },
    ...errorResponses({ ...oneSession, body: true }),
  },
});

const cancelTurnRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/turns/{turnId}/cancel',
  tags,
  summary: 'Cancel one turn (the session stays open)',
  description:
    'A running turn is cancelled like an interrupt: its tool calls and delegations are cancelled and its compensations run; ' +
    'its message answers `cancelled`. A queued message is dropped. A turn that has ended answers `cancelled: false`.',
  security,
  request: { params: TurnParams, headers: IdempotencyHeaders },
  responses: {
    200: { description: 'What the cancel did', content: { 'application/json': { schema: CancelTurnResponse } } },
    ...errorResponses(oneSession),
  },
});

const closeSessionRoute = createRoute({
  method: 'delete',
  path: '/v1/sessions/{id}',
  tags,
  summary: 'Close a session',
  security,
  request: { params: SessionIdParams, headers: IdempotencyHeaders },
  responses: {
    200: { description: 'Final state', content: { 'application/json': { schema: SessionStateResponse } } },
    ...errorResponses(oneSession),
  },
});

export function sessionRoutes(sessions: SessionService, sse: SseSettings): GatewayApp {
  const app = createRouter();

  app.openapi(createSessionRoute, async (c) => {
    const body = c.req.valid('json') ?? {};
    const created = await sessions.create(requestContext(c), { ...body, idempotencyKey: idempotencyKeyOf(c), returnOnApproval: true });
    return c.json(created, 201);
  });

  app.openapi(listSessionsRoute, async (c) => {
    const { limit = LIST_LIMIT_DEFAULT } = c.req.valid('query');
    return c.json({ sessions: await sessions.list(requestContext(c), limit) }, 200);
  });

  app.openapi(getSessionRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await sessions.state(requestContext(c), id), 200);
  });

  app.openapi(sendMessageRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { wait } = c.req.valid('query');
    const body = c.req.valid('json');
    if (wait === 'false') {
      await sessions.sendNoWait(requestContext(c), id, body, idempotencyKeyOf(c));
      return c.json({ accepted: true as const, sessionId: id }, 202);
    }
    return c.json(await sessions.send(requestContext(c), id, body, idempotencyKeyOf(c)), 200);
  });

  app.openapi(eventsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const fromOffset = resumeOffset(c.req.valid('query'), c.req.valid('header'));
    const ctx = requestContext(c);
    const status = await sessions.status(ctx, id);
    if (status === undefined) throw new ApiError(404, 'session_not_found', 'session not found');
    // A finished workflow can't be polled; a 409 (not an empty 200) also stops EventSource reconnect loops.
    if (status !== 'RUNNING') throw new ApiError(409, 'session_closed', 'session is closed; its event stream has ended');
    return streamEvents(c, sse, { open: () => sessions.events(ctx, id, fromOffset), fromOffset, logFields: { sessionId: id } });
  });

  app.openapi(approvalRoute, async (c) => {
    const { id, approvalId } = c.req.valid('param');
    const body = c.req.valid('json');
    await sessions.approve(requestContext(c), id, { approvalId, ...body }, idempotencyKeyOf(c));
    return c.json({ accepted: true as const }, 200);
  });

  app.openapi(cancelTurnRoute, async (c) => {
    const { id, turnId } = c.req.valid('param');
    return c.json(await sessions.cancelTurn(requestContext(c), id, turnId, idempotencyKeyOf(c)), 200);
  });

  app.openapi(closeSessionRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await sessions.close(requestContext(c), id, 'closed by user', idempotencyKeyOf(c)), 200);
  });

  return app;
}

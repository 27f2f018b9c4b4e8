/**
 * Tasks over HTTP: `/v1/tasks`. A task is a list of tool steps run in order as one saga
 * workflow (id `task/<tenant>/<id>`); its state comes from the workflow's query.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { CreateTaskBodySchema, TaskStateSchema } from '@hub/contracts';
import { ApiError } from '../http/errors';
import { errorResponses } from '../http/error-responses';
import type { GatewayApp } from '../http/env';
import { IdempotencyHeaders, idempotencyKeyOf } from '../http/idempotency';
import { createRouter, jsonBody, security } from '../http/router';
import { ApprovalBody, ApprovalResponse } from '../sessions/schemas';
import { EventsHeaders, EventsQuery, resumeOffset, sseResponse, streamEvents, type SseSettings } from '../http/sse';
import type { TaskService } from './service';

const TaskAccepted = z.object({ id: z.string() }).openapi('TaskAccepted');
const CancelAccepted = z.object({ accepted: z.literal(true), id: z.string() }).openapi('TaskCancelAccepted');
const IdParams = z.object({ id: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/).openapi({ param: { name: 'id', in: 'path' } }) });
const ApprovalParams = IdParams.extend({
  approvalId: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{1,64}$/)
    .openapi({ param: { name: 'approvalId', in: 'path' }, description: 'step-<index> (see the task\'s pendingApprovals)' }),
});
/** The errors of every task route. */
const errors = { invalid: 'Invalid request', notFound: 'Unknown task' } as const;
const retrySafe = 'Safe to retry with an `Idempotency-Key`: a repeat answers the original result and does not do the work again.';
const tags = ['tasks'];

const createTaskRoute = createRoute({
  method: 'post',
  path: '/v1/tasks',
  tags,
  summary: 'Start a saga task: steps run in order; on failure or cancel the completed steps are compensated in reverse order',
  description: [
    'A step whose tool requires approval (save_note, tools of servers marked requiresApproval: the same policy as session tool calls)',
    'pauses the task (status awaiting_approval) until POST /v1/tasks/{id}/approvals/{approvalId}; no decision within the approval',
    'timeout counts as a denial. A step whose call failed without an answer (timed out, out of retries, cancelled mid-call) is',
    `compensated too, since its effect may have happened. ${retrySafe} The task id is derived from the key.`,
  ].join(' '),
  security,
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: CreateTaskBodySchema.meta({ id: 'CreateTask' }) } } },
  },
  responses: {
    202: { description: 'Started (or, for a repeat with the same Idempotency-Key, the task it started)', content: { 'application/json': { schema: TaskAccepted } } },
    ...errorResponses({ ...errors, body: true, conflict: 'The Idempotency-Key was used for a different request (`conflict`)' }),
  },
});
const getTaskRoute = createRoute({
  method: 'get',
  path: '/v1/tasks/{id}',
  tags,
  summary: 'A task with the status of each step and each compensation',
  security,
  request: { params: IdParams },
  responses: { 200: { description: 'Task', content: { 'application/json': { schema: TaskStateSchema.meta({ id: 'Task' }) } } }, ...errorResponses(errors) },
});
const taskEventsRoute = createRoute({
  method: 'get',
  path: '/v1/tasks/{id}/events',
  tags,
  summary: 'Task events as Server-Sent Events (resumable with Last-Event-ID)',
  description: [
    'Events: step.started, step.completed, step.failed, step.skipped, approval.requested, approval.resolved, compensation.registered,',
    'compensation.started, compensation.completed, compensation.failed, task.status. Each is sent as `id: <offset>`, `event: <type>`, `data: <JSON>`;',
    'resume with `Last-Event-ID` (or `?from=`). When the task has already finished, one `task.status` event (without id)',
    'carries its final status, then `stream.end`.',
  ].join(' '),
  security,
  request: { params: IdParams, query: EventsQuery, headers: EventsHeaders },
  responses: {
    200: sseResponse('text/event-stream of TaskEvent'),
    ...errorResponses(errors),
  },
});
const cancelTaskRoute = createRoute({
  method: 'post',
  path: '/v1/tasks/{id}/cancel',
  tags,
  summary: 'Cancel a task: the running step is cancelled and the completed steps are compensated',
  description: retrySafe,
  security,
  request: { params: IdParams, headers: IdempotencyHeaders },
  responses: { 202: { description: 'Cancellation requested', content: { 'application/json': { schema: CancelAccepted } } }, ...errorResponses(errors) },
});
const approveTaskRoute = createRoute({
  method: 'post',
  path: '/v1/tasks/{id}/approvals/{approvalId}',
  tags,
  summary: 'Approve or deny a task step that waits for approval (the same decision body as session approvals)',
  description: `A denied step fails without running; the completed steps before it are compensated. ${retrySafe}`,
  security,
  request: { params: ApprovalParams, headers: IdempotencyHeaders, body: jsonBody(ApprovalBody, 'The decision') },
  responses: {
    200: { description: 'Decision recorded', content: { 'application/json': { schema: ApprovalResponse } } },
    ...errorResponses({ invalid: 'Invalid request', notFound: 'Unknown task, or no such approval pending (`approval_not_found`)', body: true }),
  },
});

export function taskRoutes(tasks: TaskService, sse: SseSettings): GatewayApp {
  const app = createRouter();

  app.openapi(createTaskRoute, async (c) => {
    const { id } = await tasks.start(c.get('tenant'), c.req.valid('json'), idempotencyKeyOf(c));
    return c.json({ id }, 202);
  });

  app.openapi(getTaskRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await tasks.get(c.get('tenant'), id), 200);
  });

  app.openapi(taskEventsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const tenant = c.get('tenant');
    const fromOffset = resumeOffset(c.req.valid('query'), c.req.valid('header'));
    const status = await tasks.status(tenant, id);
    if (status === undefined) throw new ApiError(404, 'not_found', `no task '${id}'`);
    return streamEvents(c, sse, {
      open: () => tasks.events(tenant, id, fromOffset),
      fromOffset,
      endReason: 'task finished',
      closed:
        status === 'RUNNING'
          ? undefined
          : async () => {
              const state = await tasks.get(tenant, id);
              return { event: 'task.status', data: { type: 'task.status', status: state.status, ...(state.error ? { error: state.error } : {}) } };
            },
      logFields: { taskId: id },
    });
  });

  app.openapi(cancelTaskRoute, async (c) => {
    const { id } = c.req.valid('param');
    await tasks.cancel(c.get('tenant'), id, idempotencyKeyOf(c));
    return c.json({ accepted: true as const, id }, 202);
  });

  app.openapi(approveTaskRoute, async (c) => {
    const { id, approvalId } = c.req.valid('param');
    const body = c.req.valid('json');
    await tasks.approve(c.get('tenant'), id, { approvalId, ...body }, idempotencyKeyOf(c));
    return c.json({ accepted: true as const }, 200);
  });

  return app;
}

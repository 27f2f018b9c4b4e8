/**
 * Tasks over HTTP: `/v1/tasks`. A task is a list of tool steps run in order as one saga
 * workflow (id `task/<tenant>/<id>`); its state comes from the workflow's query.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { CreateTaskBodySchema, TaskStateSchema } from '@hub/contracts';
import { ApiError } from '../http/errors';
import { errorResponses } from '../http/error-responses';
import type { GatewayApp } from '../http/env';
import { createRouter } from '../http/router';
import { EventsHeaders, EventsQuery, resumeOffset, sseResponse, streamEvents, type SseSettings } from '../http/sse';
import type { TaskService } from './service';

const TaskAccepted = z.object({ id: z.string() }).openapi('TaskAccepted');
const CancelAccepted = z.object({ accepted: z.literal(true), id: z.string() }).openapi('TaskCancelAccepted');
const IdParams = z.object({ id: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/).openapi({ param: { name: 'id', in: 'path' } }) });
/** The errors of every task route. */
const errors = { invalid: 'Invalid request', notFound: 'Unknown task' } as const;
const tags = ['tasks'];

const createTaskRoute = createRoute({
  method: 'post',
  path: '/v1/tasks',
  tags,
  summary: 'Start a saga task: steps run in order; on failure or cancel the completed steps are compensated in reverse order',
  request: { body: { required: true, content: { 'application/json': { schema: CreateTaskBodySchema.meta({ id: 'CreateTask' }) } } } },
  responses: { 202: { description: 'Started', content: { 'application/json': { schema: TaskAccepted } } }, ...errorResponses({ ...errors, body: true }) },
});
const getTaskRoute = createRoute({
  method: 'get',
  path: '/v1/tasks/{id}',
  tags,
  summary: 'A task with the status of each step and each compensation',
  request: { params: IdParams },
  responses: { 200: { description: 'Task', content: { 'application/json': { schema: TaskStateSchema.meta({ id: 'Task' }) } } }, ...errorResponses(errors) },
});
const taskEventsRoute = createRoute({
  method: 'get',
  path: '/v1/tasks/{id}/events',
  tags,
  summary: 'Task events as Server-Sent Events (resumable with Last-Event-ID)',
  description: [
    'Events: step.started, step.completed, step.failed, step.skipped, compensation.registered, compensation.started,',
    'compensation.completed, compensation.failed, task.status. Each is sent as `id: <offset>`, `event: <type>`, `data: <JSON>`;',
    'resume with `Last-Event-ID` (or `?from=`). When the task has already finished, one `task.status` event (without id)',
    'carries its final status, then `stream.end`.',
  ].join(' '),
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
  request: { params: IdParams },
  responses: { 202: { description: 'Cancellation requested', content: { 'application/json': { schema: CancelAccepted } } }, ...errorResponses(errors) },
});

export function taskRoutes(tasks: TaskService, sse: SseSettings): GatewayApp {
  const app = createRouter();

  app.openapi(createTaskRoute, async (c) => {
    const { id } = await tasks.start(c.get('tenant'), c.req.valid('json'));
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
    await tasks.cancel(c.get('tenant'), id);
    return c.json({ accepted: true as const, id }, 202);
  });

  return app;
}

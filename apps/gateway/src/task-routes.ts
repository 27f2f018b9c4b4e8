/**
 * Saga tasks over HTTP: `/v1/tasks`. Each task is one `sagaTask` workflow
 * (id `task/<tenant>/<id>`); its state comes from the workflow's query.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  CreateTaskBodySchema,
  SAGA_TASK_WORKFLOW_TYPE,
  TaskStateSchema,
  taskStateQuery,
  taskWorkflowId,
  type TaskWorkflowInput,
} from '@hub/contracts';
import { streamSSE } from 'hono/streaming';
import { shortCalls } from './sessions';
import { ApiError, ErrorResponseSchema, toApiError } from './errors';
import { workflowSse, type OpenStream } from './events';
import { EventsHeaders, EventsQuery } from './schemas';
import type { GatewayApp } from './app';

export interface TaskRoutesOptions {
  client: Client;
  taskQueue: string;
  rpcTimeoutMs?: number;
  openStream: OpenStream;
  keepAliveMs: number;
  shutdownSignal?: AbortSignal | undefined;
}

const TaskAccepted = z.object({ id: z.string() }).openapi('TaskAccepted');
const CancelAccepted = z.object({ accepted: z.literal(true), id: z.string() }).openapi('TaskCancelAccepted');
const IdParams = z.object({ id: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/).openapi({ param: { name: 'id', in: 'path' } }) });
const errors = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorResponseSchema } } },
  404: { description: 'Unknown task', content: { 'application/json': { schema: ErrorResponseSchema } } },
};
const tags = ['tasks'];

const createTaskRoute = createRoute({
  method: 'post',
  path: '/v1/tasks',
  tags,
  summary: 'Start a saga task: steps run in order; on failure or cancel the completed steps are compensated in reverse order',
  request: { body: { required: true, content: { 'application/json': { schema: CreateTaskBodySchema.meta({ id: 'CreateTask' }) } } } },
  responses: { 202: { description: 'Started', content: { 'application/json': { schema: TaskAccepted } } }, ...errors },
});
const getTaskRoute = createRoute({
  method: 'get',
  path: '/v1/tasks/{id}',
  tags,
  summary: 'A task with the status of each step and each compensation',
  request: { params: IdParams },
  responses: { 200: { description: 'Task', content: { 'application/json': { schema: TaskStateSchema.meta({ id: 'Task' }) } } }, ...errors },
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
    200: { description: 'text/event-stream of TaskEvent', content: { 'text/event-stream': { schema: z.string().openapi({ description: 'SSE stream' }) } } },
    ...errors,
  },
});
const cancelTaskRoute = createRoute({
  method: 'post',
  path: '/v1/tasks/{id}/cancel',
  tags,
  summary: 'Cancel a task: the running step is cancelled and the completed steps are compensated',
  request: { params: IdParams },
  responses: { 202: { description: 'Cancellation requested', content: { 'application/json': { schema: CancelAccepted } } }, ...errors },
});

export function mountTaskRoutes(app: GatewayApp, opts: TaskRoutesOptions): void {
  const { client, taskQueue } = opts;
  const short = shortCalls(client, opts.rpcTimeoutMs);
  const notFound = (id: string) => (err: unknown): never => {
    if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'not_found', `no task '${id}'`);
    throw err;
  };

  app.openapi(createTaskRoute, async (c) => {
    const body = c.req.valid('json');
    const tenant = c.get('tenant');
    const id = randomUUID();
    const input: TaskWorkflowInput = { id, tenant, steps: body.steps };
    await short(() =>
      client.workflow.start(SAGA_TASK_WORKFLOW_TYPE, {
        workflowId: taskWorkflowId(tenant, id),
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
      }),
    );
    return c.json({ id }, 202);
  });

  app.openapi(getTaskRoute, async (c) => {
    const { id } = c.req.valid('param');
    const state = await short(() => client.workflow.getHandle(taskWorkflowId(c.get('tenant'), id)).query(taskStateQuery)).catch(notFound(id));
    return c.json(state, 200);
  });

  app.openapi(taskEventsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { from } = c.req.valid('query');
    const lastEventId = c.req.valid('header')['last-event-id'];
    const fromOffset = lastEventId !== undefined ? Number(lastEventId) + 1 : (from ?? 0);
    const handle = client.workflow.getHandle(taskWorkflowId(c.get('tenant'), id));
    const status = (await short(() => handle.describe()).catch(notFound(id))).status.name;
    return streamSSE(c, (stream) =>
      workflowSse(stream, {
        openStream: opts.openStream,
        workflowId: handle.workflowId,
        status,
        fromOffset,
        keepAliveMs: opts.keepAliveMs,
        shutdown: opts.shutdownSignal,
        log: c.get('log'),
        endReason: 'task finished',
        outcome: async () => {
          const state = await short(() => handle.query(taskStateQuery));
          return { event: 'task.status', data: { type: 'task.status', status: state.status, ...(state.error ? { error: state.error } : {}) } };
        },
        describeError: (e) => {
          const a = toApiError(e);
          return { code: a.code, message: a.message };
        },
      }),
    );
  });

  app.openapi(cancelTaskRoute, async (c) => {
    const { id } = c.req.valid('param');
    await short(() => client.workflow.getHandle(taskWorkflowId(c.get('tenant'), id)).cancel()).catch(notFound(id));
    return c.json({ accepted: true as const, id }, 202);
  });
}

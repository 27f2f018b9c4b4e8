/**
 * The task service: start, read, stream and cancel tasks (the API's `task` resource: a list of
 * tool steps run as one saga workflow each, id `task/<tenant>/<id>`, whose completed steps are
 * compensated in reverse order on failure or cancel). Used by the REST routes (tasks/routes.ts).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WORKFLOW_TYPES, taskStateQuery, taskWorkflowId, type CreateTaskBody, type TaskState, type TaskWorkflowInput } from '@hub/contracts';
import { ApiError } from '../http/errors';
import { shortCalls } from '../temporal/deadlines';
import { withApiErrors } from '../temporal/failures';
import { workflowStatus } from '../temporal/status';
import { defaultOpenStream, type OpenStream, type StreamItem } from '../temporal/streams';

export interface TaskService {
  start(tenant: string, body: CreateTaskBody): Promise<{ id: string }>;
  /** The task with the status of each step and each compensation. */
  get(tenant: string, id: string): Promise<TaskState>;
  /** Temporal status of the task's workflow (RUNNING, COMPLETED, …), or undefined when there is none. */
  status(tenant: string, id: string): Promise<string | undefined>;
  /** Requests cancellation: the running step is cancelled and the completed steps are compensated. */
  cancel(tenant: string, id: string): Promise<void>;
  /** The task's event stream from `fromOffset` (all topics; see http/sse.ts). */
  events(tenant: string, id: string, fromOffset: number): AsyncGenerator<StreamItem, void, unknown>;
}

export interface TaskServiceOptions {
  client: Client;
  taskQueue: string;
  rpcTimeoutMs?: number | undefined;
  /** Opens a task's event subscription. Default: the workflow-streams client. */
  openStream?: OpenStream | undefined;
}

export function createTaskService(opts: TaskServiceOptions): TaskService {
  const { client, taskQueue } = opts;
  const short = shortCalls(client, opts.rpcTimeoutMs);
  const openStream = opts.openStream ?? defaultOpenStream(client);
  const handleFor = (tenant: string, id: string): WorkflowHandle => client.workflow.getHandle(taskWorkflowId(tenant, id));
  const notFound = (id: string) => (err: unknown): never => {
    if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'not_found', `no task '${id}'`);
    throw err;
  };

  return withApiErrors<TaskService>({
    async start(tenant, body) {
      const id = randomUUID();
      const input: TaskWorkflowInput = { id, tenant, steps: body.steps };
      await short(() =>
        client.workflow.start(WORKFLOW_TYPES.task, {
          workflowId: taskWorkflowId(tenant, id),
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
        }),
      );
      return { id };
    },

    get(tenant, id) {
      return short(() => handleFor(tenant, id).query(taskStateQuery)).catch(notFound(id));
    },

    status(tenant, id) {
      return workflowStatus(short, handleFor(tenant, id));
    },

    async cancel(tenant, id) {
      await short(() => handleFor(tenant, id).cancel()).catch(notFound(id));
    },

    events(tenant, id, fromOffset) {
      return openStream(taskWorkflowId(tenant, id), fromOffset);
    },
  });
}

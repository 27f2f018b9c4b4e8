/**
 * The task service: start, read, stream, approve and cancel tasks (the API's `task` resource: a
 * list of tool steps run as one saga workflow each, id `task/<tenant>/<id>`, whose completed steps
 * are compensated in reverse order on failure or cancel). Used by the REST routes (tasks/routes.ts).
 *
 * Idempotency (`Idempotency-Key`, see http/idempotency.ts): a start with a key derives the task id
 * from (tenant, route, key), so a repeat finds the same workflow (running or ended) and answers the
 * same id; a repeat with a different body is a 409. An approval with a key is an update with an id
 * derived from the key (Temporal answers a repeat with the original outcome). A cancel repeated
 * after the task ended answers 202 again when the task was cancelled.
 */
import { randomUUID } from 'node:crypto';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import {
  DEFAULTS,
  WORKFLOW_TYPES,
  approveTaskStepUpdate,
  taskStateQuery,
  taskWorkflowId,
  type CreateTaskBody,
  type TaskState,
  type TaskWorkflowInput,
} from '@hub/contracts';
import { ApiError } from '../http/errors';
import { IDEMPOTENT_START, assertSameRequest, idempotencyMemo, idempotentId, idempotentUpdateId, requestFingerprint } from '../http/idempotency';
import { shortCalls } from '../temporal/deadlines';
import { withApiErrors } from '../temporal/failures';
import { workflowStatus } from '../temporal/status';
import { defaultOpenStream, type OpenStream, type StreamItem } from '../temporal/streams';

/** Route names the idempotency keys are scoped by. */
export const TASK_ROUTES = {
  create: 'POST /v1/tasks',
  approve: 'POST /v1/tasks/{id}/approvals/{approvalId}',
  cancel: 'POST /v1/tasks/{id}/cancel',
} as const;

export interface TaskDecision {
  approvalId: string;
  approve: boolean;
  reason?: string | undefined;
}

export interface TaskService {
  /** Starts a task; with an idempotency key, a repeat answers the task the first request started. */
  start(tenant: string, body: CreateTaskBody, idempotencyKey?: string): Promise<{ id: string }>;
  /** The task with the status of each step and each compensation. */
  get(tenant: string, id: string): Promise<TaskState>;
  /** Temporal status of the task's workflow (RUNNING, COMPLETED, …), or undefined when there is none. */
  status(tenant: string, id: string): Promise<string | undefined>;
  /** Approves or denies a step waiting for approval (404 `approval_not_found` unless it is pending). */
  approve(tenant: string, id: string, decision: TaskDecision, idempotencyKey?: string): Promise<void>;
  /** Requests cancellation: the running step is cancelled and the completed steps are compensated. */
  cancel(tenant: string, id: string, idempotencyKey?: string): Promise<void>;
  /** The task's event stream from `fromOffset` (all topics; see http/sse.ts). */
  events(tenant: string, id: string, fromOffset: number): AsyncGenerator<StreamItem, void, unknown>;
}

export interface TaskServiceOptions {
  client: Client;
  taskQueue: string;
  rpcTimeoutMs?: number | undefined;
  /** Time a step's approval may wait before it counts as denied (default: the sessions' default). */
  approvalTimeoutMs?: number | undefined;
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
    async start(tenant, body, key) {
      const id = key !== undefined ? idempotentId(tenant, TASK_ROUTES.create, key) : randomUUID();
      const input: TaskWorkflowInput = { id, tenant, steps: body.steps, approvalTimeoutMs: opts.approvalTimeoutMs ?? DEFAULTS.approvalTimeoutMs };
      const fingerprint = requestFingerprint(body);
      try {
        await short(() =>
          client.workflow.start(WORKFLOW_TYPES.task, {
            workflowId: taskWorkflowId(tenant, id),
            taskQueue,
            args: [input],
            ...(key !== undefined ? { ...IDEMPOTENT_START, memo: idempotencyMemo(fingerprint) } : { workflowIdConflictPolicy: 'FAIL' as const }),
          }),
        );
      } catch (err) {
        // A repeat after the task ended (REJECT_DUPLICATE): the same task, unless the body differs.
        if (key === undefined || !(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      if (key !== undefined) {
        // A running workflow is reused (USE_EXISTING) without comparing bodies: compare here.
        const description = await short(() => handleFor(tenant, id).describe());
        assertSameRequest(description.memo, fingerprint, `task '${id}'`);
      }
      return { id };
    },

    get(tenant, id) {
      return short(() => handleFor(tenant, id).query(taskStateQuery)).catch(notFound(id));
    },

    status(tenant, id) {
      return workflowStatus(short, handleFor(tenant, id));
    },

    async approve(tenant, id, decision, key) {
      const handle = handleFor(tenant, id);
      const status = await workflowStatus(short, handle);
      if (status === undefined) throw new ApiError(404, 'not_found', `no task '${id}'`);
      try {
        await short(() =>
          handle.executeUpdate(approveTaskStepUpdate, {
            args: [{ approvalId: decision.approvalId, approve: decision.approve, ...(decision.reason !== undefined ? { reason: decision.reason } : {}) }],
            ...(key !== undefined ? { updateId: idempotentUpdateId(tenant, `${TASK_ROUTES.approve} ${id}`, key) } : {}),
          }),
        );
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === 'ApprovalNotFound') {
          throw new ApiError(404, 'approval_not_found', err.cause.message, { approvalId: decision.approvalId });
        }
        if (err instanceof WorkflowNotFoundError || status !== 'RUNNING') {
          throw new ApiError(404, 'approval_not_found', `task '${id}' has ended: no approval is pending`, { approvalId: decision.approvalId });
        }
        throw err;
      }
    },

    async cancel(tenant, id, key) {
      const handle = handleFor(tenant, id);
      try {
        await short(() => handle.cancel());
      } catch (err) {
        if (err instanceof WorkflowNotFoundError && key !== undefined) {
          // A repeat of a cancel that took effect: the task ended cancelled.
          const state = await short(() => handle.query(taskStateQuery)).catch(notFound(id));
          if (state.cancelled) return;
        }
        notFound(id)(err);
      }
    },

    events(tenant, id, fromOffset) {
      return openStream(taskWorkflowId(tenant, id), fromOffset);
    },
  });
}

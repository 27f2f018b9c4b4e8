/**
 * The SDK's TaskStore over the sessions: nothing is kept in the gateway. `load` rebuilds a task from its
 * session's state (tasks.ts), so a task survives a gateway or worker restart and every gateway instance
 * answers it; the tenant scopes it (a session's workflow id carries the tenant, so another tenant's task is
 * not found). `save` has nothing to write (the session records the turn itself) except a cancellation, which
 * it carries out on the session (service.ts `cancelTurn`).
 */
import { TaskState, type ListTasksRequest, type ListTasksResponse, type Task } from '@a2a-js/sdk';
import { RequestMalformedError } from '@a2a-js/sdk/errors';
import type { ServerCallContext, TaskStore } from '@a2a-js/sdk/server';
import type { SessionState } from '@hub/contracts';
import { ApiError } from '../http/errors';
import type { RequestContext } from '../request-context';
import type { SessionService } from '../sessions/service';
import { isTerminal, parseTaskId, taskFromState, type TaskRef } from './tasks';

const HUB_CONTEXT = 'hub.requestContext';

/** Puts the hub's request context (tenant, logger, abort signal) on the SDK's call context. */
export function withHubContext(context: ServerCallContext, ctx: RequestContext): ServerCallContext {
  context.state.set(HUB_CONTEXT, ctx);
  return context;
}

export function hubContextOf(context: ServerCallContext): RequestContext {
  const ctx = context.state.get(HUB_CONTEXT) as RequestContext | undefined;
  if (!ctx) throw new Error('A2A call without the hub request context');
  return ctx;
}

/** A session's state, or undefined when the tenant has no such session. */
export async function sessionStateOrUndefined(sessions: SessionService, ctx: RequestContext, sessionId: string): Promise<SessionState | undefined> {
  try {
    return await sessions.state(ctx, sessionId);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'session_not_found') return undefined;
    throw err;
  }
}

export interface SessionTaskStoreDeps {
  sessions: SessionService;
  /** Stops the turn of a task (the session is told; resolves once the turn has ended). */
  cancelTurn(ctx: RequestContext, ref: TaskRef): Promise<void>;
}

export class SessionTaskStore implements TaskStore {
  constructor(private readonly deps: SessionTaskStoreDeps) {}

  async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    const ref = parseTaskId(taskId);
    if (!ref) return undefined;
    const state = await sessionStateOrUndefined(this.deps.sessions, hubContextOf(context), ref.sessionId);
    return state ? taskFromState(state, ref) : undefined;
  }

  async save(task: Task, context: ServerCallContext): Promise<void> {
    if (task.status?.state !== TaskState.TASK_STATE_CANCELED) return;
    const ref = parseTaskId(task.id);
    if (!ref) return;
    const ctx = hubContextOf(context);
    const current = await this.load(task.id, context);
    if (!current || isTerminal(current.status?.state)) return;
    await this.deps.cancelTurn(ctx, ref);
  }

  /** The tasks of one context (`contextId` is required: a context is a session). */
  async list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    if (!params.contextId) throw new RequestMalformedError('contextId is required: tasks are listed per context (session)');
    const state = await sessionStateOrUndefined(this.deps.sessions, hubContextOf(context), params.contextId);
    const tasks: Task[] = [];
    if (state) {
      const total = state.turns + state.queued + (state.status === 'running' || state.status === 'awaiting_approval' ? 1 : 0);
      for (let n = total; n >= 1; n--) {
        const task = taskFromState(state, { sessionId: params.contextId, turnId: `turn-${n}` });
        if (!task) continue;
        if (params.status && task.status?.state !== params.status) continue;
        tasks.push(params.includeArtifacts ? task : { ...task, artifacts: [] });
      }
    }
    const pageSize = params.pageSize ?? 50;
    const start = params.pageToken ? tasks.findIndex((t) => t.id === params.pageToken) : 0;
    const page = tasks.slice(Math.max(0, start), Math.max(0, start) + pageSize);
    const next = tasks[Math.max(0, start) + pageSize];
    return { tasks: page, nextPageToken: next ? next.id : '', pageSize, totalSize: tasks.length };
  }
}


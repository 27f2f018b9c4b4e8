/**
 * What a new message is checked for before the SDK's handler runs the executor, so a refusal is an error of the
 * call rather than a failed task: its text, its context id, the context's agent (a context is one agent's
 * conversation) and state, the tenant's session quota. Protocol mistakes are the SDK's `RequestMalformedError`
 * (JSON-RPC -32602); the hub's own refusals (a closed context, a quota) are ApiErrors answered as HTTP errors
 * (service.ts rethrows the one recorded here once the SDK's transport has answered). A message opening a new
 * context gets a context id derived from its messageId. A resubscription follows the task's session, so it works
 * on any gateway instance.
 */
import type { Message, SendMessageRequest, StreamResponse, SubscribeToTaskRequest, Task } from '@a2a-js/sdk';
import { RequestMalformedError, TaskNotFoundError, UnsupportedOperationError } from '@a2a-js/sdk/errors';
import {
  DefaultExecutionEventBus,
  ExecutionEventQueue,
  type A2ARequestHandler,
  type ExecutionEventBus,
  type ServerCallContext,
  type TaskStore,
} from '@a2a-js/sdk/server';
import { SESSION_ID_RE, parseAgentRef } from '@hub/contracts';
import { ApiError } from '../http/errors';
import { idempotentId } from '../http/idempotency';
import type { Admission } from '../quotas/admission';
import type { RequestContext } from '../request-context';
import type { SessionService } from '../sessions/service';
import { hubContextOf } from './task-store';
import { isTerminal, parseTaskId, textOf, type TaskRef } from './tasks';

export interface MessageCheckDeps {
  sessions: SessionService;
  /** The agent the route serves (`name` or `name@version`). */
  agent: string;
  admission?: Admission | undefined;
}

/** What a resubscription needs: the tasks, the stream's offset, and the executor's follower. */
export interface ResubscribeDeps {
  store: TaskStore;
  streamOffset(ctx: RequestContext, sessionId: string): Promise<number>;
  followTurn(ctx: RequestContext, bus: ExecutionEventBus, ref: TaskRef, offset: number, agent: string): Promise<void>;
}

/** Checks a message that opens a task (a message on an existing task is the SDK's to check). */
export async function checkNewMessage(deps: MessageCheckDeps, message: Message | undefined, context: ServerCallContext): Promise<void> {
  if (!message || message.taskId) return;
  if (!textOf(message)) throw new RequestMalformedError('message.parts: a non-empty text (or data) part is required');
  const ctx = hubContextOf(context);
  const sessionId = message.contextId;
  if (sessionId) {
    if (!SESSION_ID_RE.test(sessionId)) throw new RequestMalformedError(`message.contextId must match ${String(SESSION_ID_RE)}`);
    const status = await deps.sessions.status(ctx, sessionId);
    if (status === 'RUNNING') {
      // The agent it started with (handoffs may have moved the conversation on since).
      const state = await deps.sessions.state(ctx, sessionId);
      const root = state.handoffs?.[0]?.from ?? state.agent;
      const served = parseAgentRef(deps.agent)?.name ?? deps.agent;
      if (root !== served) throw new RequestMalformedError(`message.contextId: context '${sessionId}' is a conversation with the agent '${root}', not '${served}'`);
      return;
    }
    if (status !== undefined) throw new ApiError(409, 'session_closed', `context '${sessionId}' has ended (its session is closed)`, { contextId: sessionId });
  }
  await deps.admission?.session(ctx.tenant);
}

/** The SDK's handler with {@link checkNewMessage} in front of its sends; `refusal` holds the ApiError a check threw. */
export class CheckedRequestHandler implements A2ARequestHandler {
  refusal: ApiError | undefined;

  constructor(
    private readonly inner: A2ARequestHandler,
    private readonly deps: MessageCheckDeps & ResubscribeDeps,
  ) {}

  /**
   * Checks the message; a new message without a context gets one derived from its messageId (not a random one),
   * so a resend of a lost first message reaches the same session and runs once.
   */
  private async check(params: SendMessageRequest, context: ServerCallContext): Promise<SendMessageRequest> {
    const message = params.message;
    const opened =
      message && !message.taskId && !message.contextId && message.messageId
        ? { ...params, message: { ...message, contextId: idempotentId(hubContextOf(context).tenant, `A2A ${this.deps.agent}`, message.messageId) } }
        : params;
    try {
      await checkNewMessage(this.deps, opened.message, context);
    } catch (err) {
      if (err instanceof ApiError) this.refusal = err;
      throw err;
    }
    return opened;
  }

  getAgentCard = () => this.inner.getAgentCard();
  getAuthenticatedExtendedAgentCard: A2ARequestHandler['getAuthenticatedExtendedAgentCard'] = (p, c) => this.inner.getAuthenticatedExtendedAgentCard(p, c);

  async sendMessage(params: SendMessageRequest, context: ServerCallContext): Promise<Message | Task> {
    return this.inner.sendMessage(await this.check(params, context), context);
  }

  async *sendMessageStream(params: SendMessageRequest, context: ServerCallContext): AsyncGenerator<StreamResponse, void, undefined> {
    yield* this.inner.sendMessageStream(await this.check(params, context), context);
  }

  getTask: A2ARequestHandler['getTask'] = (p, c) => this.inner.getTask(p, c);
  cancelTask: A2ARequestHandler['cancelTask'] = (p, c) => this.inner.cancelTask(p, c);
  listTasks: A2ARequestHandler['listTasks'] = (p, c) => this.inner.listTasks(p, c);
  /**
   * Subscribes to a running task from any gateway instance (the SDK's handler only knows executions of its
   * own process): the task as the session has it, then its turn's events from the session's stream.
   */
  async *resubscribe(params: SubscribeToTaskRequest, context: ServerCallContext): AsyncGenerator<StreamResponse, void, undefined> {
    const ref = parseTaskId(params.id);
    if (!ref) {
      yield* this.inner.resubscribe(params, context); // the SDK's answer to an id the hub never hands out
      return;
    }
    const ctx = hubContextOf(context);
    const offset = await this.deps.streamOffset(ctx, ref.sessionId);
    const task = await this.deps.store.load(params.id, context);
    if (!task) throw new TaskNotFoundError(`Task not found: ${params.id}`);
    if (isTerminal(task.status?.state)) throw new UnsupportedOperationError(`Task ${params.id} has ended and cannot be subscribed to`);
    yield { payload: { $case: 'task', value: task } };
    const bus = new DefaultExecutionEventBus();
    const queue = new ExecutionEventQueue(bus);
    const abort = new AbortController();
    const following = this.deps
      .followTurn({ ...ctx, signal: abort.signal }, bus, ref, offset, this.deps.agent)
      .catch((err: unknown) => ctx.log.warn('a2a resubscription ended early', { taskId: params.id, err: err instanceof Error ? err.message : String(err) }))
      .finally(() => bus.finished());
    try {
      for await (const event of queue.events()) {
        if (event.kind === 'statusUpdate') yield { payload: { $case: 'statusUpdate', value: event.data } };
        else if (event.kind === 'artifactUpdate') yield { payload: { $case: 'artifactUpdate', value: event.data } };
      }
    } finally {
      queue.stop();
      abort.abort();
      await following;
    }
  }
  createTaskPushNotificationConfig: A2ARequestHandler['createTaskPushNotificationConfig'] = (p, c) => this.inner.createTaskPushNotificationConfig(p, c);
  getTaskPushNotificationConfig: A2ARequestHandler['getTaskPushNotificationConfig'] = (p, c) => this.inner.getTaskPushNotificationConfig(p, c);
  listTaskPushNotificationConfigs: A2ARequestHandler['listTaskPushNotificationConfigs'] = (p, c) => this.inner.listTaskPushNotificationConfigs(p, c);
  deleteTaskPushNotificationConfig: A2ARequestHandler['deleteTaskPushNotificationConfig'] = (p, c) => this.inner.deleteTaskPushNotificationConfig(p, c);
}

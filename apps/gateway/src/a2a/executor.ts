/**
 * The SDK's AgentExecutor over the session service. A message without a task is a new turn of the context's
 * session (started with the route's agent when the context is new); its A2A `messageId` is the idempotency key
 * of the session's `sendMessage` update, so a resent message is the same update and never runs twice. A
 * message on a task waiting for an approval (`input-required`) is the decision. Events come from the session's
 * durable stream (events.ts); the turn's end from its update's result or its stream.
 */
import { TaskState, type Message } from '@a2a-js/sdk';
import { RequestMalformedError, UnsupportedOperationError } from '@a2a-js/sdk/errors';
import type { AgentExecutor, ExecutionEventBus, RequestContext as A2aRequestContext } from '@a2a-js/sdk/server';
import { SESSION_ID_RE, type PendingApproval, type SessionEvent, type TurnResult } from '@hub/contracts';
import { ApiError } from '../http/errors';
import type { RequestContext } from '../request-context';
import type { SessionService } from '../sessions/service';
import type { StreamItem } from '../temporal/streams';
import { TaskPublisher, turnEndOf, type TurnEnd } from './events';
import { hubContextOf, sessionStateOrUndefined } from './task-store';
import { parseTaskId, textOf, type TaskRef } from './tasks';

const AGENT_KEY = 'hub.agent';

export interface ExecutorDeps {
  sessions: SessionService;
  /** The offset the session's event stream is at (events from it on are new). */
  streamOffset(ctx: RequestContext, sessionId: string): Promise<number>;
}

export const setServedAgent = (state: Map<string, unknown>, agent: string): void => void state.set(AGENT_KEY, agent);

const APPROVE_RE = /^\s*(approve[d]?|yes|y|ok|allow(ed)?|confirm(ed)?)\b/i;

/** An approval decision from a reply: a data part `{approve, reason?, approvalId?}`, or text ("approve", "yes", …; anything else denies). */
export function decisionOf(message: Message): { approve: boolean; reason?: string; approvalId?: string } {
  for (const part of message.parts ?? []) {
    const c = part.content;
    if (c?.$case === 'data' && c.value && typeof c.value === 'object' && typeof (c.value as { approve?: unknown }).approve === 'boolean') {
      const v = c.value as { approve: boolean; reason?: unknown; approvalId?: unknown };
      return {
        approve: v.approve,
        ...(typeof v.reason === 'string' ? { reason: v.reason } : {}),
        ...(typeof v.approvalId === 'string' ? { approvalId: v.approvalId } : {}),
      };
    }
  }
  const text = textOf(message);
  return APPROVE_RE.test(text) ? { approve: true } : { approve: false, ...(text ? { reason: text } : {}) };
}

type Step = { kind: 'event'; item: IteratorResult<StreamItem> } | { kind: 'result'; result: TurnResult } | { kind: 'error'; err: unknown } | { kind: 'drained' } | { kind: 'probe' };
/** How long a message's turn is looked for in the stream before the session's state is asked (a resend of a running message). */
const PROBE_MS = 1_000;
/** How long the stream is still read after the turn's result arrived (its last events are on their way). */
const DRAIN_MS = 2_000;

export class SessionAgentExecutor implements AgentExecutor {
  constructor(private readonly deps: ExecutorDeps) {}

  async execute(request: A2aRequestContext, bus: ExecutionEventBus): Promise<void> {
    const ctx = hubContextOf(request.context);
    const agent = request.context.state.get(AGENT_KEY) as string;
    if (request.task) return this.continueTask(ctx, request, bus, agent);
    const message = request.userMessage;
    const text = textOf(message);
    if (!text) throw new RequestMalformedError('message.parts: a non-empty text (or data) part is required');
    const sessionId = request.contextId;
    if (!SESSION_ID_RE.test(sessionId)) throw new RequestMalformedError(`message.contextId must match ${String(SESSION_ID_RE)}`);
    await this.ensureSession(ctx, sessionId, agent);
    const offset = await this.deps.streamOffset(ctx, sessionId);
    const abort = new AbortController();
    const callCtx: RequestContext = { ...ctx, signal: abort.signal };
    const result = this.deps.sessions.send(callCtx, sessionId, { text }, `a2a:${message.messageId}`);
    try {
      await this.follow(callCtx, bus, { sessionId, offset, agent, userMessage: message, text, result });
    } finally {
      abort.abort();
      result.catch(() => undefined);
    }
  }

  /**
   * Not reached: the SDK's handler calls it only for a task with an execution bus in this process, and its buses
   * are keyed by its own request ids, never by the hub's task ids. A cancellation reaches the task store's `save`
   * instead, which carries it out on the session (task-store.ts); an execution following the turn then sees it end.
   */
  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    void taskId;
    void bus;
  }

  /** Follows a task's turn from `offset` on (a resubscription): its events on `bus` until it ends or waits for an approval. */
  async followTurn(ctx: RequestContext, bus: ExecutionEventBus, ref: TaskRef, offset: number, agent: string): Promise<void> {
    await this.follow(ctx, bus, { sessionId: ref.sessionId, offset, agent, publisher: new TaskPublisher(bus, ref) });
  }

  /** Starts the context's session with the route's agent when it does not exist yet (checks.ts vetted the context). */
  private async ensureSession(ctx: RequestContext, sessionId: string, agent: string): Promise<void> {
    const status = await this.deps.sessions.status(ctx, sessionId);
    if (status === 'RUNNING') return;
    if (status !== undefined) throw new ApiError(409, 'session_closed', `context '${sessionId}' has ended (its session is closed)`);
    await this.deps.sessions.start(ctx, { id: sessionId, agent });
  }

  /** A message on an existing task: the decision on the approval it waits for. */
  private async continueTask(ctx: RequestContext, request: A2aRequestContext, bus: ExecutionEventBus, agent: string): Promise<void> {
    const task = request.task!;
    const ref = parseTaskId(task.id);
    if (!ref) throw new RequestMalformedError(`unknown task id '${task.id}'`);
    if (task.status?.state !== TaskState.TASK_STATE_INPUT_REQUIRED) {
      throw new UnsupportedOperationError(`task ${task.id} is still working; send a new message (without taskId) to the context to queue one`);
    }
    const state = await sessionStateOrUndefined(this.deps.sessions, ctx, ref.sessionId);
    const decision = decisionOf(request.userMessage);
    const pending = state?.pendingApprovals.filter((a) => a.turnId === ref.turnId) ?? [];
    const approval = decision.approvalId !== undefined ? pending.find((a) => a.approvalId === decision.approvalId) : pending[0];
    if (!approval) throw new RequestMalformedError(`task ${task.id} has no pending approval${decision.approvalId ? ` '${decision.approvalId}'` : ''}`);
    const offset = await this.deps.streamOffset(ctx, ref.sessionId);
    const publisher = new TaskPublisher(bus, ref);
    publisher.task(TaskState.TASK_STATE_WORKING, undefined, agent);
    const messageId = request.userMessage.messageId;
    await this.deps.sessions.approve(
      ctx,
      ref.sessionId,
      { approvalId: approval.approvalId, approve: decision.approve, ...(decision.reason !== undefined ? { reason: decision.reason } : {}) },
      `a2a:${messageId}`,
    );
    const abort = new AbortController();
    try {
      await this.follow({ ...ctx, signal: abort.signal }, bus, { sessionId: ref.sessionId, offset, agent, publisher });
    } finally {
      abort.abort();
    }
  }

  /**
   * Follows the session's stream from `offset`: finds the turn (the first queued or started one with the
   * message's text, or the update's result), publishes its events and ends with the turn, or when it waits
   * for an approval (input-required).
   */
  private async follow(
    ctx: RequestContext,
    bus: ExecutionEventBus,
    o: { sessionId: string; offset: number; agent: string; userMessage?: Message; text?: string; result?: Promise<TurnResult>; publisher?: TaskPublisher },
  ): Promise<void> {
    let publisher = o.publisher;
    const begin = (turnId: string, state: TaskState): TaskPublisher => {
      const p = new TaskPublisher(bus, { sessionId: o.sessionId, turnId });
      p.task(state, o.userMessage, o.agent);
      return p;
    };
    const stream = this.deps.sessions.events(ctx, o.sessionId, o.offset);
    const done: Promise<Step> | undefined = o.result?.then(
      (result): Step => ({ kind: 'result', result }),
      (err: unknown): Step => ({ kind: 'error', err }),
    );
    let next: Promise<Step> | undefined = stream.next().then((item): Step => ({ kind: 'event', item }));
    /** The update's result, once known: the stream is drained (its last tokens, the turn's end) for a moment more. */
    let result: TurnResult | undefined;
    /** The offset of the last item read, and (once the result came before the turn's events) the stream's head then. */
    let seen = o.offset - 1;
    let head = 0;
    let drain: { promise: Promise<Step>; timer: NodeJS.Timeout } | undefined;
    let probeTimer: NodeJS.Timeout | undefined;
    let probe: Promise<Step> | undefined = o.result ? new Promise<Step>((resolve) => (probeTimer = setTimeout(() => resolve({ kind: 'probe' }), PROBE_MS))) : undefined;
    const finish = (end: TurnEnd, turnId: string): void => {
      publisher ??= begin(turnId, TaskState.TASK_STATE_WORKING);
      publisher.end(end);
    };
    try {
      for (;;) {
        const racers = [next, result ? drain?.promise : done, publisher || result ? undefined : probe].filter((p): p is Promise<Step> => p !== undefined);
        const step = racers.length > 0 ? await Promise.race(racers) : ({ kind: 'drained' } as const);
        if (step.kind === 'error') throw step.err;
        if (step.kind === 'drained') return finish(result!, result!.turnId);
        if (step.kind === 'probe') {
          probe = undefined;
          // A resend of a message whose turn is still running: its turn started before this stream.
          const found = await this.runningTurnOf(ctx, o.sessionId, o.text ?? '');
          if (found && !publisher) {
            publisher = begin(found.turnId, TaskState.TASK_STATE_WORKING);
            if (found.approval && publisher.event({ type: 'approval.requested', approval: found.approval })) return;
          }
          continue;
        }
        if (step.kind === 'result') {
          result = step.result;
          if (!publisher) {
            // The turn's events may still be on their way; a resend's turn ran before this stream (none will come).
            head = await this.deps.streamOffset(ctx, o.sessionId);
            if (seen >= head - 1) return finish(result, result.turnId);
          }
          let timer: NodeJS.Timeout | undefined;
          const promise = new Promise<Step>((resolve) => (timer = setTimeout(() => resolve({ kind: 'drained' }), DRAIN_MS)));
          drain = { promise, timer: timer! };
          continue;
        }
        if (step.item.done) {
          next = undefined;
          if (result) return finish(result, result.turnId);
          if (!done) return await this.endFromState(ctx, publisher);
          continue;
        }
        next = stream.next().then((item): Step => ({ kind: 'event', item }));
        seen = step.item.value.offset;
        const event = step.item.value.data as SessionEvent;
        if (!publisher && step.item.value.topic === 'events') {
          if (result && 'turnId' in event && event.turnId === result.turnId) publisher = begin(result.turnId, TaskState.TASK_STATE_WORKING);
          else if ((event.type === 'message.queued' || event.type === 'turn.started') && event.text === o.text) {
            publisher = begin(event.turnId, event.type === 'message.queued' ? TaskState.TASK_STATE_SUBMITTED : TaskState.TASK_STATE_WORKING);
            if (event.type === 'turn.started') continue;
          }
        }
        if (!publisher) {
          if (result && seen >= head - 1) return finish(result, result.turnId);
          continue;
        }
        if (step.item.value.topic !== 'events') continue;
        if (publisher.event(event)) return; // input-required: the task waits for the client's decision
        const end = turnEndOf(event, publisher.ref.turnId);
        if (end) return publisher.end(result ?? end);
      }
    } finally {
      if (drain) clearTimeout(drain.timer);
      clearTimeout(probeTimer);
      await stream.return(undefined).catch(() => undefined);
    }
  }

  /** The newest unfinished turn whose user message is `text` (and the approval it waits for), as the session's state has it. */
  private async runningTurnOf(ctx: RequestContext, sessionId: string, text: string): Promise<{ turnId: string; approval?: PendingApproval } | undefined> {
    const state = await sessionStateOrUndefined(this.deps.sessions, ctx, sessionId).catch(() => undefined);
    if (!state) return undefined;
    const user = state.messages.filter((m) => m.role === 'user' && m.content === text && m.turnId !== undefined).at(-1);
    const turnId = user?.turnId;
    if (!turnId || state.messages.some((m) => m.turnId === turnId && m.role === 'assistant' && !m.toolCalls?.length)) return undefined;
    const approval = state.pendingApprovals.find((a) => a.turnId === turnId);
    return { turnId, ...(approval ? { approval } : {}) };
  }

  /** The stream ended before the turn did (the session closed): the task's state as the session has it. */
  private async endFromState(ctx: RequestContext, publisher: TaskPublisher | undefined): Promise<void> {
    if (!publisher) throw new ApiError(409, 'session_closed', 'the session ended before the message was taken');
    const state = await sessionStateOrUndefined(this.deps.sessions, ctx, publisher.ref.sessionId);
    const turn = state?.messages.filter((m) => m.turnId === publisher.ref.turnId && m.role === 'assistant' && !m.toolCalls?.length).at(-1);
    if (turn && turn.role === 'assistant' && turn.error === undefined) return publisher.end({ status: 'completed', reply: turn.content });
    publisher.end({ status: 'cancelled', error: turn && turn.role === 'assistant' ? turn.error : 'the session closed' });
  }
}

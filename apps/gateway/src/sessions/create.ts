/**
 * Starting a session: `POST /v1/sessions` and the `/mcp` chat tool. Exactly-once from the client's
 * side: a client-chosen `id`, or an id derived from the `Idempotency-Key`, makes the workflow id
 * deterministic; a repeat attaches to the running session (its first message is the same update
 * id, so Temporal answers the original turn) or reads the ended one, and never runs the message
 * twice. Work that succeeded is never answered with an error: the state query after the first
 * turn is best effort.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateStage, type Client, type WorkflowHandle } from '@temporalio/client';
import {
  DEFAULTS,
  FIRST_MESSAGE_UPDATE_ID,
  WORKFLOW_TYPES,
  ZERO_USAGE,
  sendMessageUpdate,
  sessionStateQuery,
  sessionWorkflowId,
  type PendingApproval,
  type SessionOptions,
  type SessionState,
  type SessionWorkflowInput,
  type TurnResult,
} from '@hub/contracts';
import { ApiError } from '../http/errors';
import { IDEMPOTENT_START, assertSameRequest, idempotencyMemo, idempotentId, requestFingerprint } from '../http/idempotency';
import type { AgentResolver } from '../profiles';
import type { RequestContext } from '../request-context';
import type { ShortCalls } from '../temporal/deadlines';
import type { createUpdateRunner } from './updates';

/**
 * A session's workflow tasks are small; when a worker dies, its session's next workflow task waits on the
 * dead worker's poll until this timeout, then moves to a live worker (the SDK default of 10 s stalled turns
 * about 11 s; `npm run bench -- failover`). Continue-as-new keeps it.
 */
const SESSION_WORKFLOW_TASK_TIMEOUT = '2 seconds';

export const CREATE_SESSION_ROUTE = 'POST /v1/sessions';
/** How often a create whose first turn runs polls for a pending approval. */
const APPROVAL_POLL_MS = 250;

export interface StartSessionInput {
  /** Client-chosen session id (SESSION_ID_RE); a repeat with the same id and body answers the same session. */
  id?: string | undefined;
  /** First user message, sent with Update-with-Start; its turn result is returned as `reply`. */
  message?: string | undefined;
  agent?: string | undefined;
  tools?: string[] | undefined;
  idleTimeoutMs?: number | undefined;
  /** false: a spent tenant budget fails turns instead of making them wait. */
  waitForBudget?: boolean | undefined;
  /** The request's `Idempotency-Key` (validated). */
  idempotencyKey?: string | undefined;
  /** Return as soon as the first turn waits for an approval (REST); otherwise wait for the turn (the `/mcp` chat tool). */
  returnOnApproval?: boolean | undefined;
}

/** A first turn that waits for a human decision. */
export interface PendingTurn {
  turnId: string;
  status: 'awaiting_approval';
  approvals: PendingApproval[];
}

export interface StartedSession {
  id: string;
  agent: string;
  reply?: TurnResult;
  pendingTurn?: PendingTurn;
  /** The state already read while starting (a pending approval, or a repeat of a create whose session has ended). */
  state?: SessionState;
}

export interface StarterOptions {
  client: Client;
  taskQueue: string;
  /** Resolves `agent` (a name, or name@version) into the pinned profile and team the session runs. */
  agents: AgentResolver;
  sessionOptions: (body: StartSessionInput) => SessionOptions;
  short: ShortCalls;
  cancellable: <R>(signal: AbortSignal | undefined, fn: () => Promise<R>) => Promise<R>;
  updates: ReturnType<typeof createUpdateRunner>;
}

/** The first turn's result as the conversation records it (a repeat after the session ended). */
function firstTurnOf(state: SessionState): TurnResult | undefined {
  const turnId = 'turn-1';
  const answer = state.messages.filter((m) => m.role === 'assistant' && m.turnId === turnId && !m.toolCalls?.length).at(-1);
  if (!answer || answer.role !== 'assistant') return undefined;
  return answer.error
    ? { turnId, status: 'failed', error: answer.error, usage: { ...ZERO_USAGE } }
    : { turnId, status: 'completed', reply: answer.content ?? '', usage: { ...ZERO_USAGE } };
}

/** The state of a session that answered its first turn but not (yet) its state query. */
function stateFromTurn(ctx: RequestContext, id: string, agent: string, message: string | undefined, reply: TurnResult | undefined): SessionState {
  const now = new Date().toISOString();
  const messages: SessionState['messages'] = [];
  if (message !== undefined && reply) {
    messages.push({ role: 'user', content: message, turnId: reply.turnId });
    messages.push({ role: 'assistant', content: reply.reply ?? '', turnId: reply.turnId, ...(reply.error ? { error: reply.error } : {}) });
  }
  return {
    sessionId: id,
    tenant: ctx.tenant,
    agent,
    status: 'idle',
    messages,
    pendingApprovals: [],
    usage: reply ? { ...reply.usage } : { ...ZERO_USAGE },
    turns: reply ? 1 : 0,
    queued: 0,
    createdAt: now,
    lastActivityAt: now,
    generation: 0,
  };
}

export function createSessionStarter(opts: StarterOptions) {
  const { client, taskQueue, agents, short, cancellable, updates } = opts;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Waits for the first turn's result, or (when asked) until it waits for an approval. */
  const turnOrApproval = async (
    update: { result(): Promise<TurnResult> },
    handle: WorkflowHandle,
    body: StartSessionInput,
    signal: AbortSignal | undefined,
  ): Promise<{ reply: TurnResult } | { pending: SessionState }> => {
    if (!body.returnOnApproval) return { reply: await cancellable(signal, () => update.result()) };
    const ctrl = new AbortController();
    const abort = () => ctrl.abort();
    signal?.addEventListener('abort', abort);
    const result = client.withAbortSignal(ctrl.signal, () => update.result()).then((reply) => ({ reply }));
    try {
      for (;;) {
        const done = await Promise.race([result, sleep(APPROVAL_POLL_MS).then(() => undefined)]);
        if (done) return done;
        if (signal?.aborted) return await result;
        const state = await short(() => handle.query(sessionStateQuery)).catch(() => undefined);
        if (state?.status === 'awaiting_approval' && state.pendingApprovals.length > 0) return { pending: state };
      }
    } finally {
      signal?.removeEventListener('abort', abort);
      ctrl.abort();
      result.catch(() => undefined);
    }
  };

  /** A repeat of a create whose session exists: refuses a different request; reads an ended session. */
  const existing = async (handle: WorkflowHandle, id: string, fingerprint: string): Promise<SessionState | undefined> => {
    let description;
    try {
      description = await short(() => handle.describe());
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
    assertSameRequest(description.memo, fingerprint, `session '${id}'`);
    if (description.status.name === 'RUNNING') return undefined;
    if (description.status.name !== 'COMPLETED') throw new ApiError(409, 'session_closed', `session '${id}' has ended (${description.status.name.toLowerCase()})`);
    return (await short(() => handle.result())) as SessionState;
  };

  const start = async (ctx: RequestContext, body: StartSessionInput): Promise<StartedSession> => {
    const { tenant } = ctx;
    const agentRef = body.agent ?? DEFAULTS.agent;
    // Pinned: the named version (the latest when unversioned) and its team at their latest versions now.
    const { profile, team } = await agents.resolve(ctx, agentRef, 'agent');
    const key = body.idempotencyKey;
    const idempotent = body.id !== undefined || key !== undefined;
    const id = body.id ?? (key !== undefined ? idempotentId(tenant, CREATE_SESSION_ROUTE, key) : randomUUID());
    const workflowId = sessionWorkflowId(tenant, id);
    const handle = client.workflow.getHandle(workflowId);
    const { message } = body;
    // The reference as asked (not the version it resolved to): a repeat after a new version is the same request.
    const fingerprint = requestFingerprint({ id: body.id, message, agent: agentRef, tools: body.tools, idleTimeoutMs: body.idleTimeoutMs, waitForBudget: body.waitForBudget });
    if (idempotent) {
      const ended = await existing(handle, id, fingerprint);
      if (ended) {
        const reply = firstTurnOf(ended);
        return { id, agent: profile.name, state: ended, ...(message !== undefined && reply ? { reply } : {}) };
      }
    }
    const input: SessionWorkflowInput = { sessionId: id, tenant, profile, ...(team.length > 1 ? { team } : {}), options: opts.sessionOptions(body) };
    const startOptions = {
      workflowId,
      taskQueue,
      args: [input] as [SessionWorkflowInput],
      memo: { agent: profile.name, ...(profile.version !== undefined ? { agentVersion: profile.version } : {}), ...(idempotent ? idempotencyMemo(fingerprint) : {}) },
      staticSummary: `agent session (${profile.name}${profile.version !== undefined ? `@${profile.version}` : ''})`,
      workflowTaskTimeout: SESSION_WORKFLOW_TASK_TIMEOUT,
      ...(idempotent ? IDEMPOTENT_START : { workflowIdConflictPolicy: 'FAIL' as const }),
    };
    let out: StartedSession = { id, agent: profile.name };
    if (message !== undefined) {
      const outcome = await updates.runUpdate(
        handle,
        async () => {
          const update = await cancellable(ctx.signal, () =>
            client.workflow.startUpdateWithStart(sendMessageUpdate, {
              args: [{ text: message }],
              updateId: FIRST_MESSAGE_UPDATE_ID,
              waitForStage: WorkflowUpdateStage.ACCEPTED,
              startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.session, startOptions),
            }),
          );
          return turnOrApproval(update, handle, body, ctx.signal);
        },
        (msg) => new ApiError(400, 'invalid_request', msg, { field: 'message', sessionId: id }),
      );
      if ('reply' in outcome) out = { ...out, reply: outcome.reply };
      else {
        const approvals = outcome.pending.pendingApprovals;
        out = { ...out, state: outcome.pending, pendingTurn: { turnId: approvals[0]!.turnId, status: 'awaiting_approval', approvals } };
      }
    } else {
      await short(() => client.workflow.start(WORKFLOW_TYPES.session, startOptions));
    }
    ctx.log.info('session started', { sessionId: id, agent: profile.name, withMessage: message !== undefined, idempotent });
    return out;
  };

  /** {@link start}, then the session's state: best effort (a failed query never turns a created session into an error). */
  const create = async (ctx: RequestContext, body: StartSessionInput) => {
    const started = await start(ctx, body);
    const { id, agent, reply, pendingTurn } = started;
    const extra = { ...(reply !== undefined ? { reply } : {}), ...(pendingTurn !== undefined ? { pendingTurn } : {}) };
    if (started.state) return { id, session: started.state, ...extra };
    for (let attempt = 1; ; attempt++) {
      try {
        return { id, session: await short(() => client.workflow.getHandle(sessionWorkflowId(ctx.tenant, id)).query(sessionStateQuery)), ...extra };
      } catch (err) {
        if (attempt < 2) continue;
        // The session exists (and answered its first turn, if any): answer with what is known rather than an error.
        ctx.log.warn('session started but its state query failed; answering the state known from the start (is a worker running?)', {
          sessionId: id,
          err: err instanceof Error ? err.message : String(err),
        });
        return { id, session: stateFromTurn(ctx, id, agent, body.message, reply), ...extra };
      }
    }
  };

  return { start, create };
}

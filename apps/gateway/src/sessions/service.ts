/**
 * The session service: create, message, list, inspect, approve, close and stream
 * sessions (one `agentSession` entity workflow each), scoped by tenant. Both
 * the REST routes (sessions/routes.ts) and the MCP tools (mcp-endpoint/tools.ts)
 * call it, so the two doors share one implementation of the Temporal interactions
 * and of their error mapping (failures are thrown as {@link ApiError}s).
 */
import { WorkflowUpdateStage, type Client, type WorkflowHandle } from '@temporalio/client';
import {
  DEFAULTS,
  WORKFLOW_TYPES,
  apiStatusOf,
  approveToolUpdate,
  cancelTurnUpdate,
  closeSessionUpdate,
  sendMessageUpdate,
  sessionStateQuery,
  sessionWorkflowId,
  sessionWorkflowIdPrefix,
  type ApiStatus,
  type CancelTurnResult,
  type SendMessageInput,
  type SessionOptions,
  type SessionState,
  type TurnResult,
} from '@hub/contracts';
import { ApiError } from '../http/errors';
import { createSessionStarter, type PendingTurn, type StartSessionInput, type StartedSession } from './create';
import { createUpdateRunner, updateIdFor } from './updates';
import type { AgentResolver, ProfileSource } from '../profiles';
import { researchProfiles } from '../research/profiles';
import type { RequestContext } from '../request-context';
import { cancellableCalls, shortCalls } from '../temporal/deadlines';
import { withApiErrors } from '../temporal/failures';
import { defaultOpenStream, type OpenStream, type StreamItem } from '../temporal/streams';

export interface SessionDefaults {
  idleTimeoutMs: number;
  approvalTimeoutMs: number;
  maxTurnsPerRun: number;
}

export interface SessionServiceOptions {
  client: Client;
  taskQueue: string;
  /** The built-in and config agents (the session's `research` tool uses their research roles). */
  profiles: ProfileSource;
  /** Resolves a session's `agent` (with its version and team). */
  agents: AgentResolver;
  defaults?: Partial<SessionDefaults> | undefined;
  /** Deadline for short Temporal calls (describe, query, list, start). Default 10 s. */
  rpcTimeoutMs?: number | undefined;
  /** Opens a session's event subscription. Default: the workflow-streams client. */
  openStream?: OpenStream | undefined;
}

/** Who is asking: everything is scoped to `tenant`; `log` is the request's logger. */
export type SessionContext = RequestContext;

export type { StartSessionInput, StartedSession, PendingTurn } from './create';

export interface SessionSummary {
  id: string;
  status: ApiStatus<'session'>;
  agent?: string;
  startTime: string;
  closeTime?: string;
}

export interface SessionService {
  /** Starts a session (with Update-with-Start when a first message is given): the new id and the first turn. */
  start(ctx: SessionContext, input: StartSessionInput): Promise<StartedSession>;
  /**
   * {@link start}, then the session's state (best effort: what is known from the start when the query fails).
   * With `returnOnApproval`, a first turn waiting for an approval is answered as `pendingTurn`.
   */
  create(ctx: SessionContext, input: StartSessionInput): Promise<{ id: string; session: SessionState; reply?: TurnResult; pendingTurn?: PendingTurn }>;
  /** The tenant's sessions, newest first (Temporal visibility: eventually consistent). */
  list(ctx: SessionContext, limit: number): Promise<SessionSummary[]>;
  state(ctx: SessionContext, id: string): Promise<SessionState>;
  /** Sends a message and waits for its turn to end. */
  send(ctx: SessionContext, id: string, message: SendMessageInput, idempotencyKey?: string): Promise<TurnResult>;
  /** Sends a message and returns once the session accepted it. */
  sendNoWait(ctx: SessionContext, id: string, message: SendMessageInput, idempotencyKey?: string): Promise<void>;
  approve(
    ctx: SessionContext,
    id: string,
    decision: { approvalId: string; approve: boolean; reason?: string | undefined },
    idempotencyKey?: string,
  ): Promise<void>;
  /** Cancels one turn (running: cancelled like an interrupt; queued: dropped); the session stays open. */
  cancelTurn(ctx: SessionContext, id: string, turnId: string, idempotencyKey?: string): Promise<CancelTurnResult>;
  /** Closes the session; with an idempotency key, a repeat on the closed session answers its final state. */
  close(ctx: SessionContext, id: string, reason: string, idempotencyKey?: string): Promise<SessionState>;
  /** Temporal status name of the session's latest run (`RUNNING`, `COMPLETED`, …), or undefined when it does not exist. */
  status(ctx: SessionContext, id: string): Promise<string | undefined>;
  /** The session's event stream from `fromOffset` (all topics; see http/sse.ts). */
  events(ctx: SessionContext, id: string, fromOffset: number): AsyncGenerator<StreamItem, void, unknown>;
}

export function createSessionService(opts: SessionServiceOptions): SessionService {
  const { client, taskQueue, profiles } = opts;
  const defaults: SessionDefaults = {
    idleTimeoutMs: opts.defaults?.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
    approvalTimeoutMs: opts.defaults?.approvalTimeoutMs ?? DEFAULTS.approvalTimeoutMs,
    maxTurnsPerRun: opts.defaults?.maxTurnsPerRun ?? DEFAULTS.maxTurnsPerRun,
  };
  const short = shortCalls(client, opts.rpcTimeoutMs);
  const cancellable = cancellableCalls(client);
  const openStream = opts.openStream ?? defaultOpenStream(client);
  const research = researchProfiles(profiles);
  const handleFor = (tenant: string, id: string): WorkflowHandle => client.workflow.getHandle(sessionWorkflowId(tenant, id));
  const updates = createUpdateRunner(client, short);
  const { runUpdate, throwIfRejected, describeStatus } = updates;

  const sessionOptions = (body: StartSessionInput): SessionOptions => ({
    idleTimeoutMs: body.idleTimeoutMs ?? defaults.idleTimeoutMs,
    approvalTimeoutMs: defaults.approvalTimeoutMs,
    maxTurnsPerRun: defaults.maxTurnsPerRun,
    ...(body.tools !== undefined ? { toolAllowlist: body.tools } : {}),
    ...(body.waitForBudget === false ? { waitForBudget: false } : {}),
    // The session's `research` tool starts jobs with these profiles.
    ...(research ? { research } : {}),
  });
  const { start, create } = createSessionStarter({ client, taskQueue, agents: opts.agents, sessionOptions, short, cancellable, updates });

  const messageArgs = (message: SendMessageInput): [SendMessageInput] => [
    { text: message.text, ...(message.interrupt !== undefined ? { interrupt: message.interrupt } : {}) },
  ];
  const rejectedText = (message: string) => new ApiError(400, 'invalid_request', message, { field: 'text' });
  const messageUpdateId = (ctx: SessionContext, id: string, key: string | undefined) => updateIdFor(ctx.tenant, `POST /v1/sessions/${id}/messages`, key);

  return withApiErrors<SessionService>({
    start,

    create,

    async list(ctx, limit) {
      const prefix = sessionWorkflowIdPrefix(ctx.tenant);
      const query = `WorkflowType = '${WORKFLOW_TYPES.session}' AND WorkflowId STARTS_WITH '${prefix}'`;
      // Continue-as-new leaves one visibility record per run: keep the newest run of each workflow id.
      const byId = new Map<string, { startTime: Date; closeTime?: Date | undefined; status: string; agent?: unknown }>();
      const scanCap = limit * 10 + 100;
      let scanned = 0;
      await short(async () => {
        for await (const wf of client.workflow.list({ query, pageSize: Math.min(1000, limit * 2 + 10) })) {
          scanned++;
          const prev = byId.get(wf.workflowId);
          if (!prev || wf.startTime > prev.startTime) {
            if (!prev && byId.size >= limit) break;
            byId.set(wf.workflowId, { startTime: wf.startTime, closeTime: wf.closeTime, status: wf.status.name, agent: wf.memo?.['agent'] });
          }
          if (scanned >= scanCap) break;
        }
      });
      return [...byId]
        .sort((a, b) => b[1].startTime.getTime() - a[1].startTime.getTime())
        .map(([workflowId, w]) => ({
          id: workflowId.slice(prefix.length),
          status: apiStatusOf('session', w.status),
          ...(typeof w.agent === 'string' ? { agent: w.agent } : {}),
          startTime: w.startTime.toISOString(),
          ...(w.closeTime ? { closeTime: w.closeTime.toISOString() } : {}),
        }));
    },

    state(ctx, id) {
      return short(() => handleFor(ctx.tenant, id).query(sessionStateQuery));
    },

    async send(ctx, id, message, key) {
      const handle = handleFor(ctx.tenant, id);
      const updateId = messageUpdateId(ctx, id, key);
      return runUpdate(
        handle,
        () => cancellable(ctx.signal, () => handle.executeUpdate(sendMessageUpdate, { args: messageArgs(message), updateId })),
        rejectedText,
      );
    },

    async sendNoWait(ctx, id, message, key) {
      const handle = handleFor(ctx.tenant, id);
      const updateId = messageUpdateId(ctx, id, key);
      await runUpdate(
        handle,
        async () => {
          const update = await handle.startUpdate(sendMessageUpdate, { args: messageArgs(message), updateId, waitForStage: WorkflowUpdateStage.ACCEPTED });
          await throwIfRejected(update);
        },
        rejectedText,
      );
    },

    async approve(ctx, id, decision, key) {
      const handle = handleFor(ctx.tenant, id);
      const updateId = updateIdFor(ctx.tenant, `POST /v1/sessions/${id}/approvals/${decision.approvalId}`, key);
      await runUpdate(
        handle,
        () =>
          handle.executeUpdate(approveToolUpdate, {
            updateId,
            args: [
              { approvalId: decision.approvalId, approve: decision.approve, ...(decision.reason !== undefined ? { reason: decision.reason } : {}) },
            ],
          }),
        (message) => new ApiError(404, 'approval_not_found', message, { approvalId: decision.approvalId }),
      );
    },

    async cancelTurn(ctx, id, turnId, key) {
      const handle = handleFor(ctx.tenant, id);
      const updateId = updateIdFor(ctx.tenant, `POST /v1/sessions/${id}/turns/${turnId}/cancel`, key);
      const result = await runUpdate(
        handle,
        () => handle.executeUpdate(cancelTurnUpdate, { args: [{ turnId }], updateId }),
        (message) => new ApiError(409, 'session_closed', message),
      );
      if (result.cancelled) ctx.log.info('turn cancelled by user', { sessionId: id, turnId, was: result.was });
      return result;
    },

    async close(ctx, id, reason, key) {
      const handle = handleFor(ctx.tenant, id);
      const updateId = updateIdFor(ctx.tenant, `DELETE /v1/sessions/${id}`, key);
      let state: SessionState;
      try {
        state = await runUpdate(
          handle,
          () => handle.executeUpdate(closeSessionUpdate, { args: [{ reason }], updateId }),
          (message) => new ApiError(409, 'session_closed', message),
        );
      } catch (err) {
        // A repeated close (the first one's answer was lost): the session's final state.
        if (key === undefined || !(err instanceof ApiError && err.code === 'session_closed')) throw err;
        if ((await describeStatus(handle)) !== 'COMPLETED') throw err;
        return (await short(() => handle.result())) as SessionState;
      }
      ctx.log.info('session closed by user', { sessionId: id });
      return state;
    },

    status(ctx, id) {
      return describeStatus(handleFor(ctx.tenant, id));
    },

    events(ctx, id, fromOffset) {
      return openStream(sessionWorkflowId(ctx.tenant, id), fromOffset);
    },
  });
}

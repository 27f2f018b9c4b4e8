/**
 * The session service: create, message, list, inspect, approve, close and stream
 * sessions (one `agentSession` entity workflow each), scoped by tenant. Both
 * the REST routes (sessions/routes.ts) and the MCP tools (mcp-endpoint/tools.ts)
 * call it, so the two doors share one implementation of the Temporal interactions
 * and of their error mapping (failures are thrown as {@link ApiError}s).
 */
import { randomUUID } from 'node:crypto';
import {
  ApplicationFailure,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type Client,
  type WorkflowHandle,
  type WorkflowUpdateHandle,
} from '@temporalio/client';
import {
  DEFAULTS,
  WORKFLOW_TYPES,
  ZERO_USAGE,
  apiStatusOf,
  approveToolUpdate,
  closeSessionUpdate,
  sendMessageUpdate,
  sessionStateQuery,
  sessionWorkflowId,
  sessionWorkflowIdPrefix,
  type ApiStatus,
  type SendMessageInput,
  type SessionOptions,
  type SessionState,
  type SessionWorkflowInput,
  type TurnResult,
} from '@hub/contracts';
import { ApiError } from '../http/errors';
import type { ProfileSource } from '../profiles';
import { researchProfiles } from '../research/profiles';
import type { RequestContext } from '../request-context';
import { cancellableCalls, shortCalls } from '../temporal/deadlines';
import { withApiErrors } from '../temporal/failures';
import { workflowStatus } from '../temporal/status';
import { defaultOpenStream, type OpenStream, type StreamItem } from '../temporal/streams';

export interface SessionDefaults {
  idleTimeoutMs: number;
  approvalTimeoutMs: number;
  maxTurnsPerRun: number;
}

export interface SessionServiceOptions {
  client: Client;
  taskQueue: string;
  profiles: ProfileSource;
  defaults?: Partial<SessionDefaults> | undefined;
  /** Deadline for short Temporal calls (describe, query, list, start). Default 10 s. */
  rpcTimeoutMs?: number | undefined;
  /** Opens a session's event subscription. Default: the workflow-streams client. */
  openStream?: OpenStream | undefined;
}

/** Who is asking: everything is scoped to `tenant`; `log` is the request's logger. */
export type SessionContext = RequestContext;

export interface StartSessionInput {
  /** First user message, sent with Update-with-Start; its turn result is returned as `reply`. */
  message?: string | undefined;
  agent?: string | undefined;
  tools?: string[] | undefined;
  idleTimeoutMs?: number | undefined;
}

export interface SessionSummary {
  id: string;
  status: ApiStatus<'session'>;
  agent?: string;
  startTime: string;
  closeTime?: string;
}

export interface SessionService {
  /** Starts a session (with Update-with-Start when a first message is given): the new id and the first turn. */
  start(ctx: SessionContext, input: StartSessionInput): Promise<{ id: string; agent: string; reply?: TurnResult }>;
  /** {@link start}, then the session's state (its initial state when no worker answers yet and there was no message). */
  create(ctx: SessionContext, input: StartSessionInput): Promise<{ id: string; session: SessionState; reply?: TurnResult }>;
  /** The tenant's sessions, newest first (Temporal visibility: eventually consistent). */
  list(ctx: SessionContext, limit: number): Promise<SessionSummary[]>;
  state(ctx: SessionContext, id: string): Promise<SessionState>;
  /** Sends a message and waits for its turn to end. */
  send(ctx: SessionContext, id: string, message: SendMessageInput): Promise<TurnResult>;
  /** Sends a message and returns once the session accepted it. */
  sendNoWait(ctx: SessionContext, id: string, message: SendMessageInput): Promise<void>;
  approve(ctx: SessionContext, id: string, decision: { approvalId: string; approve: boolean; reason?: string | undefined }): Promise<void>;
  close(ctx: SessionContext, id: string, reason: string): Promise<SessionState>;
  /** Temporal status name of the session's latest run (`RUNNING`, `COMPLETED`, …), or undefined when it does not exist. */
  status(ctx: SessionContext, id: string): Promise<string | undefined>;
  /** The session's event stream from `fromOffset` (all topics; see http/sse.ts). */
  events(ctx: SessionContext, id: string, fromOffset: number): AsyncGenerator<StreamItem, void, unknown>;
}

function applicationFailureOf(err: WorkflowUpdateFailedError): ApplicationFailure | undefined {
  return err.cause instanceof ApplicationFailure ? err.cause : undefined;
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
  const describeStatus = (handle: WorkflowHandle): Promise<string | undefined> => workflowStatus(short, handle);

  /** Whether the session is closed: its workflow ended, or it reports status "closed". */
  const isClosed = async (handle: WorkflowHandle): Promise<boolean> => {
    try {
      const status = await describeStatus(handle);
      if (status !== 'RUNNING') return status !== undefined;
      const state = await short(() => handle.query(sessionStateQuery));
      return state.status === 'closed';
    } catch {
      return false;
    }
  };

  /**
   * A session rejects messages with `SessionBusy` for the moment it hands over to
   * its next run (continue-as-new); the message is simply sent again (bounded).
   */
  const retryWhileBusy = async <R>(fn: () => Promise<R>): Promise<R> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const busy = err instanceof WorkflowUpdateFailedError && applicationFailureOf(err)?.type === 'SessionBusy';
        if (!busy || attempt >= 40) throw err;
        await new Promise((r) => setTimeout(r, Math.min(50 * attempt, 250)));
      }
    }
  };

  /**
   * Runs an update against a session and maps its failures:
   * unknown workflow → 404, ended workflow or closed session → 409,
   * rejected by the workflow (validator) → `onRejected`.
   */
  const runUpdate = async <R>(
    handle: WorkflowHandle,
    fn: () => Promise<R>,
    onRejected: (message: string, failure: ApplicationFailure | undefined) => ApiError,
  ): Promise<R> => {
    try {
      return await retryWhileBusy(fn);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        // Updates on a finished workflow fail with NOT_FOUND too: tell the two apart.
        const status = await describeStatus(handle).catch(() => undefined);
        if (status !== undefined && status !== 'RUNNING') throw new ApiError(409, 'session_closed', 'session is closed');
        throw new ApiError(404, 'session_not_found', 'session not found');
      }
      if (err instanceof WorkflowUpdateFailedError) {
        const failure = applicationFailureOf(err);
        if (failure?.type === 'SessionClosed' || failure?.type === 'AcceptedUpdateCompletedWorkflow' || (await isClosed(handle))) {
          throw new ApiError(409, 'session_closed', 'session is closed');
        }
        throw onRejected(failure?.message ?? err.cause?.message ?? err.message, failure);
      }
      throw err;
    }
  };

  /**
   * `startUpdate(..., ACCEPTED)` does not throw when the validator rejects the update: the
   * rejection is the handle's (already known) outcome. `result()` surfaces it without any RPC;
   * for an accepted update it would start polling for completion, which we cancel at once.
   */
  const throwIfRejected = async (update: WorkflowUpdateHandle<unknown>): Promise<void> => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), 20);
    try {
      await client.withAbortSignal(ctrl.signal, () => update.result());
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw err;
      // Cancelled poll: the update was accepted and is still running.
    } finally {
      clearTimeout(timer);
    }
  };

  const messageArgs = (message: SendMessageInput): [SendMessageInput] => [
    { text: message.text, ...(message.interrupt !== undefined ? { interrupt: message.interrupt } : {}) },
  ];
  const rejectedText = (message: string) => new ApiError(400, 'invalid_request', message, { field: 'text' });

  const start: SessionService['start'] = async (ctx, body) => {
    const { tenant } = ctx;
    const agentName = body.agent ?? DEFAULTS.agent;
    const profile = profiles.get(agentName);
    if (!profile) {
      throw new ApiError(400, 'invalid_request', `unknown agent ${JSON.stringify(agentName)}`, {
        field: 'agent',
        available: profiles.list().map((p) => p.name),
      });
    }
    const id = randomUUID();
    const workflowId = sessionWorkflowId(tenant, id);
    const options: SessionOptions = {
      idleTimeoutMs: body.idleTimeoutMs ?? defaults.idleTimeoutMs,
      approvalTimeoutMs: defaults.approvalTimeoutMs,
      maxTurnsPerRun: defaults.maxTurnsPerRun,
      ...(body.tools !== undefined ? { toolAllowlist: body.tools } : {}),
      // The session's `research` tool starts jobs with these profiles.
      ...(research ? { research } : {}),
    };
    const input: SessionWorkflowInput = { sessionId: id, tenant, profile, options };
    const startOptions = {
      workflowId,
      taskQueue,
      args: [input] as [SessionWorkflowInput],
      memo: { agent: profile.name },
      staticSummary: `agent session (${profile.name})`,
    };
    let reply: TurnResult | undefined;
    const message = body.message;
    if (message !== undefined) {
      const handle = client.workflow.getHandle(workflowId);
      reply = await runUpdate(
        handle,
        () =>
          cancellable(ctx.signal, () =>
            client.workflow.executeUpdateWithStart(sendMessageUpdate, {
              args: [{ text: message }],
              startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.session, {
                ...startOptions,
                workflowIdConflictPolicy: 'FAIL',
              }),
            }),
          ),
        (msg) => new ApiError(400, 'invalid_request', msg, { field: 'message', sessionId: id }),
      );
    } else {
      await short(() => client.workflow.start(WORKFLOW_TYPES.session, startOptions));
    }
    ctx.log.info('session started', { sessionId: id, agent: profile.name, withMessage: message !== undefined });
    return { id, agent: profile.name, ...(reply !== undefined ? { reply } : {}) };
  };

  return withApiErrors<SessionService>({
    start,

    async create(ctx, body) {
      const { id, agent, reply } = await start(ctx, body);
      let session: SessionState;
      try {
        session = await short(() => handleFor(ctx.tenant, id).query(sessionStateQuery));
      } catch (err) {
        if (reply !== undefined) throw err;
        // The session exists but no worker answered yet: answer with its initial state rather than losing the id.
        ctx.log.warn('session started but its state query failed; returning the initial state (is a worker running?)', {
          sessionId: id,
          err: err instanceof Error ? err.message : String(err),
        });
        const now = new Date().toISOString();
        session = {
          sessionId: id,
          tenant: ctx.tenant,
          agent,
          status: 'idle',
          messages: [],
          pendingApprovals: [],
          usage: { ...ZERO_USAGE },
          turns: 0,
          queued: 0,
          createdAt: now,
          lastActivityAt: now,
          generation: 0,
        };
      }
      return { id, session, ...(reply !== undefined ? { reply } : {}) };
    },

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

    async send(ctx, id, message) {
      const handle = handleFor(ctx.tenant, id);
      return runUpdate(handle, () => cancellable(ctx.signal, () => handle.executeUpdate(sendMessageUpdate, { args: messageArgs(message) })), rejectedText);
    },

    async sendNoWait(ctx, id, message) {
      const handle = handleFor(ctx.tenant, id);
      await runUpdate(
        handle,
        async () => {
          const update = await handle.startUpdate(sendMessageUpdate, { args: messageArgs(message), waitForStage: WorkflowUpdateStage.ACCEPTED });
          await throwIfRejected(update);
        },
        rejectedText,
      );
    },

    async approve(ctx, id, decision) {
      const handle = handleFor(ctx.tenant, id);
      await runUpdate(
        handle,
        () =>
          handle.executeUpdate(approveToolUpdate, {
            args: [
              { approvalId: decision.approvalId, approve: decision.approve, ...(decision.reason !== undefined ? { reason: decision.reason } : {}) },
            ],
          }),
        (message) => new ApiError(404, 'approval_not_found', message, { approvalId: decision.approvalId }),
      );
    },

    async close(ctx, id, reason) {
      const handle = handleFor(ctx.tenant, id);
      const state = await runUpdate(
        handle,
        () => handle.executeUpdate(closeSessionUpdate, { args: [{ reason }] }),
        (message) => new ApiError(409, 'session_closed', message),
      );
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

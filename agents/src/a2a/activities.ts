/**
 * The remote A2A agent activities the worker registers:
 *
 * - `inspectRemoteAgent`: reads and validates a card (./card.ts).
 * - `callRemoteAgent`: sends a task to a registered remote agent and follows
 *   it to its end (./call.ts), durably: the remote task id is in the
 *   heartbeat details as soon as it is known, and a retry resumes that task.
 *
 * While a task runs, each change of its state is a `tool.progress` event of the `ask_<name>` call on the
 * session's stream (`streamTo`: the root session, tagged with the delegation id), best effort.
 *
 * Secrets: the headers of a remote come from the tenant's agent registry at
 * call time (a query, as the MCP integration reads registered servers), never
 * from the workflow's input or history. The registry also decides the
 * endpoint: a call whose pinned url is not the registered one is refused (the
 * headers are never sent anywhere the registration did not name).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  activityIdempotencyKey,
  agentRegistryWorkflowId,
  remoteAgentsQuery,
  type CallRemoteAgentRequest,
  type CallRemoteAgentResult,
  type HubConfig,
  type RemoteAgentActivities,
  type RemoteCallProgress,
  type StoredRemoteAgent,
} from '@hub/contracts';
import { isMcpSafetyError, type LookupAll } from '@hub/tools';
import { streamTargetOf, workflowStreamPublisher, type SessionEventPublisher, type SessionEventPublisherFactory } from '@hub/runtime/streams';
import { RemoteAgentError, fetchRemoteAgentCard } from './card';
import { remoteClient, sendAndFollow } from './call';

export interface RemoteAgentActivityDeps {
  hubConfig: Pick<HubConfig, 'security'>;
  /** The tenant's stored remote (with headers); default: the agent registry's `remoteAgents` query. */
  lookupRemote?: (tenant: string, name: string) => Promise<StoredRemoteAgent | undefined>;
  lookup?: LookupAll;
  pollIntervalMs?: number;
  /** Heartbeat period (ms); default a third of the heartbeat timeout, at most 1 s. */
  heartbeatIntervalMs?: number;
  /** Where the remote task's state changes are published (`tool.progress` of the `ask_<name>` call); default: the session's stream. */
  publisher?: SessionEventPublisherFactory;
  /** Tests: runs once the remote task id is recorded (a test crashes the first attempt here). */
  afterTaskKnown?: (p: RemoteCallProgress, attempt: number) => Promise<void>;
}

const ZERO = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

/** A refusal reported to the delegating model (not retried). */
const refusal = (error: string): CallRemoteAgentResult => ({ ok: false, reply: '', error, usage: ZERO });

/** The registry's remotes of a tenant (none when the registry has not started). */
async function registryRemote(tenant: string, name: string): Promise<StoredRemoteAgent | undefined> {
  try {
    const remotes = await Context.current().client.workflow.getHandle(agentRegistryWorkflowId(tenant)).query(remoteAgentsQuery);
    return remotes.find((r) => r.name === name);
  } catch (err) {
    if (err instanceof Error && err.name === 'WorkflowNotFoundError') return undefined;
    throw err;
  }
}

function cancellationOf(ctx: Context): CancelledFailure {
  const reason: unknown = ctx.cancellationSignal.reason;
  if (reason instanceof CancelledFailure) return reason;
  return new CancelledFailure(typeof reason === 'string' ? reason : 'Activity cancelled');
}

/**
 * The remote's JSON-RPC error answers that a retry cannot change (task not found, malformed request,
 * unsupported operation, content type or version, a required extension) are its refusal, reported to the
 * model; the rest (connection refused, HTTP 5xx, timeouts, an internal error) are retried. By name: the
 * SDK's client bundles its own copies of the error classes.
 */
const REFUSALS = new Set([
  'TaskNotFoundError', 'TaskNotCancelableError', 'RequestMalformedError', 'UnsupportedOperationError', 'ContentTypeNotSupportedError',
  'VersionNotSupportedError', 'ExtensionSupportRequiredError', 'InvalidAgentResponseError', 'PushNotificationNotSupportedError',
]);
const isProtocolRefusal = (err: unknown): boolean => err instanceof Error && REFUSALS.has(err.name);

/** `tool.progress` events of the `ask_<name>` call, one per state change of the remote task (best effort: never fails the call). */
function progressEvents(ctx: Context, req: CallRemoteAgentRequest, factory: SessionEventPublisherFactory) {
  let publisher: SessionEventPublisher | undefined;
  let count = 0;
  const { turnId, toolCallId } = req;
  return {
    state: (state: string, task: { id: string }) => {
      if (!turnId || !toolCallId) return;
      try {
        publisher ??= factory(ctx, streamTargetOf(req.streamTo));
        publisher.publish({ type: 'tool.progress', turnId, toolCallId, tool: `ask_${req.name}`, progress: ++count, message: `remote task ${task.id}: ${state}` });
      } catch (err) {
        ctx.log.warn('Failed to publish a remote task state', { error: String(err) });
      }
    },
    close: async () => {
      await publisher?.close().catch((err: unknown) => ctx.log.warn('Failed to flush events to the workflow stream', { error: String(err) }));
    },
  };
}

export function createRemoteAgentActivities(deps: RemoteAgentActivityDeps): RemoteAgentActivities {
  const allowPrivateHosts = deps.hubConfig.security.allowPrivateHosts;
  const lookupRemote = deps.lookupRemote ?? registryRemote;
  const pollIntervalMs = deps.pollIntervalMs ?? 500;

  return {
    async inspectRemoteAgent({ cardUrl, headers }) {
      try {
        return await fetchRemoteAgentCard(cardUrl, headers, { allowPrivateHosts, ...(deps.lookup ? { lookup: deps.lookup } : {}) });
      } catch (err) {
        if (err instanceof RemoteAgentError && err.kind !== 'unreachable') throw ApplicationFailure.nonRetryable(err.message, 'RemoteAgentRejected');
        throw err;
      }
    },

    async callRemoteAgent(req: CallRemoteAgentRequest): Promise<CallRemoteAgentResult> {
      const ctx = Context.current();
      if (ctx.cancellationSignal.aborted) throw cancellationOf(ctx);
      const info = ctx.info;
      const resume = info.heartbeatDetails as RemoteCallProgress | undefined;
      const messageId = resume?.messageId ?? req.messageId ?? activityIdempotencyKey(info);
      let progress: RemoteCallProgress = { ...resume, messageId };
      ctx.heartbeat(progress);
      const hbt = info.heartbeatTimeoutMs;
      const every = deps.heartbeatIntervalMs ?? (hbt ? Math.min(1_000, Math.max(50, Math.floor(hbt / 3))) : 1_000);
      const hb = setInterval(() => ctx.heartbeat(progress), every);
      hb.unref();
      let remote;
      try {
        remote = await lookupRemote(req.tenant, req.name);
      } catch (err) {
        clearInterval(hb);
        throw err;
      }
      if (!remote) {
        clearInterval(hb);
        return refusal(`no remote A2A agent named '${req.name}' is registered (it may have been removed)`);
      }
      if (remote.url !== req.url) {
        clearInterval(hb);
        return refusal(`the remote A2A agent '${req.name}' was registered again with another endpoint since this session started`);
      }
      const rc = await remoteClient(remote, { allowPrivateHosts, ...(deps.lookup ? { lookup: deps.lookup } : {}) });
      const events = progressEvents(ctx, req, deps.publisher ?? workflowStreamPublisher);
      try {
        return await sendAndFollow(
          rc.client,
          { task: req.task, messageId, ...(req.contextId ? { contextId: req.contextId } : {}), ...(resume?.taskId ? { resume } : {}) },
          {
            signal: ctx.cancellationSignal,
            pollIntervalMs,
            progress: (p) => {
              progress = p;
              ctx.heartbeat(p);
            },
            onState: events.state,
            ...(deps.afterTaskKnown ? { afterTaskKnown: (p: RemoteCallProgress) => deps.afterTaskKnown!(p, info.attempt) } : {}),
          },
        );
      } catch (err) {
        if (ctx.cancellationSignal.aborted) {
          if (progress.taskId) await rc.client.cancelTask({ tenant: '', id: progress.taskId, metadata: undefined }).catch(() => undefined);
          throw cancellationOf(ctx);
        }
        if (isMcpSafetyError(err)) return refusal(err.message);
        if (isProtocolRefusal(err)) return { ...refusal(`the remote A2A agent '${req.name}' refused the call: ${(err as Error).message}`), ...(progress.taskId ? { taskId: progress.taskId } : {}) };
        throw err;
      } finally {
        clearInterval(hb);
        await events.close();
        await rc.close().catch(() => undefined);
      }
    },
  };
}

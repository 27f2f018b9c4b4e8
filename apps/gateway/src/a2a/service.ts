/**
 * Every agent over A2A with the official SDK (@a2a-js/sdk): per request, the SDK's `DefaultRequestHandler`
 * for the agent's card, with the sessions as its task store (task-store.ts) and the session executor
 * (executor.ts), behind the SDK's JSON-RPC transport handler: protocol 1.0 (`SendMessage`,
 * `SendStreamingMessage`, `GetTask`, `CancelTask`, …) and, through its v0.3 compatibility layer, 0.3
 * (`message/send`, `message/stream`, `tasks/get`, `tasks/cancel`) for requests whose `A2A-Version` is 0.3
 * or absent. This is the SDK's Express adapter's logic without Express: routes.ts turns the outcome into HTTP.
 */
import { A2A_VERSION_HEADER, Extensions, HTTP_EXTENSION_HEADER } from '@a2a-js/sdk';
import { A2A_LEGACY_PROTOCOL_VERSION, LEGACY_HTTP_EXTENSION_HEADER } from '@a2a-js/sdk/compat/v0_3';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import { A2A_ERROR_CODE } from '@a2a-js/sdk/errors';
import {
  DefaultExecutionEventBusManager,
  DefaultRequestHandler,
  JsonRpcTransportHandler,
  defaultServerCallContextBuilder,
  validateVersion,
  type User,
} from '@a2a-js/sdk/server';
import type { Client } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { parseAgentRef, sessionWorkflowId } from '@hub/contracts';
import { ApiError } from '../http/errors';
import type { Admission } from '../quotas/admission';
import type { RequestContext } from '../request-context';
import type { SessionService } from '../sessions/service';
import { shortCalls } from '../temporal/deadlines';
import { temporalApiError } from '../temporal/failures';
import { agentNotFound, type AgentDirectory } from './agents';
import { buildAgentCard, cardJson, type CardOptions } from './card';
import { CheckedRequestHandler } from './checks';
import { SessionAgentExecutor, setServedAgent } from './executor';
import { SessionTaskStore, withHubContext } from './task-store';
import { isTerminal, taskFromState, taskIdOf, type TaskRef } from './tasks';

/** How long a cancel waits for the turn to end before answering (the SDK then reads the task's state). */
const CANCEL_SETTLE_MS = 15_000;

/** A JSON-RPC answer: one JSON body, or a stream of envelopes to send as Server-Sent Events. */
export type A2aOutcome =
  | { kind: 'json'; status: 200 | 500; body: unknown; headers: Record<string, string> }
  | { kind: 'stream'; first: unknown; rest: AsyncIterator<unknown>; headers: Record<string, string>; mapError: (err: unknown) => unknown };

export interface A2aService {
  /** The agent's card (JSON); 404 ApiError for an agent the tenant does not have. */
  card(ctx: RequestContext, agent: string, opts: CardOptions): Promise<unknown>;
  /** One JSON-RPC request to the agent (`body` as received, `header` reads the request's headers). */
  handle(ctx: RequestContext, agent: string, opts: HandleOptions, body: string, header: (name: string) => string | undefined): Promise<A2aOutcome>;
}

export interface HandleOptions extends CardOptions {
  /** The tenant's limits, asked before a message starts a new session (unset: none). */
  admission?: Admission | undefined;
}

export interface A2aServiceOptions {
  client: Client;
  /** Deadline of short Temporal calls (the stream's offset). Default 10 s. */
  rpcTimeoutMs?: number | undefined;
  sessions: SessionService;
  agents: AgentDirectory;
}

/** The caller as the SDK sees it: the tenant its API key picked. */
class TenantUser implements User {
  constructor(private readonly tenant: string) {}
  get isAuthenticated(): boolean {
    return true;
  }
  get userName(): string {
    return this.tenant;
  }
}

type RpcId = string | number | null;
const idOf = (body: string): RpcId => {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' || typeof id === 'number' ? id : null;
  } catch {
    return null;
  }
};

export function createA2aService(opts: A2aServiceOptions): A2aService {
  const { client, sessions, agents } = opts;
  /** Cancels the task's turn (the session stays open) and waits until the session shows the turn ended. */
  const cancelTurn = async (ctx: RequestContext, ref: TaskRef): Promise<void> => {
    const taskId = taskIdOf(ref.sessionId, ref.turnId);
    await sessions.cancelTurn(ctx, ref.sessionId, ref.turnId, `a2a-cancel:${taskId}`);
    // A running turn ends once its tools, delegations and compensations have settled.
    for (const deadline = Date.now() + CANCEL_SETTLE_MS; Date.now() < deadline; ) {
      const state = await sessions.state(ctx, ref.sessionId);
      const task = taskFromState(state, ref);
      if (!task || isTerminal(task.status?.state)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const short = shortCalls(client, opts.rpcTimeoutMs);
  const streamOffset = async (ctx: RequestContext, sessionId: string): Promise<number> => {
    try {
      return await short(() => WorkflowStreamClient.create(client, sessionWorkflowId(ctx.tenant, sessionId)).getOffset());
    } catch (err) {
      throw temporalApiError(err) ?? err;
    }
  };
  const store = new SessionTaskStore({ sessions, cancelTurn });
  const executor = new SessionAgentExecutor({ sessions, streamOffset });
  // Buses of executions in this process only (a blocking call's or a stream's); tasks themselves live in the sessions.
  const buses = new DefaultExecutionEventBusManager();

  /** The card of the agent a route names: `name` (the latest version) or `name@version` (that version, pinned). */
  const cardOf = async (ctx: RequestContext, ref: string, cardOpts: CardOptions) => {
    const parsed = parseAgentRef(ref);
    if (!parsed) throw agentNotFound(ref);
    return buildAgentCard(await agents.get(ctx, parsed.name, parsed.version), cardOpts, ref);
  };

  return {
    async card(ctx, agent, cardOpts) {
      return cardJson(await cardOf(ctx, agent, cardOpts));
    },

    async handle(ctx, agentName, cardOpts, body, header) {
      const card = await cardOf(ctx, agentName, cardOpts);
      const sdkHandler = new DefaultRequestHandler(card, store, executor, buses, undefined, undefined, undefined, undefined, {
        // No bus outlives its execution: an input-required task continues with a new message (a new execution).
        keepBusAliveStates: [],
      });
      const handler = new CheckedRequestHandler(sdkHandler, {
        sessions,
        agent: agentName,
        admission: cardOpts.admission,
        store,
        streamOffset,
        followTurn: (c, bus, ref, offset, agent) => executor.followTurn(c, bus, ref, offset, agent),
      });
      const version = header(A2A_VERSION_HEADER);
      const legacy = (version || A2A_LEGACY_PROTOCOL_VERSION) === A2A_LEGACY_PROTOCOL_VERSION;
      const mapError = legacy ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError : JsonRpcTransportHandler.mapToJSONRPCError;
      const id = idOf(body);
      const errorBody = (err: unknown) => ({ jsonrpc: '2.0', id, error: mapError(err) });
      const extensionHeader = legacy ? LEGACY_HTTP_EXTENSION_HEADER : HTTP_EXTENSION_HEADER;
      try {
        const context = defaultServerCallContextBuilder({
          extensions: Extensions.parseServiceParameter(legacy ? (header(LEGACY_HTTP_EXTENSION_HEADER) ?? header(HTTP_EXTENSION_HEADER)) : header(HTTP_EXTENSION_HEADER)),
          user: new TenantUser(ctx.tenant),
          headers: {},
          ...(version ? { requestedVersion: version } : {}),
        });
        withHubContext(context, ctx);
        setServedAgent(context.state, agentName);
        validateVersion(context.requestedVersion, card, 'JSONRPC');
        const transport = legacy ? new LegacyJsonRpcTransportHandler(handler) : new JsonRpcTransportHandler(handler);
        const out = await transport.handle(body, context);
        if (handler.refusal) throw handler.refusal;
        const headers: Record<string, string> = context.activatedExtensions ? { [extensionHeader]: [...context.activatedExtensions].join(',') } : {};
        if (out && typeof (out as AsyncGenerator<unknown>)[Symbol.asyncIterator] === 'function') {
          const iterator = (out as AsyncGenerator<unknown>)[Symbol.asyncIterator]();
          let first: IteratorResult<unknown>;
          try {
            first = await iterator.next();
          } catch (err) {
            if (handler.refusal) throw handler.refusal;
            ctx.log.warn('a2a stream failed before its first event', { agent: agentName, err: err instanceof Error ? err.message : String(err) });
            return { kind: 'json', status: 200, body: errorBody(err), headers };
          }
          return { kind: 'stream', first: first.done ? undefined : first.value, rest: iterator, headers, mapError: errorBody };
        }
        return { kind: 'json', status: 200, body: out, headers };
      } catch (err) {
        if (err instanceof ApiError) throw err; // the hub's refusal (checks.ts): an HTTP error of its own
        const mapped = mapError(err);
        if (mapped.code === A2A_ERROR_CODE.INTERNAL_ERROR) ctx.log.error('a2a request failed', { agent: agentName, err: err instanceof Error ? err.message : String(err) });
        return { kind: 'json', status: mapped.code === A2A_ERROR_CODE.INTERNAL_ERROR ? 500 : 200, body: { jsonrpc: '2.0', id, error: mapped }, headers: {} };
      }
    },
  };
}

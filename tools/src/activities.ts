import { Context, type Info } from '@temporalio/activity';
import {
  streamTargetOf,
  workflowStreamPublisher,
  type SessionEventPublisher,
  type SessionEventPublisherFactory,
} from '@hub/runtime/streams';
import {
  activityIdempotencyKey,
  taskToolName,
  tenantOfWorkflowId,
  type TaskCompensation,
  type ListToolsRequest,
  type SessionActivities,
  type SessionEvent,
  type StreamTarget,
  type ToolRequest,
  type ToolResult,
  type ToolSpec,
} from '@hub/contracts';
import { createBuiltinProvider } from './builtin';
import { isToolError } from './errors';
import { ToolRegistry, matchesAllowlist } from './registry';
import { toolCallTimer } from './tool-metrics';
import { truncateResult } from './truncate';
import type { ToolContext, ToolProgress, ToolSourceUnavailable } from './types';

export interface ListToolsOptions {
  /** Told of every MCP server left out of the listing (or served from cache) because it was slow or failed. */
  onUnavailable?: (u: ToolSourceUnavailable) => void;
}

export type ToolActivities = Pick<SessionActivities, 'executeTool'> & {
  /** The `listTools` activity; callers in the same process (the LLM activity) may pass `opts`. */
  listTools(req: ListToolsRequest, opts?: ListToolsOptions): Promise<ToolSpec[]>;
};

/**
 * Heartbeats the current activity (if there is one) from now on, at a third
 * of its heartbeat timeout (at most every second), until the returned
 * function is called: an attempt that waits on something slow (a server's
 * tool list, a connection) is never taken for a dead worker's, and a dead
 * worker's attempt is retried as soon as its heartbeat timeout passes.
 */
export function startHeartbeats(): () => void {
  let actx: Context;
  try {
    actx = Context.current();
  } catch {
    return () => undefined; // not in an activity (a direct call)
  }
  const timeout = actx.info.heartbeatTimeoutMs;
  const every = timeout ? Math.min(1_000, Math.max(50, Math.floor(timeout / 3))) : 1_000;
  // First beat after `every` (an activity that is done by then costs none), well within the timeout.
  const timer = setInterval(() => actx.heartbeat(), every);
  timer.unref();
  return () => clearInterval(timer);
}

export interface ToolActivitiesDeps {
  /** Default: a registry with the built-in tools only. */
  registry?: ToolRegistry;
  /** Cap on result content (default `LIMITS.maxToolResultChars`). */
  maxResultChars?: number;
  /** Where `tool.progress` events go (default: the session's workflow stream, or a request's `streamTo`, tagged). Tests inject their own. */
  progressPublisher?: SessionEventPublisherFactory;
  /** Least time between two published progress events of one call (default 250 ms; later ones in between are coalesced). */
  progressIntervalMs?: number;
  /** Compensations of side-effecting tools (hub config `compensations`, keyed `"server/tool"`), attached to their specs. */
  compensations?: Record<string, TaskCompensation>;
}

/** A registry holding the built-in tools (calculator, current_time, save_note, list_notes). */
export function createDefaultRegistry(): ToolRegistry {
  return new ToolRegistry([createBuiltinProvider()]);
}

/**
 * The key a side-effecting tool dedupes on: the same for every retry of one
 * activity execution, different for every other execution. It is
 * `<workflowId>/<activityId>` (see `activityIdempotencyKey` in contracts):
 * hub workflows give activities ids that are unique across continue-as-new
 * runs, so the run id is not needed.
 */
export function idempotencyKeyFromInfo(info: Pick<Info, 'activityId' | 'workflowExecution'>): string {
  return activityIdempotencyKey(info);
}

/**
 * The `listTools` and `executeTool` activities (register the returned object
 * with the worker; the keys are the activity names of `ACTIVITY_TYPES`).
 *
 * executeTool never throws for a problem the model caused or can fix: an
 * unknown tool, arguments that are not JSON or break the tool's schema, or a
 * `ToolError` from the tool come back as `{ ok: false, content }`. Any other
 * error (a transport-like failure) is rethrown so Temporal retries the
 * attempt. Content longer than the limit is truncated with a note.
 *
 * The allowlist and `requiresApproval` are enforced by the calling workflow:
 * `ToolRequest` carries neither.
 */
export function createToolActivities(deps: ToolActivitiesDeps = {}): ToolActivities {
  const registry = deps.registry ?? createDefaultRegistry();
  const finish = (r: ToolResult): ToolResult => truncateResult(r, deps.maxResultChars);

  // Hub tool name → its compensation, with the compensating tool's hub name.
  const compensations = new Map(
    Object.entries(deps.compensations ?? {}).map(([tool, c]) => [taskToolName(tool), { tool: taskToolName(c.tool), args: c.args }]),
  );

  async function listTools(req: ListToolsRequest, opts: ListToolsOptions = {}): Promise<ToolSpec[]> {
    const stop = startHeartbeats();
    let listed: ToolSpec[];
    try {
      listed = await registry.listTools(req.allow, {
        ...(req.tenant !== undefined ? { tenant: req.tenant } : {}),
        ...(opts.onUnavailable ? { onUnavailable: opts.onUnavailable } : {}),
      });
    } finally {
      stop();
    }
    const also = req.alsoAllow;
    const tools = also ? listed.filter((t) => matchesAllowlist(t.name, also)) : listed;
    if (compensations.size === 0) return tools;
    return tools.map((t) => {
      const compensation = compensations.get(t.name);
      return compensation ? { ...t, compensation } : t;
    });
  }

  async function executeTool(req: ToolRequest): Promise<ToolResult> {
    const stop = startHeartbeats(); // from the start: finding the tool's provider lists the MCP servers
    const timer = toolCallTimer(req.name);
    try {
      return timer.ok(await execute(req));
    } catch (err) {
      throw timer.failed(err);
    } finally {
      stop();
    }
  }

  async function execute(req: ToolRequest): Promise<ToolResult> {
    const actx = Context.current();
    const { name } = req;
    const info = actx.info;
    const wfId = info.workflowExecution?.workflowId;
    const tenant = wfId ? tenantOfWorkflowId(wfId) : undefined;

    const provider = await registry.providerFor(name, tenant !== undefined ? { tenant } : {});
    if (!provider) return finish({ ok: false, content: `Unknown tool "${name}"` });

    let args: unknown;
    const raw = req.arguments.trim();
    try {
      // Models send "" for tools without parameters.
      args = raw === '' ? {} : JSON.parse(raw);
    } catch (err) {
      return finish({
        ok: false,
        content: `Invalid arguments for ${name}: arguments are not valid JSON (${(err as Error).message})`,
      });
    }

    const progress = req.turnId !== undefined && req.toolCallId !== undefined
      ? new ProgressEvents(actx, deps.progressPublisher ?? workflowStreamPublisher, deps.progressIntervalMs ?? 250, {
          turnId: req.turnId,
          toolCallId: req.toolCallId,
          tool: name,
        }, streamTargetOf(req.streamTo))
      : undefined;
    const ctx: ToolContext = {
      idempotencyKey: idempotencyKeyFromInfo(info),
      signal: actx.cancellationSignal,
      heartbeat: (details?: unknown) => actx.heartbeat(details),
      sessionId: req.sessionId,
      ...(tenant !== undefined ? { tenant } : {}),
      ...(progress ? { onProgress: (p: ToolProgress) => progress.push(p) } : {}),
    };

    try {
      return finish(await provider.call(name, args, ctx));
    } catch (err) {
      if (isToolError(err)) return finish({ ok: false, content: err.message });
      throw err;
    } finally {
      await progress?.close();
    }
  }

  return { listTools, executeTool };
}

/**
 * `tool.progress` events of one call: at most one per `intervalMs` (the
 * latest wins; one pending at the end is dropped, the result follows). The
 * publisher is opened on the first event; publishing is best effort.
 */
class ProgressEvents {
  #publisher: SessionEventPublisher | undefined;
  #failed = false;
  #lastAt = 0;
  #pending: ToolProgress | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly actx: Context,
    private readonly factory: SessionEventPublisherFactory,
    private readonly intervalMs: number,
    private readonly where: { turnId: string; toolCallId: string; tool: string },
    /** A delegated agent's call: progress goes to the root session's stream, tagged with the delegation. */
    private readonly target: StreamTarget | undefined,
  ) {}

  push(p: ToolProgress): void {
    const wait = this.#lastAt + this.intervalMs - Date.now();
    if (wait <= 0 && !this.#timer) {
      this.#emit(p);
      return;
    }
    this.#pending = p;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const pending = this.#pending;
      this.#pending = undefined;
      if (pending) this.#emit(pending);
    }, Math.max(0, wait));
  }

  #emit(p: ToolProgress): void {
    this.#lastAt = Date.now();
    if (this.#failed) return;
    try {
      this.#publisher ??= this.target ? this.factory(this.actx, this.target) : this.factory(this.actx);
      const ev: SessionEvent = { type: 'tool.progress', ...this.where, progress: p.progress };
      if (p.total !== undefined) ev.total = p.total;
      if (p.message !== undefined) ev.message = p.message;
      this.#publisher.publish(ev);
    } catch (err) {
      // E.g. a worker without a Temporal client: the call goes on without live progress.
      this.#failed = true;
      this.actx.log.warn('Tool progress events unavailable', { error: String(err) });
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
    if (!this.#publisher) return;
    try {
      await this.#publisher.close();
    } catch (err) {
      this.actx.log.warn('Failed to flush tool progress events to the workflow stream', { error: String(err) });
    }
  }
}

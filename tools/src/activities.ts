import { Context, type Info } from '@temporalio/activity';
import { activityIdempotencyKey, parseSessionWorkflowId, type ListToolsRequest, type SessionActivities, type ToolRequest, type ToolResult, type ToolSpec } from '@hub/contracts';
import { createBuiltinProvider } from './builtin';
import { isToolError } from './errors';
import { ToolRegistry, matchesAllowlist } from './registry';
import { truncateResult } from './truncate';
import type { ToolContext } from './types';

export type ToolActivities = Pick<SessionActivities, 'listTools' | 'executeTool'>;

export interface ToolActivitiesDeps {
  /** Default: a registry with the built-in tools only. */
  registry?: ToolRegistry;
  /** Cap on result content (default `LIMITS.maxToolResultChars`). */
  maxResultChars?: number;
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

  async function listTools(req: ListToolsRequest): Promise<ToolSpec[]> {
    const tools = await registry.listTools(req.allow);
    const also = req.alsoAllow;
    return also ? tools.filter((t) => matchesAllowlist(t.name, also)) : tools;
  }

  async function executeTool(req: ToolRequest): Promise<ToolResult> {
    const actx = Context.current();
    const { name } = req;

    const found = await registry.resolve(name);
    if (!found) return finish({ ok: false, content: `Unknown tool "${name}"` });

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

    const info = actx.info;
    const tenant = info.workflowExecution ? parseSessionWorkflowId(info.workflowExecution.workflowId)?.tenant : undefined;
    const ctx: ToolContext = {
      idempotencyKey: idempotencyKeyFromInfo(info),
      signal: actx.cancellationSignal,
      heartbeat: (details?: unknown) => actx.heartbeat(details),
      sessionId: req.sessionId,
      ...(tenant !== undefined ? { tenant } : {}),
    };

    try {
      return finish(await found.provider.call(name, args, ctx));
    } catch (err) {
      if (isToolError(err)) return finish({ ok: false, content: err.message });
      throw err;
    }
  }

  return { listTools, executeTool };
}

/**
 * The zod-free half of saga tasks: names, the task query, tool naming and the
 * compensation argument mapping. Workflow code imports these at runtime; the
 * schemas (API body, state, events) stay in `tasks.ts`.
 */
import { defineQuery } from '@temporalio/workflow';
import { MCP_TOOL_SEPARATOR } from './names';
import type { TaskState } from './tasks';

/**
 * The hub's name of a task tool: `"server/tool"` → `server__tool` (every
 * character outside `[a-zA-Z0-9_-]` replaced by `_`, as `qualifyToolName` in
 * `@hub/tools` does for names of at most 64 characters); a name without a
 * slash is a built-in tool and is used as is. Names whose qualified form
 * would exceed 64 characters (the hub then appends a hash) are refused by
 * {@link TaskToolNameSchema}.
 */
export function taskToolName(tool: string): string {
  const slash = tool.indexOf('/');
  if (slash < 0) return tool;
  return `${tool.slice(0, slash)}${MCP_TOOL_SEPARATOR}${tool.slice(slash + 1)}`.replace(/[^a-zA-Z0-9_-]/g, '_');
}

export const TASK_EVENTS_TOPIC = 'events';
export const SAGA_TASK_WORKFLOW_TYPE = 'sagaTask';

export const taskStateQuery = defineQuery<TaskState>('taskState');

/** Task workflow ids embed the tenant, like session ids. */
export function taskWorkflowId(tenant: string, id: string): string {
  return `task/${tenant}/${id}`;
}
export function parseTaskWorkflowId(workflowId: string): { tenant: string; id: string } | undefined {
  const m = /^task\/([^/]+)\/([^/]+)$/.exec(workflowId);
  return m ? { tenant: m[1]!, id: m[2]! } : undefined;
}

// ---- compensation argument mapping -------------------------------------------

/** Thrown by {@link resolveCompensationArgs} when a reference cannot be resolved. */
export class CompensationMappingError extends Error {
  override name = 'CompensationMappingError';
}

function lookup(root: unknown, path: string, what: string): unknown {
  let cur: unknown = root;
  for (const key of path.split('.')) {
    if (key === '') throw new CompensationMappingError(`empty path segment in "${what}"`);
    if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, key)) {
      cur = (cur as Record<string, unknown>)[key];
    } else {
      throw new CompensationMappingError(`"${what}": no field "${key}"`);
    }
  }
  return cur;
}

function resolveString(s: string, step: { args: Record<string, unknown>; result: string }): unknown {
  if (s.startsWith('$$')) return s.slice(1);
  if (s === '$args') return step.args;
  if (s.startsWith('$args.')) return lookup(step.args, s.slice('$args.'.length), s);
  if (s === '$result') return step.result;
  if (s.startsWith('$result.')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(step.result);
    } catch {
      throw new CompensationMappingError(`"${s}": the step's result is not JSON`);
    }
    return lookup(parsed, s.slice('$result.'.length), s);
  }
  return s;
}

/**
 * The arguments of a compensation, with references to its step resolved.
 * A string value that is exactly one of these is replaced (keeping the
 * referenced value's type):
 *
 * - `"$args"`: the step's arguments; `"$args.<path>"`: one of them;
 * - `"$result"`: the step's result text; `"$result.<path>"`: a field of the
 *   result parsed as JSON (`<path>` is dot-separated keys; array indices are
 *   keys too: `$result.items.0.id`).
 *
 * Strings that merely contain a reference are left alone (no interpolation);
 * `"$$..."` stands for the literal `"$..."`. Nested objects and arrays are
 * walked. A reference that does not resolve throws
 * {@link CompensationMappingError}. Pure and deterministic (workflow-safe).
 */
export function resolveCompensationArgs(
  template: Record<string, unknown>,
  step: { args: Record<string, unknown>; result: string },
): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return resolveString(v, step);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(template) as Record<string, unknown>;
}

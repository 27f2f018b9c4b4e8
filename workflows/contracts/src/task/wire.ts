/**
 * The zod-free half of tasks (the API's `task` resource: a saga of tool
 * calls, run by the `sagaTask` workflow, `WORKFLOW_TYPES.task`): ids, the
 * task query, tool naming, the compensation argument mapping (shared with
 * the turn compensations of sessions) and the plain types of a task's state.
 * Workflow code imports this at runtime; the API schemas are in `./schemas`.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { MCP_TOOL_SEPARATOR } from '../mcp/wire';
import type { ApprovalUpdateInput } from '../session/wire';

/**
 * The hub's name of a task tool: `"server/tool"` → `server__tool` (every
 * character outside `[a-zA-Z0-9_-]` replaced by `_`, as `qualifyToolName` in
 * `@hub/tools` does for names of at most 64 characters); a name without a
 * slash is a built-in tool and is used as is. Names whose qualified form
 * would exceed 64 characters (the hub then appends a hash) are refused by
 * `TaskToolNameSchema` (`./schemas`).
 */
export function taskToolName(tool: string): string {
  const slash = tool.indexOf('/');
  if (slash < 0) return tool;
  return `${tool.slice(0, slash)}${MCP_TOOL_SEPARATOR}${tool.slice(slash + 1)}`.replace(/[^a-zA-Z0-9_-]/g, '_');
}

export const TASK_EVENTS_TOPIC = 'events';

/** Most steps in one task. */
export const MAX_TASK_STEPS = 50;

/** A step's time budget, retries included (`timeoutMs` of a step): default (the tool activity's), least and most. */
export const DEFAULT_STEP_TIMEOUT_MS = 10 * 60 * 1000;
export const MIN_STEP_TIMEOUT_MS = 500;
export const MAX_STEP_TIMEOUT_MS = 60 * 60 * 1000;

// ---- a task's state ----------------------------------------------------------------

/**
 * running: steps are running; awaiting_approval: the next step needs a human's approval; completed: every step
 * succeeded; failed: a step failed and there was nothing to undo; compensating: undoing completed steps;
 * compensated: every needed compensation succeeded; compensation_failed: at least one compensation still failed
 * after its retries (needs a human).
 */
export type TaskStatus = 'running' | 'awaiting_approval' | 'completed' | 'failed' | 'compensating' | 'compensated' | 'compensation_failed';
export type TaskStepStatus = 'pending' | 'awaiting_approval' | 'running' | 'completed' | 'failed' | 'skipped';

/** A step waiting for a human (its tool requires approval, by the same policy as session tool calls). */
export interface TaskPendingApproval {
  /** `step-<index>`. */
  approvalId: string;
  index: number;
  tool: string;
  /** JSON-encoded arguments the step will call the tool with. */
  arguments: string;
  /** ISO time. */
  requestedAt: string;
  /** ISO time; no decision by then counts as a denial. */
  expiresAt: string;
}
/**
 * not_needed: the step is known not to have run (it answered an error, was refused before it was sent, was denied,
 * or never started): nothing to undo; registered: will run if the task fails (also for a step whose outcome is
 * unknown: it timed out, ran out of retries or was cancelled mid-call, so its effect may have happened).
 */
export type TaskCompensationStatus = 'not_needed' | 'registered' | 'running' | 'completed' | 'failed';

export interface TaskStepState {
  index: number;
  tool: string;
  status: TaskStepStatus;
  /** The tool's result text (completed steps). */
  result?: string;
  error?: string;
  /**
   * True when the step's call failed without an answer (it timed out, ran out of retries, or was cancelled
   * mid-call): its effect may have happened, so its compensation is due as if it had completed.
   */
  outcomeUnknown?: boolean;
  compensation?: { tool: string; status: TaskCompensationStatus; result?: string; error?: string };
}

export interface TaskState {
  id: string;
  tenant: string;
  status: TaskStatus;
  steps: TaskStepState[];
  /** Why the task did not complete (the failing step's error, or the cancellation). */
  error?: string;
  /** Whether the task was cancelled (`POST /v1/tasks/:id/cancel`). */
  cancelled?: boolean;
  /** Steps waiting for an approval (at most one: steps run in order). */
  pendingApprovals?: TaskPendingApproval[];
}

export const taskStateQuery = defineQuery<TaskState>('taskState');

/** Approves or denies a pending step (`POST /v1/tasks/:id/approvals/:approvalId`); rejected (`ApprovalNotFound`) unless that approval is pending. */
export const approveTaskStepUpdate = defineUpdate<{ accepted: true }, [ApprovalUpdateInput]>('approveTaskStep');

/** The approval id of a task step. */
export const taskApprovalId = (index: number): string => `step-${index}`;

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

/** What a compensation's arguments may refer to: the step's arguments, its result (when it answered) and its idempotency key. */
export interface CompensationStepContext {
  args: Record<string, unknown>;
  /** The step's result text; undefined when the step's outcome is unknown (no answer arrived). */
  result?: string | undefined;
  /** The idempotency key the step's call carried (`<workflowId>/<activityId>`). */
  key?: string | undefined;
}

function resolveString(s: string, step: CompensationStepContext): unknown {
  if (s.startsWith('$$')) return s.slice(1);
  if (s === '$args') return step.args;
  if (s.startsWith('$args.')) return lookup(step.args, s.slice('$args.'.length), s);
  if (s === '$key') {
    if (step.key === undefined) throw new CompensationMappingError('"$key": the step has no idempotency key');
    return step.key;
  }
  if (s === '$result' || s.startsWith('$result.')) {
    if (step.result === undefined) {
      throw new CompensationMappingError(
        `"${s}": the step's outcome is unknown (no answer arrived), so it has no result; a compensation that must also undo such a step can use "$key" or "$args"`,
      );
    }
  }
  if (s === '$result') return step.result;
  if (s.startsWith('$result.')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(step.result!);
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
 *   keys too: `$result.items.0.id`). A step whose outcome is unknown (no
 *   answer arrived) has no result: these then throw;
 * - `"$key"`: the idempotency key the step's call carried, with which an
 *   idempotent server can undo "whatever that call did" without its answer.
 *
 * Strings that merely contain a reference are left alone (no interpolation);
 * `"$$..."` stands for the literal `"$..."`. Nested objects and arrays are
 * walked. A reference that does not resolve throws
 * {@link CompensationMappingError}. Pure and deterministic (workflow-safe).
 */
export function resolveCompensationArgs(
  template: Record<string, unknown>,
  step: CompensationStepContext,
): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return resolveString(v, step);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(template) as Record<string, unknown>;
}

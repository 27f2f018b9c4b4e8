/**
 * Saga tasks: a list of tool calls run in order, each with an optional
 * compensation that is registered before its step runs and executed (in
 * reverse order, completed steps only) when a later step fails or the task is
 * cancelled. Shapes of the API body, the workflow input, its state and its
 * events, plus the pure helpers the workflow needs (tool naming, the
 * compensation argument mapping).
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { MCP_TOOL_SEPARATOR } from './names';

/** OpenAI's function-name rule, which every hub tool name follows. */
const QUALIFIED_TOOL_RE = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_QUALIFIED = 64;

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

export const TaskToolNameSchema = z
  .string()
  .regex(/^(?:[a-zA-Z0-9_-]{1,32}\/[^/\s]{1,128}|[a-zA-Z0-9_-]{1,64})$/, {
    message: 'tool must be "server/tool" (an MCP server name and one of its tools) or a built-in tool name',
  })
  .refine((t) => taskToolName(t).length <= MAX_QUALIFIED && QUALIFIED_TOOL_RE.test(taskToolName(t)), {
    message: `the qualified tool name (server__tool) must be at most ${MAX_QUALIFIED} characters`,
  })
  .describe('"server/tool" for a tool of an MCP server, or the name of a built-in tool');

const MAX_ARGS_JSON = 64_000;
const ToolArgsSchema = z
  .record(z.string(), z.unknown())
  .refine((a) => JSON.stringify(a).length <= MAX_ARGS_JSON, { message: `args must be at most ${MAX_ARGS_JSON} characters of JSON` });

export const TaskCompensationSchema = z
  .object({
    tool: TaskToolNameSchema,
    args: ToolArgsSchema.describe(
      'Arguments of the compensating call. String values may reference the step: "$args" / "$args.<path>" (the step\'s arguments), ' +
        '"$result" (the step\'s result text) or "$result.<path>" (a field of the result when it is JSON). A leading "$$" stands for a literal "$".',
    ),
  })
  .strict();
export type TaskCompensation = z.infer<typeof TaskCompensationSchema>;

export const TaskStepSchema = z
  .object({
    tool: TaskToolNameSchema,
    args: ToolArgsSchema,
    compensate: TaskCompensationSchema.optional().describe('Undoes this step when a later step fails or the task is cancelled'),
  })
  .strict();
export type TaskStep = z.infer<typeof TaskStepSchema>;

export const MAX_TASK_STEPS = 50;

/** Body of `POST /v1/tasks`. */
export const CreateTaskBodySchema = z
  .object({
    steps: z.array(TaskStepSchema).min(1, { message: 'a task needs at least one step' }).max(MAX_TASK_STEPS, {
      message: `a task has at most ${MAX_TASK_STEPS} steps`,
    }),
  })
  .strict();
export type CreateTaskBody = z.infer<typeof CreateTaskBodySchema>;

export const TaskWorkflowInputSchema = CreateTaskBodySchema.extend({ id: z.string(), tenant: z.string() });
export type TaskWorkflowInput = z.infer<typeof TaskWorkflowInputSchema>;

export const TaskStatusSchema = z
  .enum(['running', 'completed', 'failed', 'compensating', 'compensated', 'compensation_failed'])
  .describe(
    'running: steps are running; completed: every step succeeded; failed: a step failed and there was nothing to undo; ' +
      'compensating: undoing completed steps; compensated: every needed compensation succeeded; ' +
      'compensation_failed: at least one compensation still failed after its retries (needs a human)',
  );
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const TaskStepStatusSchema = z.enum(['pending', 'running', 'completed', 'failed', 'skipped']);
export type TaskStepStatus = z.infer<typeof TaskStepStatusSchema>;

export const TaskCompensationStatusSchema = z
  .enum(['not_needed', 'registered', 'running', 'completed', 'failed'])
  .describe('not_needed: the step did not complete, nothing to undo; registered: will run if the task fails');
export type TaskCompensationStatus = z.infer<typeof TaskCompensationStatusSchema>;

export const TaskStepStateSchema = z.object({
  index: z.number().int().nonnegative(),
  tool: z.string(),
  status: TaskStepStatusSchema,
  /** The tool's result text (completed steps). */
  result: z.string().optional(),
  error: z.string().optional(),
  compensation: z
    .object({
      tool: z.string(),
      status: TaskCompensationStatusSchema,
      result: z.string().optional(),
      error: z.string().optional(),
    })
    .optional(),
});
export type TaskStepState = z.infer<typeof TaskStepStateSchema>;

export const TaskStateSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  status: TaskStatusSchema,
  steps: z.array(TaskStepStateSchema),
  /** Why the task did not complete (the failing step's error, or the cancellation). */
  error: z.string().optional(),
  /** Whether the task was cancelled (`POST /v1/tasks/:id/cancel`). */
  cancelled: z.boolean().optional(),
});
export type TaskState = z.infer<typeof TaskStateSchema>;

/** Events on the task's durable stream (topic {@link TASK_EVENTS_TOPIC}). */
export const TaskEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step.started'), index: z.number().int(), tool: z.string() }),
  z.object({ type: z.literal('step.completed'), index: z.number().int(), result: z.string() }),
  z.object({ type: z.literal('step.failed'), index: z.number().int(), error: z.string() }),
  z.object({ type: z.literal('step.skipped'), index: z.number().int() }),
  z.object({ type: z.literal('compensation.registered'), index: z.number().int(), tool: z.string() }),
  z.object({ type: z.literal('compensation.started'), index: z.number().int(), tool: z.string() }),
  z.object({ type: z.literal('compensation.completed'), index: z.number().int(), result: z.string() }),
  z.object({ type: z.literal('compensation.failed'), index: z.number().int(), error: z.string() }),
  z.object({ type: z.literal('task.status'), status: TaskStatusSchema, error: z.string().optional() }),
]);
export type TaskEvent = z.infer<typeof TaskEventSchema>;

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

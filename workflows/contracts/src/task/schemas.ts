/**
 * Schemas of tasks: the API body (steps, each with an optional compensation
 * that is registered before its step runs and executed, in reverse order and
 * for completed steps only, when a later step fails or the task is
 * cancelled), the workflow input, and the state and events (the shapes in
 * `./wire`, checked below).
 */
import { z } from 'zod';
import type { Expect, Same } from '../common/schemas';
import {
  DEFAULT_STEP_TIMEOUT_MS,
  MAX_STEP_TIMEOUT_MS,
  MAX_TASK_STEPS,
  MIN_STEP_TIMEOUT_MS,
  taskToolName,
  type TaskCompensationStatus,
  type TaskPendingApproval,
  type TaskState,
  type TaskStatus,
  type TaskStepState,
  type TaskStepStatus,
} from './wire';

/** OpenAI's function-name rule, which every hub tool name follows. */
const QUALIFIED_TOOL_RE = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_QUALIFIED = 64;

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
        '"$result" (the step\'s result text) or "$result.<path>" (a field of the result when it is JSON), "$key" (the idempotency key the step\'s call carried). ' +
        'A step whose outcome is unknown (it timed out or ran out of retries: its effect may have happened) is compensated too, without a result: ' +
        'a compensation that must undo such a step refers to "$key" or "$args" (one that needs "$result" then fails, and the task ends compensation_failed). ' +
        'A leading "$$" stands for a literal "$".',
    ),
  })
  .strict();
export type TaskCompensation = z.infer<typeof TaskCompensationSchema>;

export const TaskStepSchema = z
  .object({
    tool: TaskToolNameSchema,
    args: ToolArgsSchema,
    compensate: TaskCompensationSchema.optional().describe(
      'Undoes this step when it or a later step fails or the task is cancelled, unless the step is known not to have run',
    ),
    timeoutMs: z
      .number()
      .int()
      .min(MIN_STEP_TIMEOUT_MS)
      .max(MAX_STEP_TIMEOUT_MS)
      .optional()
      .describe(
        `How long the step may take, retries included (ms; default ${DEFAULT_STEP_TIMEOUT_MS}). A step that runs out of time has an unknown outcome and is compensated.`,
      ),
  })
  .strict();
export type TaskStep = z.infer<typeof TaskStepSchema>;

/** Body of `POST /v1/tasks`. */
export const CreateTaskBodySchema = z
  .object({
    steps: z.array(TaskStepSchema).min(1, { message: 'a task needs at least one step' }).max(MAX_TASK_STEPS, {
      message: `a task has at most ${MAX_TASK_STEPS} steps`,
    }),
  })
  .strict();
export type CreateTaskBody = z.infer<typeof CreateTaskBodySchema>;

export const TaskWorkflowInputSchema = CreateTaskBodySchema.extend({
  id: z.string(),
  tenant: z.string(),
  /** Time an approval may wait before it counts as denied (ms; default: the sessions' default). */
  approvalTimeoutMs: z.number().int().positive().optional(),
});
export type TaskWorkflowInput = z.infer<typeof TaskWorkflowInputSchema>;

export const TaskStatusSchema = z
  .enum(['running', 'awaiting_approval', 'completed', 'failed', 'compensating', 'compensated', 'compensation_failed'])
  .describe(
    'running: steps are running; awaiting_approval: the next step needs a human\'s approval (POST /v1/tasks/{id}/approvals/{approvalId}); ' +
      'completed: every step succeeded; failed: a step failed and there was nothing to undo; ' +
      'compensating: undoing completed steps; compensated: every needed compensation succeeded; ' +
      'compensation_failed: at least one compensation still failed after its retries (needs a human)',
  );

export const TaskStepStatusSchema = z.enum(['pending', 'awaiting_approval', 'running', 'completed', 'failed', 'skipped']);

export const TaskPendingApprovalSchema = z.object({
  approvalId: z.string().describe('step-<index>'),
  index: z.number().int().nonnegative(),
  tool: z.string(),
  arguments: z.string().describe('JSON-encoded arguments the step will call the tool with'),
  requestedAt: z.string().describe('ISO time'),
  expiresAt: z.string().describe('ISO time; no decision by then counts as a denial'),
});

export const TaskCompensationStatusSchema = z
  .enum(['not_needed', 'registered', 'running', 'completed', 'failed'])
  .describe(
    'not_needed: the step is known not to have run (it answered an error, was refused before it was sent, was denied, or never started); ' +
      'registered: will run if the task fails (also when the step\'s outcome is unknown: it timed out, ran out of retries or was cancelled mid-call)',
  );

export const TaskStepStateSchema = z.object({
  index: z.number().int().nonnegative(),
  tool: z.string(),
  status: TaskStepStatusSchema,
  /** The tool's result text (completed steps). */
  result: z.string().optional(),
  error: z.string().optional(),
  /** True when the step's call failed without an answer: its effect may have happened, so its compensation is due. */
  outcomeUnknown: z.boolean().optional(),
  compensation: z
    .object({
      tool: z.string(),
      status: TaskCompensationStatusSchema,
      result: z.string().optional(),
      error: z.string().optional(),
    })
    .optional(),
});

export const TaskStateSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  status: TaskStatusSchema,
  steps: z.array(TaskStepStateSchema),
  /** Why the task did not complete (the failing step's error, or the cancellation). */
  error: z.string().optional(),
  /** Whether the task was cancelled (`POST /v1/tasks/:id/cancel`). */
  cancelled: z.boolean().optional(),
  /** Steps waiting for an approval (at most one: steps run in order). */
  pendingApprovals: z.array(TaskPendingApprovalSchema).optional(),
});

/** Events on the task's durable stream (topic `TASK_EVENTS_TOPIC`). */
export const TaskEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step.started'), index: z.number().int(), tool: z.string() }),
  z.object({ type: z.literal('step.completed'), index: z.number().int(), result: z.string() }),
  z.object({ type: z.literal('step.failed'), index: z.number().int(), error: z.string() }),
  z.object({ type: z.literal('step.skipped'), index: z.number().int() }),
  z.object({ type: z.literal('compensation.registered'), index: z.number().int(), tool: z.string() }),
  z.object({ type: z.literal('compensation.started'), index: z.number().int(), tool: z.string() }),
  z.object({ type: z.literal('compensation.completed'), index: z.number().int(), result: z.string() }),
  z.object({ type: z.literal('compensation.failed'), index: z.number().int(), error: z.string() }),
  z.object({ type: z.literal('approval.requested'), approval: TaskPendingApprovalSchema }),
  z.object({
    type: z.literal('approval.resolved'),
    approvalId: z.string(),
    index: z.number().int(),
    approved: z.boolean(),
    reason: z.string().optional(),
    timedOut: z.boolean(),
  }),
  z.object({ type: z.literal('task.status'), status: TaskStatusSchema, error: z.string().optional() }),
]);
export type TaskEvent = z.infer<typeof TaskEventSchema>;

type _Proofs = [
  Expect<Same<z.infer<typeof TaskStatusSchema>, TaskStatus>>,
  Expect<Same<z.infer<typeof TaskStepStatusSchema>, TaskStepStatus>>,
  Expect<Same<z.infer<typeof TaskCompensationStatusSchema>, TaskCompensationStatus>>,
  Expect<Same<z.infer<typeof TaskStepStateSchema>, TaskStepState>>,
  Expect<Same<z.infer<typeof TaskPendingApprovalSchema>, TaskPendingApproval>>,
  Expect<Same<z.infer<typeof TaskStateSchema>, TaskState>>,
];

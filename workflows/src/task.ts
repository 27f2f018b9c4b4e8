/**
 * Tasks (the API's `task` resource): a saga of tool calls, on the saga engine
 * of `./compensation-stack`. The workflow function is exported as `sagaTask`
 * (`WORKFLOW_TYPES.task`): that name is the workflow type recorded in every
 * task's history, so it stays even though the resource is called "task".
 *
 * - Steps run in order, each as the `executeTool` activity with activity id
 *   `step/<index>` (idempotency key `<workflowId>/step/<index>`).
 * - A step's compensation is registered (state and event) BEFORE the step
 *   runs, so a crash between the step and its bookkeeping can never lose it.
 * - A step fails when its tool reports an error (`ok: false`: a business
 *   failure, not retried), when it runs out of time or retries, or when the
 *   task is cancelled while it runs. Then the compensations of the COMPLETED
 *   steps, and of the failed step when its outcome is unknown (no answer:
 *   timed out, out of retries, cancelled mid-call — its effect may have
 *   happened; see `KNOWN_NOT_RUN` in `./compensation-stack`), run
 *   in reverse order, each as its own `executeTool` activity with id
 *   `compensate/<index>` and its own retry policy, in a non-cancellable scope.
 *   A compensation that still fails is recorded and the next one runs anyway;
 *   the task then ends `compensation_failed`.
 * - A step whose tool requires approval (the sessions' policy, see
 *   `./task-approvals`) waits for a human first (`awaiting_approval`); a
 *   denial (or no decision in time) fails it as not run.
 * - Cancelling the workflow compensates, ends `compensated` (or
 *   `compensation_failed`), and the workflow closes as cancelled.
 */
import {
  ActivityCancellationType,
  CancellationScope,
  CancelledFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { WorkflowStream } from '@temporalio/workflow-streams/workflow';
import { resolveCompensationArgs, TASK_EVENTS_TOPIC, taskStateQuery, taskToolName } from '@hub/contracts/task/wire';
import type { SessionActivities, TaskEvent, TaskState, TaskStatus, TaskWorkflowInput, ToolResult } from '@hub/contracts';
import { toolActivityOptions } from './activity-options';
import { CompensationStack, type Compensation } from './compensation-stack';
import { TASK_APPROVALS_PATCH, TaskApprovals, describeDenial, readApprovalPolicy, type ApprovalPolicy } from './task-approvals';
import { describeFailure } from './util';

/** Steps: the session's tool policy; wait for a cancelled call to settle so a step that completed anyway is compensated. */
export const taskStepActivityOptions: ActivityOptions = {
  ...toolActivityOptions,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/** Compensations: the same patience as session tool calls (retried until their time budget); an `ok:false` answer is final. */
export const taskCompensationActivityOptions: ActivityOptions = toolActivityOptions;

/** How long a finished task keeps answering stream polls before it closes. */
export const TASK_STREAM_LINGER = '2 seconds';

/**
 * A step whose call failed without an answer has its compensation run (its effect may have happened).
 * Histories from before this patch replay the old rule (such a step was `not_needed`).
 */
export const UNKNOWN_OUTCOME_PATCH = 'task-compensate-unknown-outcome';

/** The step's activity: `timeoutMs` bounds the step, retries included (Temporal caps each attempt by it too). */
const stepActivity = (index: number, timeoutMs: number | undefined) =>
  proxyActivities<SessionActivities>({
    ...taskStepActivityOptions,
    ...(timeoutMs !== undefined ? { scheduleToCloseTimeout: timeoutMs } : {}),
    activityId: `step/${index}`,
  }).executeTool;

interface StepCompensation extends Compensation {
  index: number;
  tool: string;
}

export async function sagaTask(input: TaskWorkflowInput): Promise<TaskState> {
  const workflowId = workflowInfo().workflowId;
  const stream = new WorkflowStream();
  const events = stream.topic<TaskEvent>(TASK_EVENTS_TOPIC);
  const compensations = new CompensationStack<StepCompensation>(taskCompensationActivityOptions);

  const state: TaskState = {
    id: input.id,
    tenant: input.tenant,
    status: 'running',
    steps: input.steps.map((s, index) => ({
      index,
      tool: s.tool,
      status: 'pending',
      ...(s.compensate ? { compensation: { tool: s.compensate.tool, status: 'not_needed' as const } } : {}),
    })),
  };
  setHandler(taskStateQuery, () => state);

  const setStatus = (status: TaskStatus, error?: string): void => {
    state.status = status;
    if (error !== undefined) state.error = error;
    events.publish({ type: 'task.status', status, ...(error !== undefined ? { error } : {}) });
  };
  const call = (tool: string, args: Record<string, unknown>) => ({
    name: taskToolName(tool),
    arguments: JSON.stringify(args),
    sessionId: workflowId,
  });

  const approvals = new TaskApprovals(state, events, setStatus, input);
  let failure: string | undefined;
  let cancelled = false;

  // ---- which steps need approval (fail closed: no catalogue, no step runs) ----
  let policy: ApprovalPolicy = { needing: new Set(), missing: new Set() };
  if (patched(TASK_APPROVALS_PATCH)) {
    try {
      policy = await readApprovalPolicy(input);
    } catch (err) {
      cancelled = isCancellation(err);
      failure = cancelled ? 'cancelled' : `could not read which steps need approval: ${describeFailure(err)}`;
    }
  }

  // ---- forward: the steps ----
  for (const [index, step] of input.steps.entries()) {
    if (failure !== undefined) break;
    const st = state.steps[index]!;
    if (CancellationScope.current().consideredCancelled) {
      cancelled = true;
      failure = 'cancelled';
      break;
    }
    if (policy.missing.has(step.tool)) {
      // Fail closed: whether it needs approval cannot be known. Never sent, nothing to undo.
      const error = `tool "${step.tool}" is not offered (no such tool, or its server did not list its tools in time); not sent`;
      st.status = 'failed';
      st.error = error;
      events.publish({ type: 'step.failed', index, error });
      failure = `step ${index} (${step.tool}) failed: ${error}`;
      break;
    }
    if (policy.needing.has(step.tool)) {
      let decision: Awaited<ReturnType<TaskApprovals['ask']>>;
      try {
        decision = await approvals.ask(index, step.tool, step.args);
      } catch (err) {
        if (!isCancellation(err)) throw err;
        decision = { approved: false, timedOut: false };
        cancelled = true;
      }
      if (!decision.approved) {
        // Never sent: nothing to undo for this step.
        const error = cancelled ? 'cancelled' : describeDenial(decision);
        st.status = 'failed';
        st.error = error;
        events.publish({ type: 'step.failed', index, error });
        failure = cancelled ? 'cancelled' : `step ${index} (${step.tool}) ${error}`;
        break;
      }
      setStatus('running');
    }
    const undo = step.compensate;
    const registered =
      undo && st.compensation
        ? compensations.push({
            index,
            tool: undo.tool,
            activityId: `compensate/${index}`,
            request: (result) =>
              call(undo.tool, resolveCompensationArgs(undo.args, { args: step.args, result, key: `${workflowId}/step/${index}` })),
          })
        : undefined;
    if (registered) {
      st.compensation!.status = 'registered';
      events.publish({ type: 'compensation.registered', index, tool: undo!.tool });
    }
    st.status = 'running';
    events.publish({ type: 'step.started', index, tool: step.tool });
    let result: ToolResult;
    try {
      result = await stepActivity(index, step.timeoutMs)(call(step.tool, step.args));
    } catch (err) {
      cancelled = isCancellation(err);
      const error = cancelled ? 'cancelled' : describeFailure(err);
      st.status = 'failed';
      st.error = error;
      // No answer: the effect may have happened (the server applied it, the answer got lost). Compensate it too.
      if (registered && patched(UNKNOWN_OUTCOME_PATCH)) {
        compensations.unknown(registered);
        st.outcomeUnknown = true;
      } else if (st.compensation) st.compensation.status = 'not_needed';
      events.publish({ type: 'step.failed', index, error });
      failure = cancelled ? 'cancelled' : `step ${index} (${step.tool}) failed: ${error}`;
      break;
    }
    if (!result.ok) {
      st.status = 'failed';
      st.error = result.content;
      if (st.compensation) st.compensation.status = 'not_needed';
      events.publish({ type: 'step.failed', index, error: result.content });
      failure = `step ${index} (${step.tool}) failed: ${result.content}`;
      break;
    }
    st.status = 'completed';
    st.result = result.content;
    if (registered) compensations.done(registered, result.content);
    events.publish({ type: 'step.completed', index, result: result.content });
  }

  if (failure === undefined) {
    setStatus('completed');
    return finish();
  }

  for (const st of state.steps) {
    if (st.status === 'pending') {
      st.status = 'skipped';
      events.publish({ type: 'step.skipped', index: st.index });
    }
  }
  if (cancelled) state.cancelled = true;

  // ---- backward: compensate the completed steps, last first ----
  if (compensations.due().length === 0) {
    setStatus(cancelled ? 'compensated' : 'failed', failure);
  } else {
    setStatus('compensating', failure);
    let allOk = true;
    await compensations.unwind({
      starting: ({ index, tool }) => {
        state.steps[index]!.compensation!.status = 'running';
        events.publish({ type: 'compensation.started', index, tool });
      },
      finished: ({ index }, r) => {
        const comp = state.steps[index]!.compensation!;
        if (r.ok) {
          comp.status = 'completed';
          comp.result = r.result;
          events.publish({ type: 'compensation.completed', index, result: r.result });
        } else {
          allOk = false;
          comp.status = 'failed';
          comp.error = r.error;
          events.publish({ type: 'compensation.failed', index, error: r.error });
        }
      },
    });
    setStatus(allOk ? 'compensated' : 'compensation_failed');
  }
  if (cancelled) {
    await finishStream();
    // Close as cancelled (Temporal status CANCELED); the state stays queryable.
    throw new CancelledFailure('task cancelled');
  }
  return finish();

  async function finishStream(): Promise<void> {
    // Subscribers read the stream with polls (Updates), which a closed workflow no longer answers: give them
    // a moment to fetch the final events before closing. The state (query) is final already.
    await CancellationScope.nonCancellable(() => sleep(TASK_STREAM_LINGER));
    stream.detachPollers();
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  }
  async function finish(): Promise<TaskState> {
    await finishStream();
    return state;
  }
}

/**
 * `sagaTask`: a saga of tool calls (see `task/schemas.ts` in contracts).
 *
 * - Steps run in order, each as the `executeTool` activity with activity id
 *   `step/<index>` (idempotency key `<workflowId>/step/<index>`).
 * - A step's compensation is registered (state and event) BEFORE the step
 *   runs, so a crash between the step and its bookkeeping can never lose it.
 * - A step fails when its tool reports an error (`ok: false`: a business
 *   failure, not retried), when its retries are exhausted, or when the task is
 *   cancelled while it runs. Then the compensations of the COMPLETED steps run
 *   in reverse order, each as its own `executeTool` activity with id
 *   `compensate/<index>` and its own retry policy, in a non-cancellable scope.
 *   A compensation that still fails is recorded and the next one runs anyway;
 *   the task then ends `compensation_failed`.
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
import { describeFailure } from './util';

/** Steps: the session's tool policy; wait for a cancelled call to settle so a step that completed anyway is compensated. */
export const taskStepActivityOptions: ActivityOptions = {
  ...toolActivityOptions,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/** Compensations: the same patience as session tool calls (5 attempts with backoff); an `ok:false` answer is final. */
export const taskCompensationActivityOptions: ActivityOptions = toolActivityOptions;

/** How long a finished task keeps answering stream polls before it closes. */
export const TASK_STREAM_LINGER = '2 seconds';

const stepActivity = (index: number) =>
  proxyActivities<SessionActivities>({ ...taskStepActivityOptions, activityId: `step/${index}` }).executeTool;
const compensationActivity = (index: number) =>
  proxyActivities<SessionActivities>({ ...taskCompensationActivityOptions, activityId: `compensate/${index}` }).executeTool;

export async function sagaTask(input: TaskWorkflowInput): Promise<TaskState> {
  const workflowId = workflowInfo().workflowId;
  const stream = new WorkflowStream();
  const events = stream.topic<TaskEvent>(TASK_EVENTS_TOPIC);

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

  // ---- forward: the steps ----
  let failure: string | undefined;
  let cancelled = false;
  for (const [index, step] of input.steps.entries()) {
    const st = state.steps[index]!;
    if (CancellationScope.current().consideredCancelled) {
      cancelled = true;
      failure = 'cancelled';
      break;
    }
    if (step.compensate && st.compensation) {
      st.compensation.status = 'registered';
      events.publish({ type: 'compensation.registered', index, tool: step.compensate.tool });
    }
    st.status = 'running';
    events.publish({ type: 'step.started', index, tool: step.tool });
    let result: ToolResult;
    try {
      result = await stepActivity(index)(call(step.tool, step.args));
    } catch (err) {
      cancelled = isCancellation(err);
      const error = cancelled ? 'cancelled' : describeFailure(err);
      st.status = 'failed';
      st.error = error;
      if (st.compensation) st.compensation.status = 'not_needed';
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
  const toUndo = state.steps.filter((s) => s.status === 'completed' && s.compensation?.status === 'registered').reverse();
  if (toUndo.length === 0) {
    setStatus(cancelled ? 'compensated' : 'failed', failure);
  } else {
    setStatus('compensating', failure);
    let allOk = true;
    await CancellationScope.nonCancellable(async () => {
      for (const st of toUndo) {
        const comp = st.compensation!;
        const spec = input.steps[st.index]!.compensate!;
        comp.status = 'running';
        events.publish({ type: 'compensation.started', index: st.index, tool: spec.tool });
        let error: string | undefined;
        try {
          const args = resolveCompensationArgs(spec.args, { args: input.steps[st.index]!.args, result: st.result ?? '' });
          const r = await compensationActivity(st.index)(call(spec.tool, args));
          if (r.ok) comp.result = r.content;
          else error = r.content;
        } catch (err) {
          error = describeFailure(err);
        }
        if (error === undefined) {
          comp.status = 'completed';
          events.publish({ type: 'compensation.completed', index: st.index, result: comp.result ?? '' });
        } else {
          allOk = false;
          comp.status = 'failed';
          comp.error = error;
          events.publish({ type: 'compensation.failed', index: st.index, error });
        }
      }
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

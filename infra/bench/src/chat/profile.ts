/**
 * Where a chat turn's time goes, read from a workflow's history (its latest run): per turn (one update),
 * the workflow tasks, activities and signals it took, the activity's input size, and the spans between
 * the update's acceptance, the activity's schedule, start and completion, and the update's completion.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { median } from '../lib/stats';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

export interface TurnProfile {
  /** Turns (updates) found in the run's history. */
  turns: number;
  /** Medians per turn. */
  workflowTasks: number;
  activities: number;
  signals: number;
  activityInputBytes: number;
  /** Median milliseconds between the history's events of one turn. */
  spans: {
    /** The workflow task that accepted the update (and scheduled the activity): dispatch and in the worker. */
    firstTaskDispatch: number;
    firstTaskInWorker: number;
    acceptedToScheduled: number;
    scheduledToStarted: number;
    inActivity: number;
    activityToUpdateCompleted: number;
    /** Of that: the workflow task after the activity, from its schedule to its start (dispatch) and in the worker. */
    lastTaskDispatch: number;
    lastTaskInWorker: number;
    acceptedToUpdateCompleted: number;
  };
}

const msOf = (e: HistoryEvent): number => {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : NaN;
};

function bytesOf(value: unknown): number {
  if (value instanceof Uint8Array) return value.length;
  if (value === null || typeof value !== 'object') return 0;
  let n = 0;
  for (const v of Object.values(value)) n += bytesOf(v);
  return n;
}

interface Turn {
  accepted: number;
  firstTaskDispatch: number;
  firstTaskInWorker: number;
  scheduled?: number;
  started?: number;
  completed?: number;
  done?: number;
  taskScheduled?: number;
  taskStarted?: number;
  taskCompleted?: number;
  workflowTasks: number;
  activities: number;
  signals: number;
  inputBytes: number;
}

export async function profileTurns(handle: WorkflowHandle): Promise<TurnProfile> {
  const events = (await handle.fetchHistory()).events ?? [];
  const turns: Turn[] = [];
  let open: Turn | undefined;
  // Tasks and signals between one turn's end and the next's acceptance belong to the next turn (its accepting task).
  let tasksBefore = 0;
  let signalsBefore = 0;
  let lastScheduled = NaN;
  let lastStarted = NaN;
  let lastCompleted = NaN;
  for (const e of events) {
    if (e.workflowTaskScheduledEventAttributes) lastScheduled = msOf(e);
    if (e.workflowTaskStartedEventAttributes) lastStarted = msOf(e);
    if (e.workflowTaskCompletedEventAttributes) lastCompleted = msOf(e);
    if (open?.completed !== undefined && e.workflowTaskScheduledEventAttributes) open.taskScheduled = msOf(e);
    if (open?.completed !== undefined && e.workflowTaskStartedEventAttributes) open.taskStarted = msOf(e);
    if (e.workflowTaskCompletedEventAttributes) {
      if (open?.completed !== undefined) open.taskCompleted = msOf(e);
      if (open) open.workflowTasks++;
      else tasksBefore++;
    } else if (e.workflowExecutionSignaledEventAttributes) {
      if (open) open.signals++;
      else signalsBefore++;
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      open = {
        accepted: msOf(e),
        firstTaskDispatch: lastStarted - lastScheduled,
        firstTaskInWorker: lastCompleted - lastStarted,
        workflowTasks: tasksBefore, activities: 0, signals: signalsBefore, inputBytes: 0 };
      tasksBefore = 0;
      signalsBefore = 0;
    } else if (open && e.activityTaskScheduledEventAttributes) {
      open.activities++;
      open.scheduled ??= msOf(e);
      open.inputBytes += bytesOf(e.activityTaskScheduledEventAttributes.input);
    } else if (open && e.activityTaskStartedEventAttributes) {
      open.started ??= msOf(e);
    } else if (open && e.activityTaskCompletedEventAttributes) {
      open.completed = msOf(e);
    } else if (open && e.workflowExecutionUpdateCompletedEventAttributes) {
      open.done = msOf(e);
      turns.push(open);
      open = undefined;
    }
  }
  const full = turns.filter((t) => t.scheduled !== undefined && t.started !== undefined && t.completed !== undefined && t.done !== undefined);
  const med = (f: (t: Turn) => number) => median(full.map(f));
  return {
    turns: full.length,
    workflowTasks: med((t) => t.workflowTasks),
    activities: med((t) => t.activities),
    signals: med((t) => t.signals),
    activityInputBytes: med((t) => t.inputBytes),
    spans: {
      firstTaskDispatch: med((t) => t.firstTaskDispatch),
      firstTaskInWorker: med((t) => t.firstTaskInWorker),
      acceptedToScheduled: med((t) => t.scheduled! - t.accepted),
      scheduledToStarted: med((t) => t.started! - t.scheduled!),
      inActivity: med((t) => t.completed! - t.started!),
      activityToUpdateCompleted: med((t) => t.done! - t.completed!),
      lastTaskDispatch: med((t) => (t.taskStarted ?? NaN) - (t.taskScheduled ?? NaN)),
      lastTaskInWorker: med((t) => (t.taskCompleted ?? NaN) - (t.taskStarted ?? NaN)),
      acceptedToUpdateCompleted: med((t) => t.done! - t.accepted),
    },
  };
}

export function fmtProfile(p: TurnProfile): string {
  const s = p.spans;
  return (
    `${p.workflowTasks} workflow tasks, ${p.activities} activities, ${p.signals} signals per turn; activity input ${p.activityInputBytes} B; ` +
    `accepting task: dispatch ${s.firstTaskDispatch.toFixed(1)}, in worker ${s.firstTaskInWorker.toFixed(1)}; accepted→scheduled ${s.acceptedToScheduled.toFixed(1)}, →started ${s.scheduledToStarted.toFixed(1)}, in activity ${s.inActivity.toFixed(1)}, ` +
    `→update completed ${s.activityToUpdateCompleted.toFixed(1)} (its task: dispatch ${s.lastTaskDispatch.toFixed(1)}, in worker ${s.lastTaskInWorker.toFixed(1)}), accepted→completed ${s.acceptedToUpdateCompleted.toFixed(1)} ms (medians of ${p.turns} turns)`
  );
}

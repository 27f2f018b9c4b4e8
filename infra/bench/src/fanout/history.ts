/**
 * Where a fan-out's time goes, read from a workflow's history: event counts
 * by type, payload bytes, workflow tasks, and the phases (first activity,
 * children, last activity, close) with their durations.
 */
import type { WorkflowHandle } from '@temporalio/client';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

export interface HistoryProfile {
  events: number;
  /** Sum of payload bytes (inputs, results, markers) in the history. */
  payloadBytes: number;
  byType: Record<string, number>;
  workflowTasks: number;
  /** Milliseconds from the workflow's start. */
  phases: {
    firstActivityScheduled?: number;
    firstActivityCompleted?: number;
    firstChildInitiated?: number;
    lastChildCompleted?: number;
    lastActivityScheduled?: number;
    lastActivityCompleted?: number;
    closed?: number;
  };
  /** Activities by type (e.g. llmComplete, researchAgentBatch): how many, and when (ms from the start). */
  activities: Record<string, { count: number; firstScheduled: number; lastScheduled: number; firstCompleted?: number; lastCompleted?: number }>;
  /** Small histories (a child's): every event with its ms from the start. */
  timeline?: Array<[string, number]>;
}

const typeOf = (e: HistoryEvent): string => {
  for (const [k, v] of Object.entries(e)) {
    if (k.endsWith('EventAttributes') && v != null) return k.slice(0, -'EventAttributes'.length);
  }
  return `type${String(e.eventType)}`;
};

const msOf = (e: HistoryEvent): number => {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;
};

function payloadBytes(value: unknown, seen = new Set<unknown>()): number {
  if (value instanceof Uint8Array) return value.length;
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  let n = 0;
  for (const v of Object.values(value)) n += payloadBytes(v, seen);
  return n;
}

export async function profileHistory(handle: WorkflowHandle): Promise<HistoryProfile> {
  const events = (await handle.fetchHistory()).events ?? [];
  const byType: Record<string, number> = {};
  const start = events.length ? msOf(events[0]!) : 0;
  const phases: HistoryProfile['phases'] = {};
  const at = (e: HistoryEvent) => msOf(e) - start;
  let bytes = 0;
  const timeline: Array<[string, number]> = [];
  const activities: HistoryProfile['activities'] = {};
  const activityOf = new Map<string, string>();
  for (const e of events) {
    const type = typeOf(e);
    if (events.length <= 30) timeline.push([type, at(e)]);
    byType[type] = (byType[type] ?? 0) + 1;
    bytes += payloadBytes(e);
    switch (type) {
      case 'activityTaskScheduled': {
        phases.firstActivityScheduled ??= at(e);
        phases.lastActivityScheduled = at(e);
        const name = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
        activityOf.set(String(e.eventId), name);
        const a = (activities[name] ??= { count: 0, firstScheduled: at(e), lastScheduled: at(e) });
        a.count += 1;
        a.lastScheduled = at(e);
        break;
      }
      case 'activityTaskCompleted': {
        phases.firstActivityCompleted ??= at(e);
        phases.lastActivityCompleted = at(e);
        const a = activities[activityOf.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId)) ?? '?'];
        if (a) {
          a.firstCompleted ??= at(e);
          a.lastCompleted = at(e);
        }
        break;
      }
      case 'startChildWorkflowExecutionInitiated':
        phases.firstChildInitiated ??= at(e);
        break;
      case 'childWorkflowExecutionCompleted':
        phases.lastChildCompleted = at(e);
        break;
      case 'workflowExecutionCompleted':
      case 'workflowExecutionFailed':
        phases.closed = at(e);
        break;
    }
  }
  return { events: events.length, payloadBytes: bytes, byType, workflowTasks: byType['workflowTaskCompleted'] ?? 0, phases, activities, ...(timeline.length ? { timeline } : {}) };
}

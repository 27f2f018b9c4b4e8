/**
 * Where a lease's time goes, from the ledger's history (its latest run): each Update the ledger answers is
 * one workflow task, dispatched by the server (schedule → start) and run by the worker (start → complete).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { callStats, type CallStats } from './report';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

const msOf = (e: HistoryEvent): number => {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : NaN;
};

export interface LedgerProfile {
  events: number;
  workflowTasks: number;
  updates: number;
  signals: number;
  /** Of the run's last `last` workflow tasks. */
  taskDispatchMs: CallStats;
  taskInWorkerMs: CallStats;
}

export async function profileLedger(handle: WorkflowHandle, last: number): Promise<LedgerProfile> {
  const events = (await handle.fetchHistory()).events ?? [];
  const dispatch: number[] = [];
  const inWorker: number[] = [];
  let scheduled = NaN;
  let started = NaN;
  let updates = 0;
  let signals = 0;
  for (const e of events) {
    if (e.workflowTaskScheduledEventAttributes) scheduled = msOf(e);
    else if (e.workflowTaskStartedEventAttributes) {
      started = msOf(e);
      dispatch.push(started - scheduled);
    } else if (e.workflowTaskCompletedEventAttributes) inWorker.push(msOf(e) - started);
    else if (e.workflowExecutionUpdateAcceptedEventAttributes) updates++;
    else if (e.workflowExecutionSignaledEventAttributes) signals++;
  }
  return {
    events: events.length,
    workflowTasks: inWorker.length,
    updates,
    signals,
    taskDispatchMs: callStats(dispatch.slice(-last)),
    taskInWorkerMs: callStats(inWorker.slice(-last)),
  };
}

export const fmtLedger = (name: string, p: LedgerProfile): string =>
  `    ${name}: ${p.events} events, ${p.workflowTasks} workflow tasks, ${p.updates} updates, ${p.signals} signals; ` +
  `its workflow tasks (last ${p.taskInWorkerMs.n}): dispatch p50 ${p.taskDispatchMs.p50.toFixed(1)} / p90 ${p.taskDispatchMs.p90.toFixed(1)} ms, ` +
  `in worker p50 ${p.taskInWorkerMs.p50.toFixed(1)} / p90 ${p.taskInWorkerMs.p90.toFixed(1)} ms`;

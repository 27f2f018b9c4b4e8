/**
 * Workflow-side metrics, replay-safe: counters and histograms go through `@temporalio/workflow`'s `metricMeter`
 * (Temporal emits nothing while a workflow replays; the worker serves them from Temporal's Prometheus exporter),
 * and the pending-approvals gauge through the `hubMetrics` sink (not called on replay; an absolute count per
 * session, so a session that moves to another worker is not counted twice). Neither emits a command: a history
 * is the same with or without them. Names: `@hub/contracts/metrics/wire`.
 */
import { metricMeter, proxySinks } from '@temporalio/workflow';
import { METRICS, meterName, type HubMetricsSinks } from '@hub/contracts/metrics/wire';
import { nowMs } from './util';

const { hubMetrics } = proxySinks<HubMetricsSinks>();

const seconds = (startedMs: number): number => Math.max(0, nowMs() - startedMs) / 1000;

/** Runs one session turn and counts it (`hub_turns_total`, `hub_turn_duration_seconds`) by its status. */
export async function timedTurn<T extends { status: string }>(run: () => Promise<T>): Promise<T> {
  const started = nowMs();
  const result = await run();
  const tags = { status: result.status };
  metricMeter.createCounter(meterName(METRICS.turns), undefined, METRICS.turns.help).add(1, tags);
  metricMeter.createHistogram(METRICS.turnDuration.name, 'float', 's', METRICS.turnDuration.help).record(seconds(started), tags);
  return result;
}

/** An approval asked of a human; `pending` is the session's count of pending approvals now. */
export function approvalRequested(pending: number): void {
  metricMeter.createCounter(meterName(METRICS.approvalsRequested), undefined, METRICS.approvalsRequested.help).add(1);
  hubMetrics.approvalsPending(pending);
}

/** An approval decided (or timed out); `pending` is the session's count of pending approvals now. */
export function approvalResolved(outcome: 'approved' | 'denied' | 'timeout' | 'cancelled', pending: number): void {
  metricMeter.createCounter(meterName(METRICS.approvalsResolved), undefined, METRICS.approvalsResolved.help).add(1, { outcome });
  hubMetrics.approvalsPending(pending);
}

/** A wait for budget begun; the returned function, called when it ends, records its duration. */
export function budgetWaitStarted(scope: 'tenant' | 'agent'): () => void {
  const started = nowMs();
  metricMeter.createCounter(meterName(METRICS.budgetWaits), undefined, METRICS.budgetWaits.help).add(1, { scope });
  return () => metricMeter.createHistogram(METRICS.budgetWaitDuration.name, 'float', 's', METRICS.budgetWaitDuration.help).record(seconds(started), { scope });
}

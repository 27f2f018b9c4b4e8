// Issue 11 #13: idempotent activities are bounded by time, not by a small attempt count, and a dead worker's
// attempt is noticed within seconds (short heartbeat timeouts).
import { describe, expect, it } from 'vitest';
import { msToNumber } from '@temporalio/common/lib/time';
import type { ActivityOptions } from '@temporalio/workflow';
import {
  llmActivityOptions,
  listToolsActivityOptions,
  summarizeActivityOptions,
  toolActivityOptions,
} from '../src/activity-options';
import { taskCompensationActivityOptions, taskStepActivityOptions } from '../src/task';

const all: Record<string, ActivityOptions> = {
  llm: llmActivityOptions,
  tool: toolActivityOptions,
  listTools: listToolsActivityOptions,
  summarize: summarizeActivityOptions,
  taskStep: taskStepActivityOptions,
  taskCompensation: taskCompensationActivityOptions,
};

describe.each(Object.entries(all))('%s activity options', (_name, opts) => {
  it('retry until a schedule-to-close deadline, with no attempt cap', () => {
    expect(opts.retry?.maximumAttempts ?? 0).toBe(0); // 0 / unset = unlimited
    expect(opts.scheduleToCloseTimeout).toBeDefined();
    const total = msToNumber(opts.scheduleToCloseTimeout!);
    // Room for several full attempts plus backoff: crashes cost attempts, not the turn.
    expect(total).toBeGreaterThanOrEqual(2 * msToNumber(opts.startToCloseTimeout!));
  });

  it('heartbeat timeout of at most 5 s, so a dead worker is retried within seconds', () => {
    expect(opts.heartbeatTimeout).toBeDefined();
    expect(msToNumber(opts.heartbeatTimeout!)).toBeLessThanOrEqual(5_000);
  });

  it('waits at most 5 s between attempts, so a few worker crashes in a row do not add minutes of backoff', () => {
    expect(opts.retry?.maximumInterval).toBeDefined();
    expect(msToNumber(opts.retry!.maximumInterval!)).toBeLessThanOrEqual(5_000);
  });

  it('payloads that are too large are not retried', () => {
    expect(opts.retry?.nonRetryableErrorTypes).toContain('PayloadsTooLarge');
  });
});

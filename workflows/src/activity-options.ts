import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Timeouts and retry classes of the hub's activities. Non-retryable failure
 * types are thrown by the activities (see `@hub/agents`, `@hub/tools`);
 * everything else is retried with backoff, and a `nextRetryDelay` set by the
 * activity (e.g. from `Retry-After`) wins.
 *
 * Every activity here is idempotent (LLM requests and tool calls carry a
 * stable idempotency key, listings and summaries are reads), so retries are
 * bounded by time (`scheduleToCloseTimeout`), never by a small attempt count:
 * a worker crash costs an attempt, and chaos must not turn into failed turns
 * or saga steps. Heartbeat timeouts are short (`ACTIVITY_HEARTBEAT_TIMEOUT`)
 * so the attempt of a dead worker is retried within seconds; the activities
 * heartbeat from their first moment at a third of it or more often.
 */

/** How soon an attempt whose worker died (stopped heartbeating) is retried. */
export const ACTIVITY_HEARTBEAT_TIMEOUT = '4 seconds';

/**
 * The longest wait between attempts. Most failed attempts under chaos are a dead worker's (heartbeat timeout),
 * and several in a row must not add up to minutes of backoff (seen: attempt 7 of an LLM call waited 32 s);
 * a provider's own `Retry-After` still sets the delay through `nextRetryDelay`.
 */
export const RETRY_MAXIMUM_INTERVAL = '5 seconds';

export const llmActivityOptions: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '10 minutes',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: RETRY_MAXIMUM_INTERVAL,
    nonRetryableErrorTypes: ['LlmRequestRejected', 'PayloadsTooLarge'],
  },
};

export const toolActivityOptions: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '5 minutes',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: RETRY_MAXIMUM_INTERVAL,
    nonRetryableErrorTypes: ['ToolRejected', 'PayloadsTooLarge'],
  },
};

export const listToolsActivityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 minutes',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', maximumInterval: RETRY_MAXIMUM_INTERVAL, nonRetryableErrorTypes: ['PayloadsTooLarge'] },
};

export const summarizeActivityOptions: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '10 minutes',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', maximumInterval: RETRY_MAXIMUM_INTERVAL, nonRetryableErrorTypes: ['LlmRequestRejected', 'PayloadsTooLarge'] },
};

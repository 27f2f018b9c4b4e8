import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Timeouts and retry classes of the session's activities. Non-retryable
 * failure types are thrown by the activities (see `@hub/agents`,
 * `@hub/tools`); everything else is retried with backoff, and a
 * `nextRetryDelay` set by the activity (e.g. from `Retry-After`) wins.
 */
export const llmActivityOptions: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['LlmRequestRejected'],
  },
};

export const toolActivityOptions: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['ToolRejected'],
  },
};

export const listToolsActivityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
};

export const summarizeActivityOptions: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumAttempts: 3, nonRetryableErrorTypes: ['LlmRequestRejected'] },
};

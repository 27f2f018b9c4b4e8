/**
 * Publishing to a session's durable event stream from an activity (token
 * deltas from the LLM activity, tool progress from tool activities).
 */
import type { Context } from '@temporalio/activity';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { SESSION_EVENTS_TOPIC, type SessionEvent } from '@hub/contracts';

/** Where an activity publishes session events. */
export interface SessionEventPublisher {
  /** Buffer an event for publishing (must not block). */
  publish(ev: SessionEvent): void;
  /** Flush everything published so far and release resources. */
  close(): Promise<void>;
}

/** Creates a publisher for an activity (tests inject in-memory ones). */
export type SessionEventPublisherFactory = (ctx: Context) => SessionEventPublisher;

/**
 * The calling workflow's durable stream (Temporal Workflow Streams), topic
 * `SESSION_EVENTS_TOPIC`, batched every 100 ms. The client and workflow id
 * come from the given activity context, not `Context.current()`: publishing
 * may start in a callback (e.g. an MCP notification) whose async context is
 * not the activity's.
 */
export const workflowStreamPublisher: SessionEventPublisherFactory = (ctx) => {
  const workflowId = ctx.info.workflowExecution?.workflowId;
  if (!workflowId) throw new Error('not running for a workflow: no stream to publish to');
  const client = WorkflowStreamClient.create(ctx.client, workflowId, { batchInterval: '100 milliseconds' });
  const topic = client.topic<SessionEvent>(SESSION_EVENTS_TOPIC);
  return {
    publish: (ev) => topic.publish(ev),
    close: () => client[Symbol.asyncDispose](),
  };
};

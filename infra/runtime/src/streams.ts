/**
 * Publishing to a session's durable event stream from an activity (token
 * deltas from the LLM activity, tool progress from tool activities).
 *
 * An activity publishes to the stream of the workflow that called it, or, for
 * a delegated agent (an `agentDelegation` child workflow), to the stream of
 * the root session named by a {@link StreamTarget}, each event tagged with the
 * delegation's id: a client watching the session sees the whole tree.
 */
import type { Context } from '@temporalio/activity';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { SESSION_EVENTS_TOPIC, type SessionEvent, type StreamTarget } from '@hub/contracts';

/** Where an activity publishes session events. */
export interface SessionEventPublisher {
  /**
   * Buffer an event for publishing (must not block). With `now`, the buffer is sent at once instead of with the
   * next batch: for a caller that batches itself (the LLM activity's token coalescer), so events are batched in
   * one place only and the first token of a reply leaves without waiting for a batch window.
   */
  publish(ev: SessionEvent, opts?: { now?: boolean }): void;
  /** Flush everything published so far and release resources. */
  close(): Promise<void>;
}

/**
 * Creates a publisher for an activity (tests inject in-memory ones). With a `target`, the events go to that
 * workflow's stream, tagged with its delegation id; without, to the calling workflow's.
 */
export type SessionEventPublisherFactory = (ctx: Context, target?: StreamTarget) => SessionEventPublisher;

/** The event with the delegation id it belongs to (an id it already carries, e.g. a nested delegation's, is kept). */
export function tagDelegation(ev: SessionEvent, delegationId: string): SessionEvent {
  if ('delegationId' in ev && ev.delegationId !== undefined) return ev;
  return { ...ev, delegationId } as SessionEvent;
}

/**
 * The target of a request's stream field (`LlmRequest.stream`, `ToolRequest.streamTo`): set only when it names
 * both a workflow and a delegation.
 */
export function streamTargetOf(t: Partial<StreamTarget> | undefined): StreamTarget | undefined {
  return t?.workflowId && t.delegationId ? { workflowId: t.workflowId, delegationId: t.delegationId } : undefined;
}

/** How long the publisher buffers events published without `now` before it signals them (ms). */
export const STREAM_BATCH_MS = 100;

/**
 * The durable stream (Temporal Workflow Streams), topic `SESSION_EVENTS_TOPIC`, batched every
 * `STREAM_BATCH_MS` (an event published with `now` is sent at once, with whatever is buffered), of the
 * target workflow or else the calling workflow. The client and workflow id come from the given activity
 * context, not `Context.current()`: publishing may start in a callback (e.g. an MCP notification) whose async
 * context is not the activity's.
 */
export const workflowStreamPublisher: SessionEventPublisherFactory = (ctx, target) => {
  const workflowId = target?.workflowId ?? ctx.info.workflowExecution?.workflowId;
  if (!workflowId) throw new Error('not running for a workflow: no stream to publish to');
  const client = WorkflowStreamClient.create(ctx.client, workflowId, { batchInterval: STREAM_BATCH_MS });
  const topic = client.topic<SessionEvent>(SESSION_EVENTS_TOPIC);
  const delegationId = target?.delegationId;
  return {
    publish: (ev, opts) => topic.publish(delegationId ? tagDelegation(ev, delegationId) : ev, { forceFlush: opts?.now === true }),
    close: () => client[Symbol.asyncDispose](),
  };
};

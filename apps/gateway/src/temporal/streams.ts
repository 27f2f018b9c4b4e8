/** A workflow's durable event stream (workflow-streams), read by the services' `events()` for the SSE routes. */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { createStreamHub, type OpenStream, type StreamHub } from './stream-hub';

export type { OpenStream, StreamItem } from './stream-hub';

/**
 * After a poll returns, the next one is parked this soon (the SDK default, 100 ms, held a reply's first
 * token in the workflow for up to that long). Not 0: on `StreamDraining` (continue-as-new) the SDK retries
 * after the cooldown only when it is positive. Token deltas are batched by the LLM activity (100 ms), so a
 * streaming reply still costs about 10 polls a second per workflow, shared by every reader.
 */
export const STREAM_POLL_COOLDOWN = '5 milliseconds';

/** One subscription of its own (a long-polling update parked in the workflow): what the stream hub shares. */
export function subscribeStream(client: Client): OpenStream {
  return (workflowId, fromOffset) =>
    WorkflowStreamClient.create(client, workflowId).subscribe<unknown>([], fromOffset, { resultType: true, pollCooldown: STREAM_POLL_COOLDOWN });
}

/**
 * Whether the workflow's latest run is running (asked by the hub when a subscription ends: the SDK's
 * `subscribe()` also ends when a poll's RPC times out, and then the hub subscribes again). Not found: false.
 */
export async function workflowRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    const d = await client.withDeadline(Date.now() + 10_000, () => client.workflow.getHandle(workflowId).describe());
    return d.status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

const hubs = new WeakMap<Client, StreamHub>();

/** The client's stream hub: one upstream subscription per workflow, fanned out to every reader (see stream-hub.ts). */
export function streamHub(client: Client): StreamHub {
  let hub = hubs.get(client);
  if (!hub) {
    hub = createStreamHub({ subscribe: subscribeStream(client), isRunning: (workflowId) => workflowRunning(client, workflowId) });
    hubs.set(client, hub);
  }
  return hub;
}

/** The services' default: subscriptions through the client's shared {@link streamHub}. */
export function defaultOpenStream(client: Client): OpenStream {
  return streamHub(client).open;
}

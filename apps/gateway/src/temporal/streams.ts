/** A workflow's durable event stream (workflow-streams), read by the services' `events()` for the SSE routes. */
import type { Client } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';

export interface StreamItem {
  topic: string;
  data: unknown;
  offset: number;
}

/** Opens a subscription to a workflow's stream from `fromOffset` (all topics: their offsets are contiguous). */
export type OpenStream = (workflowId: string, fromOffset: number) => AsyncGenerator<StreamItem, void, unknown>;

export function defaultOpenStream(client: Client): OpenStream {
  return (workflowId, fromOffset) => WorkflowStreamClient.create(client, workflowId).subscribe<unknown>([], fromOffset, { resultType: true });
}

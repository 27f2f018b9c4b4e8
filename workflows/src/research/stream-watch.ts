/**
 * Whether anyone has read a workflow's durable stream. A finished job lingers so that subscribers between
 * two polls still get its last events; a job nobody ever polled has no such subscriber and closes at once
 * (the linger was most of a small job's fixed cost). The stream's poll handler is wrapped to note the first
 * poll (polls are Updates, so this is part of the history and deterministic); the stream's own handler does
 * the rest, and new polls are still refused while it detaches, as its own validator does.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { workflowStreamPollUpdate, type PollInput, type PollResult, type WorkflowStream } from '@temporalio/workflow-streams/workflow';

interface StreamInternals {
  draining: boolean;
  onPoll(input: PollInput): Promise<PollResult>;
}

/** Wraps `stream`'s poll handler; the returned function tells whether a poll has arrived. */
export function watchPolls(stream: WorkflowStream): () => boolean {
  const inner = stream as unknown as StreamInternals;
  let polled = false;
  setHandler(
    workflowStreamPollUpdate,
    (input: PollInput) => {
      polled = true;
      return inner.onPoll.call(stream, input);
    },
    {
      validator: (_input: PollInput) => {
        if (inner.draining) {
          throw ApplicationFailure.create({ message: 'Workflow is draining for continue-as-new', type: 'StreamDraining', nonRetryable: true });
        }
      },
    },
  );
  return () => polled;
}

/**
 * A session's events as A2A events of one task (the turn): tokens become chunks of the reply artifact, tool
 * calls and results `working` status updates, an approval request the `input-required` state, and the turn's
 * end (or the update's result) the final artifact and a terminal status.
 */
import { AgentEvent, type AgentExecutionEvent, type ExecutionEventBus } from '@a2a-js/sdk/server';
import { TaskState, type Message } from '@a2a-js/sdk';
import type { PendingApproval, SessionEvent, TurnResult } from '@hub/contracts';
import { REPLY_ARTIFACT_ID, agentMessage, approvalMessage, dataPart, replyArtifact, status, textPart, type TaskRef, taskIdOf } from './tasks';

/** How a turn ended, from its update's result or its stream's last event. */
export type TurnEnd = Pick<TurnResult, 'status' | 'reply' | 'error'>;

export function turnEndOf(event: SessionEvent, turnId: string): TurnEnd | undefined {
  if (!('turnId' in event) || event.turnId !== turnId) return undefined;
  if (event.type === 'turn.completed') return { status: 'completed', reply: event.reply };
  if (event.type === 'turn.failed') return { status: 'failed', error: event.error };
  if (event.type === 'turn.interrupted') return { status: 'interrupted' };
  return undefined;
}

/** Publishes one task's events on the SDK's bus. */
export class TaskPublisher {
  private chunkKey: string | undefined;
  private statusSeq = 0;
  readonly taskId: string;

  constructor(
    private readonly bus: ExecutionEventBus,
    readonly ref: TaskRef,
  ) {
    this.taskId = taskIdOf(ref.sessionId, ref.turnId);
  }

  private publish(event: AgentExecutionEvent): void {
    this.bus.publish(event);
  }

  /** The first event: the task (its history and artifacts are completed by the store's load). */
  task(state: TaskState, userMessage: Message | undefined, agent: string): void {
    this.publish(
      AgentEvent.task({
        id: this.taskId,
        contextId: this.ref.sessionId,
        status: status(state),
        history: userMessage ? [{ ...userMessage, taskId: this.taskId, contextId: this.ref.sessionId }] : [],
        artifacts: [],
        metadata: { agent, turnId: this.ref.turnId },
      }),
    );
  }

  statusUpdate(state: TaskState, message?: Message, metadata?: Record<string, unknown>): void {
    this.publish(AgentEvent.statusUpdate({ taskId: this.taskId, contextId: this.ref.sessionId, status: status(state, message), metadata }));
  }

  private note(text: string, data: Record<string, unknown>): Message {
    this.statusSeq += 1;
    return agentMessage(this.ref, `progress.${this.statusSeq}`, [textPart(text), dataPart(data)]);
  }

  /** Maps one session event of this task's turn; returns the pending approval when the turn now waits for one. */
  event(event: SessionEvent): PendingApproval | undefined {
    const turnId = this.ref.turnId;
    if (event.type === 'approval.requested') {
      if (event.approval.turnId !== turnId) return undefined;
      this.statusUpdate(TaskState.TASK_STATE_INPUT_REQUIRED, approvalMessage(this.ref, event.approval), { approvalId: event.approval.approvalId });
      return event.approval;
    }
    if (!('turnId' in event) || event.turnId !== turnId) return undefined;
    switch (event.type) {
      case 'turn.started':
        this.statusUpdate(TaskState.TASK_STATE_WORKING);
        return undefined;
      case 'token': {
        if (event.delegationId !== undefined) return undefined;
        // A new model call (round) or a retried one (attempt) starts the chunks over.
        const key = `${event.round}/${event.attempt}`;
        const append = this.chunkKey === key;
        this.chunkKey = key;
        this.publish(
          AgentEvent.artifactUpdate({
            taskId: this.taskId,
            contextId: this.ref.sessionId,
            artifact: { ...replyArtifact(event.delta), artifactId: REPLY_ARTIFACT_ID },
            append,
            lastChunk: false,
            metadata: undefined,
          }),
        );
        return undefined;
      }
      case 'tool.call':
        this.statusUpdate(
          TaskState.TASK_STATE_WORKING,
          this.note(`Calling the tool '${event.tool}'`, { event: 'tool.call', tool: event.tool, toolCallId: event.toolCallId, arguments: event.arguments, delegationId: event.delegationId }),
        );
        return undefined;
      case 'tool.result':
        this.statusUpdate(
          TaskState.TASK_STATE_WORKING,
          this.note(`The tool '${event.tool}' ${event.ok ? 'answered' : 'failed'}`, { event: 'tool.result', tool: event.tool, toolCallId: event.toolCallId, ok: event.ok, delegationId: event.delegationId }),
        );
        return undefined;
      case 'agent.handoff':
        this.statusUpdate(TaskState.TASK_STATE_WORKING, this.note(`Handed over from ${event.from} to ${event.to}`, { event: 'agent.handoff', from: event.from, to: event.to }));
        return undefined;
      case 'delegation.started':
        this.statusUpdate(TaskState.TASK_STATE_WORKING, this.note(`Asked the ${event.agent} agent`, { event: 'delegation.started', agent: event.agent, delegationId: event.delegationId }));
        return undefined;
      default:
        return undefined;
    }
  }

  /** The final events: the whole reply as the artifact and a terminal status. */
  end(end: TurnEnd): void {
    if (end.status === 'completed') {
      const reply = end.reply ?? '';
      this.publish(AgentEvent.artifactUpdate({ taskId: this.taskId, contextId: this.ref.sessionId, artifact: replyArtifact(reply), append: false, lastChunk: true, metadata: undefined }));
      this.statusUpdate(TaskState.TASK_STATE_COMPLETED, agentMessage(this.ref, 'reply', [textPart(reply)]));
      return;
    }
    const why = end.error ?? `turn ${end.status}`;
    const state = end.status === 'failed' ? TaskState.TASK_STATE_FAILED : TaskState.TASK_STATE_CANCELED;
    this.statusUpdate(state, agentMessage(this.ref, 'status', [textPart(why)]));
  }
}

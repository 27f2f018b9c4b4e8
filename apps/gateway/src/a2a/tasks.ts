/**
 * A2A tasks as the sessions hold them: a context is a session (contextId = session id) and a task is one of
 * its turns (task id `<session id>.<turn id>`, e.g. `8d1c….turn-3`). `taskFromState` rebuilds a task from the
 * session's state alone, so any gateway instance, before or after a restart, answers the same task.
 */
import { Role, TaskState, type Artifact, type Message, type Part, type Task, type TaskStatus } from '@a2a-js/sdk';
import { SESSION_ID_RE, type PendingApproval, type SessionState } from '@hub/contracts';

const TURN_RE = /^turn-([1-9][0-9]*)$/;
/** The artifact holding a task's answer (streamed in chunks, then replaced by the whole reply). */
export const REPLY_ARTIFACT_ID = 'reply';

export interface TaskRef {
  sessionId: string;
  turnId: string;
}

export const taskIdOf = (sessionId: string, turnId: string): string => `${sessionId}.${turnId}`;

/** The session and turn a task id names; undefined for an id the hub never hands out. */
export function parseTaskId(taskId: string): TaskRef | undefined {
  const dot = taskId.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const sessionId = taskId.slice(0, dot);
  const turnId = taskId.slice(dot + 1);
  return SESSION_ID_RE.test(sessionId) && TURN_RE.test(turnId) ? { sessionId, turnId } : undefined;
}

/** The text a message carries: its text parts, and its data parts as JSON. */
export function textOf(message: Message): string {
  const texts: string[] = [];
  for (const part of message.parts ?? []) {
    const c = part.content;
    if (c?.$case === 'text') texts.push(c.value);
    else if (c?.$case === 'data') texts.push(JSON.stringify(c.value));
  }
  return texts.join('\n').trim();
}

export const textPart = (text: string): Part => ({ content: { $case: 'text', value: text }, mediaType: 'text/plain', filename: '', metadata: undefined });
export const dataPart = (value: unknown): Part => ({ content: { $case: 'data', value }, mediaType: 'application/json', filename: '', metadata: undefined });

export function agentMessage(ref: TaskRef, suffix: string, parts: Part[]): Message {
  const taskId = taskIdOf(ref.sessionId, ref.turnId);
  return {
    messageId: `${taskId}.${suffix}`,
    contextId: ref.sessionId,
    taskId,
    role: Role.ROLE_AGENT,
    parts,
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

export function replyArtifact(text: string): Artifact {
  return { artifactId: REPLY_ARTIFACT_ID, name: 'reply', description: "The agent's answer", parts: [textPart(text)], metadata: undefined, extensions: [] };
}

export function status(state: TaskState, message?: Message, timestamp?: string): TaskStatus {
  return { state, message, timestamp: timestamp ?? new Date().toISOString() };
}

/** The status message of a turn waiting for a tool approval: what to answer and how. */
export function approvalMessage(ref: TaskRef, approval: PendingApproval): Message {
  return agentMessage(ref, `approval.${approval.approvalId}`, [
    textPart(
      `The agent wants to call the tool '${approval.tool}' with ${approval.arguments}. ` +
        'Reply on this task with "approve" (or a data part {"approve": true}) to allow it, anything else to deny it.',
    ),
    dataPart({
      approvalId: approval.approvalId,
      tool: approval.tool,
      arguments: approval.arguments,
      expiresAt: approval.expiresAt,
      ...(approval.agent !== undefined ? { agent: approval.agent } : {}),
    }),
  ]);
}

const TERMINAL: ReadonlySet<TaskState> = new Set([TaskState.TASK_STATE_COMPLETED, TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_CANCELED, TaskState.TASK_STATE_REJECTED]);
export const isTerminal = (state: TaskState | undefined): boolean => state !== undefined && TERMINAL.has(state);

/** How many turns the session has accepted: finished, running and queued ones. */
function acceptedTurns(state: SessionState): number {
  const running = state.status === 'running' || state.status === 'awaiting_approval' ? 1 : 0;
  return state.turns + state.queued + running;
}

/** A failed turn's error that says it was interrupted or cancelled (session.ts: `turn interrupted`, `turn cancelled`). */
const wasCancelled = (error: string): boolean => /^turn (interrupted|cancelled)/.test(error);

/** The task of turn `ref.turnId` of the session whose state is `state`; undefined when the session has no such turn. */
export function taskFromState(state: SessionState, ref: TaskRef): Task | undefined {
  const n = Number(TURN_RE.exec(ref.turnId)?.[1] ?? 0);
  const newest = Math.max(0, ...state.messages.map((m) => Number(TURN_RE.exec(m.turnId ?? '')?.[1] ?? 0)));
  if (n < 1 || n > Math.max(acceptedTurns(state), newest)) return undefined;
  const id = taskIdOf(ref.sessionId, ref.turnId);
  const turn = state.messages.filter((m) => m.turnId === ref.turnId);
  const history: Message[] = [];
  const user = turn.find((m) => m.role === 'user');
  if (user) history.push({ ...agentMessage(ref, 'user', [textPart(user.content)]), role: Role.ROLE_USER });
  const final = turn.filter((m) => m.role === 'assistant' && !m.toolCalls?.length).at(-1);
  const base = { id, contextId: ref.sessionId, history, metadata: { agent: state.agent, turnId: ref.turnId } };
  const at = state.lastActivityAt;
  if (final && final.role === 'assistant') {
    if (final.error !== undefined) {
      const state_ = wasCancelled(final.error) ? TaskState.TASK_STATE_CANCELED : TaskState.TASK_STATE_FAILED;
      return { ...base, status: status(state_, agentMessage(ref, 'status', [textPart(final.error)]), at), artifacts: [] };
    }
    const answer = agentMessage(ref, 'reply', [textPart(final.content)]);
    return { ...base, history: [...history, answer], status: status(TaskState.TASK_STATE_COMPLETED, answer, at), artifacts: [replyArtifact(final.content)] };
  }
  if (user) {
    const approval = state.pendingApprovals.find((a) => a.turnId === ref.turnId);
    if (approval) return { ...base, status: status(TaskState.TASK_STATE_INPUT_REQUIRED, approvalMessage(ref, approval), at), artifacts: [] };
    if (state.status === 'closed') return { ...base, status: status(TaskState.TASK_STATE_CANCELED, undefined, at), artifacts: [] };
    return { ...base, status: status(TaskState.TASK_STATE_WORKING, undefined, at), artifacts: [] };
  }
  // Not in the conversation: folded into the summary (older than every turn still there), cancelled while it was
  // queued (a later turn is there), or still queued.
  const present = state.messages.map((m) => Number(TURN_RE.exec(m.turnId ?? '')?.[1] ?? 0)).filter((t) => t > 0);
  const oldest = present.length > 0 ? Math.min(...present) : Infinity;
  if (n < oldest && n <= state.turns) {
    return { ...base, status: status(TaskState.TASK_STATE_COMPLETED, undefined, at), artifacts: [], metadata: { ...base.metadata, compacted: true } };
  }
  if (n < Math.max(0, ...present) || state.status === 'closed') {
    return { ...base, status: status(TaskState.TASK_STATE_CANCELED, undefined, at), artifacts: [] };
  }
  return { ...base, status: status(TaskState.TASK_STATE_SUBMITTED, undefined, at), artifacts: [] };
}

/**
 * The session's hand-over to its next run (continue-as-new), behind the `HANDOVER_PATCH` patch:
 * messages that arrive meanwhile are queued and carried (their update fails with
 * `SessionHandover`, and the gateway's resend of the same update id reaches the next run, which
 * answers the turn), and the carried input is kept within CARRY_BUDGET bytes.
 */
import { ApplicationFailure, log } from '@temporalio/workflow';
import type { WorkflowStream, WorkflowStreamState } from '@temporalio/workflow-streams/workflow';
import { ZERO_USAGE, type ChatMessage } from '@hub/contracts/agent/wire';
import { CARRY_BUDGET, FIRST_MESSAGE_UPDATE_ID, type TurnResult } from '@hub/contracts/session/wire';
import type { CarriedSession } from '@hub/contracts';
import { fitMessages, fitRecent, jsonBytes, streamCutOffset } from './carry-budget';

export const HANDOVER_PATCH = 'session-handover-carries-messages';

/** The outcome of a message taken while handing over: it is queued for the next run. */
export function handoverFailure(turnId: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'SessionHandover',
    message: `the session is handing over to its next run; message ${turnId} is queued there: send the same update id again for its result`,
    nonRetryable: true,
    details: [{ turnId }],
  });
}

/** Records a message's result by update id (a bounded map: the oldest entries go first). */
export function remember(recent: Map<string, TurnResult>, updateId: string, result: TurnResult): void {
  recent.delete(updateId);
  recent.set(updateId, result);
  while (recent.size > 2 * CARRY_BUDGET.recentCount) recent.delete(recent.keys().next().value!);
}

/**
 * A repeated create whose first message's result is no longer among the recent ones (many turns
 * later, in a later run): answered from the conversation, never run again.
 */
export function repeatedFirstMessage(updateId: string, turnSeq: number, messages: ChatMessage[]): TurnResult | undefined {
  if (updateId !== FIRST_MESSAGE_UPDATE_ID || turnSeq === 0) return undefined;
  const turnId = 'turn-1';
  const answer = messages.filter((m) => m.role === 'assistant' && m.turnId === turnId && !m.toolCalls?.length).at(-1);
  const usage = { ...ZERO_USAGE };
  if (answer?.role === 'assistant' && answer.error) return { turnId, status: 'failed', error: answer.error, usage };
  return { turnId, status: 'completed', reply: answer?.content ?? '', usage };
}

type Base = Omit<CarriedSession, 'pending' | 'recent' | 'approvals'>;
interface Extra {
  pending: { turnId: string; text: string; updateId?: string | undefined }[];
  recent: [string, TurnResult][];
  approvals: string[];
}

export const budgetCarried = {
  summarizeInputBytes: CARRY_BUDGET.summarizeInputBytes,
  messages: (messages: ChatMessage[]): ChatMessage[] => fitMessages(messages),

  /** The continue-as-new input's `carried` and `streamState`, within CARRY_BUDGET.totalBytes (oldest stream events dropped first). */
  input(base: Base, extra: Extra, stream: WorkflowStream): { carried: CarriedSession; streamState: WorkflowStreamState } {
    const before = stream.getState();
    const cut = streamCutOffset(before.log, before.base_offset);
    if (cut !== undefined) stream.truncate(cut);
    const pending = extra.pending.map((p) => ({ turnId: p.turnId, text: p.text, ...(p.updateId !== undefined ? { updateId: p.updateId } : {}) }));
    let carried: CarriedSession = {
      ...base,
      messages: fitMessages(base.messages),
      pending,
      recent: fitRecent(extra.recent),
      approvals: extra.approvals.slice(-CARRY_BUDGET.approvalsCount),
    };
    let streamState = stream.getState();
    if (jsonBytes(carried) + jsonBytes(streamState) > CARRY_BUDGET.totalBytes) {
      // Last resort: a smaller history, no recent results, no retained events.
      carried = { ...carried, messages: fitMessages(carried.messages, CARRY_BUDGET.messagesBytes / 4), recent: [] };
      stream.truncate(streamState.base_offset + streamState.log.length);
      streamState = stream.getState();
      log.warn('carried session state over budget: history cut further, retained events dropped', { bytes: jsonBytes(carried) });
    }
    return { carried, streamState };
  },
};

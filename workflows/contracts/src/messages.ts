/**
 * Temporal message definitions for the session entity workflow. The
 * definitions are pure values, safe to import from clients as well as from
 * workflow code.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalUpdateInput, SendMessageInput, SessionState, TurnResult } from './session';

export const sendMessageUpdate = defineUpdate<TurnResult, [SendMessageInput]>('sendMessage');
export const approveToolUpdate = defineUpdate<{ accepted: true }, [ApprovalUpdateInput]>('approveTool');
export const closeSessionUpdate = defineUpdate<SessionState, [{ reason?: string }]>('closeSession');
export const sessionStateQuery = defineQuery<SessionState>('sessionState');
/** Fire-and-forget form of close, for callers that cannot wait. */
export const closeSessionSignal = defineSignal<[{ reason?: string }]>('closeSessionSignal');

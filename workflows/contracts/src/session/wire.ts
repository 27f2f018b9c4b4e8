/**
 * The zod-free half of sessions: ids, defaults, the event-stream topic, the
 * Temporal messages of the session workflow and the plain types they carry.
 * Workflow code imports this at runtime; the API schemas of the same shapes
 * are in `./schemas`.
 *
 * `sendMessageSchemas` is the one schema the session workflow validates with
 * (its `sendMessage` Update validator): it is written here as a function of
 * zod, so this module stays free of zod at runtime and the workflow builds it
 * only when it needs it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type { ChatMessage, TokenUsage } from '../agent/wire';
import { LIMITS, type ZodBuilders } from '../common/wire';

export const DEFAULTS = {
  idleTimeoutMs: 24 * 60 * 60 * 1000,
  approvalTimeoutMs: 15 * 60 * 1000,
  maxTurnsPerRun: 50,
  agent: 'assistant',
} as const;

export const SESSION_ID_RE = /^[a-zA-Z0-9_-]{1,128}$/;

/** Session workflow ids embed the tenant so tenants can never address each other's sessions. */
export function sessionWorkflowId(tenant: string, sessionId: string): string {
  return `session/${tenant}/${sessionId}`;
}
export function sessionWorkflowIdPrefix(tenant: string): string {
  return `session/${tenant}/`;
}
export function parseSessionWorkflowId(workflowId: string): { tenant: string; sessionId: string } | undefined {
  const m = /^session\/([^/]+)\/([^/]+)$/.exec(workflowId);
  return m ? { tenant: m[1]!, sessionId: m[2]! } : undefined;
}

/**
 * Byte budget of what a session carries into its next run (continue-as-new), well under
 * Temporal's 2 MB payload limit: over it, large message contents are truncated (with a note),
 * the oldest stream events are dropped and fewer recent results are kept.
 */
export const CARRY_BUDGET = {
  /** Everything carried (messages, summary, recent results, pending messages, stream state). */
  totalBytes: 1_200_000,
  /** The conversation's messages. */
  messagesBytes: 640 * 1024,
  /** Largest content of one carried message. */
  messageBytes: 64 * 1024,
  /** The messages handed to the summary activity when compacting. */
  summarizeInputBytes: 512 * 1024,
  /** The retained event-stream log. */
  streamBytes: 256 * 1024,
  /** Recent update results (for resends after the hand-over): at most this many, this large, each reply at most `replyBytes`. */
  recentCount: 64,
  recentBytes: 160 * 1024,
  replyBytes: 16 * 1024,
  approvalsCount: 64,
} as const;

/**
 * The update id of a session's first message (sent with Update-with-Start): a repeated create is
 * the same update, so the message never runs twice, even long after the session answered it.
 */
export const FIRST_MESSAGE_UPDATE_ID = 'first-message';

/** Topic of the session's durable event stream. */
export const SESSION_EVENTS_TOPIC = 'events';

// ---- what a user sends ---------------------------------------------------------

/** The schemas of what a user sends, built with the zod the caller passes (`./schemas` and the workflow's validator). */
export function sendMessageSchemas(zod: ZodBuilders) {
  /** Text sent by a user; the Update validator and the gateway both use this schema. */
  const messageText = zod
    .string()
    .max(LIMITS.maxMessageChars, { message: `message text must be at most ${LIMITS.maxMessageChars} characters` })
    .refine((s) => s.trim().length > 0, { message: 'message text must not be empty' });
  const sendMessageInput = zod.object({
    text: messageText,
    /** Cancel the running turn (if any) and answer this message next. */
    interrupt: zod.boolean().optional(),
  });
  return { messageText, sendMessageInput };
}
export type SendMessageInput = z.infer<ReturnType<typeof sendMessageSchemas>['sendMessageInput']>;

// ---- the types the session's messages carry ----------------------------------------

export type SessionStatus = 'idle' | 'running' | 'awaiting_approval' | 'waiting_budget' | 'closed';
export type TurnStatus = 'completed' | 'failed' | 'interrupted' | 'cancelled';

export interface TurnResult {
  turnId: string;
  status: TurnStatus;
  reply?: string;
  error?: string;
  usage: TokenUsage;
  /** The parsed final answer (JSON) when the agent has an `outputSchema`. */
  structured?: unknown;
}

export interface PendingApproval {
  approvalId: string;
  turnId: string;
  toolCallId: string;
  tool: string;
  /** JSON-encoded arguments the model wants to call the tool with. */
  arguments: string;
  /** ISO time. */
  requestedAt: string;
  /** ISO time; no decision by then counts as a denial. */
  expiresAt: string;
  /** Set when a delegated agent (a child workflow) asks: the delegation's id; the decision is still made here. */
  delegationId?: string;
  /** The agent whose tool call it is (set for handoffs and delegations). */
  agent?: string;
}

/** A switch of the session's active agent (a `transfer_to_<name>` tool call). */
export interface HandoffRecord {
  from: string;
  to: string;
  turnId: string;
  /** ISO time. */
  at: string;
}

export interface CancelTurnResult {
  turnId: string;
  cancelled: boolean;
  /** What the turn was when the cancel arrived. */
  was: 'running' | 'queued' | 'ended';
}

export interface ApprovalDecision {
  approve: boolean;
  reason?: string;
}
export interface ApprovalUpdateInput extends ApprovalDecision {
  approvalId: string;
}

export interface Summary {
  text: string;
  /** How many messages (oldest first) the summary stands in for. */
  coveredMessages: number;
}

export interface SessionState {
  sessionId: string;
  tenant: string;
  /** The active agent: the one the session started with, or the last one a handoff switched to. */
  agent: string;
  /** The pinned version of the agent the session started with (sessions of built-in profiles from before versions: unset). */
  agentVersion?: number;
  /** The handoffs so far, oldest first (the handoff path). */
  handoffs?: HandoffRecord[];
  status: SessionStatus;
  /** Conversation in order (system prompt excluded). */
  messages: ChatMessage[];
  /** Older messages folded into a summary when the history was compacted. */
  summary?: Summary;
  pendingApprovals: PendingApproval[];
  usage: TokenUsage;
  turns: number;
  /** Messages waiting for the running turn to end. */
  queued: number;
  createdAt: string;
  lastActivityAt: string;
  closedReason?: string;
  /** How many times the workflow has continued-as-new (history compactions). */
  generation: number;
}

// ---- Temporal messages of the session workflow ------------------------------------

export const sendMessageUpdate = defineUpdate<TurnResult, [SendMessageInput]>('sendMessage');
export const approveToolUpdate = defineUpdate<{ accepted: true }, [ApprovalUpdateInput]>('approveTool');
export const closeSessionUpdate = defineUpdate<SessionState, [{ reason?: string }]>('closeSession');
/**
 * Cancels one turn: the running one (its tool calls and delegations are cancelled, its compensations run) or a
 * queued one (dropped; its `sendMessage` answers `cancelled`). The session stays open. A turn that has ended (or
 * is unknown) is left alone: `cancelled: false`.
 */
export const cancelTurnUpdate = defineUpdate<CancelTurnResult, [{ turnId: string }]>('cancelTurn');
export const sessionStateQuery = defineQuery<SessionState>('sessionState');
/** Fire-and-forget form of close, for callers that cannot wait. */
export const closeSessionSignal = defineSignal<[{ reason?: string }]>('closeSessionSignal');

/**
 * Schemas of sessions: the API's shapes, the workflow input, what a run
 * carries across continue-as-new, and the events of the session's stream.
 * The gateway's OpenAPI document is generated from them. The shapes the
 * session's messages carry are declared in `./wire` and checked below.
 */
import { z } from 'zod';
import { AgentProfileSchema, ChatMessageSchema, TokenUsageSchema } from '../agent/schemas';
import type { Expect, Same } from '../common/schemas';
import { ResearchEventSchema } from '../research/schemas';
import {
  sendMessageSchemas,
  type ApprovalDecision,
  type ApprovalUpdateInput,
  type CancelTurnResult,
  type HandoffRecord,
  type PendingApproval,
  type SessionState,
  type SessionStatus,
  type Summary,
  type TurnResult,
  type TurnStatus,
} from './wire';

const sendMessage = sendMessageSchemas(z);
/** Text sent by a user; the Update validator and the gateway both use this schema. */
export const MessageTextSchema = sendMessage.messageText;
export const SendMessageInputSchema = sendMessage.sendMessageInput;

export const SessionStatusSchema = z
  .enum(['idle', 'running', 'awaiting_approval', 'waiting_budget', 'closed'])
  .describe(
    'idle: waiting for a message; running: a turn is in progress; awaiting_approval: a tool call waits for a human; ' +
      "waiting_budget: the turn waits for the tenant's budget (a top-up or the next period); closed: ended",
  );

export const TurnStatusSchema = z.enum(['completed', 'failed', 'interrupted', 'cancelled']);

export const TurnResultSchema = z.object({
  turnId: z.string(),
  status: TurnStatusSchema,
  reply: z.string().optional(),
  error: z.string().optional(),
  usage: TokenUsageSchema,
  structured: z.unknown().optional().describe('The parsed final answer (JSON) when the agent has an outputSchema'),
});

export const PendingApprovalSchema = z.object({
  approvalId: z.string(),
  turnId: z.string(),
  toolCallId: z.string(),
  tool: z.string(),
  arguments: z.string().describe('JSON-encoded arguments the model wants to call the tool with'),
  requestedAt: z.string().describe('ISO time'),
  expiresAt: z.string().describe('ISO time; no decision by then counts as a denial'),
  delegationId: z.string().optional().describe('Set when a delegated agent asks; the decision is still made on this session'),
  agent: z.string().optional().describe('The agent whose tool call it is'),
});

export const HandoffRecordSchema = z.object({
  from: z.string(),
  to: z.string(),
  turnId: z.string(),
  at: z.string().describe('ISO time'),
});

export const ApprovalDecisionSchema = z.object({
  approve: z.boolean(),
  reason: z.string().max(2000).optional(),
});

export const ApprovalUpdateInputSchema = ApprovalDecisionSchema.extend({ approvalId: z.string().min(1) });

export const CancelTurnResultSchema = z.object({
  turnId: z.string(),
  cancelled: z.boolean().describe('false: the turn had already ended (or never existed); nothing changed'),
  was: z.enum(['running', 'queued', 'ended']).describe('What the turn was when the cancel arrived'),
});

export const SummarySchema = z.object({
  text: z.string(),
  /** How many messages (oldest first) the summary stands in for. */
  coveredMessages: z.number().int().nonnegative(),
});

export const SessionStateSchema = z.object({
  sessionId: z.string(),
  tenant: z.string(),
  agent: z.string().describe('The active agent: the one the session started with, or the last one a handoff switched to'),
  agentVersion: z.number().int().positive().optional().describe('The pinned version of the agent the session started with'),
  handoffs: z.array(HandoffRecordSchema).optional().describe('The handoffs so far, oldest first'),
  status: SessionStatusSchema,
  /** Conversation in order (system prompt excluded). */
  messages: z.array(ChatMessageSchema),
  /** Older messages folded into a summary when the history was compacted. */
  summary: SummarySchema.optional(),
  pendingApprovals: z.array(PendingApprovalSchema),
  usage: TokenUsageSchema,
  turns: z.number().int().nonnegative(),
  queued: z.number().int().nonnegative().describe('messages waiting for the running turn to end'),
  createdAt: z.string(),
  lastActivityAt: z.string(),
  closedReason: z.string().optional(),
  /** How many times the workflow has continued-as-new (history compactions). */
  generation: z.number().int().nonnegative(),
});

export const SessionOptionsSchema = z.object({
  /** Idle time after which the session closes itself (ms). */
  idleTimeoutMs: z.number().int().positive(),
  /** Time a tool approval may wait before it counts as denied (ms). */
  approvalTimeoutMs: z.number().int().positive(),
  /** Continue-as-new after this many turns even if Temporal does not suggest it. */
  maxTurnsPerRun: z.number().int().positive(),
  /** When the tenant's budget is spent: wait for a top-up or the next period (default), or fail the turn at once (false). */
  waitForBudget: z.boolean().optional(),
  /** Tools this session may use (exact names or globs); intersected with the profile's allowlist. */
  toolAllowlist: z.array(z.string()).optional(),
  /**
   * Profiles of the `research` tool's jobs (planner, sub-agents, synthesizer). Set by the gateway;
   * without them the session offers no `research` tool.
   */
  research: z
    .object({ planner: AgentProfileSchema, researcher: AgentProfileSchema, synthesizer: AgentProfileSchema })
    .optional(),
  /** History compaction on continue-as-new (defaults: LIMITS.maxCarriedChars / LIMITS.keepRecentMessages). */
  compaction: z
    .object({
      maxCarriedChars: z.number().int().positive(),
      keepRecentMessages: z.number().int().positive(),
    })
    .optional(),
});
export type SessionOptions = z.infer<typeof SessionOptionsSchema>;

/** What a run carries into the next one on continue-as-new. */
export const CarriedSessionSchema = z.object({
  messages: z.array(ChatMessageSchema),
  summary: SummarySchema.optional(),
  usage: TokenUsageSchema,
  turns: z.number().int().nonnegative(),
  /** Turn ids handed out so far (turn ids, and so activity ids, stay unique across runs). */
  turnSeq: z.number().int().nonnegative(),
  createdAt: z.string(),
  generation: z.number().int().nonnegative(),
  /** Messages accepted but not yet answered when the run handed over (answered first by the next run). */
  pending: z.array(z.object({ turnId: z.string(), text: z.string(), updateId: z.string().optional() })).optional(),
  /** Recently answered `sendMessage` update ids and their results, so a resend reaching the next run answers the same turn. */
  recent: z.array(z.object({ updateId: z.string(), result: TurnResultSchema })).optional(),
  /** Recently accepted `approveTool` update ids (a resend after the hand-over is answered, not refused). */
  approvals: z.array(z.string()).optional(),
  /** The active agent (after handoffs) and the handoff path. */
  activeAgent: z.string().optional(),
  handoffs: z.array(HandoffRecordSchema).optional(),
});
export type CarriedSession = z.infer<typeof CarriedSessionSchema>;

export const SessionWorkflowInputSchema = z.object({
  sessionId: z.string(),
  tenant: z.string(),
  /** The agent the session starts with (pinned version). */
  profile: AgentProfileSchema,
  /**
   * The pinned profiles of every agent `profile` can reach through handoffs and delegates (itself included),
   * resolved when the session starts: editing an agent never changes a running session.
   */
  team: z.array(AgentProfileSchema).optional(),
  options: SessionOptionsSchema,
  carried: CarriedSessionSchema.optional(),
  /** Opaque WorkflowStreamState carried across continue-as-new. */
  streamState: z.unknown().optional(),
});
export type SessionWorkflowInput = z.infer<typeof SessionWorkflowInputSchema>;

/** The tag on events of a delegated agent (published on the root session's stream). */
const delegated = {
  delegationId: z.string().optional().describe('Set on the events of a delegated agent: its delegation (see delegation.started)'),
};

/** Events published on the session's durable stream (topic `events`). */
export const SessionEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message.queued'), turnId: z.string(), text: z.string(), position: z.number().int() }),
  z.object({ type: z.literal('turn.started'), turnId: z.string(), text: z.string() }),
  z.object({
    type: z.literal('token'),
    turnId: z.string(),
    delta: z.string(),
    /** LLM call within the turn (tool rounds make several). */
    round: z.number().int(),
    /** Activity attempt: when it changes, discard deltas of earlier attempts of the same round. */
    attempt: z.number().int(),
    ...delegated,
  }),
  z.object({
    type: z.literal('tool.call'),
    turnId: z.string(),
    toolCallId: z.string(),
    tool: z.string(),
    arguments: z.string(),
    ...delegated,
  }),
  z.object({
    type: z.literal('tool.result'),
    turnId: z.string(),
    toolCallId: z.string(),
    tool: z.string(),
    ok: z.boolean(),
    content: z.string(),
    ...delegated,
  }),
  z.object({
    type: z.literal('tool.progress'),
    turnId: z.string(),
    toolCallId: z.string(),
    tool: z.string(),
    progress: z.number(),
    total: z.number().optional(),
    message: z.string().optional(),
    ...delegated,
  }),
  z.object({
    type: z.literal('tool.server_unavailable'),
    turnId: z.string(),
    /** An MCP server whose tool list was slow or failed while the turn's model call was prepared. */
    server: z.string(),
    error: z.string(),
    /** True: its last known tools were offered anyway; false: the server was left out of the turn. */
    cached: z.boolean(),
    ...delegated,
  }),
  z.object({
    type: z.literal('llm.fallback'),
    turnId: z.string(),
    round: z.number().int(),
    /** The route entry passed over, its provider and why (an error, or `cooldown`). */
    from: z.string(),
    provider: z.string(),
    reason: z.string(),
    /** The route entry tried next. */
    to: z.string(),
    ...delegated,
  }),
  z.object({
    type: z.literal('budget.waiting'),
    turnId: z.string(),
    /** The tenant's (or the agent's) spending budget is spent: the turn waits, durably, for a top-up or the next period. */
    scope: z.enum(['tenant', 'agent']),
    resetsAt: z.string().describe('ISO time the period rolls over'),
    ...delegated,
  }),
  z.object({ type: z.literal('budget.resumed'), turnId: z.string(), ...delegated }),
  z.object({ type: z.literal('approval.requested'), approval: PendingApprovalSchema }),
  z.object({
    type: z.literal('approval.resolved'),
    approvalId: z.string(),
    approved: z.boolean(),
    reason: z.string().optional(),
    timedOut: z.boolean(),
    ...delegated,
  }),
  z.object({
    type: z.literal('turn.completed'),
    turnId: z.string(),
    reply: z.string(),
    usage: TokenUsageSchema,
    structured: z.unknown().optional().describe('The parsed final answer (JSON) when the agent has an outputSchema'),
  }),
  z.object({ type: z.literal('turn.failed'), turnId: z.string(), error: z.string() }),
  z.object({ type: z.literal('turn.interrupted'), turnId: z.string() }),
  z.object({
    type: z.literal('compensation.registered'),
    turnId: z.string(),
    toolCallId: z.string(),
    tool: z.string(),
    compensationTool: z.string(),
    ...delegated,
  }),
  z.object({
    type: z.literal('compensation.completed'),
    turnId: z.string(),
    toolCallId: z.string(),
    tool: z.string(),
    result: z.string(),
    ...delegated,
  }),
  z.object({
    type: z.literal('compensation.failed'),
    turnId: z.string(),
    toolCallId: z.string(),
    tool: z.string(),
    error: z.string(),
    ...delegated,
  }),
  z.object({
    type: z.literal('research.progress'),
    turnId: z.string(),
    toolCallId: z.string(),
    /** The research job the `research` tool started (GET /v1/research/{jobId}). */
    jobId: z.string(),
    event: ResearchEventSchema,
    ...delegated,
  }),
  z.object({
    type: z.literal('agent.handoff'),
    turnId: z.string(),
    toolCallId: z.string(),
    /** The agent that handed off and the one that answers from the next model call on. */
    from: z.string(),
    to: z.string(),
  }),
  z.object({
    type: z.literal('delegation.started'),
    turnId: z.string(),
    /** The tool call (`ask_<agent>`) of the delegating agent. */
    toolCallId: z.string(),
    delegationId: z.string(),
    /** Set when the delegating agent is itself a delegate (nested delegations form a tree). */
    parentDelegationId: z.string().optional(),
    agent: z.string(),
    task: z.string(),
    /** 1 for a delegate of the session's agent, 2 for its delegate's delegate, … */
    depth: z.number().int().positive(),
  }),
  z.object({
    type: z.literal('delegation.completed'),
    turnId: z.string(),
    toolCallId: z.string(),
    delegationId: z.string(),
    parentDelegationId: z.string().optional(),
    agent: z.string(),
    ok: z.boolean(),
    /** The delegate's final answer (ok) or what went wrong. */
    reply: z.string().optional(),
    error: z.string().optional(),
    usage: TokenUsageSchema,
  }),
  z.object({ type: z.literal('session.compacted'), generation: z.number().int(), summarizedMessages: z.number().int() }),
  z.object({ type: z.literal('session.closed'), reason: z.string() }),
]);
export type SessionEvent = z.infer<typeof SessionEventSchema>;
export type SessionEventType = SessionEvent['type'];

type _Proofs = [
  Expect<Same<z.infer<typeof SessionStatusSchema>, SessionStatus>>,
  Expect<Same<z.infer<typeof TurnStatusSchema>, TurnStatus>>,
  Expect<Same<z.infer<typeof TurnResultSchema>, TurnResult>>,
  Expect<Same<z.infer<typeof PendingApprovalSchema>, PendingApproval>>,
  Expect<Same<z.infer<typeof ApprovalDecisionSchema>, ApprovalDecision>>,
  Expect<Same<z.infer<typeof ApprovalUpdateInputSchema>, ApprovalUpdateInput>>,
  Expect<Same<z.infer<typeof SummarySchema>, Summary>>,
  Expect<Same<z.infer<typeof HandoffRecordSchema>, HandoffRecord>>,
  Expect<Same<z.infer<typeof CancelTurnResultSchema>, CancelTurnResult>>,
  Expect<Same<z.infer<typeof SessionStateSchema>, SessionState>>,
];

/**
 * The types of one agent turn (`./agent-loop`): its context, the tools workflow code runs, approvals and
 * the outcome. Kept apart from the loop so the modules the loop uses (`./parallel-tool-calls`) can name
 * them without an import cycle; `./agent-loop` re-exports them.
 */
import type { WorkflowTopicHandle } from '@temporalio/workflow-streams/workflow';
import type { AgentProfile, ChatMessage, SessionEvent, StreamTarget, Summary, ToolCall, ToolSpec } from '@hub/contracts';
import type { TurnCompensations } from './turn-compensation';
import type { BudgetWaitHooks } from './budget-wait';

export interface ApprovalRequest {
  turnId: string;
  toolCallId: string;
  tool: string;
  arguments: string;
  /** Set when a delegated agent (a child workflow) asks through the root session. */
  delegationId?: string;
  /** The agent whose tool call it is. */
  agent?: string;
}
/** Where a turn publishes its events: the session's stream topic, or (in a delegation) a relay to the root session. */
export type EventSink = Pick<WorkflowTopicHandle<SessionEvent>, 'publish'>;

export type ApprovalGate = (req: ApprovalRequest) => Promise<{ approved: boolean; reason?: string; timedOut: boolean }>;

export interface TurnContext {
  sessionId: string;
  tenant: string;
  turnId: string;
  profile: AgentProfile;
  sessionAllow?: string[];
  summary?: Summary;
  /** The conversation; the loop appends to it. */
  messages: ChatMessage[];
  events: EventSink;
  approvalGate: ApprovalGate;
  /** Activities publish their events (tokens, tool progress) to this workflow's stream, tagged (delegations). */
  streamTo?: StreamTarget;
  /** Stream token deltas to the workflow's event stream (default true; sub-agents nobody watches turn it off). */
  streamTokens?: boolean;
  /**
   * Token budget of this turn: once the model has used this many tokens, no
   * more tools run and its last answer stands (the result says so).
   */
  tokenBudget?: number;
  /** Tools the workflow itself implements (e.g. `research`), offered next to the catalogue. */
  workflowTools?: WorkflowTool[];
  /** The workflow tools of an agent, recomputed before every model call (instead of `workflowTools`). */
  toolsFor?: (profile: AgentProfile) => WorkflowTool[];
  /**
   * The active agent, read before every model call (a handoff switches it mid-turn: its instructions, tools,
   * model, temperature and `maxToolRounds` apply from the next model call on). Default: `profile`.
   */
  currentProfile?: () => AgentProfile;
  /** Where compensations of side-effecting tools are registered (rolled back by the caller if the turn fails). */
  compensations?: TurnCompensations;
  /**
   * The workflow type never ran the pre-`tools-in-llm-activity` code, so the patch check (a marker and a
   * search-attribute update per workflow) is skipped: research agents, thousands per job.
   */
  bornAfterToolsPatch?: boolean;
  /** A spent tenant budget: how the turn waits for it (or fails at once); without it, the call fails. */
  budget?: BudgetWaitHooks;
}

/** A tool run by workflow code (child workflows, timers) rather than by an activity. */
export interface WorkflowTool {
  spec: ToolSpec;
  run(call: ToolCall, turnId: string): Promise<{ ok: boolean; content: string }>;
}

export interface TurnOutcome {
  reply: string;
  /** The agent that gave the final answer (after handoffs). */
  agent: string;
  /** The turn stopped early because its token budget was spent. */
  budgetExhausted?: boolean;
  /** The parsed final answer, when the answering agent has an `outputSchema`. */
  structured?: unknown;
  /** Why `structured` is missing although the agent has an `outputSchema`. */
  structuredError?: string;
}

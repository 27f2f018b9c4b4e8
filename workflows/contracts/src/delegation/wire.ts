/**
 * The zod-free half of delegations: an agent calling another agent as a tool
 * (`ask_<name>`). Each call runs as a child workflow (`agentDelegation`): a
 * sub-conversation with the delegate's own instructions, tools, model and
 * round limit, whose final answer is the tool's result. The child publishes
 * its events on the root session's stream (tagged with the delegation id) and
 * asks the root session for approvals, so a client watching the session sees
 * and decides the whole tree. The schemas are in `./schemas`.
 */
import type { AgentProfile, TokenUsage } from '../agent/wire';

/** Input of the `agentDelegation` child workflow. */
export interface DelegationInput {
  /** The session workflow at the root of the tree: events and approvals go there. */
  rootWorkflowId: string;
  /** The workflow that started this one (the root session, or a delegation one level up). */
  parentWorkflowId: string;
  sessionId: string;
  tenant: string;
  delegationId: string;
  parentDelegationId?: string;
  /** The root session's turn, and the `ask_<agent>` call of the delegating agent. */
  turnId: string;
  toolCallId: string;
  /** The delegate (pinned). */
  agent: AgentProfile;
  /** The pinned team of the root session (the delegate's own delegates are looked up here). */
  team: AgentProfile[];
  /** Agent names from the session's agent down to this delegate (cycles are refused at run time too). */
  path: string[];
  /** 1 for a delegate of the session's agent. */
  depth: number;
  /** Deepest delegation allowed (AGENT_LIMITS.maxDelegationDepth by default). */
  maxDepth: number;
  /** What the delegating agent asked for. */
  task: string;
  /** The root session's tool allowlist (both it and the delegate's must match) and approval timeout. */
  toolAllowlist?: string[];
  approvalTimeoutMs: number;
  /** false (the session's option): a spent tenant budget fails the delegate's calls instead of waiting. */
  waitForBudget?: boolean;
}

/** Result of the `agentDelegation` child workflow (usage includes the delegate's own delegations). */
export interface DelegationResult {
  ok: boolean;
  reply: string;
  error?: string;
  usage: TokenUsage;
  /** The parsed final answer when the delegate has an `outputSchema`. */
  structured?: unknown;
}

/** The child workflow's id: under the root session's id, unique per turn and tool call. */
export function delegationWorkflowId(parentWorkflowId: string, turnId: string, toolCallId: string): string {
  const suffix = `/delegation/${turnId}/${toolCallId}`.replace(/[^a-zA-Z0-9_/.-]/g, '_');
  return `${parentWorkflowId.slice(0, Math.max(1, 900 - suffix.length))}${suffix}`;
}

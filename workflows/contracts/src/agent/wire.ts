/**
 * The zod-free half of agents: the conversation, profiles, tools and token
 * usage as plain types, the activities an agent turn calls, and usage
 * arithmetic. Workflow code imports this at runtime; the schemas of the same
 * shapes (checked against these types) are in `./schemas`.
 */

export interface ToolCall {
  id: string;
  name: string;
  /** JSON-encoded arguments, exactly as the model produced them. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'user'; content: string; turnId?: string }
  | {
      role: 'assistant';
      content: string;
      toolCalls?: ToolCall[];
      turnId?: string;
      /** Set when the turn failed: the message explains why; it is shown to users and not sent to the model. */
      error?: string;
    }
  | { role: 'tool'; toolCallId: string; name: string; content: string; turnId?: string };

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface AgentProfile {
  name: string;
  description: string;
  systemPrompt: string;
  /** Model id; empty means the deployment default (HUB_MODEL). */
  model?: string;
  temperature: number;
  /** Tool names or globs (`*`, `server__*`) the agent may use. */
  tools: string[];
  /** Most LLM calls in one turn that may request tools before the agent must answer. */
  maxToolRounds: number;
}

/** A tool as the model sees it (OpenAI function-calling shape) plus hub metadata. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  requiresApproval: boolean;
  /**
   * Undo of this tool's side effect (hub config `compensations`): registered before the call runs and executed
   * if the turn then fails or is cancelled. `tool` is the hub name (`server__tool`); `args` maps from the call.
   */
  compensation?: { tool: string; args: Record<string, unknown> };
  /** Per-call limits (MCP servers may set them); the workflow applies them to the tool's activity. */
  timeouts?: { callMs?: number; heartbeatMs?: number };
}

/** Input of the `llmComplete` activity. */
export interface LlmRequest {
  model?: string;
  temperature: number;
  systemPrompt: string;
  messages: ChatMessage[];
  /** Tools to offer the model, as given. */
  tools: ToolSpec[];
  /**
   * Offer the model the tools of the worker's catalogue that match these
   * allowlists (added to `tools`). The activity reports what it offered in
   * `LlmResponse.offeredTools`, so the workflow sees exactly what the model saw.
   */
  toolAllow?: ListToolsRequest;
  /** Stream token deltas to the calling workflow's event stream under this turn id. */
  stream?: { turnId: string; round: number };
  /** Ask for a JSON object matching this schema (structured output). */
  responseFormat?: { name: string; schema: Record<string, unknown> };
  /** `max_tokens` of this call; the worker's default (8192) when unset. */
  maxTokens?: number;
}

/** Output of the `llmComplete` activity. */
export interface LlmResponse {
  content: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  finishReason: string;
  model: string;
  /** The tools offered to the model (`tools` plus those resolved from `toolAllow`). */
  offeredTools?: ToolSpec[];
}

/** Input of the `executeTool` activity. */
export interface ToolRequest {
  name: string;
  /** JSON-encoded arguments from the model. */
  arguments: string;
  sessionId: string;
  /** Where the call comes from, for progress events on the session's stream. */
  turnId?: string;
  toolCallId?: string;
}

/** Output of the `executeTool` activity. `ok: false` is a tool error reported to the model, not a retry. */
export interface ToolResult {
  ok: boolean;
  content: string;
  truncated?: boolean;
}

/** Input of the `listTools` activity. */
export interface ListToolsRequest {
  /** Names or globs (the agent profile's allowlist); the result is limited to these. */
  allow: string[];
  /** A second allowlist (the session's), when set a tool must match both. */
  alsoAllow?: string[];
  /** Tenant whose tool servers to include (MCP servers registered at runtime are per tenant). */
  tenant?: string;
}

/** Input of the `summarizeConversation` activity (used when history is compacted). */
export interface SummarizeRequest {
  model?: string;
  previousSummary?: string;
  messages: ChatMessage[];
}

/**
 * The activities an agent turn calls, by name (sessions, research agents and
 * tasks). Implemented in `@hub/agents` (LLM) and `@hub/tools` (tools); the
 * workflows see only this interface (`import type`).
 */
export interface SessionActivities {
  llmComplete(req: LlmRequest): Promise<LlmResponse>;
  summarizeConversation(req: SummarizeRequest): Promise<{ text: string; usage: TokenUsage }>;
  listTools(req: ListToolsRequest): Promise<ToolSpec[]>;
  executeTool(req: ToolRequest): Promise<ToolResult>;
}

export const ZERO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

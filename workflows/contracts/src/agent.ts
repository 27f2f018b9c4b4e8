import { z } from 'zod';

export const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** JSON-encoded arguments, exactly as the model produced them. */
  arguments: z.string(),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

export const ChatMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: z.string(), turnId: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: z.string(),
    toolCalls: z.array(ToolCallSchema).optional(),
    turnId: z.string().optional(),
    /** Set when the turn failed: the message explains why; it is shown to users and not sent to the model. */
    error: z.string().optional(),
  }),
  z.object({
    role: z.literal('tool'),
    toolCallId: z.string(),
    name: z.string(),
    content: z.string(),
    turnId: z.string().optional(),
  }),
]);
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const TokenUsageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;
export const AgentProfileSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  description: z.string(),
  systemPrompt: z.string(),
  /** Model id; empty means the deployment default (HUB_MODEL). */
  model: z.string().optional(),
  temperature: z.number().min(0).max(2),
  /** Tool names or globs (`*`, `server__*`) the agent may use. */
  tools: z.array(z.string()),
  /** Most LLM calls in one turn that may request tools before the agent must answer. */
  maxToolRounds: z.number().int().min(0).max(50),
});
export type AgentProfile = z.infer<typeof AgentProfileSchema>;

/** A tool as the model sees it (OpenAI function-calling shape) plus hub metadata. */
export const ToolSpecSchema = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
  description: z.string(),
  /** JSON Schema of the arguments object. */
  parameters: z.record(z.string(), z.unknown()),
  requiresApproval: z.boolean(),
  /**
   * Undo of this tool's side effect (hub config `compensations`): registered before the call runs and executed
   * if the turn then fails or is cancelled. `tool` is the hub name (`server__tool`); `args` maps from the call.
   */
  compensation: z.object({ tool: z.string(), args: z.record(z.string(), z.unknown()) }).optional(),
  /** Per-call limits (MCP servers may set them); the workflow applies them to the tool's activity. */
  timeouts: z
    .object({ callMs: z.number().int().positive().optional(), heartbeatMs: z.number().int().positive().optional() })
    .optional(),
});
export type ToolSpec = z.infer<typeof ToolSpecSchema>;

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
 * The activities the session workflow calls, by name. Implemented in
 * `@hub/agents` (LLM) and `@hub/tools` (tools); the workflow sees only this
 * interface (`import type`).
 */
export interface SessionActivities {
  llmComplete(req: LlmRequest): Promise<LlmResponse>;
  summarizeConversation(req: SummarizeRequest): Promise<{ text: string; usage: TokenUsage }>;
  listTools(req: ListToolsRequest): Promise<ToolSpec[]>;
  executeTool(req: ToolRequest): Promise<ToolResult>;
}

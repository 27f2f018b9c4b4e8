/** Schemas of the agent shapes declared in `./wire` (checked against them below). */
import { z } from 'zod';
import type { Expect, Same } from '../common/schemas';
import type { AgentProfile, ChatMessage, TokenUsage, ToolCall, ToolSpec } from './wire';

export const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** JSON-encoded arguments, exactly as the model produced them. */
  arguments: z.string(),
});

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

export const TokenUsageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});

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

/** A tool as the model sees it (OpenAI function-calling shape) plus hub metadata. */
export const ToolSpecSchema = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
  description: z.string(),
  /** JSON Schema of the arguments object. */
  parameters: z.record(z.string(), z.unknown()),
  requiresApproval: z.boolean(),
  /** Undo of this tool's side effect (see `ToolSpec.compensation`). */
  compensation: z.object({ tool: z.string(), args: z.record(z.string(), z.unknown()) }).optional(),
  /** Per-call limits (MCP servers may set them); the workflow applies them to the tool's activity. */
  timeouts: z
    .object({ callMs: z.number().int().positive().optional(), heartbeatMs: z.number().int().positive().optional() })
    .optional(),
});

type _Proofs = [
  Expect<Same<z.infer<typeof ToolCallSchema>, ToolCall>>,
  Expect<Same<z.infer<typeof ChatMessageSchema>, ChatMessage>>,
  Expect<Same<z.infer<typeof TokenUsageSchema>, TokenUsage>>,
  Expect<Same<z.infer<typeof AgentProfileSchema>, AgentProfile>>,
  Expect<Same<z.infer<typeof ToolSpecSchema>, ToolSpec>>,
];

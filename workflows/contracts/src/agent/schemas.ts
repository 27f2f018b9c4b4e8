/** Schemas of the agent shapes declared in `./wire` (checked against them below). */
import { z } from 'zod';
import type { Expect, Same } from '../common/schemas';
import { ModelRouteSchema } from '../models/schemas';
import { AGENT_LIMITS, AGENT_NAME_RE, AGENT_REF_RE } from './wire';
import type { AgentDefinition, AgentProfile, AgentRecord, ChatMessage, TokenUsage, ToolCall, ToolSpec } from './wire';

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
  costUsd: z.number().nonnegative().optional().describe('What the calls cost in US dollars, from the model price table (unset: no price known)'),
});

export const AgentProfileSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  description: z.string(),
  systemPrompt: z.string(),
  /** Model id; empty means the deployment default (HUB_MODEL). */
  model: ModelRouteSchema.optional(),
  temperature: z.number().min(0).max(2),
  /** Tool names or globs (`*`, `server__*`) the agent may use. */
  tools: z.array(z.string()),
  /** Most LLM calls in one turn that may request tools before the agent must answer. */
  maxToolRounds: z.number().int().min(0).max(50),
  version: z.number().int().positive().optional(),
  source: z.enum(['builtin', 'config', 'api', 'remote']).optional(),
  handoffs: z.array(z.string()).optional(),
  delegates: z.array(z.string()).optional(),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  remote: z.object({ url: z.string(), cardUrl: z.string() }).optional(),
});

export const AgentNameSchema = z
  .string()
  .regex(AGENT_NAME_RE, { message: 'agent names are slugs: lowercase letters, digits and "-", starting with a letter or digit, at most 48 characters' })
  .describe('Agent name (a slug)');

/** `support` (latest version) or `support@3`. */
export const AgentRefSchema = z
  .string()
  .regex(AGENT_REF_RE, { message: 'an agent reference is a name, optionally with a version: "support" or "support@3"' })
  .describe('Agent name, optionally pinned to a version: "support" (latest) or "support@3"');

const ToolPatternSchema = z.string().regex(/^[a-zA-Z0-9_*?.-]{1,128}$/, { message: 'tool patterns use letters, digits, _, -, ., * and ?' });

const uniqueNames = (field: string) => (list: string[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  list.forEach((n, i) => {
    if (seen.has(n)) ctx.addIssue({ code: 'custom', path: [i], message: `${field} names '${n}' twice` });
    seen.add(n);
  });
};

/** Everything of an agent definition but its name (the `agents` entries of hub.config.json, keyed by name). */
export const AgentDefinitionFieldsSchema = z
  .object({
    description: z.string().max(AGENT_LIMITS.maxDescriptionChars).default('').describe('What the agent does (shown to agents that may hand off or delegate to it, and on its A2A card)'),
    instructions: z
      .string()
      .max(AGENT_LIMITS.maxInstructionsChars, { message: `instructions must be at most ${AGENT_LIMITS.maxInstructionsChars} characters` })
      .refine((s) => s.trim().length > 0, { message: 'instructions must not be empty' })
      .describe('The system prompt'),
    model: ModelRouteSchema.optional().describe('Model alias or provider model id, or aliases tried in order on retryable errors (default: the deployment default, HUB_MODEL)'),
    temperature: z.number().min(0).max(2).default(0.2),
    tools: z.array(ToolPatternSchema).max(AGENT_LIMITS.maxTools).default([]).describe('Tool allowlist: exact names and globs (`*`, `server__*`)'),
    maxToolRounds: z.number().int().min(0).max(50).default(8).describe('Most model calls of one turn that may call tools'),
    handoffs: z
      .array(AgentNameSchema)
      .max(AGENT_LIMITS.maxHandoffs)
      .superRefine(uniqueNames('handoffs'))
      .default([])
      .describe('Agents it may transfer the conversation to (offered as tools `transfer_to_<name>`)'),
    delegates: z
      .array(AgentNameSchema)
      .max(AGENT_LIMITS.maxDelegates)
      .superRefine(uniqueNames('delegates'))
      .default([])
      .describe('Agents (or remote A2A agents) it may call as tools (`ask_<name>`); each call runs as a child workflow'),
    outputSchema: z
      .record(z.string(), z.unknown())
      .refine((s) => JSON.stringify(s).length <= AGENT_LIMITS.maxOutputSchemaBytes, {
        message: `outputSchema must be at most ${AGENT_LIMITS.maxOutputSchemaBytes} bytes of JSON`,
      })
      .refine((s) => s.type === 'object', { message: 'outputSchema must be a JSON Schema of an object ("type": "object")' })
      .optional()
      .describe('JSON Schema of a structured final answer'),
  })
  .strict();

/** Body of `POST /v1/agents` (and `PUT /v1/agents/{name}`, where `name` may be left out). */
export const AgentDefinitionSchema = AgentDefinitionFieldsSchema.extend({ name: AgentNameSchema }).strict();
export type AgentDefinitionInput = z.input<typeof AgentDefinitionSchema>;

export const AgentRecordSchema = AgentDefinitionSchema.extend({
  version: z.number().int().positive(),
  source: z.enum(['builtin', 'config', 'api', 'remote']).describe('builtin: ships with the hub; config: hub.config.json (read-only); api: defined by this tenant'),
  createdAt: z.string().describe('ISO time'),
  updatedAt: z.string().describe('ISO time of this version'),
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
  Expect<Same<z.output<typeof AgentDefinitionSchema>, AgentDefinition>>,
  Expect<Same<z.output<typeof AgentRecordSchema>, AgentRecord>>,
];

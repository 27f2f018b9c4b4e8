/**
 * The OpenAI chat-completions wire format, answer side: `chat.completion` bodies, the streamed
 * `chat.completion.chunk`s (role, content and tool-call deltas, the finish chunk, the usage chunk), SSE
 * framing (`data: …\n\n`, `data: [DONE]`), model lists and OpenAI error bodies.
 *
 * The one place that writes this format: the local model server (apps/local-llm) and the scripted LLM test
 * fixture (@hub/testing/scripted-llm-server) both build their answers with it. Pure, apart from the random ids.
 * Import it as `@hub/runtime/openai-wire`.
 */
import { randomBytes, randomUUID } from 'node:crypto';

// ---------------------------------------------------------------------------------------------------------
// Common pieces
// ---------------------------------------------------------------------------------------------------------

/** Why a choice ended, as the hub's servers report it (the fixture may script any string). */
export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** What every completion and chunk of one answer repeats. */
export interface CompletionMeta {
  id: string;
  /** Unix time in seconds. */
  created: number;
  model: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/** A tool call the model made. */
export interface ToolCallOut {
  id: string;
  name: string;
  /** JSON text of the arguments object. */
  arguments: string;
}

/** A tool call as OpenAI sends it. */
export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export const wireToolCall = (c: ToolCallOut): WireToolCall => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } });

export const newCompletionId = (): string => `chatcmpl-${randomUUID().replace(/-/g, '')}`;
export const newToolCallId = (): string => `call_${randomBytes(12).toString('hex')}`;

// ---------------------------------------------------------------------------------------------------------
// Non-streaming answer
// ---------------------------------------------------------------------------------------------------------

export interface AssistantMessage {
  role: 'assistant';
  /** `null` when the answer is only tool calls. */
  content: string | null;
  refusal: null;
  tool_calls?: WireToolCall[];
}

export interface ChatCompletion<F extends string = FinishReason> {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{ index: number; message: AssistantMessage; logprobs: null; finish_reason: F }>;
  usage?: Usage;
}

/** A non-streaming `chat.completion` with one choice; without `usage` the body reports none. */
export function completionResponse<F extends string = FinishReason>(
  meta: CompletionMeta,
  out: { content: string; toolCalls: readonly ToolCallOut[]; finishReason: F; usage?: Usage | undefined },
): ChatCompletion<F> {
  const message: AssistantMessage = {
    role: 'assistant',
    content: out.toolCalls.length > 0 && out.content === '' ? null : out.content,
    refusal: null,
  };
  if (out.toolCalls.length > 0) message.tool_calls = out.toolCalls.map(wireToolCall);
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: out.finishReason }],
    ...(out.usage ? { usage: out.usage } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Streaming answer
// ---------------------------------------------------------------------------------------------------------

/** A tool call's delta: the first one of a call names it (id, type, name), later ones add argument text. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string;
  refusal?: null;
  tool_calls?: ToolCallDelta[];
}

export interface ChatCompletionChunk<F extends string = FinishReason> {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: number; delta: ChunkDelta; logprobs: null; finish_reason: F | null }>;
  /** `null` on every chunk but the last when the client asked for usage (`stream_options.include_usage`). */
  usage?: Usage | null;
}

function chunk<F extends string>(meta: CompletionMeta, delta: ChunkDelta, finishReason: F | null, usageField: boolean): ChatCompletionChunk<F> {
  return {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(usageField ? { usage: null } : {}),
  };
}

/**
 * Streamed chunks, in order: role, content deltas, tool calls (whole, or started then argument fragments),
 * finish, then (when the client asked for usage) the usage chunk. `usageField`: the client asked for usage,
 * so every chunk before the usage chunk carries `usage: null`.
 */
export const chunks = {
  /** The first chunk: the assistant's role, empty content (and `refusal: null` with `withRefusal`). */
  role: (meta: CompletionMeta, usageField: boolean, opts: { withRefusal?: boolean } = {}) =>
    chunk(meta, { role: 'assistant', content: '', ...(opts.withRefusal ? { refusal: null } : {}) }, null, usageField),
  content: (meta: CompletionMeta, text: string, usageField: boolean) => chunk(meta, { content: text }, null, usageField),
  /** Every tool call whole, indexed, in one chunk. */
  toolCalls: (meta: CompletionMeta, calls: readonly ToolCallOut[], usageField: boolean) =>
    chunk(meta, { tool_calls: calls.map((c, index) => ({ index, ...wireToolCall(c) })) }, null, usageField),
  /** The start of tool call `index`: its id and name, no arguments yet. */
  toolCallStart: (meta: CompletionMeta, index: number, call: { id: string; name: string }, usageField: boolean) =>
    chunk(meta, { tool_calls: [{ index, ...wireToolCall({ ...call, arguments: '' }) }] }, null, usageField),
  /** More argument text of tool call `index`. */
  toolCallArguments: (meta: CompletionMeta, index: number, fragment: string, usageField: boolean) =>
    chunk(meta, { tool_calls: [{ index, function: { arguments: fragment } }] }, null, usageField),
  finish: <F extends string = FinishReason>(meta: CompletionMeta, reason: F, usageField: boolean) => chunk(meta, {}, reason, usageField),
  /** Sent last when `stream_options.include_usage` is true: no choices, the usage of the whole request. */
  usage: (meta: CompletionMeta, usage: Usage): ChatCompletionChunk => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices: [],
    usage,
  }),
};

/** One SSE event carrying a JSON payload. */
export const sseData = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;
/** The SSE event that ends an OpenAI stream. */
export const SSE_DONE = 'data: [DONE]\n\n';

// ---------------------------------------------------------------------------------------------------------
// Models and errors
// ---------------------------------------------------------------------------------------------------------

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export const modelObject = (id: string, created: number, ownedBy: string): ModelObject => ({ id, object: 'model', created, owned_by: ownedBy });

/** The body of `GET /v1/models`. */
export const modelList = (models: readonly ModelObject[]): { object: 'list'; data: ModelObject[] } => ({ object: 'list', data: [...models] });

/** OpenAI's error body: `{error: {message, type, param, code}}` (also sent as an SSE payload mid-stream). */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function errorBody(e: { message: string; type: string; param?: string | null; code?: string | null }): OpenAIErrorBody {
  return { error: { message: e.message, type: e.type, param: e.param ?? null, code: e.code ?? null } };
}

/**
 * Mapping between the contracts' LLM shapes and the OpenAI SDK's chat
 * completions shapes: messages, tools and response_format going out; a
 * completion (whole or streamed chunk by chunk) and its usage coming back.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { ZERO_USAGE, type ChatMessage, type LlmRequest, type LlmResponse, type TokenUsage, type ToolCall, type ToolSpec } from '@hub/contracts';

/**
 * Contracts messages (+ system prompt first) → OpenAI chat messages. Assistant
 * messages with `error` set (failed turns, shown to users only) are left out.
 */
export function toOpenAIMessages(systemPrompt: string, messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (systemPrompt) out.push({ role: 'system', content: systemPrompt });
  for (const m of messages) {
    switch (m.role) {
      case 'user':
        out.push({ role: 'user', content: m.content });
        break;
      case 'assistant':
        if (m.error !== undefined) break;
        if (m.toolCalls && m.toolCalls.length > 0) {
          out.push({
            role: 'assistant',
            content: m.content === '' ? null : m.content,
            tool_calls: m.toolCalls.map((tc) => ({
              id: tc.id,
              type: 'function' as const,
              function: { name: tc.name, arguments: tc.arguments },
            })),
          });
        } else {
          out.push({ role: 'assistant', content: m.content });
        }
        break;
      case 'tool':
        out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
        break;
    }
  }
  return out;
}

/** Contracts tool specs → OpenAI function tools. */
export function toOpenAITools(tools: readonly ToolSpec[]): ChatCompletionTool[] {
  return tools.map((t) => ({
    type: 'function' as const,
    function: { name: t.name, description: t.description, parameters: t.parameters },
  }));
}

/** A request's structured-output format → OpenAI's strict `json_schema` response_format. */
export function toOpenAIResponseFormat(
  format: NonNullable<LlmRequest['responseFormat']>,
): NonNullable<ChatCompletionCreateParamsBase['response_format']> {
  return {
    type: 'json_schema',
    json_schema: { name: format.name, schema: format.schema, strict: true },
  };
}

/** OpenAI usage → contracts usage (zero when absent; total = prompt + completion when the server gives none). */
export function toUsage(u: CompletionUsage | null | undefined): TokenUsage {
  if (!u) return { ...ZERO_USAGE };
  const promptTokens = Math.max(0, Math.trunc(u.prompt_tokens ?? 0));
  const completionTokens = Math.max(0, Math.trunc(u.completion_tokens ?? 0));
  const total = Math.trunc(u.total_tokens ?? 0);
  return { promptTokens, completionTokens, totalTokens: total > 0 ? total : promptTokens + completionTokens };
}

/** A non-streamed OpenAI completion → the activity's response (first choice only). */
export function fromCompletion(res: ChatCompletion, requestedModel: string): LlmResponse {
  const choice = res.choices?.[0];
  const msg = choice?.message;
  const toolCalls: ToolCall[] = [];
  for (const tc of msg?.tool_calls ?? []) {
    if (tc.type === 'function') toolCalls.push({ id: tc.id, name: tc.function.name, arguments: tc.function.arguments });
  }
  return {
    content: msg?.content ?? '',
    toolCalls,
    usage: toUsage(res.usage),
    finishReason: choice?.finish_reason ?? 'unknown',
    model: res.model || requestedModel,
  };
}

/**
 * Assembles a streamed OpenAI completion from its chunks (first choice only):
 * text, tool calls from their deltas, finish reason, model and usage.
 * `onContent` sees every text delta as it arrives.
 */
export class ChunkAccumulator {
  private content = '';
  private model: string | undefined;
  private usage: CompletionUsage | null | undefined;
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();
  /** Set once a chunk carries the finish reason; undefined means the stream ended early. */
  finishReason: string | undefined;

  constructor(private readonly onContent: (delta: string) => void) {}

  add(chunk: ChatCompletionChunk): void {
    if (chunk.model) this.model = chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) continue;
      const delta = choice.delta;
      if (delta?.content) {
        this.content += delta.content;
        this.onContent(delta.content);
      }
      for (const [pos, tc] of (delta?.tool_calls ?? []).entries()) {
        const index = tc.index ?? pos;
        let acc = this.calls.get(index);
        if (!acc) {
          acc = { id: '', name: '', arguments: '' };
          this.calls.set(index, acc);
        }
        if (tc.id) acc.id = tc.id;
        if (tc.function?.name) acc.name += tc.function.name;
        if (tc.function?.arguments) acc.arguments += tc.function.arguments;
      }
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
  }

  /**
   * The assembled response, once `finishReason` is set. Tool calls come in index
   * order; one the server sent without an id gets `fallbackId(index)`.
   */
  response(finishReason: string, requestedModel: string, fallbackId: (index: number) => string): LlmResponse {
    const toolCalls: ToolCall[] = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, c]) => ({ id: c.id || fallbackId(index), name: c.name, arguments: c.arguments }));
    return { content: this.content, toolCalls, usage: toUsage(this.usage), finishReason, model: this.model ?? requestedModel };
  }
}

/**
 * TEST FIXTURE — the scripted LLM server's answer to one chat request: what a ScriptStep says (content, tool
 * calls, finish reason, usage counted in words), as a `chat.completion` body or as the chunks of a stream,
 * in the shared OpenAI wire format (@hub/runtime/openai-wire).
 */
import {
  chunks,
  completionResponse,
  errorBody,
  usageOf,
  type ChatCompletion,
  type ChatCompletionChunk,
  type CompletionMeta,
  type OpenAIErrorBody,
  type ToolCallOut,
  type Usage,
} from '@hub/runtime/openai-wire';
import { echoReply, textOf } from './responders';
import type { ChatRequestBody, RecordedRequest, ScriptStep } from './script';

/** The answer of a step that answers (not an error, a hang or a bare disconnect). */
export interface Answer {
  content: string;
  toolCalls: ToolCallOut[];
  finishReason: string;
  usage: Usage;
}

function countTokens(text: string): number {
  const t = text.trim();
  return t ? t.split(/\s+/).length : 0;
}

function promptTokensOf(body: ChatRequestBody | undefined): number {
  let n = 0;
  for (const m of body?.messages ?? []) {
    n += countTokens(textOf(m.content));
    const calls = m['tool_calls'];
    if (Array.isArray(calls)) n += countTokens(JSON.stringify(calls));
  }
  return n;
}

/** Splits text into word chunks that concatenate back to the original. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

function splitFragments(s: string, parts: number): string[] {
  if (s.length <= 1) return [s];
  const size = Math.max(1, Math.ceil(s.length / parts));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/**
 * What `step` answers to `rec`. Tool calls without an id get `nextCallId()`; usage counts words unless the
 * step overrides it.
 */
export function answerOf(step: ScriptStep, rec: RecordedRequest, nextCallId: () => string): Answer {
  let content = '';
  let toolCalls: ToolCallOut[] = [];
  let finishReason = 'stop';
  if ('reply' in step && typeof step.reply === 'string') {
    content = step.reply;
    if ('finishReason' in step && step.finishReason) finishReason = step.finishReason;
  } else if ('json' in step) {
    content = JSON.stringify(step.json);
  } else if ('toolCalls' in step) {
    content = step.content ?? '';
    toolCalls = step.toolCalls.map((tc) => ({
      id: tc.id ?? nextCallId(),
      name: tc.name,
      arguments: typeof tc.arguments === 'string' ? tc.arguments : JSON.stringify(tc.arguments),
    }));
    finishReason = 'tool_calls';
  } else if ('disconnect' in step) {
    content = step.reply ?? echoReply(rec);
  } else {
    content = echoReply(rec); // a bare { delayMs } step
  }
  const promptTokens = step.usage?.promptTokens ?? promptTokensOf(rec.body);
  const completionTokens =
    step.usage?.completionTokens ?? countTokens(content) + toolCalls.reduce((n, tc) => n + countTokens(`${tc.name} ${tc.arguments}`), 0);
  return { content, toolCalls, finishReason, usage: usageOf(promptTokens, completionTokens) };
}

/** The non-streaming answer (no `usage` with the step's `omitUsage`). */
export function completionOf(meta: CompletionMeta, answer: Answer, omitUsage: boolean): ChatCompletion<string> {
  return completionResponse(meta, {
    content: answer.content,
    toolCalls: answer.toolCalls,
    finishReason: answer.finishReason,
    usage: omitUsage ? undefined : answer.usage,
  });
}

/**
 * The chunks of the streamed answer: role, the content word by word (in one chunk when `instant`), each
 * tool call started then its arguments in about four fragments, finish, and the usage chunk with `includeUsage`.
 */
export function streamOf(meta: CompletionMeta, answer: Answer, opts: { includeUsage: boolean; instant: boolean }): ChatCompletionChunk<string>[] {
  const { includeUsage } = opts;
  const events: ChatCompletionChunk<string>[] = [chunks.role(meta, includeUsage, { withRefusal: true })];
  const pieces = opts.instant ? [answer.content] : splitWords(answer.content);
  for (const p of pieces) if (p) events.push(chunks.content(meta, p, includeUsage));
  answer.toolCalls.forEach((tc, index) => {
    events.push(chunks.toolCallStart(meta, index, tc, includeUsage));
    for (const frag of splitFragments(tc.arguments, 4)) events.push(chunks.toolCallArguments(meta, index, frag, includeUsage));
  });
  events.push(chunks.finish(meta, answer.finishReason, includeUsage));
  if (includeUsage) events.push(chunks.usage(meta, answer.usage));
  return events;
}

function defaultErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The OpenAI error body of a scripted (or the fixture's own) error. */
export function errorOf(e: { status: number; message: string; type?: string; code?: string | null }): OpenAIErrorBody {
  return errorBody({ message: e.message, type: e.type ?? defaultErrorType(e.status), code: e.code ?? null });
}

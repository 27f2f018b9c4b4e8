/**
 * LLM activities (`llmComplete`, `summarizeConversation`) for the session
 * workflow, built with the activities-dependency-injection pattern:
 *
 *   const activities = createLlmActivities({ openai: createOpenAIClient(cfg), defaultModel: cfg.model });
 *
 * Retries are Temporal's job only: the OpenAI client must be created with
 * `maxRetries: 0` (see `createOpenAIClient`). Every request carries a stable
 * `Idempotency-Key` derived from the activity's workflow execution and activity
 * id, identical across attempts of the same activity. Errors are turned into
 * `ApplicationFailure`s by `classifyLlmError` (non-retryable for rejected
 * requests, retryable — honouring Retry-After — for unavailability).
 *
 * The activity heartbeats for the whole duration of a request so that a
 * cancellation from the workflow reaches it, and aborts the HTTP request when
 * it is cancelled (rethrowing a `CancelledFailure`).
 */
import { Context, type Info } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import {
  ZERO_USAGE,
  type ChatMessage,
  type LlmRequest,
  type LlmResponse,
  type SessionActivities,
  type SummarizeRequest,
  type TokenUsage,
  type ToolCall,
  type ToolSpec,
  activityIdempotencyKey,
  type ListToolsRequest,
} from '@hub/contracts';
import { workflowStreamPublisher, type SessionEventPublisher, type SessionEventPublisherFactory } from '@hub/infra/streams';

// ---------------------------------------------------------------------------
// Stream publishing
// ---------------------------------------------------------------------------

/**
 * Coalesces text deltas so that at most one emission happens per `intervalMs`
 * window (leading edge: a delta arriving after a quiet window is emitted at
 * once; later ones are concatenated and emitted when the window ends).
 * With `quietStart`, the first window starts at construction, so nothing is
 * emitted during the first `intervalMs`.
 */
export class DeltaCoalescer {
  private buffer = '';
  private timer: NodeJS.Timeout | undefined;
  private lastEmit: number;
  /** Whether anything has been emitted yet. */
  emitted = false;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (text: string) => void,
    private readonly now: () => number = Date.now,
    opts: { quietStart?: boolean } = {},
  ) {
    this.lastEmit = opts.quietStart ? now() : Number.NEGATIVE_INFINITY;
  }

  /** Drop what is buffered without emitting it. */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.buffer = '';
  }

  push(delta: string): void {
    if (!delta) return;
    this.buffer += delta;
    if (this.timer) return;
    const wait = this.lastEmit + this.intervalMs - this.now();
    if (wait <= 0) {
      this.flush();
    } else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, wait);
    }
  }

  /** Emit whatever is buffered now (call before finishing). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.buffer) return;
    const text = this.buffer;
    this.buffer = '';
    this.lastEmit = this.now();
    this.emitted = true;
    this.emit(text);
  }
}

// ---------------------------------------------------------------------------
// Error classification
// ---------------------------------------------------------------------------

/** Longest Retry-After we pass on as `nextRetryDelay`. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** HTTP statuses meaning "this request will never succeed as sent". */
const REJECTED_STATUSES = new Set([400, 401, 403, 404, 422]);

type HeaderSource = Headers | Record<string, string | undefined> | null | undefined;

function getHeader(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const rec = headers as Record<string, string | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : rec[key];
}

/**
 * Delay requested by the server, in ms: `retry-after-ms`, else `Retry-After`
 * (delta-seconds or HTTP date). Capped at `MAX_RETRY_AFTER_MS`; undefined when
 * absent or unparseable.
 */
export function parseRetryAfterMs(headers: HeaderSource, now: number = Date.now()): number | undefined {
  let ms: number | undefined;
  const rawMs = getHeader(headers, 'retry-after-ms')?.trim();
  if (rawMs && /^\d+(\.\d+)?$/.test(rawMs)) ms = Number(rawMs);
  if (ms === undefined) {
    const raw = getHeader(headers, 'retry-after')?.trim();
    if (raw) {
      if (/^\d+(\.\d+)?$/.test(raw)) {
        ms = Number(raw) * 1000;
      } else {
        const at = Date.parse(raw);
        if (!Number.isNaN(at)) ms = Math.max(0, at - now);
      }
    }
  }
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  return Math.min(Math.round(ms), MAX_RETRY_AFTER_MS);
}

function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string' && body.message) return body.message;
  // APIError messages look like "<status> <message>"; drop the status prefix.
  return err.status !== undefined ? err.message.replace(new RegExp(`^${err.status}\\s*`), '') : err.message;
}

function causeCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur instanceof Error; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function unavailable(message: string, cause: Error | undefined, nextRetryDelay?: number): ApplicationFailure {
  return ApplicationFailure.create({ type: 'LlmUnavailable', message, nextRetryDelay, cause });
}

/**
 * Maps an error from an LLM call to the ApplicationFailure the activity throws.
 *
 * - HTTP 400/401/403/404/422 (and other 4xx not listed below) → non-retryable `LlmRequestRejected`
 * - HTTP 408/409/429/5xx → retryable `LlmUnavailable`, `nextRetryDelay` from Retry-After when present
 * - connection errors, timeouts, aborts, errors inside an SSE stream → retryable `LlmUnavailable`
 * - anything else → retryable `LlmError`
 *
 * Cancellation is not this function's business: the caller checks the activity's
 * cancellation signal first and rethrows a CancelledFailure.
 */
export function classifyLlmError(err: unknown, now: number = Date.now()): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof APIUserAbortError) return unavailable('LLM request aborted', err);
  if (err instanceof APIConnectionTimeoutError) return unavailable('LLM request timed out', err);
  if (err instanceof APIConnectionError) {
    const code = causeCode(err.cause);
    return unavailable(`LLM connection failed: ${err.message}${code ? ` (${code})` : ''}`, err);
  }
  if (err instanceof APIError) {
    const status = err.status;
    const msg = serverMessage(err);
    if (status === undefined) return unavailable(`LLM stream error: ${msg}`, err);
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      return unavailable(`LLM unavailable (HTTP ${status}): ${msg}`, err, parseRetryAfterMs(err.headers, now));
    }
    if (REJECTED_STATUSES.has(status) || (status >= 400 && status < 500)) {
      return ApplicationFailure.create({
        type: 'LlmRequestRejected',
        nonRetryable: true,
        message: `LLM request rejected (HTTP ${status}): ${msg}`,
        cause: err,
      });
    }
    return unavailable(`LLM unexpected response (HTTP ${status}): ${msg}`, err);
  }
  if (err instanceof Error) {
    const code = causeCode(err);
    return ApplicationFailure.create({
      type: 'LlmError',
      message: `LLM call failed: ${err.message}${code ? ` (${code})` : ''}`,
      cause: err,
    });
  }
  return ApplicationFailure.create({ type: 'LlmError', message: `LLM call failed: ${String(err)}` });
}

// ---------------------------------------------------------------------------
// Mapping contracts <-> OpenAI
// ---------------------------------------------------------------------------

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

function toUsage(u: CompletionUsage | null | undefined): TokenUsage {
  if (!u) return { ...ZERO_USAGE };
  const promptTokens = Math.max(0, Math.trunc(u.prompt_tokens ?? 0));
  const completionTokens = Math.max(0, Math.trunc(u.completion_tokens ?? 0));
  const total = Math.trunc(u.total_tokens ?? 0);
  return { promptTokens, completionTokens, totalTokens: total > 0 ? total : promptTokens + completionTokens };
}

/**
 * Idempotency key of the current activity: the same for every attempt of one
 * activity execution (workflow id + activity id; hub workflows give every
 * activity an id unique across continue-as-new runs).
 */
export function idempotencyKeyFor(info: Info): string {
  return activityIdempotencyKey(info);
}

// ---------------------------------------------------------------------------
// The activities
// ---------------------------------------------------------------------------

export interface LlmActivityDeps {
  /** Create with `createOpenAIClient()` (maxRetries: 0). */
  openai: OpenAI;
  /** Model used when the request names none (HUB_MODEL). */
  defaultModel: string;
  /** Coalescing window for streamed token events (ms). Default 100. */
  streamBatchMs?: number;
  /** The worker's tool catalogue, for requests with `toolAllow` (e.g. `createToolActivities().listTools`). */
  listTools?: (req: ListToolsRequest) => Promise<ToolSpec[]>;
  /** Where token events go. Default: the calling workflow's durable stream. */
  publisher?: SessionEventPublisherFactory;
  /** Heartbeat period while a request is in flight (ms). Default: derived from the heartbeat timeout, at most 5 s. */
  heartbeatIntervalMs?: number;
  /** A stream that delivers nothing for this long is aborted and retried (ms). Default: the OpenAI client's timeout. */
  streamIdleTimeoutMs?: number;
}

export type LlmActivities = Pick<SessionActivities, 'llmComplete' | 'summarizeConversation'>;

/** Internal marker for an aborted-because-stalled stream. */
class StreamStalledError extends Error {
  constructor(ms: number) {
    super(`LLM stream stalled: no data for ${ms} ms`);
    this.name = 'StreamStalledError';
  }
}

function cancellationOf(ctx: Context): CancelledFailure {
  const reason: unknown = ctx.cancellationSignal.reason;
  if (reason instanceof CancelledFailure) return reason;
  return new CancelledFailure(typeof reason === 'string' ? reason : 'Activity cancelled');
}

export const SUMMARY_SYSTEM_PROMPT = [
  'You maintain the running summary of a conversation between a user and an AI assistant that can call tools.',
  'Write a concise but complete summary that lets the assistant continue the conversation without the original messages:',
  "the user's goals and preferences, decisions made, important facts and tool results (names, numbers, identifiers, URLs), and open questions or pending tasks.",
  'Merge the previous summary (if any) with the new messages. Write plain prose or short bullet points; do not address the user; output only the summary.',
].join('\n');

/** Per-message cap in the summarisation transcript, to keep the request bounded. */
const SUMMARY_MESSAGE_CHARS = 4_000;

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)} …[${s.length - max} more characters]`;
}

export function renderTranscript(messages: readonly ChatMessage[]): string {
  const lines: string[] = [];
  for (const m of messages) {
    if (m.role === 'user') lines.push(`User: ${clip(m.content, SUMMARY_MESSAGE_CHARS)}`);
    else if (m.role === 'assistant') {
      if (m.error !== undefined) continue; // failed-turn notice for users, not part of the conversation
      if (m.content) lines.push(`Assistant: ${clip(m.content, SUMMARY_MESSAGE_CHARS)}`);
      for (const tc of m.toolCalls ?? []) lines.push(`Assistant called tool ${tc.name} with ${clip(tc.arguments, 1_000)}`);
    } else lines.push(`Tool ${m.name} returned: ${clip(m.content, SUMMARY_MESSAGE_CHARS)}`);
  }
  return lines.join('\n\n');
}

export function createLlmActivities(deps: LlmActivityDeps): LlmActivities {
  const { openai, defaultModel } = deps;
  const streamBatchMs = deps.streamBatchMs ?? 100;
  const publisherFactory = deps.publisher ?? workflowStreamPublisher;
  const idleTimeoutMs = deps.streamIdleTimeoutMs ?? openai.timeout;

  function heartbeatInterval(info: Info): number {
    if (deps.heartbeatIntervalMs !== undefined) return deps.heartbeatIntervalMs;
    const hbt = info.heartbeatTimeoutMs;
    return hbt ? Math.min(5_000, Math.max(50, Math.floor(hbt / 3))) : 5_000;
  }

  /**
   * Runs one chat completion in the current activity context: idempotency key,
   * heartbeats, cancellation, optional streaming with token events.
   */
  async function complete(
    params: ChatCompletionCreateParamsBase,
    stream: LlmRequest['stream'],
  ): Promise<LlmResponse> {
    const ctx = Context.current();
    const info = ctx.info;
    if (ctx.cancellationSignal.aborted) throw cancellationOf(ctx);

    const local = new AbortController();
    const signal = AbortSignal.any([ctx.cancellationSignal, local.signal]);
    const requestOptions = {
      headers: { 'Idempotency-Key': idempotencyKeyFor(info) },
      signal,
    };

    ctx.heartbeat();
    const hb = setInterval(() => ctx.heartbeat(), heartbeatInterval(info));
    hb.unref();
    let idle: NodeJS.Timeout | undefined;
    let publisher: SessionEventPublisher | undefined;
    let coalescer: DeltaCoalescer | undefined;
    try {
      if (!stream) {
        const res: ChatCompletion = await openai.chat.completions.create({ ...params, stream: false }, requestOptions);
        return fromCompletion(res, params.model);
      }

      // Token events go out in ~streamBatchMs batches. The publisher (a Temporal
      // client signalling the workflow) is created on the first batch, and the
      // first batch waits a full window: a reply that is complete within it
      // costs no signal at all and reaches clients in `turn.completed`.
      const attempt = info.attempt;
      const openPublisher = (): SessionEventPublisher => {
        try {
          return publisherFactory(ctx);
        } catch (err) {
          // E.g. a worker without a Temporal client: answer without live tokens rather than fail the turn.
          ctx.log.warn('Token streaming unavailable; continuing without publishing token events', { error: String(err) });
          return { publish: () => undefined, close: async () => undefined };
        }
      };
      coalescer = new DeltaCoalescer(
        streamBatchMs,
        (delta) => {
          publisher ??= openPublisher();
          try {
            publisher.publish({ type: 'token', turnId: stream.turnId, delta, round: stream.round, attempt });
          } catch (err) {
            ctx.log.warn('Failed to publish token event', { error: String(err) });
          }
        },
        Date.now,
        { quietStart: true },
      );

      const chunks = await openai.chat.completions.create(
        { ...params, stream: true, stream_options: { include_usage: true } },
        requestOptions,
      );
      idle = setTimeout(() => local.abort(new StreamStalledError(idleTimeoutMs)), idleTimeoutMs);
      idle.unref();

      let content = '';
      let finishReason: string | undefined;
      let model: string | undefined;
      let usage: CompletionUsage | null | undefined;
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      for await (const chunk of chunks) {
        idle.refresh(); // heartbeats come from the interval timer (cheaper than one per token)
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices ?? []) {
          if (choice.index !== 0) continue;
          const delta = choice.delta;
          if (delta?.content) {
            content += delta.content;
            coalescer.push(delta.content);
          }
          for (const [pos, tc] of (delta?.tool_calls ?? []).entries()) {
            const index = tc.index ?? pos;
            let acc = calls.get(index);
            if (!acc) {
              acc = { id: '', name: '', arguments: '' };
              calls.set(index, acc);
            }
            if (tc.id) acc.id = tc.id;
            if (tc.function?.name) acc.name += tc.function.name;
            if (tc.function?.arguments) acc.arguments += tc.function.arguments;
          }
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
      }
      // The SDK's stream iterator ends quietly when its request is aborted.
      if (ctx.cancellationSignal.aborted) throw cancellationOf(ctx);
      if (local.signal.aborted) throw local.signal.reason;
      if (finishReason === undefined) {
        throw ApplicationFailure.create({ type: 'LlmUnavailable', message: 'LLM stream ended before the response was complete' });
      }
      if (coalescer.emitted) coalescer.flush();
      else coalescer.discard();
      const toolCalls: ToolCall[] = [...calls.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, c]) => ({ id: c.id || `call_${info.activityId}_${index}`, name: c.name, arguments: c.arguments }));
      return { content, toolCalls, usage: toUsage(usage), finishReason, model: model ?? params.model };
    } catch (err) {
      if (ctx.cancellationSignal.aborted) throw cancellationOf(ctx);
      if (err instanceof StreamStalledError || local.signal.reason instanceof StreamStalledError) {
        const stalled = err instanceof StreamStalledError ? err : (local.signal.reason as StreamStalledError);
        throw ApplicationFailure.create({ type: 'LlmUnavailable', message: stalled.message, cause: stalled });
      }
      throw classifyLlmError(err);
    } finally {
      clearInterval(hb);
      if (idle) clearTimeout(idle);
      coalescer?.discard();
      if (publisher) {
        if (coalescer?.emitted) coalescer.flush();
        try {
          await publisher.close();
        } catch (err) {
          // The token stream is best effort; the activity result is authoritative.
          ctx.log.warn('Failed to flush token events to the workflow stream', { error: String(err) });
        }
      }
    }
  }

  function fromCompletion(res: ChatCompletion, requestedModel: string): LlmResponse {
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

  async function llmComplete(req: LlmRequest): Promise<LlmResponse> {
    const params: ChatCompletionCreateParamsBase = {
      model: req.model || defaultModel,
      temperature: req.temperature,
      messages: toOpenAIMessages(req.systemPrompt, req.messages),
    };
    let offered = req.tools;
    if (req.toolAllow) {
      if (!deps.listTools) {
        throw ApplicationFailure.create({ type: 'LlmRequestRejected', nonRetryable: true, message: 'this worker has no tool catalogue (createLlmActivities without listTools)' });
      }
      const seen = new Set(offered.map((t) => t.name));
      offered = [...offered, ...(await deps.listTools(req.toolAllow)).filter((t) => !seen.has(t.name))];
    }
    if (offered.length > 0) params.tools = toOpenAITools(offered);
    if (req.toolAllow) return { ...(await complete(params, req.stream)), offeredTools: offered };
    if (req.responseFormat) {
      params.response_format = {
        type: 'json_schema',
        json_schema: { name: req.responseFormat.name, schema: req.responseFormat.schema, strict: true },
      };
    }
    return complete(params, req.stream);
  }

  async function summarizeConversation(req: SummarizeRequest): Promise<{ text: string; usage: TokenUsage }> {
    const parts: string[] = [];
    if (req.previousSummary) parts.push(`Previous summary:\n${req.previousSummary}`);
    parts.push(`New messages:\n${renderTranscript(req.messages) || '(none)'}`);
    parts.push('Write the updated summary now.');
    const res = await complete(
      {
        model: req.model || defaultModel,
        temperature: 0,
        messages: [
          { role: 'system', content: SUMMARY_SYSTEM_PROMPT },
          { role: 'user', content: parts.join('\n\n') },
        ],
      },
      undefined,
    );
    const text = res.content.trim();
    if (!text) {
      throw ApplicationFailure.create({ type: 'LlmUnavailable', message: 'LLM returned an empty summary' });
    }
    return { text, usage: res.usage };
  }

  return { llmComplete, summarizeConversation };
}

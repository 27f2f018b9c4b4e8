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
import type { ChatCompletion, ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import {
  type LlmRequest,
  type LlmResponse,
  type SessionActivities,
  type SummarizeRequest,
  type TokenUsage,
  type ToolSpec,
  activityIdempotencyKey,
  type ListToolsRequest,
} from '@hub/contracts';
import { workflowStreamPublisher, type SessionEventPublisher, type SessionEventPublisherFactory } from '@hub/runtime/streams';
import { classifyLlmError } from './classify';
import { DeltaCoalescer } from './coalescer';
import { ChunkAccumulator, fromCompletion, toOpenAIMessages, toOpenAIResponseFormat, toOpenAITools } from './openai-mapping';
import { SUMMARY_SYSTEM_PROMPT, summaryUserPrompt } from './summary-prompt';

/**
 * Idempotency key of the current activity: the same for every attempt of one
 * activity execution (workflow id + activity id; hub workflows give every
 * activity an id unique across continue-as-new runs).
 */
export function idempotencyKeyFor(info: Info): string {
  return activityIdempotencyKey(info);
}

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
      const tokens = new DeltaCoalescer(
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
      coalescer = tokens; // the finally block drops what is still buffered

      const chunks = await openai.chat.completions.create(
        { ...params, stream: true, stream_options: { include_usage: true } },
        requestOptions,
      );
      idle = setTimeout(() => local.abort(new StreamStalledError(idleTimeoutMs)), idleTimeoutMs);
      idle.unref();

      const acc = new ChunkAccumulator((delta) => tokens.push(delta));
      for await (const chunk of chunks) {
        idle.refresh(); // heartbeats come from the interval timer (cheaper than one per token)
        acc.add(chunk);
      }
      // The SDK's stream iterator ends quietly when its request is aborted.
      if (ctx.cancellationSignal.aborted) throw cancellationOf(ctx);
      if (local.signal.aborted) throw local.signal.reason;
      const finishReason = acc.finishReason;
      if (finishReason === undefined) {
        throw ApplicationFailure.create({ type: 'LlmUnavailable', message: 'LLM stream ended before the response was complete' });
      }
      if (tokens.emitted) tokens.flush();
      else tokens.discard();
      return acc.response(finishReason, params.model, (index) => `call_${info.activityId}_${index}`);
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
    if (req.responseFormat) params.response_format = toOpenAIResponseFormat(req.responseFormat);
    return complete(params, req.stream);
  }

  async function summarizeConversation(req: SummarizeRequest): Promise<{ text: string; usage: TokenUsage }> {
    const res = await complete(
      {
        model: req.model || defaultModel,
        temperature: 0,
        messages: [
          { role: 'system', content: SUMMARY_SYSTEM_PROMPT },
          { role: 'user', content: summaryUserPrompt(req) },
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

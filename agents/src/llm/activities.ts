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
 * The activity heartbeats at a third of its heartbeat timeout from its start
 * to its end (tool listing included) so that a cancellation from the workflow
 * reaches it and a dead worker's attempt is retried within the heartbeat
 * timeout (which runs from the start: a call done before the first beat, the
 * usual chat reply, costs no heartbeat request at all), and aborts the
 * HTTP request when it is cancelled (rethrowing a `CancelledFailure`).
 *
 * Sizes: every request carries `max_tokens` (default `DEFAULT_MAX_TOKENS`),
 * a reply's text is cut to `maxReplyBytes` with a marker, and a result still
 * too large for a Temporal payload fails with a non-retryable
 * `PayloadsTooLarge`. An MCP server whose tool list is slow or failing is
 * left out of the turn (or served from its last catalogue) and a
 * `tool.server_unavailable` event says so.
 */
import { Context, type Info } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import {
  type LlmRequest,
  type LlmResponse,
  type SessionActivities,
  type SessionEvent,
  type StreamTarget,
  type SummarizeRequest,
  type TokenUsage,
  type ToolSpec,
  activityIdempotencyKey,
  type ListToolsRequest,
} from '@hub/contracts';
import {
  streamTargetOf,
  workflowStreamPublisher,
  type SessionEventPublisher,
  type SessionEventPublisherFactory,
} from '@hub/runtime/streams';
import { classifyLlmError } from './classify';
import { createModelRouter, type ModelRouter } from './router';
import type { LlmMeter } from './budget-meter';
import { routedCall, type EventSink } from './routed-call';
import { DeltaCoalescer } from './coalescer';
import { DEFAULT_MAX_REPLY_BYTES, DEFAULT_MAX_RESULT_BYTES, DEFAULT_MAX_TOKENS, assertResultFits, capText } from './reply-limits';
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
  /** Create with `createOpenAIClient()` (maxRetries: 0): the `default` provider. */
  openai: OpenAI;
  /** Model used when the request names none (HUB_MODEL). */
  defaultModel: string;
  /** Providers, model aliases, fallbacks and cooldowns (`createModelRouter`); default: every model on `openai`. */
  router?: ModelRouter;
  /** Leases from the tenant's budget ledger before each provider call, usage after it (`createBudgetMeter`); default: none. */
  meter?: LlmMeter;
  /** Coalescing window for streamed token events after the first (ms). Default 100 (the first is published at once). */
  streamBatchMs?: number;
  /**
   * The worker's tool catalogue, for requests with `toolAllow` (e.g. `createToolActivities().listTools`);
   * `onUnavailable` hears of every server left out (or served from cache) because its listing was slow or failed.
   */
  listTools?: (req: ListToolsRequest, opts?: { onUnavailable?: (u: UnavailableToolServer) => void }) => Promise<ToolSpec[]>;
  /** Where token events go. Default: the calling workflow's durable stream (or a request's `stream` target's, tagged). */
  publisher?: SessionEventPublisherFactory;
  /** Heartbeat period while a request is in flight (ms). Default: derived from the heartbeat timeout, at most 5 s. */
  heartbeatIntervalMs?: number;
  /** A stream that delivers nothing for this long is aborted and retried (ms). Default: the OpenAI client's timeout. */
  streamIdleTimeoutMs?: number;
  /** `max_tokens` of a request that sets no `maxTokens` (default `DEFAULT_MAX_TOKENS`; 0 sends none). */
  maxTokens?: number;
  /** A reply's text is cut to this many UTF-8 bytes, with a marker (default `DEFAULT_MAX_REPLY_BYTES`); token events stop there too. */
  maxReplyBytes?: number;
  /** A result larger than this (JSON bytes) fails with a non-retryable `PayloadsTooLarge` (default `DEFAULT_MAX_RESULT_BYTES`). */
  maxResultBytes?: number;
}

/** A tool server left out of a turn (`cached: false`) or offered from its last catalogue (`cached: true`). */
export interface UnavailableToolServer {
  server: string;
  error: string;
  cached: boolean;
}

export type LlmActivities = Pick<SessionActivities, 'llmComplete' | 'summarizeConversation'>;

/** Internal marker for an aborted-because-stalled stream. */
class StreamStalledError extends Error {
  constructor(ms: number) {
    super(`LLM stream stalled: no data for ${ms} ms`);
    this.name = 'StreamStalledError';
  }
}

/**
 * The calling workflow's event stream (or the target's: a delegated agent's events go to its root session),
 * opened on first use; publishing is best effort.
 */
class StreamEventSink implements EventSink {
  #publisher: SessionEventPublisher | undefined;
  constructor(
    private readonly ctx: Context,
    private readonly factory: SessionEventPublisherFactory,
    private readonly target: StreamTarget | undefined,
  ) {}

  publish(ev: SessionEvent, opts?: { now?: boolean }): void {
    this.#publisher ??= this.#open();
    try {
      this.#publisher.publish(ev, opts);
    } catch (err) {
      this.ctx.log.warn(`Failed to publish a ${ev.type} event`, { error: String(err) });
    }
  }

  #open(): SessionEventPublisher {
    try {
      return this.target ? this.factory(this.ctx, this.target) : this.factory(this.ctx);
    } catch (err) {
      // E.g. a worker without a Temporal client: answer without live events rather than fail the turn.
      this.ctx.log.warn('Event streaming unavailable; continuing without publishing events', { error: String(err) });
      return { publish: () => undefined, close: async () => undefined };
    }
  }

  async close(): Promise<void> {
    if (!this.#publisher) return;
    try {
      await this.#publisher.close();
    } catch (err) {
      // The event stream is best effort; the activity result is authoritative.
      this.ctx.log.warn('Failed to flush events to the workflow stream', { error: String(err) });
    }
  }
}

function cancellationOf(ctx: Context): CancelledFailure {
  const reason: unknown = ctx.cancellationSignal.reason;
  if (reason instanceof CancelledFailure) return reason;
  return new CancelledFailure(typeof reason === 'string' ? reason : 'Activity cancelled');
}

export function createLlmActivities(deps: LlmActivityDeps): LlmActivities {
  const { openai, defaultModel } = deps;
  const router = deps.router ?? createModelRouter({ defaultClient: openai, defaultModel });
  const streamBatchMs = deps.streamBatchMs ?? 100;
  const publisherFactory = deps.publisher ?? workflowStreamPublisher;
  const maxTokens = deps.maxTokens ?? DEFAULT_MAX_TOKENS;
  const maxReplyBytes = deps.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  const maxResultBytes = deps.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;

  function heartbeatInterval(info: Info): number {
    if (deps.heartbeatIntervalMs !== undefined) return deps.heartbeatIntervalMs;
    const hbt = info.heartbeatTimeoutMs;
    return hbt ? Math.min(5_000, Math.max(50, Math.floor(hbt / 3))) : 5_000;
  }

  /** Runs `fn` in the current activity, heartbeating from its start to its end, with its event sink (to `target`'s stream). */
  async function activity<T>(fn: (ctx: Context, events: EventSink) => Promise<T>, target?: StreamTarget): Promise<T> {
    const ctx = Context.current();
    if (ctx.cancellationSignal.aborted) throw cancellationOf(ctx);
    // No beat at the start: the heartbeat timeout runs from it anyway, and a beat now would only add a request.
    const hb = setInterval(() => ctx.heartbeat(), heartbeatInterval(ctx.info));
    hb.unref();
    const events = new StreamEventSink(ctx, publisherFactory, target);
    try {
      return await fn(ctx, events);
    } finally {
      clearInterval(hb);
      await events.close();
    }
  }

  /**
   * Runs one chat completion in the current activity context: idempotency key,
   * cancellation, optional streaming with token events.
   */
  async function complete(
    ctx: Context,
    events: EventSink,
    client: OpenAI,
    params: ChatCompletionCreateParamsBase,
    stream: LlmRequest['stream'],
    progress: { streamed: boolean },
  ): Promise<LlmResponse> {
    const info = ctx.info;
    const idleTimeoutMs = deps.streamIdleTimeoutMs ?? client.timeout;
    if (ctx.cancellationSignal.aborted) throw cancellationOf(ctx);
    if (maxTokens > 0 && params.max_tokens === undefined) params = { ...params, max_tokens: maxTokens };

    const local = new AbortController();
    const signal = AbortSignal.any([ctx.cancellationSignal, local.signal]);
    const requestOptions = {
      headers: { 'Idempotency-Key': idempotencyKeyFor(info) },
      signal,
    };

    let idle: NodeJS.Timeout | undefined;
    let coalescer: DeltaCoalescer | undefined;
    try {
      if (!stream) {
        const res: ChatCompletion = await client.chat.completions.create({ ...params, stream: false }, requestOptions);
        return fromCompletion(res, params.model);
      }

      // Token events are batched here, and only here: the first delta of the reply is published at once (on the
      // next turn of the event loop, with whatever arrived in the same read), later ones in ~streamBatchMs
      // batches; each batch is sent to the stream at once (`now`), not held for the publisher's own window.
      // A reply that is complete in its first read costs no signal: it reaches clients in `turn.completed`.
      const attempt = info.attempt;
      const tokens = new DeltaCoalescer(
        streamBatchMs,
        (delta) => events.publish({ type: 'token', turnId: stream.turnId, delta, round: stream.round, attempt }, { now: true }),
        Date.now,
        { deferFirst: true },
      );
      coalescer = tokens; // the finally block drops what is still buffered

      const chunks = await client.chat.completions.create(
        { ...params, stream: true, stream_options: { include_usage: true } },
        requestOptions,
      );
      idle = setTimeout(() => local.abort(new StreamStalledError(idleTimeoutMs)), idleTimeoutMs);
      idle.unref();

      let streamedBytes = 0; // token events stop where the reply will be cut
      const acc = new ChunkAccumulator((delta) => {
        if (streamedBytes >= maxReplyBytes) return;
        streamedBytes += Buffer.byteLength(delta, 'utf8');
        tokens.push(delta);
      });
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
      progress.streamed = coalescer?.emitted ?? false;
      if (idle) clearTimeout(idle);
      coalescer?.discard(); // the sink is closed (flushed) by the caller
    }
  }

  const routed = routedCall({ router, maxTokens, meter: deps.meter, complete, cancelled: cancellationOf });

  /** The response with its text capped, checked to fit in an activity result. */
  function limited<T extends LlmResponse>(res: T): T {
    const capped = capText(res.content, maxReplyBytes);
    const out = capped.truncated ? { ...res, content: capped.text } : res;
    assertResultFits(out, maxResultBytes, 'The LLM response');
    return out;
  }

  function llmComplete(req: LlmRequest): Promise<LlmResponse> {
    return activity(async (ctx, events) => {
      const params: Omit<ChatCompletionCreateParamsBase, 'model'> = {
        temperature: req.temperature,
        messages: toOpenAIMessages(req.systemPrompt, req.messages),
      };
      if (req.maxTokens !== undefined && req.maxTokens > 0) params.max_tokens = req.maxTokens;
      let offered = req.tools;
      if (req.toolAllow) {
        if (!deps.listTools) {
          throw ApplicationFailure.create({ type: 'LlmRequestRejected', nonRetryable: true, message: 'this worker has no tool catalogue (createLlmActivities without listTools)' });
        }
        const seen = new Set(offered.map((t) => t.name));
        const listed = await deps.listTools(req.toolAllow, {
          onUnavailable: (u) => {
            ctx.log.warn('MCP server unavailable for this turn', { server: u.server, error: u.error, cached: u.cached });
            if (req.stream) events.publish({ type: 'tool.server_unavailable', turnId: req.stream.turnId, ...u });
          },
        });
        offered = [...offered, ...listed.filter((t) => !seen.has(t.name))];
      }
      if (offered.length > 0) params.tools = toOpenAITools(offered);
      if (req.toolAllow) return limited({ ...(await routed(ctx, events, req, params)), offeredTools: offered });
      if (req.responseFormat) params.response_format = toOpenAIResponseFormat(req.responseFormat);
      return limited(await routed(ctx, events, req, params));
    }, streamTargetOf(req.stream));
  }

  function summarizeConversation(req: SummarizeRequest): Promise<{ text: string; usage: TokenUsage }> {
    return activity(async (ctx, events) => {
      const res = await routed(ctx, events, { model: req.model }, {
        temperature: 0,
        messages: [
          { role: 'system', content: SUMMARY_SYSTEM_PROMPT },
          { role: 'user', content: summaryUserPrompt(req) },
        ],
      });
      const text = res.content.trim();
      if (!text) {
        throw ApplicationFailure.create({ type: 'LlmUnavailable', message: 'LLM returned an empty summary' });
      }
      const out = { text: capText(text, maxReplyBytes).text, usage: res.usage };
      assertResultFits(out, maxResultBytes, 'The summary');
      return out;
    });
  }

  return { llmComplete, summarizeConversation };
}

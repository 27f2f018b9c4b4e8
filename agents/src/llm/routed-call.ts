/**
 * One LLM call over a request's model route, metered: each route entry in turn (one whose provider is
 * cooling down is passed over while a later one is available), moving on after a retryable provider error
 * (429, 5xx, timeouts, connection errors) unless the reply had begun to stream; a rejected request
 * (400/401/403/404/422) fails at once. The last entry's retryable error goes to Temporal's retry policy. Each
 * fallback is an `llm.fallback` event; the response says which entry served it, and its usage is priced from
 * that model's price.
 *
 * Each provider call takes a lease from the tenant's budget ledger first and settles its real usage after
 * (`./budget-meter`; a spent budget fails the call with a non-retryable `BudgetExhausted`). The lease's
 * estimate is the request's size (a token per three bytes, an upper estimate) plus its `max_tokens`.
 */
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { priceOf, type LlmRequest, type LlmResponse, type ModelFallback, type ModelRoute, type SessionEvent } from '@hub/contracts';
import type { LlmMeter } from './budget-meter';
import { llmCallTimer, llmFailureOutcome, recordLlmFallback } from './llm-metrics';
import type { ModelCandidate, ModelRouter } from './router';
import { tracedLlmCall } from './tracing';

/** Where an activity's events go (the calling workflow's stream). */
export interface EventSink {
  publish(ev: SessionEvent, opts?: { now?: boolean }): void;
}

/** One completion on one provider (the activity's `complete`). */
export type CompleteFn = (
  ctx: Context,
  events: EventSink,
  client: OpenAI,
  params: ChatCompletionCreateParamsBase,
  stream: LlmRequest['stream'],
  progress: { streamed: boolean },
) => Promise<LlmResponse>;

export interface RoutedCallDeps {
  router: ModelRouter;
  /** `max_tokens` of a request that sets none (0: none sent). */
  maxTokens: number;
  meter?: LlmMeter;
  complete: CompleteFn;
  /** The activity's cancellation as a failure. */
  cancelled(ctx: Context): Error;
}

/** What a call needs of its request besides the provider parameters. */
export type RoutedRequest = Pick<LlmRequest, 'model' | 'stream' | 'agent' | 'wake' | 'budgetWait'> & { model?: ModelRoute };

/** Tokens a lease reserves for a call: its request's bytes / 3 (no tokenizer: an upper estimate) + its output cap. */
export function estimateTokens(params: ChatCompletionCreateParamsBase): { input: number; output: number } {
  const bytes = Buffer.byteLength(JSON.stringify(params.messages), 'utf8') + (params.tools ? Buffer.byteLength(JSON.stringify(params.tools), 'utf8') : 0);
  return { input: Math.ceil(bytes / 3), output: params.max_tokens ?? 0 };
}

export function routedCall(deps: RoutedCallDeps) {
  const { router, maxTokens, meter, complete, cancelled } = deps;

  const routed = async function routed(
    ctx: Context,
    events: EventSink,
    req: RoutedRequest,
    params: Omit<ChatCompletionCreateParamsBase, 'model'>,
  ): Promise<LlmResponse> {
    const { stream } = req;
    const candidates = router.resolve(req.model);
    const fallbacks: ModelFallback[] = [];
    const fellBack = (from: ModelCandidate, reason: string, to: ModelCandidate) => {
      fallbacks.push({ from: from.alias, provider: from.provider, reason });
      recordLlmFallback(from.alias, from.provider, reason);
      ctx.log.warn('LLM fallback', { from: from.alias, provider: from.provider, reason, to: to.alias });
      if (stream) {
        const { turnId, round, delegationId } = stream;
        events.publish({ type: 'llm.fallback', turnId, round, from: from.alias, provider: from.provider, reason, to: to.alias, ...(delegationId ? { delegationId } : {}) });
      }
    };
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      const next = candidates.slice(i + 1).find((n) => !router.coolingDown(n.provider));
      if (next && router.coolingDown(c.provider)) {
        fellBack(c, 'cooldown', next);
        continue;
      }
      let body = { ...params, model: c.model } as ChatCompletionCreateParamsBase;
      if (maxTokens > 0 && body.max_tokens === undefined) body = { ...body, max_tokens: maxTokens };
      if (c.maxOutputTokens !== undefined) body = { ...body, max_tokens: Math.min(body.max_tokens ?? c.maxOutputTokens, c.maxOutputTokens) };
      // The estimate (a serialisation of the request) is made only when a meter needs it.
      const est = meter ? estimateTokens(body) : undefined;
      const ticket =
        meter && est
          ? await meter.begin(ctx, { entry: i, provider: c.provider, model: c.alias, ...(req.agent ? { agent: req.agent } : {}), ...(req.budgetWait === false ? { wake: null } : req.wake ? { wake: req.wake } : {}), tokens: est.input + est.output, usd: priceOf(c.price, est.input, est.output) })
          : undefined;
      const progress = { streamed: false };
      let usage: { promptTokens: number; completionTokens: number; usd: number } | undefined;
      // A cancellation while waiting for a provider slot is the activity's cancellation.
      let release: (() => void) | undefined;
      let timer: ReturnType<typeof llmCallTimer> | undefined;
      try {
        release = await c.acquire(ctx.cancellationSignal);
        timer = llmCallTimer(c.alias, c.provider);
        const res = await complete(ctx, events, c.client, body, stream, progress);
        router.reportSuccess(c.provider);
        const costUsd = c.price ? priceOf(c.price, res.usage.promptTokens, res.usage.completionTokens) : undefined;
        usage = { promptTokens: res.usage.promptTokens, completionTokens: res.usage.completionTokens, usd: costUsd ?? 0 };
        timer.end('ok', { ...usage, usd: costUsd });
        return {
          ...res,
          usage: costUsd === undefined ? res.usage : { ...res.usage, costUsd },
          served: { alias: c.alias, provider: c.provider, model: c.model },
          ...(fallbacks.length > 0 ? { fallbacks } : {}),
        };
      } catch (err) {
        if (release === undefined) throw ctx.cancellationSignal.aborted ? cancelled(ctx) : err;
        const retryable = err instanceof ApplicationFailure && !err.nonRetryable && err.type === 'LlmUnavailable';
        timer?.end(llmFailureOutcome(retryable, ctx.cancellationSignal.aborted));
        if (retryable) router.reportFailure(c.provider, typeof err.nextRetryDelay === 'number' ? err.nextRetryDelay : undefined);
        const to = candidates[i + 1];
        if (!retryable || progress.streamed || to === undefined || ctx.cancellationSignal.aborted) throw err;
        fellBack(c, err.message, to);
      } finally {
        release?.();
        await ticket?.end(usage);
      }
    }
    throw ApplicationFailure.create({ type: 'LlmUnavailable', message: 'no model of the route could be called' });
  };
  return tracedLlmCall(routed); // a span per call (./tracing), a no-op with traces off
}

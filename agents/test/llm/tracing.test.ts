/**
 * The LLM call span (agents/src/llm/tracing.ts) with a real tracer provider (@hub/runtime/telemetry) and an
 * in-memory exporter: what a served call, a call that fell back and a failed call record.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import type { LlmResponse } from '@hub/contracts';
import { InMemorySpanExporter, startTelemetry } from '@hub/runtime/telemetry';
import { LLM_SPAN, tracedLlmCall } from '../../src/llm/tracing';

const exporter = new InMemorySpanExporter();
const telemetry = startTelemetry('agents-test', { exporter });
afterAll(() => telemetry.shutdown());
beforeEach(() => exporter.reset());
const flushed = async () => {
  await telemetry.provider!.forceFlush();
  return exporter.getFinishedSpans();
};

const response = (over: Partial<LlmResponse> = {}): LlmResponse =>
  ({ content: 'hi', toolCalls: [], finishReason: 'stop', usage: { promptTokens: 12, completionTokens: 3, totalTokens: 15 }, ...over }) as LlmResponse;

describe('llm.call span', () => {
  it('records the served entry, tokens, cost and the entries passed over', async () => {
    const call = tracedLlmCall(async (_ctx: null, _events: null, _req: { model?: string[]; agent?: string }, _params: null) =>
      response({
        usage: { promptTokens: 12, completionTokens: 3, totalTokens: 15, costUsd: 0.0021 },
        served: { alias: 'backup', provider: 'local', model: 'gemma-3' },
        fallbacks: [{ from: 'primary', provider: 'openai', reason: 'HTTP 503' }],
      }),
    );
    await call(null, null, { model: ['primary', 'backup'], agent: 'writer' }, null);
    const [span] = await flushed();
    expect(span?.name).toBe(LLM_SPAN);
    expect(span?.status.code).not.toBe(2);
    expect(span?.attributes).toMatchObject({
      'hub.llm.route': 'primary,backup',
      'hub.agent': 'writer',
      'hub.llm.model_alias': 'backup',
      'hub.llm.provider': 'local',
      'gen_ai.response.model': 'gemma-3',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      'hub.llm.cost_usd': 0.0021,
      'hub.llm.fallbacks': 1,
      'hub.llm.fallback_reason': 'primary: HTTP 503',
    });
    expect(span?.events.map((e) => [e.name, e.attributes?.['hub.llm.provider'], e.attributes?.['hub.llm.fallback_reason']])).toEqual([['llm.fallback', 'openai', 'HTTP 503']]);
  });

  it('a failed call has an error status, the exception and its failure type', async () => {
    const call = tracedLlmCall(async (_ctx: null, _events: null, _req: { model?: string }, _params: null): Promise<LlmResponse> => {
      throw ApplicationFailure.create({ type: 'LlmUnavailable', message: 'no model of the route could be called' });
    });
    await expect(call(null, null, {}, null)).rejects.toThrow(/no model of the route/);
    const [span] = await flushed();
    expect(span?.attributes).toMatchObject({ 'hub.llm.route': 'default', 'hub.llm.error_type': 'LlmUnavailable' });
    expect(span?.status).toEqual({ code: 2, message: 'no model of the route could be called' });
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
  });
});

/**
 * The LLM activity's Prometheus metrics (the worker registry of this test process): a fallback on 429 counts the
 * primary's call as `retryable` and a fallback with reason `error`, the backup's as `ok` with its tokens and cost;
 * the cooling primary is passed over (`cooldown`, no call); a rejected request (400) is `rejected`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig, ProviderConfig } from '@hub/contracts';
import { workerMetrics } from '@hub/runtime/metrics';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { createOpenAIClient } from '../../src/llm-config';
import { createLlmActivities } from '../../src/llm';
import { createModelRouter } from '../../src/llm/router';
import { mockEnv, request } from './harness';

let primary: ScriptedLlmServer;
let backup: ScriptedLlmServer;
beforeAll(async () => {
  [primary, backup] = await Promise.all([startScriptedLlmServer(), startScriptedLlmServer()]);
});
afterAll(async () => {
  await Promise.all([primary?.close(), backup?.close()]);
});

const models: Record<string, ModelConfig> = {
  smart: { provider: 'primary', model: 'big-model', price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
  cheap: { provider: 'backup', model: 'small-model', price: { inputPerMTok: 0.1, outputPerMTok: 0.4 } },
};

async function value(metric: 'llmCalls' | 'llmTokens' | 'llmCost' | 'llmFallbacks', labels: Record<string, string>): Promise<number> {
  const { values } = await workerMetrics()[metric].get();
  return values.filter((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x)).reduce((a, v) => a + v.value, 0);
}

describe('LLM metrics', () => {
  it('counts calls by model, provider and outcome, tokens and cost of the served call, and fallbacks by reason', async () => {
    const providers: Record<string, ProviderConfig> = { primary: { baseURL: primary.url, cooldownMs: 60_000 }, backup: { baseURL: backup.url } };
    const openai = createOpenAIClient({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', model: 'unused', timeoutMs: 10_000 });
    const router = createModelRouter({ defaultClient: openai, defaultModel: 'smart', providers, models, env: {} });
    const acts = createLlmActivities({ openai, defaultModel: 'smart', router });
    const req = request({ model: ['smart', 'cheap'] });

    primary.script({ error: { status: 429, message: 'slow down' } });
    backup.script({ reply: 'one', usage: { promptTokens: 1_000, completionTokens: 500 } }, { reply: 'two', usage: { promptTokens: 2_000, completionTokens: 100 } });
    await mockEnv().exec(acts.llmComplete, req);
    await mockEnv().exec(acts.llmComplete, req); // the primary cools down: passed over, not called

    expect(await value('llmCalls', { model: 'smart', provider: 'primary', outcome: 'retryable' })).toBe(1);
    expect(await value('llmCalls', { model: 'smart', provider: 'primary' })).toBe(1);
    expect(await value('llmCalls', { model: 'cheap', provider: 'backup', outcome: 'ok' })).toBe(2);
    expect(await value('llmFallbacks', { model: 'smart', provider: 'primary', reason: 'error' })).toBe(1);
    expect(await value('llmFallbacks', { model: 'smart', provider: 'primary', reason: 'cooldown' })).toBe(1);
    expect(await value('llmTokens', { model: 'cheap', provider: 'backup', kind: 'prompt' })).toBe(3_000);
    expect(await value('llmTokens', { model: 'cheap', provider: 'backup', kind: 'completion' })).toBe(600);
    expect(await value('llmTokens', { model: 'smart' })).toBe(0);
    expect(await value('llmCost', { model: 'cheap', provider: 'backup' })).toBeCloseTo((3_000 * 0.1 + 600 * 0.4) / 1e6, 12);

    // A rejected request: no fallback, outcome rejected.
    backup.script({ error: { status: 400, message: 'bad request' } });
    await expect(mockEnv().exec(acts.llmComplete, request({ model: 'cheap' }))).rejects.toThrow();
    expect(await value('llmCalls', { model: 'cheap', provider: 'backup', outcome: 'rejected' })).toBe(1);
    expect(await value('llmFallbacks', {})).toBe(2);
  });
});

/**
 * Model routing over two scripted OpenAI-compatible providers (a primary and a backup): fallback on
 * 429/500 with an `llm.fallback` event, the primary's cooldown and its return, no fallback on a rejected
 * request (400), cost from the price table, and a provider's `maxConcurrent`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import type { ModelConfig, ProviderConfig } from '@hub/contracts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { createOpenAIClient } from '../../src/llm-config';
import { createLlmActivities } from '../../src/llm';
import { createModelRouter } from '../../src/llm/router';
import { failureOf, memoryPublisher, mockEnv, request } from './harness';

let primary: ScriptedLlmServer;
let backup: ScriptedLlmServer;
beforeAll(async () => {
  [primary, backup] = await Promise.all([startScriptedLlmServer(), startScriptedLlmServer()]);
});
afterAll(async () => {
  await Promise.all([primary?.close(), backup?.close()]);
});
beforeEach(() => {
  primary.reset();
  backup.reset();
});

const models: Record<string, ModelConfig> = {
  smart: { provider: 'primary', model: 'big-model', price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
  cheap: { provider: 'backup', model: 'small-model', price: { inputPerMTok: 0.1, outputPerMTok: 0.4 } },
};

function setup(opts: { cooldownMs?: number; maxConcurrent?: number; now?: () => number } = {}) {
  const providers: Record<string, ProviderConfig> = {
    primary: { baseURL: primary.url, apiKeyEnv: 'PRIMARY_KEY', cooldownMs: opts.cooldownMs ?? 60_000, ...(opts.maxConcurrent ? { maxConcurrent: opts.maxConcurrent } : {}) },
    backup: { baseURL: backup.url, headers: { 'x-team': 'research' } },
  };
  const openai = createOpenAIClient({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', model: 'unused', timeoutMs: 10_000 });
  const router = createModelRouter({
    defaultClient: openai,
    defaultModel: 'smart',
    providers,
    models,
    env: { PRIMARY_KEY: 'primary-secret' },
    ...(opts.now ? { now: opts.now } : {}),
  });
  const pub = memoryPublisher();
  const acts = createLlmActivities({ openai, defaultModel: 'smart', router, publisher: pub.factory });
  return { acts, events: pub.events, router };
}

const streamReq = (round = 0) => request({ model: ['smart', 'cheap'], stream: { turnId: 't1', round } });

describe('model routes with fallbacks', () => {
  it('falls back on 429 and 500, says so in an llm.fallback event, prices the served model, then skips the cooling primary', async () => {
    const { acts, events } = setup();
    primary.script({ error: { status: 429, message: 'slow down' } });
    backup.script({ reply: 'from backup', usage: { promptTokens: 1_000, completionTokens: 500 } });
    const res = await mockEnv().exec(acts.llmComplete, streamReq());
    expect(res.content).toBe('from backup');
    expect(res.served).toEqual({ alias: 'cheap', provider: 'backup', model: 'small-model' });
    expect(res.fallbacks).toEqual([{ from: 'smart', provider: 'primary', reason: expect.stringContaining('HTTP 429') }]);
    // 1,000 input tokens at $0.10/M + 500 output tokens at $0.40/M
    expect(res.usage).toMatchObject({ promptTokens: 1_000, completionTokens: 500, costUsd: 0.0003 });
    const fallback = events.map((e) => e.ev).find((e) => e.type === 'llm.fallback');
    expect(fallback).toMatchObject({ type: 'llm.fallback', turnId: 't1', from: 'smart', to: 'cheap', provider: 'primary' });
    expect(primary.chatRequests()[0]!.headers['authorization']).toBe('Bearer primary-secret');
    expect(backup.chatRequests()[0]!.headers['x-team']).toBe('research');
    expect(backup.chatRequests()[0]!.body?.model).toBe('small-model');

    // The primary is cooling down: the next call goes straight to the backup, without a request to the primary.
    backup.script({ reply: 'again from backup' });
    const second = await mockEnv().exec(acts.llmComplete, streamReq(1));
    expect(second.content).toBe('again from backup');
    expect(second.fallbacks).toEqual([{ from: 'smart', provider: 'primary', reason: 'cooldown' }]);
    expect(primary.chatRequests()).toHaveLength(1);
  });

  it('goes back to the primary when its cooldown ends, and 5xx falls back like 429', async () => {
    let clock = 1_000_000;
    const { acts } = setup({ cooldownMs: 5_000, now: () => clock });
    primary.script({ error: { status: 500, message: 'boom' } });
    backup.script({ reply: 'backup answer' });
    expect((await mockEnv().exec(acts.llmComplete, streamReq())).served?.alias).toBe('cheap');
    clock += 6_000;
    primary.script({ reply: 'primary is back', usage: { promptTokens: 2_000, completionTokens: 100 } });
    const back = await mockEnv().exec(acts.llmComplete, streamReq(1));
    expect(back.served).toEqual({ alias: 'smart', provider: 'primary', model: 'big-model' });
    expect(back.fallbacks).toBeUndefined();
    // 2,000 × $2.5/M + 100 × $10/M
    expect(back.usage.costUsd).toBeCloseTo(0.006, 9);
  });

  it('does not fall back on a rejected request (400): it fails at once with the provider message', async () => {
    const { acts } = setup();
    primary.script({ error: { status: 400, message: 'bad field messages[0]' } });
    const err = await failureOf(mockEnv().exec(acts.llmComplete, streamReq()));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as ApplicationFailure).message).toContain('bad field messages[0]');
    expect(backup.chatRequests()).toHaveLength(0);
  });

  it('leaves the last retryable error to Temporal when every entry failed', async () => {
    const { acts } = setup();
    primary.script({ error: { status: 503, message: 'primary down' } });
    backup.script({ error: { status: 502, message: 'backup down' } });
    const err = await failureOf(mockEnv().exec(acts.llmComplete, streamReq()));
    expect((err as ApplicationFailure).type).toBe('LlmUnavailable');
    expect((err as ApplicationFailure).nonRetryable).toBe(false);
    expect((err as ApplicationFailure).message).toContain('backup down');
  });

  it('keeps a single model or a plain model id working (the default provider when it is not an alias)', async () => {
    const openai = createOpenAIClient({ baseURL: backup.url, apiKey: 'k', model: 'm', timeoutMs: 10_000 });
    const acts = createLlmActivities({ openai, defaultModel: 'plain-model', publisher: memoryPublisher().factory });
    backup.script({ reply: 'plain' });
    const res = await mockEnv().exec(acts.llmComplete, request());
    expect(res.served).toEqual({ alias: 'plain-model', provider: 'default', model: 'plain-model' });
    expect(res.usage.costUsd).toBeUndefined();
    expect(backup.chatRequests()[0]!.body?.model).toBe('plain-model');
  });

  it('holds calls beyond a provider\'s maxConcurrent until one ends', async () => {
    const { acts } = setup({ maxConcurrent: 1 });
    primary.script({ reply: 'first', delayMs: 300 }, { reply: 'second' });
    const calls = [mockEnv().exec(acts.llmComplete, request({ model: 'smart' })), mockEnv().exec(acts.llmComplete, request({ model: 'smart' }))];
    await primary.waitFor(() => primary.chatRequests().length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(primary.chatRequests()).toHaveLength(1); // the second waits for the first's slot
    const replies = await Promise.all(calls);
    expect(replies.map((r) => r.content).sort()).toEqual(['first', 'second']);
  });

  it('refuses a provider whose API key variable is not set, naming it', () => {
    const openai = createOpenAIClient({ baseURL: primary.url, apiKey: 'k', model: 'm', timeoutMs: 1_000 });
    expect(() =>
      createModelRouter({ defaultClient: openai, defaultModel: 'm', providers: { p: { baseURL: primary.url, apiKeyEnv: 'MISSING_KEY' } }, env: {} }),
    ).toThrow(/providers\.p\.apiKeyEnv: the environment variable MISSING_KEY is not set/);
  });
});

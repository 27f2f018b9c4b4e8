// llmComplete failures: HTTP errors, connection errors, idempotency across attempts, cancellation.
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { llm, useScriptedLlm, info, mockEnv, memoryPublisher, activities, request, failureOf } from './harness';

useScriptedLlm();

describe('llmComplete errors', () => {
  it('401 → non-retryable LlmRequestRejected with the server message', async () => {
    llm.script({ error: { status: 401, message: 'Incorrect API key provided: sk-***' } });
    const env = mockEnv(info());
    const err = await failureOf(env.exec(activities().llmComplete, request()));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({
      type: 'LlmRequestRejected',
      nonRetryable: true,
      message: 'LLM request rejected (HTTP 401): Incorrect API key provided: sk-***',
    });
  });

  it('429 with Retry-After: 3 → retryable with nextRetryDelay 3 s', async () => {
    llm.script({ error: { status: 429, message: 'Rate limit reached', retryAfter: 3 } });
    const env = mockEnv(info());
    const err = await failureOf(env.exec(activities().llmComplete, request({ stream: { turnId: 't', round: 0 } })));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'LlmUnavailable', nonRetryable: false, nextRetryDelay: 3000 });
    expect((err as Error).message).toBe('LLM unavailable (HTTP 429): Rate limit reached');
  });

  it('503 → retryable, retry delay left to the retry policy', async () => {
    llm.script({ error: { status: 503, message: 'overloaded' } });
    const env = mockEnv(info());
    const err = await failureOf(env.exec(activities().llmComplete, request()));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'LlmUnavailable', nonRetryable: false });
    expect((err as ApplicationFailure).nextRetryDelay).toBeUndefined();
  });

  it('connection refused → retryable', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const env = mockEnv(info());
    const err = await failureOf(env.exec(activities({}, `http://127.0.0.1:${port}/v1`).llmComplete, request()));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'LlmUnavailable', nonRetryable: false });
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });
});

describe('idempotency', () => {
  it('sends the same Idempotency-Key on every attempt of one activity', async () => {
    llm.script({ error: { status: 500, message: 'boom' } }, { reply: 'ok now' });
    const acts = activities();
    const first = await failureOf(mockEnv(info({ attempt: 1 })).exec(acts.llmComplete, request()));
    expect(first).toBeInstanceOf(ApplicationFailure);
    const second = await mockEnv(info({ attempt: 2 })).exec(acts.llmComplete, request());
    expect(second.content).toBe('ok now');
    await mockEnv(info({ activityId: '8' })).exec(acts.llmComplete, request());
    const keys = llm.chatRequests().map((r) => r.idempotencyKey);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });
});

describe('cancellation', () => {
  it('aborts a hanging request and ends with CancelledFailure', async () => {
    llm.script({ hang: true });
    const env = mockEnv(info());
    const p = failureOf(env.exec(activities().llmComplete, request()));
    await llm.waitFor(() => llm.chatRequests().length === 1);
    env.cancel();
    const err = await p;
    expect(err).toBeInstanceOf(CancelledFailure);
    await llm.waitFor(() => llm.chatRequests()[0]?.aborted === true);
  });

  it('aborts mid-stream and ends with CancelledFailure, flushing the publisher', async () => {
    llm.script({ reply: 'one two three four five six seven eight nine ten', chunkDelayMs: 300 });
    const pub = memoryPublisher();
    const env = mockEnv(info());
    const p = failureOf(
      env.exec(activities({ publisher: pub.factory }).llmComplete, request({ stream: { turnId: 't', round: 0 } })),
    );
    await llm.waitFor(() => pub.events.length >= 1);
    env.cancel();
    const err = await p;
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(pub.closed()).toBe(1);
    await llm.waitFor(() => llm.chatRequests()[0]?.aborted === true);
  });

  it('does not call the LLM when already cancelled', async () => {
    const env = mockEnv(info());
    env.cancel();
    const err = await failureOf(env.exec(activities().llmComplete, request()));
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(llm.chatRequests()).toHaveLength(0);
  });
});

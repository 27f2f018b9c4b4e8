// Issue 11 #14 (activity side) and #15: reply size caps, payloads too large, heartbeats from the start and
// tool servers left out of a turn.
import { describe, expect, it } from 'vitest';
import { APIError } from 'openai';
import { ApplicationFailure } from '@temporalio/common';
import { classifyLlmError } from '../../src/llm';
import { DEFAULT_MAX_TOKENS, capText } from '../../src/llm/reply-limits';
import { llm, useScriptedLlm, mockEnv, memoryPublisher, activities, request, failureOf, SEARCH_TOOL } from './harness';

useScriptedLlm();

describe('reply size', () => {
  it('sends a default max_tokens when the request sets none', async () => {
    llm.script({ reply: 'short' });
    await mockEnv().exec(activities().llmComplete, request());
    expect(llm.chatRequests()[0]!.body?.max_tokens).toBe(DEFAULT_MAX_TOKENS);
  });

  it("keeps the request's own maxTokens", async () => {
    llm.script({ reply: 'short' });
    await mockEnv().exec(activities().llmComplete, request({ maxTokens: 64 }));
    expect(llm.chatRequests()[0]!.body?.max_tokens).toBe(64);
  });

  it('cuts a reply over maxReplyBytes at a character boundary, with a marker, streamed or not', async () => {
    const reply = 'é'.repeat(3000); // 6000 bytes
    for (const stream of [undefined, { turnId: 't1', round: 0 }]) {
      llm.script({ reply });
      const pub = memoryPublisher();
      const res = await mockEnv().exec(activities({ maxReplyBytes: 1000, publisher: pub.factory }).llmComplete, request({ stream }));
      expect(Buffer.byteLength(res.content)).toBeLessThanOrEqual(1000);
      expect(res.content).toMatch(/^é+\n\n\[reply truncated by the hub: \d+ of 6000 bytes kept\]$/);
      const streamed = pub.events.map((e) => (e.ev.type === 'token' ? e.ev.delta : '')).join('');
      expect(Buffer.byteLength(streamed)).toBeLessThan(1100);
    }
  });

  it('capText leaves a short text alone', () => {
    expect(capText('hello', 10)).toEqual({ text: 'hello', truncated: false });
  });

  it('a result still too large for a payload fails with a non-retryable PayloadsTooLarge', async () => {
    llm.script({ toolCalls: [{ name: 'web__search', arguments: { q: 'x'.repeat(5000) } }] });
    const err = await failureOf(
      mockEnv().exec(activities({ maxResultBytes: 2000 }).llmComplete, request({ tools: [SEARCH_TOOL] })),
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'PayloadsTooLarge', nonRetryable: true });
    expect((err as Error).message).toMatch(/The LLM response is \d+ bytes, over the 2000-byte limit/);
  });

  it('HTTP 413 and Temporal size errors are non-retryable PayloadsTooLarge', () => {
    const e413 = classifyLlmError(new APIError(413, { message: 'request entity too large' }, undefined, new Headers()));
    expect(e413).toMatchObject({ type: 'PayloadsTooLarge', nonRetryable: true });
    expect(e413.message).toBe('LLM request too large (HTTP 413): request entity too large; retrying cannot help');
    const blob = classifyLlmError(new Error('Blob data size exceeds limit.'));
    expect(blob).toMatchObject({ type: 'PayloadsTooLarge', nonRetryable: true });
  });
});

describe('tool listing inside the LLM activity', () => {
  it('heartbeats from the start, while the tool catalogue is listed', async () => {
    llm.script({ reply: 'ok' });
    const env = mockEnv();
    let beats = 0;
    env.on('heartbeat', () => beats++);
    const listTools = async () => {
      await new Promise((r) => setTimeout(r, 400));
      return [];
    };
    const acts = activities({ heartbeatIntervalMs: 50, listTools });
    const started = Date.now();
    let beatsDuringListing = 0;
    const listing = env.exec(acts.llmComplete, request({ toolAllow: { allow: ['*'] } }));
    await new Promise((r) => setTimeout(r, 350));
    beatsDuringListing = beats;
    await listing;
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(beatsDuringListing).toBeGreaterThanOrEqual(4);
  });

  it('says which servers were left out of the turn (tool.server_unavailable)', async () => {
    llm.script({ reply: 'ok' });
    const pub = memoryPublisher();
    const listTools = async (_req: unknown, opts?: { onUnavailable?: (u: { server: string; error: string; cached: boolean }) => void }) => {
      opts?.onUnavailable?.({ server: 'stuck', error: 'took longer than 2500 ms', cached: false });
      return [SEARCH_TOOL];
    };
    const res = await mockEnv().exec(
      activities({ publisher: pub.factory, listTools }).llmComplete,
      request({ toolAllow: { allow: ['*'] }, stream: { turnId: 't9', round: 0 } }),
    );
    expect(res.offeredTools?.map((t) => t.name)).toEqual(['web__search']);
    expect(pub.events.map((e) => e.ev)).toContainEqual({
      type: 'tool.server_unavailable',
      turnId: 't9',
      server: 'stuck',
      error: 'took longer than 2500 ms',
      cached: false,
    });
    expect(pub.closed()).toBe(1);
  });
});

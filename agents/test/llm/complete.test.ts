// llmComplete: replies, the OpenAI request, heartbeats and streamed token events.
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { createOpenAIClient } from '../../src/llm-config';
import { createLlmActivities } from '../../src/llm';
import { llm, useScriptedLlm, info, mockEnv, memoryPublisher, activities, request, failureOf, SEARCH_TOOL } from './harness';

useScriptedLlm();

describe('llmComplete (non-streaming)', () => {
  it('returns a plain reply with usage and sends a well-formed request', async () => {
    llm.script({ reply: 'Hi! How can I help?' });
    const env = mockEnv(info());
    const res = await env.exec(activities().llmComplete, request());
    expect(res).toEqual({
      content: 'Hi! How can I help?',
      toolCalls: [],
      usage: { promptTokens: 7, completionTokens: 5, totalTokens: 12 },
      finishReason: 'stop',
      model: 'test-model',
      // Without hub.config.json models: the model id on the default provider.
      served: { alias: 'test-model', provider: 'default', model: 'test-model' },
    });
    const [rec] = llm.chatRequests();
    expect(rec?.body).toMatchObject({
      model: 'test-model',
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'You are a test assistant.' },
        { role: 'user', content: 'hello there' },
      ],
    });
    expect(rec?.body?.stream).toBeFalsy();
    expect(rec?.body?.tools).toBeUndefined();
    expect(rec?.headers['authorization']).toBe('Bearer test-key');
    expect(rec?.idempotencyKey).toBe('session/acme/s1/7');
  });

  it('maps history, tools and structured output to the OpenAI request', async () => {
    llm.script({ json: { answer: 42 } });
    const env = mockEnv(info());
    const res = await env.exec(
      activities().llmComplete,
      request({
        model: 'other-model',
        messages: [
          { role: 'user', content: 'search for x' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'call_a', name: 'web__search', arguments: '{"q":"x"}' }] },
          { role: 'tool', toolCallId: 'call_a', name: 'web__search', content: 'result x' },
          { role: 'assistant', content: 'Found x.' },
          { role: 'user', content: 'try again' },
          { role: 'assistant', content: 'Sorry, that turn failed.', error: 'LLM unavailable (HTTP 503)' },
          { role: 'user', content: 'answer as json' },
        ],
        tools: [SEARCH_TOOL],
        responseFormat: { name: 'answer', schema: { type: 'object', properties: { answer: { type: 'number' } } } },
      }),
    );
    expect(JSON.parse(res.content)).toEqual({ answer: 42 });
    expect(res.model).toBe('other-model');
    const body = llm.chatRequests()[0]?.body;
    expect(body?.messages).toEqual([
      { role: 'system', content: 'You are a test assistant.' },
      { role: 'user', content: 'search for x' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'web__search', arguments: '{"q":"x"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_a', content: 'result x' },
      { role: 'assistant', content: 'Found x.' },
      { role: 'user', content: 'try again' },
      { role: 'user', content: 'answer as json' },
    ]);
    expect(body?.tools).toEqual([
      { type: 'function', function: { name: 'web__search', description: 'Search the web', parameters: SEARCH_TOOL.parameters } },
    ]);
    expect(body?.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema: { type: 'object', properties: { answer: { type: 'number' } } }, strict: true },
    });
  });

  it('returns tool calls from a non-streamed response', async () => {
    llm.script({ toolCalls: [{ id: 'call_1', name: 'web__search', arguments: { q: 'temporal' } }] });
    const env = mockEnv(info());
    const res = await env.exec(activities().llmComplete, request({ tools: [SEARCH_TOOL] }));
    expect(res.finishReason).toBe('tool_calls');
    expect(res.content).toBe('');
    expect(res.toolCalls).toEqual([{ id: 'call_1', name: 'web__search', arguments: '{"q":"temporal"}' }]);
  });

  it('reports zero usage when the server gives none', async () => {
    llm.script({ reply: 'no usage here', omitUsage: true }, { reply: 'nor here', omitUsage: true });
    const acts = activities();
    const plain = await mockEnv().exec(acts.llmComplete, request());
    expect(plain.usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
    const streamed = await mockEnv().exec(acts.llmComplete, request({ stream: { turnId: 't', round: 0 } }));
    expect(streamed).toMatchObject({ content: 'nor here', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } });
  });

  it('a reply done before the first heartbeat interval sends no heartbeat (the timeout runs from the start anyway)', async () => {
    llm.script({ reply: 'quick' });
    const env = mockEnv(info());
    let beats = 0;
    env.on('heartbeat', () => beats++);
    await env.exec(activities({ heartbeatIntervalMs: 5_000 }).llmComplete, request());
    expect(beats).toBe(0);
  });

  it('heartbeats while the request is in flight', async () => {
    llm.script({ reply: 'slow answer', delayMs: 400 });
    const env = mockEnv(info());
    let beats = 0;
    env.on('heartbeat', () => beats++);
    await env.exec(activities({ heartbeatIntervalMs: 50 }).llmComplete, request());
    expect(beats).toBeGreaterThanOrEqual(4);
  });
});

describe('llmComplete (streaming)', () => {
  it('streams a reply, publishing coalesced token events whose concatenation is the reply', async () => {
    const reply = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ') + '.';
    llm.script({ reply, chunkDelayMs: 10 });
    const pub = memoryPublisher();
    const env = mockEnv(info({ attempt: 2 }));
    const res = await env.exec(
      activities({ publisher: pub.factory, streamBatchMs: 100 }).llmComplete,
      request({ stream: { turnId: 'turn-9', round: 1 } }),
    );
    expect(res.content).toBe(reply);
    expect(res.finishReason).toBe('stop');
    expect(res.toolCalls).toEqual([]);
    expect(res.usage.completionTokens).toBe(40);
    expect(res.usage.totalTokens).toBe(res.usage.promptTokens + 40);

    const events = pub.events.map((p) => p.ev);
    expect(events.length).toBeGreaterThan(1);
    expect(events.length).toBeLessThan(15); // ~450 ms of chunks at 100 ms windows, vs 42 chunks
    for (const ev of events) expect(ev).toMatchObject({ type: 'token', turnId: 'turn-9', round: 1, attempt: 2 });
    expect(events.map((e) => (e.type === 'token' ? e.delta : '')).join('')).toBe(reply);
    for (let i = 1; i < pub.events.length - 1; i++) {
      expect(pub.events[i]!.at - pub.events[i - 1]!.at).toBeGreaterThanOrEqual(90);
    }
    expect(pub.closed()).toBe(1);

    const body = llm.chatRequests()[0]?.body;
    expect(body?.stream).toBe(true);
    expect(body?.stream_options).toEqual({ include_usage: true });
  });

  it('publishes the first delta at once, not after a batch window, and batches only what follows', async () => {
    // A window longer than the whole reply: before, nothing was published until the reply had ended.
    const reply = 'one two three four five six seven eight';
    llm.script({ reply, firstChunkDelayMs: 30, chunkDelayMs: 40 });
    const pub = memoryPublisher();
    const res = await mockEnv(info()).exec(
      activities({ publisher: pub.factory, streamBatchMs: 60_000 }).llmComplete,
      request({ stream: { turnId: 't1', round: 0 } }),
    );
    expect(res.content).toBe(reply);
    const deltas = pub.events.map((p) => (p.ev.type === 'token' ? p.ev.delta : ''));
    // The first word alone (published before the second arrived), then the rest in one batch at the end.
    expect(deltas).toEqual(['one ', 'two three four five six seven eight']);
    // Sent to the stream at once: the coalescer is the only place tokens wait.
    expect(pub.events.every((p) => p.now)).toBe(true);
    expect(pub.closed()).toBe(1);
  });

  it('still answers when the publisher cannot be created (e.g. no Temporal client)', async () => {
    llm.script({ reply: 'fine anyway' });
    const res = await mockEnv().exec(
      activities({
        publisher: () => {
          throw new Error('no client');
        },
      }).llmComplete,
      request({ stream: { turnId: 't', round: 0 } }),
    );
    expect(res.content).toBe('fine anyway');
  });

  it('uses the Workflow Streams publisher by default', async () => {
    // No Temporal client in MockActivityEnvironment: the default publisher cannot be created, which is tolerated.
    llm.script({ reply: 'default publisher' });
    const openai = createOpenAIClient({ baseURL: llm.url, apiKey: 'k', model: 'm', timeoutMs: 10_000 });
    const res = await mockEnv().exec(
      createLlmActivities({ openai, defaultModel: 'm' }).llmComplete,
      request({ stream: { turnId: 't', round: 0 } }),
    );
    expect(res.content).toBe('default publisher');
  });

  it('assembles streamed tool-call deltas into complete tool calls', async () => {
    const args1 = { q: 'durable execution "quoted" ünïcode', limit: 5, nested: { a: [1, 2, 3] } };
    llm.script({
      content: 'Let me look.',
      toolCalls: [
        { id: 'call_x', name: 'web__search', arguments: args1 },
        { name: 'clock__now', arguments: {} },
      ],
    });
    const pub = memoryPublisher();
    const env = mockEnv(info());
    const res = await env.exec(
      activities({ publisher: pub.factory }).llmComplete,
      request({ tools: [SEARCH_TOOL], stream: { turnId: 't', round: 0 } }),
    );
    expect(res.finishReason).toBe('tool_calls');
    expect(res.content).toBe('Let me look.');
    expect(res.toolCalls).toHaveLength(2);
    expect(res.toolCalls[0]).toMatchObject({ id: 'call_x', name: 'web__search' });
    expect(JSON.parse(res.toolCalls[0]!.arguments)).toEqual(args1);
    expect(res.toolCalls[1]!.name).toBe('clock__now');
    expect(res.toolCalls[1]!.id).toMatch(/^call_/);
    expect(JSON.parse(res.toolCalls[1]!.arguments)).toEqual({});
    // Complete in its first read: no token events, the text is in the result.
    expect(pub.events).toEqual([]);
  });

  it('publishes nothing for a reply complete in its first read, and opens no publisher', async () => {
    llm.script({ reply: 'quick answer' });
    let opened = 0;
    const pub = memoryPublisher();
    const env = mockEnv(info());
    const res = await env.exec(
      activities({ publisher: (ctx) => (opened++, pub.factory(ctx)) }).llmComplete,
      request({ stream: { turnId: 't', round: 0 } }),
    );
    expect(res.content).toBe('quick answer');
    expect(opened).toBe(0);
    expect(pub.events).toEqual([]);
  });

  it('a connection dropped mid-stream is a retryable failure', async () => {
    llm.script({ disconnect: true, reply: 'one two three four five six', afterChunks: 3 });
    const env = mockEnv(info());
    const err = await failureOf(env.exec(activities().llmComplete, request({ stream: { turnId: 't', round: 0 } })));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(false);
  });

  it('a stalled stream is aborted and retryable', async () => {
    llm.script({ reply: 'a b c d', chunkDelayMs: 2_000 });
    const env = mockEnv(info());
    const err = await failureOf(
      env.exec(activities({ streamIdleTimeoutMs: 300 }).llmComplete, request({ stream: { turnId: 't', round: 0 } })),
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'LlmUnavailable', nonRetryable: false });
    expect((err as Error).message).toMatch(/stalled/);
    await llm.waitFor(() => llm.chatRequests()[0]?.aborted === true);
  });
});

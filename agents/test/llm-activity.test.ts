import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { Info } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { LlmRequest, SessionEvent, SummarizeRequest, TokenUsage, ToolSpec } from '@hub/contracts';
import { createOpenAIClient } from '../src/llm-config';
import type { SessionEventPublisherFactory } from '@hub/infra/streams';
import { createLlmActivities, type LlmActivityDeps } from '../src/llm-activity';
// Test fixture owned by this package's author; imported by path until @hub/infra exports it.
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../infra/src/testing/scripted-llm-server';

let llm: ScriptedLlmServer;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
});
afterAll(async () => {
  await llm?.close();
});
beforeEach(() => {
  llm.reset();
});

const WF = { workflowId: 'session/acme/s1', runId: 'run-1' };

function info(overrides: Partial<Info> = {}): Partial<Info> {
  return { workflowExecution: WF, activityId: '7', attempt: 1, heartbeatTimeoutMs: 3000, ...overrides };
}

const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** A MockActivityEnvironment with a typed `run` and without the worker's failure logging. */
function mockEnv(i: Partial<Info> = info()) {
  const env = new MockActivityEnvironment(i, { logger: quiet });
  return Object.assign(env, {
    exec: <A, R>(fn: (arg: A) => Promise<R>, arg: A): Promise<R> => env.run(fn, arg) as Promise<R>,
  });
}

interface Published {
  ev: SessionEvent;
  at: number;
}

function memoryPublisher(): { factory: SessionEventPublisherFactory; events: Published[]; closed: () => number } {
  const events: Published[] = [];
  let closed = 0;
  return {
    events,
    closed: () => closed,
    factory: () => ({
      publish: (ev) => events.push({ ev, at: Date.now() }),
      close: async () => {
        closed++;
      },
    }),
  };
}

function activities(extra: Partial<LlmActivityDeps> = {}, baseURL = llm.url) {
  const openai = createOpenAIClient({ baseURL, apiKey: 'test-key', model: 'ignored', timeoutMs: 10_000 });
  return createLlmActivities({ openai, defaultModel: 'test-model', publisher: memoryPublisher().factory, ...extra });
}

function request(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    temperature: 0.2,
    systemPrompt: 'You are a test assistant.',
    messages: [{ role: 'user', content: 'hello there' }],
    tools: [],
    ...overrides,
  };
}

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the activity to fail');
}

const SEARCH_TOOL: ToolSpec = {
  name: 'web__search',
  description: 'Search the web',
  parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
  requiresApproval: false,
};

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
    // Complete within the first batch window: no token events, the text is in the result.
    expect(pub.events).toEqual([]);
  });

  it('publishes nothing for a reply complete within the first batch window, and opens no publisher', async () => {
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

describe('summarizeConversation', () => {
  it('asks for a summary of the previous summary and messages', async () => {
    llm.script({ reply: '  The user asked about X; the assistant found Y.  ' });
    const env = mockEnv(info());
    const res = await env.exec<SummarizeRequest, { text: string; usage: TokenUsage }>(activities().summarizeConversation, {
      previousSummary: 'Earlier: the user introduced themselves as Ada.',
      messages: [
        { role: 'user', content: 'What is X?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'web__search', arguments: '{"q":"X"}' }] },
        { role: 'tool', toolCallId: 'c1', name: 'web__search', content: 'X is Y' },
        { role: 'assistant', content: 'X is Y.' },
      ],
    });
    expect(res.text).toBe('The user asked about X; the assistant found Y.');
    expect(res.usage.completionTokens).toBe(9);
    const rec = llm.chatRequests()[0];
    expect(rec?.body?.stream).toBeFalsy();
    expect(rec?.body?.model).toBe('test-model');
    expect(rec?.idempotencyKey).toBe('session/acme/s1/7');
    const prompt = JSON.stringify(rec?.body?.messages);
    for (const s of ['Ada', 'What is X?', 'web__search', 'X is Y']) expect(prompt).toContain(s);
  });

  it('an empty summary is a retryable failure', async () => {
    llm.script({ reply: '   ' });
    const env = mockEnv(info());
    const err = await failureOf(
      env.exec<SummarizeRequest, unknown>(activities().summarizeConversation, { messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(err).toMatchObject({ type: 'LlmUnavailable', nonRetryable: false });
  });
});

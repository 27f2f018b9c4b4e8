/** The shared OpenAI wire format (what the local model server and the scripted LLM fixture answer with). */
import { describe, expect, it } from 'vitest';
import {
  SSE_DONE,
  chunks,
  completionResponse,
  errorBody,
  modelList,
  modelObject,
  newCompletionId,
  newToolCallId,
  sseData,
  usageOf,
  wireToolCall,
} from '../src/openai-wire';

const meta = { id: 'chatcmpl-1', created: 1_700_000_000, model: 'm' };
const call = { id: 'call_1', name: 'search', arguments: '{"q":"x"}' };

describe('OpenAI wire format', () => {
  it('usage adds up, tool calls take the function shape', () => {
    expect(usageOf(3, 4)).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(wireToolCall(call)).toEqual({ id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } });
  });

  it('a completion: text, or tool calls with null content; usage only when given; keys in OpenAI order', () => {
    const text = completionResponse(meta, { content: 'hi', toolCalls: [], finishReason: 'stop', usage: usageOf(1, 1) });
    expect(JSON.stringify(text)).toBe(
      '{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"m",' +
        '"choices":[{"index":0,"message":{"role":"assistant","content":"hi","refusal":null},"logprobs":null,"finish_reason":"stop"}],' +
        '"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}',
    );
    const tools = completionResponse(meta, { content: '', toolCalls: [call], finishReason: 'tool_calls' });
    expect('usage' in tools).toBe(false);
    expect(tools.choices[0]!.message).toEqual({ role: 'assistant', content: null, refusal: null, tool_calls: [wireToolCall(call)] });
    // Text before tool calls is kept; any finish reason string passes through.
    const both = completionResponse(meta, { content: 'let me look', toolCalls: [call], finishReason: 'custom' });
    expect(both.choices[0]).toMatchObject({ message: { content: 'let me look' }, finish_reason: 'custom' });
  });

  it('stream chunks carry usage: null only when the client asked for usage', () => {
    expect(chunks.role(meta, false)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'm',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    });
    expect(chunks.role(meta, true, { withRefusal: true })).toMatchObject({
      choices: [{ delta: { role: 'assistant', content: '', refusal: null } }],
      usage: null,
    });
    expect(chunks.content(meta, 'He', true)).toMatchObject({ choices: [{ delta: { content: 'He' }, finish_reason: null }], usage: null });
    expect(chunks.finish(meta, 'tool_calls', false).choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' });
    expect(chunks.usage(meta, usageOf(2, 3))).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'm',
      choices: [],
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });
  });

  it('tool calls stream whole in one chunk, or started and then continued by argument fragments', () => {
    expect(chunks.toolCalls(meta, [call, { id: 'c2', name: 'now', arguments: '{}' }], false).choices[0]!.delta).toEqual({
      tool_calls: [
        { index: 0, ...wireToolCall(call) },
        { index: 1, id: 'c2', type: 'function', function: { name: 'now', arguments: '{}' } },
      ],
    });
    expect(chunks.toolCallStart(meta, 1, call, false).choices[0]!.delta).toEqual({
      tool_calls: [{ index: 1, id: 'call_1', type: 'function', function: { name: 'search', arguments: '' } }],
    });
    expect(chunks.toolCallArguments(meta, 1, '{"q"', false).choices[0]!.delta).toEqual({ tool_calls: [{ index: 1, function: { arguments: '{"q"' } }] });
  });

  it('SSE framing: one data event per JSON payload, [DONE] last', () => {
    expect(sseData({ a: 1 })).toBe('data: {"a":1}\n\n');
    expect(sseData('x\ny')).toBe('data: "x\\ny"\n\n');
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
  });

  it('model lists and error bodies', () => {
    expect(modelList([modelObject('a', 5, 'local')])).toEqual({ object: 'list', data: [{ id: 'a', object: 'model', created: 5, owned_by: 'local' }] });
    expect(JSON.stringify(errorBody({ message: 'Slow down', type: 'rate_limit_error' }))).toBe(
      '{"error":{"message":"Slow down","type":"rate_limit_error","param":null,"code":null}}',
    );
    expect(errorBody({ message: 'bad', type: 'invalid_request_error', param: 'n', code: 'invalid_value' }).error).toEqual({
      message: 'bad',
      type: 'invalid_request_error',
      param: 'n',
      code: 'invalid_value',
    });
  });

  it('ids look like OpenAI ids and do not repeat', () => {
    expect(newCompletionId()).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(newToolCallId()).toMatch(/^call_[0-9a-f]{24}$/);
    expect(newCompletionId()).not.toBe(newCompletionId());
  });
});

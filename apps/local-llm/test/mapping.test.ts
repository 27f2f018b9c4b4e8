/** Request/response mapping of the local model server: pure functions, no model. */
import { describe, expect, it } from 'vitest';
import { forcedToolCall, functionCallsToToolCalls, planGeneration, toChatHistory } from '../src/mapping';
import { SSE_DONE, chunks, completionResponse, sseData, usageOf } from '@hub/runtime/openai-wire';
import { OpenAIError, modelsResponse, parseChatRequest } from '../src/openai';

const calculator = {
  type: 'function' as const,
  function: {
    name: 'calculator',
    description: 'Evaluate an arithmetic expression',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { expression: { type: 'string', minLength: 1, maxLength: 1000, description: 'e.g. 2+2' } },
      required: ['expression'],
      additionalProperties: false,
    },
  },
};
const clock = { type: 'function' as const, function: { name: 'current_time', description: 'Now', parameters: { type: 'object', properties: {} } } };

function rejection(body: unknown): OpenAIError {
  try {
    parseChatRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(OpenAIError);
    return err as OpenAIError;
  }
  throw new Error('expected the request to be rejected');
}

describe('request validation (OpenAI-style 400s)', () => {
  it('accepts a minimal request, any model name, and ignores unknown fields', () => {
    const req = parseChatRequest({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], store: false, metadata: { a: 1 } });
    expect(req.model).toBe('gpt-4o-mini');
    expect(req.messages).toHaveLength(1);
  });

  it('names a missing required parameter', () => {
    const e = rejection({ messages: [{ role: 'user', content: 'hi' }] });
    expect(e.status).toBe(400);
    expect(e.toBody()).toEqual({
      error: { message: "Missing required parameter: 'model'.", type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' },
    });
  });

  it('names the offending nested field', () => {
    const e = rejection({ model: 'm', messages: [{ role: 'user', content: 'hi' }, { role: 'wizard', content: 'x' }] });
    expect(e.param).toBe('messages[1].role');
    expect(e.code).toBe('invalid_value');
    expect(e.type).toBe('invalid_request_error');
    expect(rejection({ model: 'm', messages: [] }).param).toBe('messages');
    expect(rejection({ model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 3 }).param).toBe('temperature');
    expect(rejection({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'bad name!' } }] }).param).toBe(
      'tools[0].function.name',
    );
    expect(rejection('just a string').code).toBe('invalid_body');
  });

  it('rejects what the server cannot honour, and inconsistent tool settings', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'x' }] };
    expect(rejection({ ...base, n: 2 })).toMatchObject({ param: 'n', code: 'unsupported_value' });
    expect(rejection({ ...base, logprobs: true })).toMatchObject({ param: 'logprobs', code: 'unsupported_parameter' });
    expect(rejection({ ...base, tool_choice: 'required' })).toMatchObject({ param: 'tool_choice' });
    expect(rejection({ ...base, tools: [calculator], tool_choice: { type: 'function', function: { name: 'nope' } } }).message).toMatch(
      /no function named 'nope'/,
    );
    expect(rejection({ ...base, tools: [calculator, calculator] }).param).toBe('tools[1].function.name');
    expect(rejection({ model: 'm', messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'call_x', content: '1' }] }).param).toBe(
      'messages[1].tool_call_id',
    );
  });

  it('turns a schema the grammar cannot express into a 400 naming the schema', () => {
    const req = parseChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { not: { type: 'string' } } } } } },
    });
    try {
      planGeneration(req, { maxTokens: 100 });
      throw new Error('expected a 400');
    } catch (err) {
      expect(err).toBeInstanceOf(OpenAIError);
      expect((err as OpenAIError).toBody().error).toMatchObject({ param: 'response_format.json_schema.schema', type: 'invalid_request_error' });
      expect((err as OpenAIError).message).toMatch(/'not' at \$\.properties\.a/);
    }
  });
});

describe('messages → chat history', () => {
  it('maps roles, joins text parts and ends with a model turn to generate into', () => {
    const history = toChatHistory(
      parseChatRequest({
        model: 'm',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Really ' }, { type: 'text', text: 'brief.' }] },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'And?' },
        ],
      }).messages,
    );
    expect(history).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'system', text: 'Really brief.' },
      { type: 'user', text: 'Hi' },
      { type: 'model', response: ['Hello!'] },
      { type: 'user', text: 'And?' },
      { type: 'model', response: [] },
    ]);
  });

  it('attaches tool results to their calls and continues the model turn after them', () => {
    const history = toChatHistory(
      parseChatRequest({
        model: 'm',
        messages: [
          { role: 'user', content: 'What is 6*7?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'calculator', arguments: '{"expression":"6*7"}' } },
              { id: 'call_b', type: 'function', function: { name: 'current_time', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_b', content: '12:00' },
          { role: 'tool', tool_call_id: 'call_a', content: '42' },
        ],
      }).messages,
    );
    expect(history).toEqual([
      { type: 'user', text: 'What is 6*7?' },
      {
        type: 'model',
        response: [
          { type: 'functionCall', name: 'calculator', params: { expression: '6*7' }, result: '42' },
          { type: 'functionCall', name: 'current_time', params: {}, result: '12:00' },
        ],
      },
    ]);
  });
});

describe('generation plans', () => {
  const req = (extra: Record<string, unknown>) => parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'What is 6*7?' }], ...extra });

  it('plain text by default, with OpenAI defaults and the server cap on max tokens', () => {
    const plan = planGeneration(req({ max_tokens: 5000, stop: 'END' }), { maxTokens: 256 });
    expect(plan.mode).toEqual({ kind: 'text' });
    expect(plan.maxTokens).toBe(256);
    expect(plan.temperature).toBe(1);
    expect(plan.stop).toEqual(['END']);
    expect(planGeneration(req({ max_completion_tokens: 12, temperature: 0.2, seed: 7 }), { maxTokens: 256 })).toMatchObject({
      maxTokens: 12,
      temperature: 0.2,
      seed: 7,
    });
  });

  it('tools with tool_choice auto use function calling with grammar-ready parameter schemas', () => {
    const plan = planGeneration(req({ tools: [calculator, clock], parallel_tool_calls: false }), { maxTokens: 64 });
    expect(plan.mode.kind).toBe('functions');
    if (plan.mode.kind !== 'functions') return;
    expect(Object.keys(plan.mode.functions)).toEqual(['calculator', 'current_time']);
    expect(plan.mode.functions['calculator']).toEqual({
      description: 'Evaluate an arithmetic expression',
      params: {
        type: 'object',
        properties: { expression: { type: 'string', description: 'e.g. 2+2', maxLength: 512, minLength: 1 } },
        required: ['expression'],
      },
    });
    expect(plan.mode.maxParallel).toBe(1);
    expect(planGeneration(req({ tools: [calculator], tool_choice: 'none' }), { maxTokens: 64 }).mode).toEqual({ kind: 'text' });
  });

  it('a named tool_choice forces that function: its parameters become the grammar and the prompt says so', () => {
    const plan = planGeneration(req({ tools: [calculator, clock], tool_choice: { type: 'function', function: { name: 'calculator' } } }), { maxTokens: 64 });
    expect(plan.mode).toMatchObject({ kind: 'forced-tool', name: 'calculator', schema: { type: 'object', required: ['expression'] } });
    const lastUser = plan.history.at(-2);
    expect(lastUser).toMatchObject({ type: 'user' });
    expect(lastUser?.type === 'user' && lastUser.text).toMatch(/^What is 6\*7\?\n\nCall the function `calculator` now\./);
    expect(plan.history.at(-1)).toEqual({ type: 'model', response: [] });
  });

  it('tool_choice required forces one of the tools: name + arguments under a oneOf grammar', () => {
    const plan = planGeneration(req({ tools: [calculator, clock], tool_choice: 'required' }), { maxTokens: 64 });
    expect(plan.mode.kind).toBe('forced-tool');
    if (plan.mode.kind !== 'forced-tool') return;
    expect(plan.mode.schema).toMatchObject({
      oneOf: [
        { type: 'object', properties: { name: { const: 'calculator' } }, required: ['name', 'arguments'] },
        { type: 'object', properties: { name: { const: 'current_time' } }, required: ['name', 'arguments'] },
      ],
    });
  });

  it('response_format json_schema and json_object use a grammar', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } }, required: ['city', 'population'] };
    expect(planGeneration(req({ response_format: { type: 'json_schema', json_schema: { name: 'c', schema, strict: true } } }), { maxTokens: 64 }).mode).toEqual({
      kind: 'json',
      schema: { type: 'object', properties: { city: { type: 'string', maxLength: 512 }, population: { type: 'integer' } }, required: ['city', 'population'] },
    });
    expect(planGeneration(req({ response_format: { type: 'json_object' } }), { maxTokens: 64 }).mode).toEqual({ kind: 'json' });
  });
});

describe('tool-call mapping', () => {
  it('a forced call always yields parseable arguments, even when the token limit cut the JSON off', () => {
    const plan = planGeneration(
      parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [calculator], tool_choice: { type: 'function', function: { name: 'calculator' } } }),
      { maxTokens: 64 },
    );
    if (plan.mode.kind !== 'forced-tool') throw new Error('expected forced-tool');
    const full = forcedToolCall(plan.mode, '{\n    "expression": "6*7"\n}\n\n\n\n');
    expect(full).toMatchObject({ name: 'calculator', arguments: '{"expression":"6*7"}' });
    expect(full.id).toMatch(/^call_[0-9a-f]{24}$/);
    const cut = forcedToolCall(plan.mode, '{\n    "expression": "6*7 and then some more te');
    expect(JSON.parse(cut.arguments)).toEqual({ expression: '6*7 and then some more te' });
  });

  it('"required" picks the named tool (falling back to the first) and its arguments object', () => {
    const plan = planGeneration(
      parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [calculator, clock], tool_choice: 'required' }),
      { maxTokens: 64 },
    );
    if (plan.mode.kind !== 'forced-tool') throw new Error('expected forced-tool');
    expect(forcedToolCall(plan.mode, '{"name": "current_time", "arguments": {}}')).toMatchObject({ name: 'current_time', arguments: '{}' });
    expect(forcedToolCall(plan.mode, '{"name": "calcu')).toMatchObject({ name: 'calculator', arguments: '{}' });
  });

  it('function calls from node-llama-cpp become OpenAI tool calls with JSON arguments', () => {
    const calls = functionCallsToToolCalls([{ functionName: 'calculator', params: { expression: '1+1' } }, { functionName: 'current_time', params: undefined }]);
    expect(calls.map((c) => [c.name, c.arguments])).toEqual([
      ['calculator', '{"expression":"1+1"}'],
      ['current_time', '{}'],
    ]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
  });
});

describe('response and chunk format', () => {
  const meta = { id: 'chatcmpl-1', created: 1_700_000_000, model: 'gemma-3-270m-q4_k_m' };

  it('a completion with tool calls has null content and finish_reason tool_calls', () => {
    const res = completionResponse(meta, {
      content: '',
      toolCalls: [{ id: 'call_1', name: 'calculator', arguments: '{"expression":"6*7"}' }],
      finishReason: 'tool_calls',
      usage: usageOf(10, 5),
    });
    expect(res).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gemma-3-270m-q4_k_m',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'calculator', arguments: '{"expression":"6*7"}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  });

  it('stream chunks: role first, content deltas, indexed tool calls, finish, then a usage chunk without choices', () => {
    expect(chunks.role(meta, true)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'gemma-3-270m-q4_k_m',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      usage: null,
    });
    expect(chunks.content(meta, 'Hel', false).choices[0]!.delta).toEqual({ content: 'Hel' });
    expect('usage' in chunks.content(meta, 'Hel', false)).toBe(false);
    expect(chunks.toolCalls(meta, [{ id: 'call_1', name: 'calculator', arguments: '{}' }], false).choices[0]!.delta).toEqual({
      tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'calculator', arguments: '{}' } }],
    });
    expect(chunks.finish(meta, 'length', false).choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'length' });
    expect(chunks.usage(meta, usageOf(3, 4))).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });
    expect(sseData({ a: 1 })).toBe('data: {"a":1}\n\n');
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
  });

  it('lists the model', () => {
    expect(modelsResponse([{ id: 'gemma', created: 5 }])).toEqual({ object: 'list', data: [{ id: 'gemma', object: 'model', created: 5, owned_by: 'local' }] });
  });
});

/**
 * The server on the REAL model (the provisioned default GGUF, or HUB_LOCAL_MODEL): no fakes. Assertions
 * are about format and parseability, never about timings or what the (tiny) model says.
 */
import { spawn } from 'node:child_process';
import { serve, type ServerType } from '@hono/node-server';
import { repoRoot } from '@hub/runtime';
import { findOrProvisionLocalModel, getFreePort } from '@hub/dev';
import OpenAI, { BadRequestError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalLlmApp } from '../src/app';
import { createEngine, type ChatEngine } from '../src/engine';
import { planGeneration } from '../src/mapping';
import { parseChatRequest } from '../src/openai';

const calculator = {
  type: 'function' as const,
  function: {
    name: 'calculator',
    description: 'Evaluate an arithmetic expression exactly. Returns the numeric result.',
    parameters: {
      type: 'object',
      properties: { expression: { type: 'string', minLength: 1, maxLength: 1000, description: 'The expression, e.g. "(2 + 3) * 4"' } },
      required: ['expression'],
      additionalProperties: false,
    },
  },
};
const currentTime = {
  type: 'function' as const,
  function: { name: 'current_time', description: 'The current date and time.', parameters: { type: 'object', properties: {}, additionalProperties: false } },
};

let engine: ChatEngine;
let server: ServerType;
let baseURL: string;
let client: OpenAI;

beforeAll(async () => {
  const model = await findOrProvisionLocalModel({ log: () => undefined });
  engine = await createEngine({ modelPath: model.path, modelId: model.id, parallel: 2, contextSize: 2048 });
  const app = createLocalLlmApp({ engine, maxTokens: 48 });
  const port = await getFreePort();
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  baseURL = `http://127.0.0.1:${port}/v1`;
  client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await engine?.close();
});

describe('local model server on the real model', () => {
  it('lists the loaded model under its real id', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([engine.modelId]);
    expect(engine.modelId).toMatch(/\S/);
  });

  it('streams a non-empty reply in OpenAI chunks, with usage, ending with [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini', // any name: served by the loaded model
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Say hello to the user.' },
      ],
      temperature: 0.2,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let first = true;
    let chunksSeen = 0;
    for await (const chunk of stream) {
      chunksSeen += 1;
      expect(chunk.object).toBe('chat.completion.chunk');
      expect(chunk.model).toBe(engine.modelId);
      if (first) {
        expect(chunk.choices[0]?.delta.role).toBe('assistant');
        first = false;
      }
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.trim().length).toBeGreaterThan(0);
    expect(chunksSeen).toBeGreaterThan(3);
    expect(['stop', 'length']).toContain(finish);
    expect(usage!.prompt_tokens).toBeGreaterThan(5);
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    expect(usage!.total_tokens).toBe(usage!.prompt_tokens + usage!.completion_tokens);
  });

  it('ends the raw SSE stream with data: [DONE]', async () => {
    const res = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], stream: true, max_tokens: 8 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    for (const e of events.slice(0, -1)) expect(() => JSON.parse(e.replace(/^data: /, '')) as unknown).not.toThrow();
  });

  it('a forced tool call (tool_choice naming the function) always parses, streamed or not', async () => {
    const res = await client.chat.completions.create({
      model: 'x',
      messages: [{ role: 'user', content: 'What is 6*7?' }],
      tools: [calculator, currentTime],
      tool_choice: { type: 'function', function: { name: 'calculator' } },
      temperature: 0.2,
    });
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') return;
    expect(call.function.name).toBe('calculator');
    const args = JSON.parse(call.function.arguments) as { expression?: unknown };
    expect(typeof args.expression).toBe('string');
    expect(call.id).toMatch(/^call_/);
    expect(res.usage!.completion_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: 'x',
      messages: [{ role: 'user', content: 'What is 12 divided by 4?' }],
      tools: [calculator],
      tool_choice: { type: 'function', function: { name: 'calculator' } },
      temperature: 0.2,
      stream: true,
    });
    const calls: Array<{ name: string; arguments: string }> = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
        calls[tc.index] ??= { name: '', arguments: '' };
        calls[tc.index]!.name += tc.function?.name ?? '';
        calls[tc.index]!.arguments += tc.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe('calculator');
    expect(typeof (JSON.parse(calls[0]!.arguments) as { expression?: unknown }).expression).toBe('string');
  });

  it('tool_choice "required" calls one of the offered tools with parseable arguments', async () => {
    const res = await client.chat.completions.create({
      model: 'x',
      messages: [{ role: 'user', content: 'What time is it?' }],
      tools: [calculator, currentTime],
      tool_choice: 'required',
      temperature: 0.2,
    });
    const call = res.choices[0]!.message.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(['calculator', 'current_time']).toContain(call.function.name);
    expect(typeof JSON.parse(call.function.arguments)).toBe('object');
  });

  it('response_format json_schema: the reply parses and has the schema’s shape', async () => {
    const res = await client.chat.completions.create({
      model: 'x',
      messages: [{ role: 'user', content: 'Name a large city, its country and its population.' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'city',
          strict: true,
          schema: {
            type: 'object',
            properties: { city: { type: 'string' }, country: { type: 'string' }, population: { type: 'integer' }, capital: { type: 'boolean' } },
            required: ['city', 'country', 'population', 'capital'],
            additionalProperties: false,
          },
        },
      },
      temperature: 0.2,
      max_tokens: 200,
    });
    expect(res.choices[0]!.finish_reason).toBe('stop');
    const value = JSON.parse(res.choices[0]!.message.content!) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['capital', 'city', 'country', 'population']);
    expect(typeof value['city']).toBe('string');
    expect(typeof value['country']).toBe('string');
    expect(Number.isInteger(value['population'])).toBe(true);
    expect(typeof value['capital']).toBe('boolean');
  });

  it('response_format json_schema: a reply cut off by max_tokens still parses (finish_reason length)', async () => {
    const body = {
      model: 'x',
      messages: [{ role: 'user' as const, content: 'Describe a city.' }],
      response_format: {
        type: 'json_schema' as const,
        json_schema: { name: 'city', schema: { type: 'object', properties: { city: { type: 'string' }, facts: { type: 'array', items: { type: 'string' } } }, required: ['city', 'facts'] } },
      },
      temperature: 0.2,
      max_tokens: 6,
    };
    const res = await client.chat.completions.create(body);
    expect(res.choices[0]!.finish_reason).toBe('length');
    expect(typeof JSON.parse(res.choices[0]!.message.content!)).toBe('object');

    const stream = await client.chat.completions.create({ ...body, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(typeof JSON.parse(text)).toBe('object');
  });

  it('continues after a tool result (the hub’s second round) and answers in text or another call', async () => {
    const res = await client.chat.completions.create({
      model: 'x',
      messages: [
        { role: 'user', content: 'What is 6*7?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'calculator', arguments: '{"expression":"6*7"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '42' },
      ],
      tools: [calculator],
      temperature: 0.2,
    });
    const msg = res.choices[0]!.message;
    expect((msg.content ?? '').length + (msg.tool_calls?.length ?? 0)).toBeGreaterThan(0);
    for (const tc of msg.tool_calls ?? []) if (tc.type === 'function') expect(() => JSON.parse(tc.function.arguments) as unknown).not.toThrow();
  });

  it('queues requests beyond the parallel sequences instead of failing them', async () => {
    const plan = planGeneration(parseChatRequest({ model: 'x', messages: [{ role: 'user', content: 'Count.' }], max_tokens: 6 }), { maxTokens: 6 });
    const runs = [0, 1, 2, 3].map(() => engine.generate(plan));
    // generate() asks for a sequence synchronously: two run, two wait.
    expect(engine.stats()).toEqual({ parallel: 2, busy: 2, queued: 2 });
    const results = await Promise.all(runs);
    for (const r of results) expect(r.completionTokens).toBeGreaterThan(0);
    expect(engine.stats()).toEqual({ parallel: 2, busy: 0, queued: 0 });

    // and over HTTP
    const replies = await Promise.all(
      [0, 1, 2].map((i) => client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: `Count to ${i + 2}.` }], max_tokens: 6 })),
    );
    expect(replies).toHaveLength(3);
    for (const r of replies) expect(['stop', 'length']).toContain(r.choices[0]!.finish_reason);
  });

  it('answers bad requests with OpenAI-style 400s that the SDK understands', async () => {
    const err = await client.chat.completions
      .create({ model: 'x', messages: [{ role: 'user', content: 'hi' }], tools: [calculator], tool_choice: { type: 'function', function: { name: 'nope' } } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).param).toBe('tool_choice');
    expect((err as BadRequestError).type).toBe('invalid_request_error');

    const res = await fetch(`${baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "x", "messages": [{"role": "user"}]}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { message: expect.stringMatching(/content/) as unknown, type: 'invalid_request_error', param: 'messages[0].content', code: 'invalid_value' },
    });
    const notFound = await fetch(`${baseURL}/embeddings`, { method: 'POST' });
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as { error: { code: string } }).error.code).toBe('unknown_url');
  });

  it('survives a client that disconnects mid-stream', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'Tell me a long story.' }], stream: true, max_tokens: 48 }),
      signal: ctrl.signal,
    });
    const reader = res.body!.getReader();
    await reader.read(); // the role chunk
    ctrl.abort();
    await reader.cancel().catch(() => undefined);
    const after = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 });
    expect(after.choices).toHaveLength(1);
    await expect.poll(() => engine.stats().busy, { timeout: 30_000 }).toBe(0);
  });
});

describe('the server process', () => {
  it('prints --help', async () => {
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const p = spawn(process.execPath, ['--import', 'tsx', 'apps/local-llm/src/main.ts', '--help'], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      p.on('exit', (code) => resolve({ code, stdout }));
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/POST \/v1\/chat\/completions/);
    expect(out.stdout).toMatch(/--parallel/);
    expect(out.stdout).toMatch(/HUB_LOCAL_MODEL/);
  });

  it('binds loopback, serves, and exits 0 on SIGTERM', async () => {
    const port = await getFreePort();
    const p = spawn(process.execPath, ['--import', 'tsx', 'apps/local-llm/src/main.ts', '--port', String(port), '--parallel', '1', '--context-size', '1024'], {
      cwd: repoRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HUB_LOG_LEVEL: 'info' },
    });
    const lines: string[] = [];
    p.stderr.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    await expect.poll(() => lines.some((l) => l.includes('"local llm ready"')), { timeout: 120_000, interval: 200 }).toBe(true);
    const ready = JSON.parse(lines.find((l) => l.includes('"local llm ready"'))!) as { url: string; model: string };
    expect(ready.url).toBe(`http://127.0.0.1:${port}/v1`);
    const models = (await (await fetch(`${ready.url}/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data[0]!.id).toBe(ready.model);
    p.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.some((l) => l.includes('"local llm stopped"'))).toBe(true);
  });
});

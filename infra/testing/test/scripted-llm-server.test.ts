/** Tests of the scripted LLM server TEST FIXTURE, using the real `openai` SDK as client. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OpenAI, { APIUserAbortError, AuthenticationError, RateLimitError } from 'openai';
import { splitWords, startScriptedLlmServer, type ScriptedLlmServer } from '../src/scripted-llm-server';

let llm: ScriptedLlmServer;
let client: OpenAI;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  client = new OpenAI({ baseURL: llm.url, apiKey: 'k', maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await llm?.close();
});
beforeEach(() => llm.reset());

const user = (content: string) => [{ role: 'user' as const, content }];

describe('scripted LLM server (test fixture)', () => {
  it('serves /v1/models and binds 127.0.0.1', async () => {
    expect(llm.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['scripted-model']);
  });

  it('echoes by default, with usage and the recorded request', async () => {
    const res = await client.chat.completions.create(
      { model: 'm1', messages: user('hello big world') },
      { headers: { 'Idempotency-Key': 'key-1' } },
    );
    expect(res.choices[0]?.message.content).toBe('You said: hello big world');
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expect(res.model).toBe('m1');
    expect(res.usage).toEqual({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', idempotencyKey: 'key-1', completed: true });
    expect(llm.requests[0]?.body?.messages).toEqual(user('hello big world'));
  });

  it('streams scripted replies word by word, with usage in the last chunk', async () => {
    llm.script({ reply: 'one two three four', chunkDelayMs: 5 });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: user('x'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta.content) deltas.push(c.delta.content);
      if (c?.finish_reason) finish = c.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas).toEqual(['one ', 'two ', 'three ', 'four']);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ completion_tokens: 4 });
  });

  it('streams tool calls as OpenAI-style deltas', async () => {
    llm.script({ toolCalls: [{ name: 'search', arguments: { q: 'temporal workflows', n: 3 } }, { id: 'c2', name: 'now', arguments: '{}' }] });
    const stream = await client.chat.completions.create({ model: 'm', messages: user('x'), stream: true });
    const calls: Record<number, { id?: string; name: string; args: string }> = {};
    let fragments = 0;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      for (const tc of c?.delta.tool_calls ?? []) {
        const acc = (calls[tc.index] ??= { name: '', args: '' });
        if (tc.id) acc.id = tc.id;
        if (tc.function?.name) acc.name += tc.function.name;
        if (tc.function?.arguments) {
          acc.args += tc.function.arguments;
          fragments++;
        }
      }
      if (c?.finish_reason) finish = c.finish_reason;
    }
    expect(finish).toBe('tool_calls');
    expect(calls[0]?.name).toBe('search');
    expect(calls[0]?.id).toMatch(/^call_/);
    expect(JSON.parse(calls[0]!.args)).toEqual({ q: 'temporal workflows', n: 3 });
    expect(calls[1]).toMatchObject({ id: 'c2', name: 'now', args: '{}' });
    expect(fragments).toBeGreaterThan(2);
  });

  it('returns tool calls and JSON content without streaming', async () => {
    llm.script({ toolCalls: [{ id: 'c1', name: 'search', arguments: { q: 'x' } }] }, { json: { ok: true, n: 1 } });
    const a = await client.chat.completions.create({ model: 'm', messages: user('x') });
    expect(a.choices[0]?.finish_reason).toBe('tool_calls');
    expect(a.choices[0]?.message.tool_calls).toEqual([{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } }]);
    const b = await client.chat.completions.create({ model: 'm', messages: user('x') });
    expect(JSON.parse(b.choices[0]?.message.content ?? '')).toEqual({ ok: true, n: 1 });
  });

  it('answers scripted HTTP errors with an OpenAI-style body and Retry-After', async () => {
    llm.script(
      { error: { status: 401, message: 'Incorrect API key provided' } },
      { error: { status: 429, message: 'Slow down', retryAfter: 3 } },
    );
    const e1 = await client.chat.completions.create({ model: 'm', messages: user('x') }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(AuthenticationError);
    expect((e1 as AuthenticationError).error).toMatchObject({ message: 'Incorrect API key provided', type: 'authentication_error' });
    const e2 = await client.chat.completions.create({ model: 'm', messages: user('x') }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(RateLimitError);
    expect((e2 as RateLimitError).headers.get('retry-after')).toBe('3');
  });

  it('uses a responder function when the queue is empty, and one-shot functions in the queue', async () => {
    llm.setResponder((req) => ({ reply: `n=${req.body?.messages?.length}` }));
    llm.script(() => ({ reply: 'from queue' }));
    const a = await client.chat.completions.create({ model: 'm', messages: user('x') });
    const b = await client.chat.completions.create({ model: 'm', messages: [...user('x'), ...user('y')] });
    expect(a.choices[0]?.message.content).toBe('from queue');
    expect(b.choices[0]?.message.content).toBe('n=2');
    expect(llm.pending()).toBe(0);
  });

  it('hangs until the client aborts, and records the abort', async () => {
    llm.script({ hang: true });
    const ac = new AbortController();
    const p = client.chat.completions.create({ model: 'm', messages: user('x') }, { signal: ac.signal }).catch((e: unknown) => e);
    await llm.waitFor(() => llm.requests.length === 1);
    ac.abort();
    expect(await p).toBeInstanceOf(APIUserAbortError);
    await llm.waitFor(() => llm.requests[0]?.aborted === true);
    expect(llm.requests[0]?.completed).toBe(false);
  });

  it('applies delayMs before answering', async () => {
    llm.script({ delayMs: 200 });
    const t0 = Date.now();
    const res = await client.chat.completions.create({ model: 'm', messages: user('wait') });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(res.choices[0]?.message.content).toBe('You said: wait');
  });

  it('firstChunkDelayMs holds the first token (not the headers) that long, then the rest follow', async () => {
    llm.script({ reply: 'first then the rest', firstChunkDelayMs: 150 });
    const stream = await client.chat.completions.create({ model: 'm', messages: user('x'), stream: true });
    const arrivals: Array<{ content: string | undefined; at: number }> = [];
    for await (const chunk of stream) arrivals.push({ content: chunk.choices[0]?.delta.content ?? undefined, at: Date.now() });
    // The role chunk comes with the headers; the first word waits for the delay (the fixture's own sleep).
    expect(arrivals[0]?.content).toBe('');
    const firstWord = arrivals.findIndex((a) => a.content === 'first ');
    expect(firstWord).toBe(1);
    expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(140);
    expect(arrivals.map((a) => a.content ?? '').join('')).toBe('first then the rest');
  });

  it('splitWords keeps every character', () => {
    for (const s of ['', 'a', ' lead and trail ', 'multi\n\nline  text']) expect(splitWords(s).join('')).toBe(s);
  });

  it('instant mode answers at once with a single chunk', async () => {
    const fast = await startScriptedLlmServer({ instant: true, instantReply: 'pong' });
    try {
      const c = new OpenAI({ baseURL: fast.url, apiKey: 'k', maxRetries: 0 });
      const stream = await c.chat.completions.create({ model: 'm', messages: user('x'), stream: true });
      const deltas: string[] = [];
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
      expect(deltas).toEqual(['pong']);
    } finally {
      await fast.close();
    }
  });

  it('runs standalone and prints its URL', async () => {
    const file = fileURLToPath(new URL('../src/scripted-llm-server.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const line = out.split('\n')[0];
          if (out.includes('\n') && line) resolve(line.trim());
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const c = new OpenAI({ baseURL: url, apiKey: 'k', maxRetries: 0 });
      const res = await c.chat.completions.create({ model: 'm', messages: user('ping') });
      expect(res.choices[0]?.message.content).toBe('You said: ping');
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

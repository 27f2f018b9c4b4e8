/** The local model server's JSON schema → grammar mapping, the sequence queue and its configuration. */
import { describe, expect, it } from 'vitest';
import { loadLocalLlmConfig } from '../src/config';
import { SequencePool } from '../src/engine';
import { closeJsonPrefix, toGbnfSchema, UnsupportedSchemaError } from '../src/json-schema';

describe('JSON schema → grammar schema', () => {
  it('keeps structure, drops validation-only keywords, bounds strings and arrays', () => {
    expect(
      toGbnfSchema({
        $schema: 'x',
        title: 'T',
        type: 'object',
        properties: {
          n: { type: 'number', minimum: 0 },
          tags: { type: 'array', items: { type: 'string', pattern: '^a' } },
          kind: { enum: ['a', 'b'] },
          maybe: { anyOf: [{ type: 'string', maxLength: 3 }, { type: 'null' }] },
          when: { type: 'string', format: 'date' },
          any: {},
          ref: { $ref: '#/definitions/Pt' },
        },
        required: ['n'],
        definitions: { Pt: { type: 'object', properties: { x: { type: 'integer' } } } },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        n: { type: 'number' },
        tags: { type: 'array', items: { type: 'string', maxLength: 512 }, maxItems: 32 },
        kind: { enum: ['a', 'b'] },
        maybe: { oneOf: [{ type: 'string', maxLength: 3 }, { type: 'null' }] },
        when: { type: 'string', format: 'date' },
        any: { oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object', additionalProperties: true }, { type: 'array' }] },
        ref: { $ref: '#/$defs/Pt' },
      },
      required: ['n'],
      $defs: { Pt: { type: 'object', properties: { x: { type: 'integer' } } } },
    });
  });

  it('refuses what it cannot express, with the path', () => {
    expect(() => toGbnfSchema({ type: 'object', properties: { a: { allOf: [{}, {}] } } })).toThrow(UnsupportedSchemaError);
    expect(() => toGbnfSchema({ type: 'object', required: ['b'], properties: { a: { type: 'string' } } })).toThrow(/required.*b/);
    expect(() => toGbnfSchema({ $ref: '#/elsewhere' })).toThrow(/\$ref/);
  });
});

describe('closeJsonPrefix', () => {
  it.each([
    ['{"a": 1}', { a: 1 }],
    ['{"a": "he', { a: 'he' }],
    ['{"a": "he\\', { a: 'he' }],
    ['{"a": "x\\u00', { a: 'x' }],
    ['{"a": [1, 2', { a: [1, 2] }],
    ['{"a": tr', { a: true }],
    ['{"a": nu', { a: null }],
    ['{"a": -', { a: 0 }],
    ['{"a": 1.', { a: 1 }],
    ['{"a": 1, ', { a: 1 }],
    ['{"a": 1, "b', { a: 1, b: null }],
    ['{"a": 1, "b"', { a: 1, b: null }],
    ['{"a": {"b": ', { a: { b: null } }],
    ['{"a": [{"b": "c"}, {"d"', { a: [{ b: 'c' }, { d: null }] }],
    ['', {}],
  ])('%j → %j', (prefix, expected) => {
    expect(JSON.parse(closeJsonPrefix(prefix))).toEqual(expected);
  });
});

describe('sequence queue', () => {
  it('hands free sequences out, queues the rest in arrival order, and refuses beyond the queue limit', async () => {
    const pool = new SequencePool(['s1', 's2'], 2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    const order: string[] = [];
    const c = pool.acquire().then((s) => (order.push(`c:${s}`), s));
    const d = pool.acquire().then((s) => (order.push(`d:${s}`), s));
    await expect(pool.acquire()).rejects.toMatchObject({ status: 429, code: 'queue_full' });
    expect({ busy: pool.busy, queued: pool.queued }).toEqual({ busy: 2, queued: 2 });
    pool.release(b);
    pool.release(a);
    expect(await Promise.all([c, d])).toEqual([b, a]);
    expect(order).toEqual([`c:${b}`, `d:${a}`]);
  });

  it('drops a waiter whose request was aborted, and fails waiters on close', async () => {
    const pool = new SequencePool(['s1'], 10);
    const s = await pool.acquire();
    const ctrl = new AbortController();
    const aborted = pool.acquire(ctrl.signal);
    const waiting = pool.acquire();
    ctrl.abort(new Error('client went away'));
    await expect(aborted).rejects.toThrow('client went away');
    expect(pool.queued).toBe(1);
    pool.release(s);
    expect(await waiting).toBe('s1');
    const late = pool.acquire();
    pool.close();
    await expect(late).rejects.toMatchObject({ status: 503 });
  });
});

describe('configuration', () => {
  it('flags win over environment variables; defaults otherwise', () => {
    expect(loadLocalLlmConfig([], {})).toEqual({
      modelPath: undefined,
      modelId: undefined,
      host: '127.0.0.1',
      port: 8788,
      parallel: 2,
      contextSize: 4096,
      threads: undefined,
      maxTokens: 512,
      maxQueue: 256,
    });
    expect(
      loadLocalLlmConfig(['--port', '0', '--parallel=1', '--model', '/m.gguf'], { HUB_LOCAL_LLM_PORT: '9', HUB_LOCAL_LLM_MAX_TOKENS: '64', HUB_LOCAL_MODEL: '/x.gguf' }),
    ).toMatchObject({ port: 0, parallel: 1, maxTokens: 64, modelPath: '/m.gguf' });
  });

  it('refuses non-loopback hosts, unknown flags and bad numbers, naming them', () => {
    expect(() => loadLocalLlmConfig(['--host', '0.0.0.0'])).toThrow(/--host must be a loopback address/);
    expect(() => loadLocalLlmConfig(['--verbose'])).toThrow(/unknown argument "--verbose"/);
    expect(() => loadLocalLlmConfig([], { HUB_LOCAL_LLM_PARALLEL: '0' })).toThrow(/HUB_LOCAL_LLM_PARALLEL must be an integer from 1/);
    expect(() => loadLocalLlmConfig(['--port'])).toThrow(/--port needs a value/);
  });
});

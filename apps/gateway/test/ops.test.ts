/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * /healthz and /readyz (stub services: the readiness check is injected), and which LLM the
 * workers use (local model server or remote endpoint), which /readyz reports. The real
 * Temporal check: sessions.test.ts (readiness).
 */
import { describe, expect, it } from 'vitest';
import { describeLlm } from '../src/llm-info';
import { json, makeStubApp } from './helpers';

describe('describeLlm', () => {
  it('local: the embedded model server that npm start runs', () => {
    expect(describeLlm({ HUB_LLM_MODE: 'local', OPENAI_BASE_URL: 'http://127.0.0.1:8788/v1', HUB_MODEL: 'gemma-3-270m-q4_k_m' })).toEqual({
      mode: 'local',
      baseURL: 'http://127.0.0.1:8788/v1',
      model: 'gemma-3-270m-q4_k_m',
    });
  });

  it('remote: OpenAI defaults when nothing is set, and no credentials from the URL', () => {
    expect(describeLlm({})).toEqual({ mode: 'remote', baseURL: 'https://api.openai.com/v1', model: 'gpt-4o-mini' });
    expect(describeLlm({ OPENAI_BASE_URL: 'https://user:secret@llm.example/v1/?key=abc', HUB_MODEL: 'llama3' })).toEqual({
      mode: 'remote',
      baseURL: 'https://llm.example/v1',
      model: 'llama3',
    });
  });
});

describe('/readyz', () => {
  it('reports the LLM in details.llm next to the Temporal check', async () => {
    const llm = { mode: 'local' as const, baseURL: 'http://127.0.0.1:8788/v1', model: 'gemma-3-270m-q4_k_m' };
    const { app } = makeStubApp({}, { llm });
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ ok: true, details: { temporal: 'ok', llm } });
  });

  it('keeps reporting it when not ready', async () => {
    const llm = { mode: 'remote' as const, baseURL: 'https://api.openai.com/v1', model: 'gpt-4o-mini' };
    const { app } = makeStubApp({ ops: { readiness: async () => ({ ok: false, details: { temporal: 'down' } }) } }, { llm });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await json(res)).toEqual({ ok: false, details: { temporal: 'down', llm } });
  });

  it('has no llm entry when the option is not given', async () => {
    const { app } = makeStubApp();
    const body: any = await json(await app.request('/readyz'));
    expect(body.details.llm).toBeUndefined();
    expect(body.details.temporal).toBe('ok');
  });
});

describe('/readyz when not ready', () => {
  it('/readyz is 503 when the injected check fails (or throws)', async () => {
    const { app: down } = makeStubApp({ ops: { readiness: async () => ({ ok: false, details: { temporal: 'down' } }) } });
    const res = await down.request('/readyz');
    expect(res.status).toBe(503);
    expect(await json(res)).toEqual({ ok: false, details: { temporal: 'down' } });
    const { app: throwing } = makeStubApp({
      ops: {
        readiness: async () => {
          throw new Error('boom');
        },
      },
    });
    const res2 = await throwing.request('/readyz');
    expect(res2.status).toBe(503);
    expect((await json(res2)).details.error).toBe('boom');
  });
});

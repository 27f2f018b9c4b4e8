import { describe, expect, it } from 'vitest';
import { createOpenAIClient, loadLlmConfig } from '../src/llm-config';

describe('loadLlmConfig', () => {
  it('uses defaults when nothing is set', () => {
    expect(loadLlmConfig({})).toEqual({ baseURL: undefined, apiKey: 'not-set', model: 'gpt-4o-mini', timeoutMs: 120000 });
  });

  it('reads the environment', () => {
    expect(
      loadLlmConfig({
        OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1',
        OPENAI_API_KEY: 'sk-test',
        HUB_MODEL: 'llama3',
        HUB_LLM_TIMEOUT_MS: '5000',
      }),
    ).toEqual({ baseURL: 'http://127.0.0.1:1234/v1', apiKey: 'sk-test', model: 'llama3', timeoutMs: 5000 });
  });

  it('treats empty values as unset', () => {
    expect(loadLlmConfig({ OPENAI_API_KEY: '', HUB_MODEL: ' ', OPENAI_BASE_URL: '' })).toMatchObject({
      apiKey: 'not-set',
      model: 'gpt-4o-mini',
      baseURL: undefined,
    });
  });

  it('rejects an invalid timeout', () => {
    expect(() => loadLlmConfig({ HUB_LLM_TIMEOUT_MS: 'soon' })).toThrow(/HUB_LLM_TIMEOUT_MS/);
    expect(() => loadLlmConfig({ HUB_LLM_TIMEOUT_MS: '-1' })).toThrow(/HUB_LLM_TIMEOUT_MS/);
  });
});

describe('createOpenAIClient', () => {
  it('disables SDK retries and applies the timeout', () => {
    const c = createOpenAIClient({ baseURL: 'http://127.0.0.1:1/v1', apiKey: 'k', model: 'm', timeoutMs: 4321 });
    expect(c.maxRetries).toBe(0);
    expect(c.timeout).toBe(4321);
    expect(c.baseURL).toBe('http://127.0.0.1:1/v1');
  });

  it('defaults to the OpenAI API without consulting process.env itself', () => {
    const c = createOpenAIClient({ baseURL: undefined, apiKey: 'not-set', model: 'm', timeoutMs: 1000 });
    expect(c.baseURL).toBe('https://api.openai.com/v1');
  });
});

/**
 * LLM connection settings from the environment, and the OpenAI client factory.
 *
 * - OPENAI_BASE_URL      base URL of an OpenAI-compatible API (default: the SDK default, api.openai.com)
 * - OPENAI_API_KEY       API key (default: a placeholder, so local servers that ignore auth work)
 * - HUB_MODEL            default model id (default: gpt-4o-mini)
 * - HUB_LLM_TIMEOUT_MS   per-request timeout in ms (default: 120000)
 */
import OpenAI from 'openai';

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const DEFAULT_LLM_TIMEOUT_MS = 120_000;
/** Sent when OPENAI_API_KEY is unset; local OpenAI-compatible servers usually ignore it. */
export const PLACEHOLDER_API_KEY = 'not-set';
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface LlmConfig {
  /** Undefined means the SDK default (https://api.openai.com/v1). */
  baseURL: string | undefined;
  apiKey: string;
  /** Model used when neither the request nor the profile names one. */
  model: string;
  timeoutMs: number;
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/** Reads the LLM settings from `env` (default `process.env`). Throws on an invalid HUB_LLM_TIMEOUT_MS. */
export function loadLlmConfig(env: Record<string, string | undefined> = process.env): LlmConfig {
  const rawTimeout = nonEmpty(env.HUB_LLM_TIMEOUT_MS);
  let timeoutMs = DEFAULT_LLM_TIMEOUT_MS;
  if (rawTimeout !== undefined) {
    timeoutMs = Number(rawTimeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new Error(`HUB_LLM_TIMEOUT_MS must be a positive integer (milliseconds), got '${rawTimeout}'`);
    }
  }
  return {
    baseURL: nonEmpty(env.OPENAI_BASE_URL),
    apiKey: nonEmpty(env.OPENAI_API_KEY) ?? PLACEHOLDER_API_KEY,
    model: nonEmpty(env.HUB_MODEL) ?? DEFAULT_MODEL,
    timeoutMs,
  };
}

/**
 * Creates the OpenAI client used by the LLM activities. SDK retries are off
 * (`maxRetries: 0`): the Temporal activity retry policy is the only retry layer.
 */
export function createOpenAIClient(config: LlmConfig = loadLlmConfig()): OpenAI {
  return new OpenAI({
    apiKey: config.apiKey,
    // Always explicit: left undefined, the SDK would read process.env.OPENAI_BASE_URL itself.
    baseURL: config.baseURL ?? OPENAI_DEFAULT_BASE_URL,
    maxRetries: 0,
    timeout: config.timeoutMs,
  });
}

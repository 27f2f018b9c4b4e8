/**
 * LLM connection settings from the environment, and the OpenAI client factory.
 *
 * - OPENAI_BASE_URL      base URL of an OpenAI-compatible API (default: the SDK default, api.openai.com)
 * - OPENAI_API_KEY       API key (default: a placeholder, so local servers that ignore auth work)
 * - HUB_MODEL            default model id (default: gpt-4o-mini)
 * - HUB_LLM_TIMEOUT_MS   per-request timeout in ms (default: 120000)
 * - HUB_LLM_TOOL_CHOICE  `auto` (default: the model decides), `required`, or a tool name: force a tool call
 *                        on the first model call of each turn (a request that offers tools and whose last
 *                        message is not a tool result), as OpenAI's `tool_choice`. Later calls of the turn
 *                        stay `auto`, so the model can answer with the tool's result.
 */
import OpenAI from 'openai';

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const DEFAULT_LLM_TIMEOUT_MS = 120_000;
/** Sent when OPENAI_API_KEY is unset; local OpenAI-compatible servers usually ignore it. */
export const PLACEHOLDER_API_KEY = 'not-set';
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** HUB_LLM_TOOL_CHOICE: `auto`, `required`, or the name of the tool to force. */
export type ToolChoiceSetting = 'auto' | 'required' | { name: string };

export interface LlmConfig {
  /** Undefined means the SDK default (https://api.openai.com/v1). */
  baseURL: string | undefined;
  apiKey: string;
  /** Model used when neither the request nor the profile names one. */
  model: string;
  timeoutMs: number;
  /** Forced tool use on the first model call of a turn (HUB_LLM_TOOL_CHOICE); default auto. */
  toolChoice?: ToolChoiceSetting;
  /** Extra headers on every request (a hub.config.json provider's `headers`). */
  headers?: Record<string, string>;
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
  const rawChoice = nonEmpty(env.HUB_LLM_TOOL_CHOICE);
  let toolChoice: ToolChoiceSetting = 'auto';
  if (rawChoice !== undefined && rawChoice !== 'auto') {
    if (rawChoice === 'required') toolChoice = 'required';
    else if (/^[a-zA-Z0-9_-]{1,64}$/.test(rawChoice)) toolChoice = { name: rawChoice };
    else throw new Error(`HUB_LLM_TOOL_CHOICE must be auto, required or a tool name, got '${rawChoice}'`);
  }
  return {
    baseURL: nonEmpty(env.OPENAI_BASE_URL),
    apiKey: nonEmpty(env.OPENAI_API_KEY) ?? PLACEHOLDER_API_KEY,
    model: nonEmpty(env.HUB_MODEL) ?? DEFAULT_MODEL,
    timeoutMs,
    ...(toolChoice !== 'auto' ? { toolChoice } : {}),
  };
}

/**
 * Sets `tool_choice` on a chat-completions request body per HUB_LLM_TOOL_CHOICE: only when the request
 * offers tools (the named tool, for a name) and its last message is not a tool result, and only when the
 * caller set no `tool_choice` itself.
 */
export function applyToolChoice(body: Record<string, unknown>, setting: ToolChoiceSetting | undefined): void {
  if (setting === undefined || setting === 'auto' || body['tool_choice'] !== undefined) return;
  const tools = Array.isArray(body['tools']) ? (body['tools'] as Array<{ function?: { name?: unknown } }>) : [];
  const messages = Array.isArray(body['messages']) ? (body['messages'] as Array<{ role?: unknown }>) : [];
  if (tools.length === 0 || messages.at(-1)?.role === 'tool') return;
  if (setting === 'required') body['tool_choice'] = 'required';
  else if (tools.some((t) => t.function?.name === setting.name)) body['tool_choice'] = { type: 'function', function: { name: setting.name } };
}

/** The OpenAI client, plus HUB_LLM_TOOL_CHOICE applied to every chat-completions request. */
class HubOpenAI extends OpenAI {
  constructor(
    opts: ConstructorParameters<typeof OpenAI>[0],
    private readonly toolChoice: ToolChoiceSetting | undefined,
  ) {
    super(opts);
  }

  protected override async prepareOptions(...args: Parameters<OpenAI['prepareOptions']>): Promise<void> {
    await super.prepareOptions(...args);
    const [options] = args;
    if (options.path === '/chat/completions' && typeof options.body === 'object' && options.body !== null) {
      applyToolChoice(options.body as Record<string, unknown>, this.toolChoice);
    }
  }
}

/**
 * Creates the OpenAI client used by the LLM activities. SDK retries are off
 * (`maxRetries: 0`): the Temporal activity retry policy is the only retry layer.
 */
export function createOpenAIClient(config: LlmConfig = loadLlmConfig()): OpenAI {
  const opts = {
    apiKey: config.apiKey,
    // Always explicit: left undefined, the SDK would read process.env.OPENAI_BASE_URL itself.
    baseURL: config.baseURL ?? OPENAI_DEFAULT_BASE_URL,
    maxRetries: 0,
    timeout: config.timeoutMs,
    ...(config.headers ? { defaultHeaders: config.headers } : {}),
  };
  return config.toolChoice === undefined || config.toolChoice === 'auto' ? new OpenAI(opts) : new HubOpenAI(opts, config.toolChoice);
}

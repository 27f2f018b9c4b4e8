/**
 * The zod-free half of models and providers: what `providers` and `models` of hub.config.json describe
 * (plain types), an agent's model route (an alias or an ordered list of aliases, tried in turn), how a
 * call's usage is priced, and the `llm.fallback` record. The schemas of the same shapes are in `./schemas`.
 */

/** The provider that needs no configuration: OPENAI_BASE_URL / OPENAI_API_KEY (under `npm start`, the local model). */
export const DEFAULT_PROVIDER = 'default';

/** An OpenAI-compatible endpoint (`providers.<name>` of hub.config.json). */
export interface ProviderConfig {
  baseURL: string;
  /** Name of the environment variable holding the API key (never the key itself). */
  apiKeyEnv?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Per-request timeout (ms); default HUB_LLM_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Most requests in flight to this provider from one worker; the rest wait. */
  maxConcurrent?: number;
  /** How long a provider that failed with a retryable error is passed over by new calls (ms); default 30 s. */
  cooldownMs?: number;
}

/** Prices in US dollars per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

/** A model alias (`models.<alias>` of hub.config.json). */
export interface ModelConfig {
  provider: string;
  /** The provider's model id. */
  model: string;
  contextWindow?: number;
  /** Caps `max_tokens` of every call to this model. */
  maxOutputTokens?: number;
  price?: ModelPrice;
}

/** An agent's `model`: one alias (or provider model id), or aliases in the order they are tried. */
export type ModelRoute = string | string[];

/** Most entries of a model route. */
export const MAX_MODEL_ROUTE = 8;

/** The route as a list (an unset or empty route is `[]`: the deployment default). */
export function routeOf(model: ModelRoute | undefined): string[] {
  if (model === undefined) return [];
  return (Array.isArray(model) ? model : [model]).filter((m) => m.length > 0);
}

/** The first entry of a route, for displays that show one model. */
export function primaryModelOf(model: ModelRoute | undefined): string | undefined {
  return routeOf(model)[0];
}

/** What one call costs at `price` (US dollars, rounded to a billionth of a dollar). */
export function priceOf(price: ModelPrice | undefined, promptTokens: number, completionTokens: number): number {
  if (!price) return 0;
  const usd = (promptTokens * price.inputPerMTok + completionTokens * price.outputPerMTok) / 1_000_000;
  return Math.round(usd * 1e9) / 1e9;
}

/** Sums two costs without floating-point dust. */
export function addCost(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined && b === undefined) return undefined;
  return Math.round(((a ?? 0) + (b ?? 0)) * 1e9) / 1e9;
}

/** Which model served a call, and the ones passed over before it (with why). */
export interface ModelServed {
  /** The route entry (an alias, or a model id of the default provider). */
  alias: string;
  provider: string;
  /** The provider's model id. */
  model: string;
}

export interface ModelFallback {
  /** The route entry passed over. */
  from: string;
  provider: string;
  /** The error, or `cooldown` when the provider was cooling down after earlier failures. */
  reason: string;
}

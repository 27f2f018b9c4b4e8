/**
 * Model routing: hub.config.json's `providers` and `models` turned into OpenAI clients, an agent's model
 * route (an alias, or aliases in order) resolved into the calls to try, and the cooldown of providers that
 * fail with retryable errors (a provider in cooldown is passed over by new calls while a later route entry
 * is available; it comes back when its cooldown ends).
 *
 * A route entry that is not an alias is a model id of the `default` provider (OPENAI_BASE_URL, today's
 * behaviour), so deployments without `models` work unchanged. Each provider's `maxConcurrent` bounds the
 * requests this worker has in flight to it; the rest wait their turn, in order.
 *
 * The cooldown is kept by each worker process (see the README's Known limits: it is not yet shared between
 * workers through Temporal).
 */
import type OpenAI from 'openai';
import {
  DEFAULT_PROVIDER,
  type ModelConfig,
  type ModelPrice,
  type ModelRoute,
  type ProviderConfig,
  routeOf,
} from '@hub/contracts';
import { createOpenAIClient, PLACEHOLDER_API_KEY, type ToolChoiceSetting } from '../llm-config';

/** One call to try: a route entry resolved to its provider's client and model id. */
export interface ModelCandidate {
  /** The route entry (alias, or model id of the default provider). */
  alias: string;
  provider: string;
  /** The provider's model id. */
  model: string;
  client: OpenAI;
  price?: ModelPrice;
  maxOutputTokens?: number;
  /** Waits for a free slot of the provider (`maxConcurrent`); call the returned function when done. */
  acquire(signal?: AbortSignal): Promise<() => void>;
}

export interface ModelRouter {
  /** The calls a request with this route tries, in order (an empty route: the deployment default). */
  resolve(route: ModelRoute | undefined): ModelCandidate[];
  /** Whether new calls pass this provider over (it failed with a retryable error less than its cooldown ago). */
  coolingDown(provider: string): boolean;
  /** A retryable failure: the provider cools down for its `cooldownMs` (or `retryAfterMs`, when longer). */
  reportFailure(provider: string, retryAfterMs?: number): void;
  /** A success ends the provider's cooldown. */
  reportSuccess(provider: string): void;
}

export const DEFAULT_COOLDOWN_MS = 30_000;

export interface ModelRouterOptions {
  /** The default provider's client (OPENAI_BASE_URL) and model (HUB_MODEL). */
  defaultClient: OpenAI;
  defaultModel: string;
  providers?: Record<string, ProviderConfig>;
  models?: Record<string, ModelConfig>;
  /** Per-request timeout of providers that set none (HUB_LLM_TIMEOUT_MS). */
  timeoutMs?: number;
  /** HUB_LLM_TOOL_CHOICE, applied on every provider. */
  toolChoice?: ToolChoiceSetting;
  env?: Record<string, string | undefined>;
  now?: () => number;
}

/** FIFO slots: at most `limit` holders at once. */
class Slots {
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.#active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.#waiting.indexOf(wake);
          if (i >= 0) this.#waiting.splice(i, 1);
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted while waiting for a provider slot'));
        };
        this.#waiting.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    } else {
      this.#active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.#active--;
    };
  }
}

const unbounded = async (): Promise<() => void> => () => undefined;

/** Checks `providers`/`models` against the environment (API key variables) and builds the router. */
export function createModelRouter(opts: ModelRouterOptions): ModelRouter {
  const env = opts.env ?? process.env;
  const now = opts.now ?? Date.now;
  const providers = opts.providers ?? {};
  const models = opts.models ?? {};
  const clients = new Map<string, OpenAI>();
  const slots = new Map<string, Slots>();
  const cooldownUntil = new Map<string, number>();

  for (const [name, p] of Object.entries(providers)) {
    let apiKey = PLACEHOLDER_API_KEY;
    if (p.apiKeyEnv !== undefined) {
      const key = env[p.apiKeyEnv]?.trim();
      if (!key) throw new Error(`hub.config.json providers.${name}.apiKeyEnv: the environment variable ${p.apiKeyEnv} is not set`);
      apiKey = key;
    }
    clients.set(
      name,
      createOpenAIClient({
        baseURL: p.baseURL,
        apiKey,
        model: '',
        timeoutMs: p.timeoutMs ?? opts.timeoutMs ?? opts.defaultClient.timeout,
        ...(opts.toolChoice !== undefined ? { toolChoice: opts.toolChoice } : {}),
        ...(p.headers ? { headers: p.headers } : {}),
      }),
    );
    if (p.maxConcurrent !== undefined) slots.set(name, new Slots(p.maxConcurrent));
  }
  if (!clients.has(DEFAULT_PROVIDER)) clients.set(DEFAULT_PROVIDER, opts.defaultClient);

  function candidate(entry: string): ModelCandidate {
    const m = models[entry];
    const provider = m?.provider ?? DEFAULT_PROVIDER;
    const client = clients.get(provider);
    if (!client) throw new Error(`model '${entry}' names provider '${provider}', which is not configured`);
    const s = slots.get(provider);
    return {
      alias: entry,
      provider,
      model: m?.model ?? entry,
      client,
      ...(m?.price ? { price: m.price } : {}),
      ...(m?.maxOutputTokens !== undefined ? { maxOutputTokens: m.maxOutputTokens } : {}),
      acquire: s ? (signal) => s.acquire(signal) : unbounded,
    };
  }

  // Aliases are resolved once; plain model ids (of the default provider) are resolved per call, unkept.
  const aliases = new Map(Object.keys(models).map((alias) => [alias, candidate(alias)]));
  return {
    resolve(route) {
      const entries = routeOf(route);
      return (entries.length > 0 ? entries : [opts.defaultModel]).map((e) => aliases.get(e) ?? candidate(e));
    },
    coolingDown(provider) {
      const until = cooldownUntil.get(provider);
      if (until === undefined) return false;
      if (now() < until) return true;
      cooldownUntil.delete(provider);
      return false;
    },
    reportFailure(provider, retryAfterMs) {
      const ms = Math.max(providers[provider]?.cooldownMs ?? DEFAULT_COOLDOWN_MS, retryAfterMs ?? 0);
      if (ms > 0) cooldownUntil.set(provider, now() + ms);
    },
    reportSuccess(provider) {
      cooldownUntil.delete(provider);
    },
  };
}

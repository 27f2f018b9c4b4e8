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
 * The cooldown is kept by each worker process and, when a shared source is given (`cooldowns`, see
 * shared-cooldown.ts: the `providers/health` workflow), by every worker of the namespace: a provider that
 * failed on one worker is passed over by all of them until its cooldown ends.
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
  reportFailure(provider: string, retryAfterMs?: number, reason?: string): void;
  /** A success ends the provider's cooldown. */
  reportSuccess(provider: string): void;
}

export const DEFAULT_COOLDOWN_MS = 30_000;

/**
 * Cooldowns shared with other workers (see createSharedCooldowns). Answers synchronously from what it knows;
 * telling it never throws (it passes the news on in the background).
 */
export interface CooldownSource {
  /** Whether the provider is cooling down for the workers (by their shared state or this worker's news). */
  coolingDown(provider: string): boolean;
  /** This worker saw the provider fail: it cools down for `ms` from now, for every worker. */
  reportFailure(provider: string, ms: number, reason?: string): void;
  /** This worker's call to the provider succeeded (ends a shared cooldown it knows of). */
  reportSuccess(provider: string): void;
}

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
  /** Cooldowns shared by the workers (the `providers/health` workflow); default: this process's only. */
  cooldowns?: CooldownSource;
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

  const shared = opts.cooldowns;
  function coolingLocally(provider: string): boolean {
    const until = cooldownUntil.get(provider);
    if (until === undefined) return false;
    if (now() < until) return true;
    cooldownUntil.delete(provider);
    return false;
  }

  // Aliases are resolved once; plain model ids (of the default provider) are resolved per call, unkept.
  const aliases = new Map(Object.keys(models).map((alias) => [alias, candidate(alias)]));
  return {
    resolve(route) {
      const entries = routeOf(route);
      return (entries.length > 0 ? entries : [opts.defaultModel]).map((e) => aliases.get(e) ?? candidate(e));
    },
    coolingDown(provider) {
      return coolingLocally(provider) || (shared?.coolingDown(provider) ?? false);
    },
    reportFailure(provider, retryAfterMs, reason) {
      const ms = Math.max(providers[provider]?.cooldownMs ?? DEFAULT_COOLDOWN_MS, retryAfterMs ?? 0);
      if (ms <= 0) return;
      cooldownUntil.set(provider, now() + ms);
      shared?.reportFailure(provider, ms, reason);
    },
    reportSuccess(provider) {
      cooldownUntil.delete(provider);
      shared?.reportSuccess(provider);
    },
  };
}

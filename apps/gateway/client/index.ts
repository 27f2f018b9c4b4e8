/**
 * `@hub/gateway/client`: a typed client of the gateway's public API, shared by
 * the CLI and the web app. Browser-safe (web-standard APIs only).
 *
 * - The types are generated from docs/openapi.json (`./openapi.d.ts`, by
 *   `npm run openapi`); nothing here restates an API type by hand.
 * - {@link createHubClient} is an openapi-fetch client (`GET`, `POST`, … with
 *   typed paths, params, bodies and responses) plus `events()` for the SSE
 *   streams, resumable with Last-Event-ID.
 * - Every POST and DELETE carries an `Idempotency-Key` (one per call, unless the
 *   caller sets one) and is sent again with the same key after a network error,
 *   503 or 504: the gateway answers a repeat with the original result.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './openapi';
import { subscribeEvents, type SseMessage, type SubscribeOptions } from './sse';

export type { components, operations, paths } from './openapi';
export { parseSse, subscribeEvents, SseHttpError, type SseMessage, type SubscribeOptions } from './sse';

/** A schema of the API by name, e.g. `Schema<'SessionState'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];
/** The gateway's error body, `{ error: { code, message, details? } }`. */
export type ApiError = Schema<'Error'>;

/** Paths of the SSE streams. */
export type EventsPath = '/v1/sessions/{id}/events' | '/v1/research/{id}/events' | '/v1/tasks/{id}/events';

export interface HubClientOptions {
  /** Gateway base URL, e.g. `http://127.0.0.1:8787` (a browser app on the gateway itself may pass `location.origin`). */
  url: string;
  /** Bearer API key (`HUB_API_KEYS` on the gateway); omit when the gateway runs without keys. */
  apiKey?: string | undefined;
  fetch?: typeof fetch;
  /** More openapi-fetch options (headers, querySerializer, …). */
  options?: Omit<ClientOptions, 'baseUrl' | 'fetch'>;
}

export type HubClient = Client<paths> & {
  readonly url: string;
  /** Messages of an event stream until `stream.end`; reconnects with Last-Event-ID after a drop. */
  events(
    path: EventsPath,
    id: string,
    options?: Omit<SubscribeOptions, 'url' | 'apiKey' | 'fetch'>,
  ): AsyncGenerator<SseMessage, void, undefined>;
};

/** Attempts of a POST or DELETE (same Idempotency-Key each time) on a network error, 503 or 504. */
export const IDEMPOTENT_ATTEMPTS = 3;

/** A random key (crypto.randomUUID needs a secure context; getRandomValues does not). */
function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `fetch` that gives POST and DELETE an Idempotency-Key and retries them safely with it. */
export function idempotentFetch(base: typeof fetch = (...args) => globalThis.fetch(...args)): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    if (request.method !== 'POST' && request.method !== 'DELETE') return base(request);
    if (!request.headers.has('idempotency-key')) request.headers.set('idempotency-key', newKey());
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= IDEMPOTENT_ATTEMPTS;
      try {
        const res = await base(request.clone());
        if (last || (res.status !== 503 && res.status !== 504)) return res;
      } catch (err) {
        if (last || request.signal.aborted) throw err;
      }
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  };
}

export function createHubClient(o: HubClientOptions): HubClient {
  const url = o.url.replace(/\/+$/, '');
  const headers: Record<string, string> = {};
  if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;
  const extra = o.options ?? {};
  const client = createClient<paths>({
    ...extra,
    baseUrl: url,
    headers: { ...headers, ...(extra.headers as Record<string, string> | undefined) },
    fetch: idempotentFetch(o.fetch),
  });
  return Object.assign(client, {
    url,
    events: (path: EventsPath, id: string, options: Omit<SubscribeOptions, 'url' | 'apiKey' | 'fetch'> = {}) =>
      subscribeEvents({
        ...options,
        url: url + path.replace('{id}', encodeURIComponent(id)),
        apiKey: o.apiKey,
        ...(o.fetch ? { fetch: o.fetch } : {}),
      }),
  });
}

/** The `{error}` body's message of a failed call, or a fallback naming the HTTP status. */
export function errorMessage(error: unknown, response?: Response): string {
  const e = (error as Partial<ApiError> | undefined)?.error;
  if (e?.message) return `${e.code ?? 'error'}: ${e.message}`;
  return response ? `HTTP ${response.status} ${response.statusText}`.trim() : String(error);
}

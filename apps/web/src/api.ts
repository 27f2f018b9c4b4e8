/**
 * The web app's access to the gateway: the shared typed client
 * (`@hub/gateway/client`, generated from docs/openapi.json), an API key kept in
 * localStorage, and small helpers around it. No API type is restated here.
 */
import { createHubClient, errorMessage, idempotentFetch, SseHttpError, type EventsPath, type HubClient, type SseMessage } from '@hub/gateway/client';
import type { BudgetState, TopupInput, UsageGroup, UsageResponse } from '@hub/contracts';

export type { Schema } from '@hub/gateway/client';

const KEY_STORAGE = 'hub.apiKey';

export function storedApiKey(): string {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function storeApiKey(key: string): void {
  try {
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
  } catch {
    /* storage unavailable: the key lasts for this page only */
  }
}

/** The API key each client was made with (for {@link callApi}). */
const clientKeys = new WeakMap<HubClient, string>();

/** A client for the gateway that served this page (same origin). */
export function hubClient(apiKey: string): HubClient {
  const client = createHubClient({ url: location.origin, apiKey: apiKey || undefined });
  clientKeys.set(client, apiKey);
  return client;
}

/** A failed call: the HTTP status and the gateway's `{error: {code, message, details}}`. */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${code}: ${message}`);
  }
}

/**
 * A JSON call of a route the generated client does not type yet (added since
 * docs/openapi.json was last generated): same base URL, API key and
 * Idempotency-Key retries as the client. Throws {@link ApiCallError}.
 */
export async function callApi<T>(client: HubClient, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = clientKeys.get(client);
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await idempotentFetch()(client.url + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiCallError(res.status, e?.code ?? 'error', e?.message ?? `HTTP ${res.status} ${res.statusText}`.trim(), e?.details);
  }
  return data as T;
}

/** Throws the gateway's `{error}` message when a call failed; returns its data otherwise. */
export function must<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || r.data === undefined) throw new Error(errorMessage(r.error, r.response));
  return r.data;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The state of a followed event stream. */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'error';

export interface FollowOptions {
  /** Called with every message (durable events and stream.* messages). */
  onMessage: (msg: SseMessage) => void;
  /** live: connected; reconnecting: the connection dropped and is being resumed; ended; error (with message). */
  onStatus?: (status: StreamStatus, detail?: string) => void;
  signal: AbortSignal;
}

/**
 * Follows an event stream until it ends or `signal` aborts. Drops are resumed
 * with Last-Event-ID by the client; when it gives up (the gateway was away for
 * longer), this keeps resuming from the last event id every few seconds, so a
 * restarted gateway is picked up again without losing or repeating events.
 * A refused stream (404, 409, 401) ends it with an error status.
 */
export async function follow(client: HubClient, path: EventsPath, id: string, o: FollowOptions): Promise<void> {
  let lastEventId: string | undefined;
  let connects = 0;
  for (;;) {
    if (o.signal.aborted) return;
    try {
      for await (const msg of client.events(path, id, {
        signal: o.signal,
        lastEventId,
        maxRetries: 4,
        retryDelayMs: 500,
        onConnect: () => o.onStatus?.(connects++ === 0 ? 'connecting' : 'reconnecting'),
      })) {
        if (msg.id !== undefined) lastEventId = msg.id;
        o.onStatus?.('live');
        o.onMessage(msg);
        if (msg.event === 'stream.end') {
          o.onStatus?.('ended');
          return;
        }
      }
      if (o.signal.aborted) return;
    } catch (err) {
      if (o.signal.aborted) return;
      if (err instanceof SseHttpError) {
        o.onStatus?.('error', err.message);
        return;
      }
      o.onStatus?.('reconnecting', messageOf(err));
      await new Promise((r) => setTimeout(r, 3_000));
    }
  }
}

// ---- usage and budgets (issue 14) ------------------------------------------------------

/** `GET /v1/usage`: from/to are `YYYY-MM-DD` (UTC, inclusive); tenant only for admin keys (default: the key's). */
export interface UsageQuery {
  from?: string;
  to?: string;
  groupBy: readonly UsageGroup[];
  tenant?: string;
}

/** Throws {@link ApiCallError} (status, code, message) when a typed call failed; returns its data otherwise. */
export function mustOk<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error === undefined && r.data !== undefined) return r.data;
  const e = (r.error as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  throw new ApiCallError(r.response.status, e?.code ?? 'error', e?.message ?? `HTTP ${r.response.status} ${r.response.statusText}`.trim(), e?.details);
}

/** Usage rows (calls, tokens, cost) grouped as asked, with their total. Throws {@link ApiCallError}. */
export async function getUsage(client: HubClient, q: UsageQuery): Promise<UsageResponse> {
  const query = { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ...(q.groupBy.length ? { groupBy: q.groupBy.join(',') } : {}), ...(q.tenant ? { tenant: q.tenant } : {}) };
  return mustOk(await client.GET('/v1/usage', { params: { query } }));
}

/** A tenant's budget now: limits, spent, reserved, the period. Throws {@link ApiCallError}. */
export async function getBudget(client: HubClient, tenant: string): Promise<BudgetState> {
  return mustOk(await client.GET('/v1/budgets/{tenant}', { params: { path: { tenant } } }));
}

/**
 * Adds usd and/or tokens to a tenant's budget for this period (admin keys; the
 * POST carries an Idempotency-Key, kept across its retries). Answers the budget after it.
 * Throws {@link ApiCallError}: 403 for a key that is not an admin's, 409 when budgets are off.
 */
export async function topupBudget(client: HubClient, tenant: string, input: TopupInput): Promise<BudgetState> {
  return mustOk(await client.POST('/v1/budgets/{tenant}/topup', { params: { path: { tenant } }, body: input }));
}

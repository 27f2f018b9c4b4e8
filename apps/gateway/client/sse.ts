/**
 * Server-Sent Events over fetch, for Node (>= 18) and browsers alike: only
 * web-standard APIs (fetch, ReadableStream, TextDecoder, AbortSignal,
 * setTimeout). EventSource is not used because it cannot send an
 * Authorization header.
 *
 * The gateway's streams (`/v1/sessions/{id}/events`, `/v1/research/{id}/events`,
 * `/v1/tasks/{id}/events`) send `id: <offset>` on every durable event and end
 * with `event: stream.end`; `stream.error` means "reconnect with
 * Last-Event-ID". {@link subscribeEvents} does that reconnecting.
 */

/** One dispatched SSE message. `id` is the last event id seen on the stream (as the spec defines it), if any. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/**
 * Parses a `text/event-stream` body into messages, per the WHATWG
 * event-stream rules: CRLF/LF/CR line ends, `:` comments, `event`/`data`/`id`
 * fields, multi-line data joined with `\n`, a message dispatched at a blank
 * line (a message without data is not dispatched).
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let lastId: string | undefined;
  let event = '';
  let data: string[] = [];
  let sawCr = false;

  const dispatch = (): SseMessage | undefined => {
    const msg = data.length > 0 ? { ...(lastId !== undefined ? { id: lastId } : {}), event: event || 'message', data: data.join('\n') } : undefined;
    event = '';
    data = [];
    return msg;
  };
  const field = (line: string): void => {
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'event') event = value;
    else if (name === 'data') data.push(value);
    else if (name === 'id' && !value.includes('\0')) lastId = value;
  };

  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const ch = buffer[i];
        if (ch !== '\n' && ch !== '\r') continue;
        if (ch === '\n' && sawCr && i === start) {
          // The LF of a CRLF split across chunks.
          sawCr = false;
          start = i + 1;
          continue;
        }
        const line = buffer.slice(start, i);
        if (ch === '\r') {
          if (buffer[i + 1] === '\n') i++;
          else sawCr = i + 1 === buffer.length;
        } else sawCr = false;
        start = i + 1;
        if (line === '') {
          const msg = dispatch();
          if (msg) yield msg;
        } else field(line);
      }
      buffer = buffer.slice(start);
      if (done) return; // An incomplete final message is discarded, as the spec says.
    }
  } finally {
    reader.releaseLock();
    void body.cancel().catch(() => {});
  }
}

export interface SubscribeOptions {
  /** Absolute URL of the event stream, e.g. `${base}/v1/sessions/${id}/events`. */
  url: string;
  /** Bearer API key, if the gateway requires one. */
  apiKey?: string | undefined;
  /** Resume after this event id (sent as `Last-Event-ID`). */
  lastEventId?: string | undefined;
  signal?: AbortSignal | undefined;
  /** How many reconnects in a row (without any event in between) before giving up. Default 5. */
  maxRetries?: number;
  /** Delay before a reconnect, in ms; doubles per failed attempt. Default 500. */
  retryDelayMs?: number;
  fetch?: typeof fetch;
  /** Called each time a (re)connection is opened, with the Last-Event-ID it resumed from. */
  onConnect?: (lastEventId: string | undefined) => void;
}

/** The HTTP error of a stream request that the server refused (4xx/5xx), with the gateway's `{error}` body when it sent one. */
export class SseHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    super(err?.message ? `${status} ${err.code ?? ''}: ${err.message}` : `HTTP ${status}`);
    this.name = 'SseHttpError';
  }
}

/** `stream.end` sent because the gateway stops (its reason asks for a reconnect), not because the stream is over. */
function isShutdownEnd(data: string): boolean {
  try {
    const reason = (JSON.parse(data) as { reason?: unknown }).reason;
    return typeof reason === 'string' && reason.includes('reconnect with Last-Event-ID');
  } catch {
    return false;
  }
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Yields a gateway event stream's messages until `stream.end` (which is
 * yielded too) or `signal` aborts. A dropped connection or a `stream.error`
 * message is followed by a reconnect with `Last-Event-ID`, so no durable event
 * is lost or repeated. HTTP errors (401, 404, …) throw {@link SseHttpError};
 * giving up after `maxRetries` rethrows the last network error.
 */
export async function* subscribeEvents(o: SubscribeOptions): AsyncGenerator<SseMessage, void, undefined> {
  const doFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const maxRetries = o.maxRetries ?? 5;
  const baseDelay = o.retryDelayMs ?? 500;
  let lastId = o.lastEventId;
  let failures = 0;
  for (;;) {
    if (o.signal?.aborted) return;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;
    if (lastId !== undefined) headers['last-event-id'] = lastId;
    let lastError: unknown;
    try {
      o.onConnect?.(lastId);
      const res = await doFetch(o.url, { headers, signal: o.signal ?? null });
      if (!res.ok) {
        let body: unknown;
        try {
          body = await res.json();
        } catch {
          body = undefined;
        }
        // 5xx (Temporal unreachable, no worker) may pass; anything else is final.
        if (res.status < 500) throw new SseHttpError(res.status, body);
        lastError = new SseHttpError(res.status, body);
      } else if (res.body) {
        for await (const msg of parseSse(res.body)) {
          if (msg.id !== undefined) lastId = msg.id;
          if (msg.event === 'stream.error') {
            lastError = new Error(`stream.error: ${msg.data}`);
            break;
          }
          if (msg.event === 'stream.end' && isShutdownEnd(msg.data)) {
            // The gateway is shutting down, not the stream ending: resume elsewhere (or once it is back).
            lastError = new Error('gateway shut down the stream');
            break;
          }
          failures = 0;
          yield msg;
          if (msg.event === 'stream.end') return;
        }
      }
    } catch (err) {
      if (err instanceof SseHttpError || o.signal?.aborted) {
        if (o.signal?.aborted) return;
        throw err;
      }
      lastError = err;
    }
    failures++;
    if (failures > maxRetries) throw lastError ?? new Error('event stream closed without stream.end');
    await sleep(baseDelay * 2 ** (failures - 1), o.signal);
  }
}

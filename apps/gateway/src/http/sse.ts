/**
 * The SSE bridge: a workflow's durable event stream (workflow-streams) as Server-Sent Events,
 * for every events route (sessions, research jobs, tasks).
 *
 * Wire format: one SSE message per stream item, `id: <offset>`, `event: <type>`, `data: <JSON>`.
 * Gateway-generated messages have no id: `stream.truncated` (events were dropped, see below),
 * `stream.end` (the workflow ended, or the server is shutting down), `stream.error` (the
 * subscription failed; reconnect with Last-Event-ID), and `: ping` comments every 15 s.
 * Resume with `Last-Event-ID: N` (from N+1) or `?from=N` ({@link resumeOffset}).
 *
 * Truncation: `WorkflowStreamClient.subscribe()` handles a `TruncatedOffset` poll failure itself
 * by silently restarting from offset 0, which the workflow side treats as "from the current base
 * offset". The services therefore subscribe to *all* topics (whose offsets are contiguous) and the
 * bridge forwards only the `events` topic; a jump in offsets means items were truncated, and it
 * sends `event: stream.truncated` before the first item after the gap. A fresh connection
 * (offset 0) never reports truncation.
 */
import { z } from '@hono/zod-openapi';
import { SESSION_EVENTS_TOPIC } from '@hub/contracts';
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { LogFields, Logger } from '../log';
import type { StreamItem } from '../temporal/streams';
import type { GatewayMetrics } from '@hub/runtime/metrics';
import type { GatewayEnv } from './env';
import { describeError } from './error-handler';
import { countSseClient } from './metrics';

/** Settings of every SSE stream of the app. */
export interface SseSettings {
  /** Keep-alive comment interval. */
  keepAliveMs: number;
  /** Aborted on server shutdown: ends every open stream. */
  shutdown?: AbortSignal | undefined;
  /** Where open streams are counted (`hub_sse_clients`); none: not counted. */
  metrics?: GatewayMetrics | undefined;
}

// ------------------------------------------------------------ resuming (the one Last-Event-ID / ?from= parser)

export const EventsQuery = z.object({
  from: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({
      type: 'integer',
      minimum: 0,
      param: { name: 'from', in: 'query' },
      description: 'Stream offset to start from (inclusive, >= 0). Overridden by Last-Event-ID (which resumes after that id).',
    }),
});

export const EventsHeaders = z.object({
  'last-event-id': z
    .string()
    .regex(/^\d{1,15}$/, 'Last-Event-ID must be a stream offset (a non-negative integer)')
    .optional()
    .openapi({ param: { name: 'last-event-id', in: 'header' } }),
});

/** The offset to stream from: after `Last-Event-ID` when sent, else `?from=`, else 0. */
export function resumeOffset(query: z.output<typeof EventsQuery>, headers: z.output<typeof EventsHeaders>): number {
  const lastEventId = headers['last-event-id'];
  return lastEventId !== undefined ? Number(lastEventId) + 1 : (query.from ?? 0);
}

/** The 200 response of an events route. */
export const sseResponse = (description: string) => ({
  description,
  content: { 'text/event-stream': { schema: z.string().openapi({ description: 'SSE stream' }) } },
});

// ------------------------------------------------------------ the pump

export interface PumpOptions {
  stream: SSEStreamingApi;
  items: AsyncGenerator<StreamItem, void, unknown>;
  fromOffset: number;
  keepAliveMs: number;
  /** Aborted on server shutdown: ends the stream. */
  shutdown?: AbortSignal | undefined;
  log: Logger;
  /** Why the stream ended, in the final `stream.end` event (default: the session ended). */
  endReason?: string | undefined;
}

function eventName(item: StreamItem): string {
  const t = (item.data as { type?: unknown } | null)?.type;
  return typeof t === 'string' && /^[\w.-]{1,64}$/.test(t) ? t : item.topic;
}

/** Forwards stream items to the SSE stream until the stream ends, the client goes away or the server shuts down. */
export async function pumpEvents(o: PumpOptions): Promise<'ended' | 'aborted' | 'shutdown' | 'error'> {
  const { stream, items } = o;
  let stop: (why: 'aborted' | 'shutdown') => void = () => {};
  const stopped = new Promise<'aborted' | 'shutdown'>((resolve) => (stop = resolve));
  stream.onAbort(() => stop('aborted'));
  const onShutdown = (): void => stop('shutdown');
  if (o.shutdown?.aborted) stop('shutdown');
  o.shutdown?.addEventListener('abort', onShutdown, { once: true });
  const ping = setInterval(() => void stream.write(': ping\n\n'), o.keepAliveMs);
  ping.unref?.();

  let expected = o.fromOffset;
  let outcome: 'ended' | 'aborted' | 'shutdown' | 'error' = 'ended';
  try {
    await stream.write(`: session event stream from offset ${o.fromOffset}\n\n`);
    for (;;) {
      const next = items.next();
      next.catch(() => {}); // may settle after we stopped waiting for it
      const r = await Promise.race([next, stopped]);
      if (r === 'aborted' || r === 'shutdown') {
        outcome = r;
        break;
      }
      if (r.done) break;
      const item = r.value;
      if (item.offset > expected && expected > 0) {
        await stream.writeSSE({
          event: 'stream.truncated',
          data: JSON.stringify({
            message: `Events from offset ${expected} to ${item.offset - 1} are no longer retained; resuming at offset ${item.offset}.`,
            requestedOffset: expected,
            resumedAt: item.offset,
          }),
        });
      }
      expected = Math.max(expected, item.offset + 1);
      if (item.topic !== SESSION_EVENTS_TOPIC) continue;
      await stream.writeSSE({ id: String(item.offset), event: eventName(item), data: JSON.stringify(item.data ?? null) });
    }
    if (outcome === 'ended') await stream.writeSSE({ event: 'stream.end', data: JSON.stringify({ reason: o.endReason ?? 'session ended' }) });
    else if (outcome === 'shutdown') {
      await stream.writeSSE({ event: 'stream.end', data: JSON.stringify({ reason: 'server shutting down; reconnect with Last-Event-ID' }) });
    }
  } catch (err) {
    outcome = 'error';
    o.log.warn('event stream failed', { err, nextOffset: expected });
    await stream.writeSSE({ event: 'stream.error', data: JSON.stringify({ ...describeError(err), nextOffset: expected }) });
  } finally {
    clearInterval(ping);
    o.shutdown?.removeEventListener('abort', onShutdown);
    // Ends the subscription. If a poll is in flight, return() takes effect once it settles.
    void items.return(undefined).catch(() => {});
  }
  return outcome;
}

// ------------------------------------------------------------ the response of an events route

export interface EventStreamOptions {
  /** Opens the subscription (from `fromOffset`). */
  open: () => AsyncGenerator<StreamItem, void, unknown>;
  fromOffset: number;
  /** `stream.end` reason once the workflow ends (default: the session ended). */
  endReason?: string | undefined;
  /**
   * Given for a workflow that has closed (its stream can no longer be polled): the one event that
   * tells its outcome, sent instead of the stream, before `stream.end`.
   */
  closed?: (() => Promise<{ event: string; data: unknown }>) | undefined;
  /** Fields of the `event stream ended` debug line, e.g. `{ sessionId }`. */
  logFields: LogFields;
}

/** The SSE response of an events route. */
export function streamEvents(c: Context<GatewayEnv>, settings: SseSettings, o: EventStreamOptions): Response {
  const log = c.get('log');
  return streamSSE(c, countSseClient(settings.metrics, c, async (stream) => {
    if (o.closed) {
      const { event, data } = await o.closed();
      await stream.writeSSE({ event, data: JSON.stringify(data) });
      await stream.writeSSE({ event: 'stream.end', data: JSON.stringify({ reason: o.endReason }) });
      return;
    }
    const outcome = await pumpEvents({
      stream,
      items: o.open(),
      fromOffset: o.fromOffset,
      keepAliveMs: settings.keepAliveMs,
      shutdown: settings.shutdown,
      log,
      endReason: o.endReason,
    });
    log.debug('event stream ended', { ...o.logFields, outcome });
  }));
}

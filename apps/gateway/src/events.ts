/**
 * Bridges a session's durable event stream (workflow-streams) to Server-Sent
 * Events.
 *
 * Wire format: one SSE message per stream item, `id: <offset>`,
 * `event: <SessionEvent.type>`, `data: <SessionEvent JSON>`. Gateway-generated
 * messages have no id: `stream.truncated` (events were dropped, see below),
 * `stream.end` (the session ended; the stream will not produce more),
 * `stream.error` (the subscription failed; reconnect with Last-Event-ID),
 * and `: ping` comments every 15 s.
 *
 * Truncation: `WorkflowStreamClient.subscribe()` handles a `TruncatedOffset`
 * poll failure itself by silently restarting from offset 0, which the
 * workflow side treats as "from the current base offset". The gateway
 * therefore subscribes to *all* topics (whose offsets are contiguous) and
 * forwards only the `events` topic; a jump in offsets means items were
 * truncated, and it sends `event: stream.truncated` before the first item
 * after the gap. A fresh connection (offset 0) never reports truncation.
 */
import type { Client } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { SESSION_EVENTS_TOPIC } from '@hub/contracts';
import type { SSEStreamingApi } from 'hono/streaming';
import type { Logger } from './log';

export interface StreamItem {
  topic: string;
  data: unknown;
  offset: number;
}

/** Opens a subscription to a workflow's stream from `fromOffset` (all topics). */
export type OpenStream = (workflowId: string, fromOffset: number) => AsyncGenerator<StreamItem, void, unknown>;

export function defaultOpenStream(client: Client): OpenStream {
  return (workflowId, fromOffset) =>
    WorkflowStreamClient.create(client, workflowId).subscribe<unknown>([], fromOffset, { resultType: true });
}

export interface PumpOptions {
  stream: SSEStreamingApi;
  items: AsyncGenerator<StreamItem, void, unknown>;
  fromOffset: number;
  keepAliveMs: number;
  /** Aborted on server shutdown: ends the stream. */
  shutdown?: AbortSignal | undefined;
  log: Logger;
  /** Why the stream ended, in the final `stream.end` event (default: the session ended). */
  endReason?: string;
  /** Maps an error to `{code, message}` for the `stream.error` event. */
  describeError: (err: unknown) => { code: string; message: string };
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
    const e = o.describeError(err);
    o.log.warn('event stream failed', { err, nextOffset: expected });
    await stream.writeSSE({ event: 'stream.error', data: JSON.stringify({ ...e, nextOffset: expected }) });
  } finally {
    clearInterval(ping);
    o.shutdown?.removeEventListener('abort', onShutdown);
    // Ends the subscription. If a poll is in flight, return() takes effect once it settles.
    void items.return(undefined).catch(() => {});
  }
  return outcome;
}

export interface WorkflowSseOptions {
  openStream: OpenStream;
  workflowId: string;
  /** Temporal status of the workflow (RUNNING, COMPLETED, …). */
  status: string;
  fromOffset: number;
  keepAliveMs: number;
  shutdown?: AbortSignal | undefined;
  log: Logger;
  /** `stream.end` reason once the workflow ends. */
  endReason: string;
  /** For a workflow that has closed (its stream can no longer be polled): the one event that tells its outcome. */
  outcome: () => Promise<{ event: string; data: unknown }>;
  describeError: (err: unknown) => { code: string; message: string };
}

/**
 * SSE for a workflow that ends (research jobs, tasks): while it runs, its
 * stream is pumped as for sessions; once it has closed, one event tells its
 * outcome, then `stream.end`.
 */
export async function workflowSse(stream: SSEStreamingApi, o: WorkflowSseOptions): Promise<void> {
  if (o.status !== 'RUNNING') {
    const { event, data } = await o.outcome();
    await stream.writeSSE({ event, data: JSON.stringify(data) });
    await stream.writeSSE({ event: 'stream.end', data: JSON.stringify({ reason: o.endReason }) });
    return;
  }
  const outcome = await pumpEvents({
    stream,
    items: o.openStream(o.workflowId, o.fromOffset),
    fromOffset: o.fromOffset,
    keepAliveMs: o.keepAliveMs,
    shutdown: o.shutdown,
    log: o.log,
    endReason: o.endReason,
    describeError: o.describeError,
  });
  o.log.debug('event stream ended', { workflowId: o.workflowId, outcome });
}

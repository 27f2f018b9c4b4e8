/**
 * A screen's subscription to an event stream of the gateway (a session's,
 * research job's or task's): followed while mounted, resumed after drops with
 * Last-Event-ID (see `follow`), restarted when the client or the id changes.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { EventsPath, HubClient, SseMessage } from '@hub/gateway/client';
import { follow, type StreamStatus } from '../api';

export interface EventStreamHandlers {
  /** Every message (durable events and stream.* messages). */
  onMessage: (msg: SseMessage) => void;
  /** Each change of the connection (after the label returned by the hook is updated). */
  onStatus?: (status: StreamStatus, detail?: string) => void;
}

/**
 * Follows `path` for `id`. The handlers of the latest render get the messages
 * (no restart when they change). Returns the connection's label: `connecting`,
 * `live`, `reconnecting: <why>`, `ended`, `error: <message>`.
 */
export function useEventStream(client: HubClient, path: EventsPath, id: string, handlers: EventStreamHandlers): string {
  const [connection, setConnection] = useState('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    const ctrl = new AbortController();
    void follow(client, path, id, {
      signal: ctrl.signal,
      onStatus: (status, detail) => {
        setConnection(detail ? `${status}: ${detail}` : status);
        latest.current.onStatus?.(status, detail);
      },
      onMessage: (msg) => latest.current.onMessage(msg),
    });
    return () => ctrl.abort();
  }, [client, path, id]);

  return connection;
}

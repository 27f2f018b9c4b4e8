/**
 * Clean shutdown of a service's HTTP server on SIGTERM / SIGINT (gateway, local model server).
 */
import type { Logger } from './log';

export interface StopOnSignalsOptions {
  /** An HTTP server (node:http, or what @hono/node-server returns). */
  server: { close(callback?: (err?: Error) => void): unknown; closeAllConnections?(): void; closeIdleConnections?(): void };
  log: Logger;
  /** Logged as `<name> stopped` once everything is closed. */
  name: string;
  /** Extra fields of the `shutting down` line. */
  fields?: () => object;
  /** Runs as shutdown begins, e.g. to end long-lived responses that would keep `server.close()` waiting. */
  onStopping?: () => void;
  /** Releases what the server used (a connection, a model) after the server has closed. */
  release: () => Promise<void>;
  /** What `release` releases, for its failure message. */
  releaseWhat: string;
  /** Running requests get this long before their connections are closed (default 10 s). */
  graceMs?: number;
}

/**
 * On the first SIGTERM or SIGINT: stop accepting, let running requests finish (closing their connections
 * after `graceMs`), release, log `<name> stopped` and exit 0.
 */
export function stopOnSignals(o: StopOnSignalsOptions): void {
  const graceMs = o.graceMs ?? 10_000;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    o.log.info('shutting down', { signal, ...o.fields?.() });
    const force = setTimeout(() => {
      o.log.warn(`running requests did not finish within ${graceMs / 1000} s; closing their connections`);
      o.server.closeAllConnections?.();
    }, graceMs);
    force.unref();
    o.server.close(() => {
      clearTimeout(force);
      o.release()
        .catch((err: unknown) => o.log.warn(`releasing ${o.releaseWhat} failed`, { err }))
        .finally(() => {
          o.log.info(`${o.name} stopped`);
          process.exit(0);
        });
    });
    o.onStopping?.();
    o.server.closeIdleConnections?.();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

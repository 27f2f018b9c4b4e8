/**
 * Process lifecycle helpers shared by the hub's apps and their tests:
 * waiting for a child process to log that it is ready, and shutting an HTTP
 * server down on SIGTERM / SIGINT.
 */
import type { ChildProcess } from 'node:child_process';
import type { Logger } from './log';

export interface ReadyChild {
  proc: ChildProcess;
  /** Every line the process printed (stdout and stderr), in order; it keeps growing. */
  output: string[];
  exited: Promise<number | null>;
  /** The line that said the process was ready. */
  readyLine: string;
}

export interface WaitForReadyOptions {
  /** Name used in error messages and echoed lines. */
  name: string;
  ready: (line: string) => boolean;
  timeoutMs: number;
  /** Echo the process's output to stderr, prefixed with its name. */
  echo?: boolean;
}

/**
 * Collects a child's output lines and resolves once one satisfies `ready`. It rejects, and kills the child,
 * if that takes longer than `timeoutMs` or the child exits first; both errors end with its last output lines.
 */
export function waitForReadyLine(proc: ChildProcess, o: WaitForReadyOptions): Promise<ReadyChild> {
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const tail = () => output.slice(-30).join('\n');
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => fail(new Error(`${o.name} not ready in ${o.timeoutMs / 1000} s:\n${tail()}`)), o.timeoutMs);
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        output.push(line);
        if (o.echo) process.stderr.write(`[${o.name}] ${line}\n`);
        if (!done && o.ready(line)) {
          done = true;
          clearTimeout(timer);
          resolve({ proc, output, exited, readyLine: line });
        }
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then((code) => fail(new Error(`${o.name} exited early (code ${code}):\n${tail()}`)));
  });
}

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

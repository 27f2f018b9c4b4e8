/**
 * The peers suite's processes: the scripted LLM, the hub worker, LangGraph.js and the floor each run in a
 * child process of their own (forked with tsx), so each one's CPU and RSS are its own. A child announces
 * itself with `ready` (and a value, e.g. its URL), then answers requests `{ id, type, payload }` with
 * `{ id, ok, value | error }`; `stop` ends it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Request {
  id: number;
  type: string;
  payload?: unknown;
}
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
type FromChild = Reply | { ready: true; value: unknown } | { failed: string };

export interface Child<R> {
  pid: number;
  /** The value the child announced when ready. */
  ready: R;
  request<T>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks it to stop; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const TAIL_LINES = 40;

/** Forks `file` (a .ts module next to this one) with `init` as JSON in argv[2]; resolves once it is ready. */
export async function startChild<R>(file: string, init: unknown, opts: { name: string; readyTimeoutMs?: number; nodeArgs?: string[] }): Promise<Child<R>> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const proc: ChildProcess = fork(path, [JSON.stringify(init)], {
    execArgv: ['--import', 'tsx', ...(opts.nodeArgs ?? [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) tail.push(line);
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const why = (what: string): Error => new Error(`${opts.name}: ${what}${tail.length ? `\n  last output:\n    ${tail.join('\n    ')}` : ''}`);

  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    proc.once('exit', (code, signal) => {
      exited = true;
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(why(`exited (${signal ?? code}) with a request open`));
      }
      pending.clear();
      resolve();
    }),
  );

  const ready = await new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(why(`not ready within ${(opts.readyTimeoutMs ?? 60_000) / 1000} s`));
    }, opts.readyTimeoutMs ?? 60_000);
    const onExit = (code: number | null, signal: string | null): void => {
      clearTimeout(timer);
      reject(why(`exited (${signal ?? code}) before it was ready`));
    };
    proc.once('exit', onExit);
    proc.on('message', (m: FromChild) => {
      if ('ready' in m) {
        clearTimeout(timer);
        proc.off('exit', onExit);
        resolve(m.value as R);
      } else if ('failed' in m) {
        clearTimeout(timer);
        reject(why(m.failed));
      } else {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.value);
        else p.reject(why(m.error));
      }
    });
  });

  return {
    pid: proc.pid!,
    ready,
    request<T>(type: string, payload?: unknown, timeoutMs = 5 * 60_000): Promise<T> {
      if (exited) return Promise.reject(why('has exited'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(why(`'${type}' did not answer within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        proc.send({ id, type, payload } satisfies Request);
      });
    },
    async stop(graceMs = 10_000): Promise<void> {
      if (exited) return;
      proc.send({ id: 0, type: 'stop' } satisfies Request);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Child side: reads argv[2], runs `setup`, announces ready, then answers requests with `handle` until `stop`. */
export function serveChild<I, R>(
  setup: (init: I) => Promise<{ ready: R; handle(type: string, payload: unknown): Promise<unknown>; stop?(): Promise<void> }>,
): void {
  const send = (m: FromChild): void => {
    process.send?.(m);
  };
  // The child never outlives the bench: when the IPC channel closes, it goes.
  process.on('disconnect', () => process.exit(0));
  const init = JSON.parse(process.argv[2] ?? '{}') as I;
  setup(init).then(
    (served) => {
      process.on('message', (m: Request) => {
        if (m.type === 'stop') {
          void (served.stop?.() ?? Promise.resolve()).finally(() => process.exit(0));
          return;
        }
        served.handle(m.type, m.payload).then(
          (value) => send({ id: m.id, ok: true, value }),
          (err: unknown) => send({ id: m.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
        );
      });
      send({ ready: true, value: served.ready });
    },
    (err: unknown) => {
      send({ failed: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      setTimeout(() => process.exit(1), 100);
    },
  );
}

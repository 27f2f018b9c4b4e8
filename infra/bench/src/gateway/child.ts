/**
 * The suite's helper processes (the SSE clients, the bare baseline server), forked with an IPC channel:
 * the parent calls named commands and awaits their answers, and calibrates the child's clock against
 * its own (`performance.timeOrigin + performance.now()` in both; the offset of the ping with the
 * shortest round trip), so times measured in different processes can be compared.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { now } from './sse-reader';

interface Call {
  id: number;
  cmd: string;
  arg: unknown;
}
type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** This child's clock minus the parent's, in ms. */
  offsetMs: number;
  call<T>(cmd: string, arg?: unknown, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** Forks `file` (a module of this folder, run with tsx) and calibrates its clock. */
export async function forkChild(file: string, name: string): Promise<Child> {
  const proc = fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let seq = 0;
  proc.on('message', (m: Answer) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(`${name}: ${m.error}`));
  });
  void exited.then(() => {
    for (const p of pending.values()) p.reject(new Error(`${name} exited`));
    pending.clear();
  });
  const call = <T>(cmd: string, arg?: unknown, timeoutMs = 300_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++seq;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${name}: ${cmd} took over ${timeoutMs / 1000} s`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      proc.send({ id, cmd, arg } satisfies Call);
    });
  const child: Child = {
    proc,
    pid: proc.pid!,
    offsetMs: 0,
    call,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  await call('ready', undefined, 60_000).catch(async (err: unknown) => {
    await child.stop();
    throw err;
  });
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 30; i++) {
    const t0 = now();
    const tc = await call<number>('clock');
    const t1 = now();
    if (t1 - t0 < best) {
      best = t1 - t0;
      child.offsetMs = tc - (t0 + t1) / 2;
    }
  }
  return child;
}

/** The child side: answers the parent's commands with `handlers` (plus `ready` and `clock`); exits when the channel closes. */
export function serveParent(handlers: Record<string, (arg: never) => unknown>): void {
  const all: Record<string, (arg: never) => unknown> = { ready: () => true, clock: () => now(), ...handlers };
  process.on('message', (m: Call) => {
    void (async () => {
      try {
        const h = all[m.cmd];
        if (!h) throw new Error(`unknown command ${m.cmd}`);
        const value = await h(m.arg as never);
        process.send?.({ id: m.id, ok: true, value } satisfies Answer);
      } catch (err) {
        process.send?.({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies Answer);
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

/**
 * A supervised child process as a RunningService: spawned in its own process group, its output prefixed
 * with `[name]`, ready when it logs a matching line and/or answers 200 over HTTP, stopped with SIGTERM
 * then SIGKILL. Every child still alive when the supervisor exits is killed (`registerForCleanup`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { forEachLine, hasExited, sendSignal, terminate, waitForExit } from '../process';
import { describeExit, type BannerEntry, type ExitInfo, type RunningService, type SupervisorContext } from './supervisor';

export interface ChildServiceOptions {
  name: string;
  command: string;
  args: string[];
  /** Readiness: a line (stdout or stderr) matching this, and/or an HTTP URL answering 200. */
  readyLine?: RegExp;
  readyUrl?: string;
  /** Grace period for SIGTERM before SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
  banner?: BannerEntry[];
  /** Sees every output line first; returning false keeps it off the terminal (default: every line is shown). */
  filter?: (line: string, stream: 'stdout' | 'stderr') => boolean;
}

/**
 * Spawns a child process in its own process group (so a terminal Ctrl-C only reaches the supervisor,
 * which then stops children in order), prefixing its output with `[name]`.
 */
export function startChildService(ctx: SupervisorContext, opts: ChildServiceOptions): RunningService {
  const child = spawn(opts.command, opts.args, {
    cwd: ctx.root,
    env: ctx.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const group = process.platform !== 'win32';
  const prefix = `[${opts.name}] `;
  let sawReadyLine = false;
  let onReadyLine: (() => void) | undefined;
  const handleLine = (line: string, out: NodeJS.WriteStream): void => {
    if (!opts.filter || opts.filter(line, out === process.stdout ? 'stdout' : 'stderr')) out.write(prefix + line + '\n');
    if (opts.readyLine && !sawReadyLine && opts.readyLine.test(line)) {
      sawReadyLine = true;
      onReadyLine?.();
    }
  };
  forEachLine(child.stdout, (line) => handleLine(line, process.stdout));
  forEachLine(child.stderr, (line) => handleLine(line, process.stderr));

  let spawnError: Error | undefined;
  const exited = new Promise<ExitInfo>((resolveExit) => {
    child.once('error', (err) => {
      spawnError = err;
      if (child.pid === undefined) resolveExit({ code: null, signal: null });
    });
    void waitForExit(child).then(resolveExit);
  });
  registerForCleanup(child, group);

  const deadline = Date.now() + ctx.readyTimeoutMs;
  const failIfExited = exited.then((info) => {
    throw new Error(
      spawnError
        ? `${opts.name} could not be started: ${spawnError.message}`
        : `${opts.name} exited before it was ready (${describeExit(info)})`,
    );
  });
  const waits: Promise<void>[] = [];
  if (opts.readyLine) {
    const readyLine = opts.readyLine;
    waits.push(
      new Promise<void>((resolveReady, reject) => {
        if (sawReadyLine) return resolveReady();
        onReadyLine = resolveReady;
        const t = setTimeout(
          () => reject(new Error(`${opts.name} did not log a line matching ${readyLine} within ${ctx.readyTimeoutMs / 1000} s`)),
          Math.max(0, deadline - Date.now()),
        );
        t.unref();
      }),
    );
  }
  if (opts.readyUrl) waits.push(pollHttpReady(opts.name, opts.readyUrl, deadline, () => hasExited(child)));
  const ready = Promise.race([Promise.all(waits).then(() => undefined), failIfExited]);
  ready.catch(() => undefined); // handled by the supervisor

  let stopping: Promise<void> | undefined;
  const service: RunningService = {
    name: opts.name,
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
    ready,
    exited,
    stop: () =>
      (stopping ??= terminate(child, { signal: 'SIGTERM', timeoutMs: opts.stopTimeoutMs ?? 10_000, group }).then(
        (r) => {
          if (r.killed) ctx.log(`${opts.name} did not stop within ${(opts.stopTimeoutMs ?? 10_000) / 1000} s; killed it`);
        },
      )),
    kill: () => sendSignal(child, 'SIGKILL', group),
  };
  if (opts.banner) service.banner = opts.banner;
  return service;
}

async function pollHttpReady(name: string, url: string, deadline: number, dead: () => boolean): Promise<void> {
  let last = 'no response yet';
  while (Date.now() < deadline && !dead()) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      last = e.cause?.code ?? e.message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  if (dead()) return new Promise<void>(() => undefined); // the exit is reported by the caller
  throw new Error(`${name} did not answer 200 on GET ${url} in time (last result: ${last})`);
}

const cleanupChildren = new Set<{ pid: number; group: boolean }>();

/** Kills `child` (its process group with `group`) if it is still alive when the supervisor exits. */
export function registerForCleanup(child: ChildProcess, group: boolean): void {
  if (child.pid === undefined) return;
  const entry = { pid: child.pid, group };
  cleanupChildren.add(entry);
  void waitForExit(child).then(() => cleanupChildren.delete(entry));
}
process.on('exit', () => {
  for (const { pid, group } of cleanupChildren) {
    try {
      process.kill(group ? -pid : pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

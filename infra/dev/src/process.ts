/** Small child-process and port helpers shared by provisioning, the dev server and the supervisor. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Spawn failure (e.g. ENOENT) or timeout. */
  error?: Error;
}

/** Runs a command to completion. Never throws; inspect `error`/`code`. */
export function runCommand(
  command: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; onLine?: (line: string) => void } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (r: Omit<RunResult, 'stdout' | 'stderr'>): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolvePromise({ ...r, stdout, stderr });
    };
    let child: ChildProcess;
    try {
      const spawnOpts: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'] };
      if (opts.env) spawnOpts.env = opts.env;
      if (opts.cwd) spawnOpts.cwd = opts.cwd;
      child = spawn(command, args, spawnOpts);
    } catch (err) {
      finish({ code: null, signal: null, error: err as Error });
      return;
    }
    const onData = (which: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (which === 'stdout') stdout = capped(stdout + text);
      else stderr = capped(stderr + text);
      if (opts.onLine) for (const line of text.split('\n')) if (line.trim()) opts.onLine(line);
    };
    child.stdout?.on('data', onData('stdout'));
    child.stderr?.on('data', onData('stderr'));
    child.on('error', (err) => finish({ code: null, signal: null, error: err }));
    child.on('close', (code, signal) => finish({ code, signal }));
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish({ code: null, signal: 'SIGKILL', error: new Error(`timed out after ${opts.timeoutMs} ms`) });
      }, opts.timeoutMs);
    }
  });
}

const MAX_CAPTURE = 64 * 1024;
function capped(s: string): string {
  return s.length > MAX_CAPTURE ? s.slice(s.length - MAX_CAPTURE) : s;
}

/** Last `n` non-empty lines of a text blob, joined with newlines. */
export function tailLines(text: string, n = 20): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .join('\n');
}

/** Keeps the last `max` lines written to it. */
export class LineTail {
  private lines: string[] = [];
  constructor(private readonly max = 50) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
  toString(): string {
    return this.lines.join('\n');
  }
}

/** Splits a stream into lines and calls `onLine` for each (including a final unterminated one). */
export function forEachLine(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  let buf = '';
  stream.on('data', (chunk: Buffer | string) => {
    buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let idx: number;
    while ((idx = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, idx).replace(/\r$/, '');
      buf = buf.slice(idx + 1);
      onLine(line);
    }
  });
  stream.on('end', () => {
    if (buf !== '') onLine(buf);
    buf = '';
  });
}

/** Resolves when the child has exited (immediately if it already has). */
export function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolvePromise) => {
    child.once('exit', (code, signal) => resolvePromise({ code, signal }));
  });
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Sends `signal`, waits up to `timeoutMs` for exit, then SIGKILLs.
 * With `group: true` the signal goes to the child's process group (the child must be spawned detached).
 */
export async function terminate(
  child: ChildProcess,
  opts: { signal?: NodeJS.Signals; timeoutMs?: number; group?: boolean } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
  const exited = waitForExit(child);
  if (hasExited(child)) return { ...(await exited), killed: false };
  sendSignal(child, opts.signal ?? 'SIGTERM', opts.group ?? false);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), opts.timeoutMs ?? 10_000))),
  ]);
  if (timer) clearTimeout(timer);
  if (timedOut) sendSignal(child, 'SIGKILL', opts.group ?? false);
  return { ...(await exited), killed: timedOut };
}

export function sendSignal(child: ChildProcess, signal: NodeJS.Signals, group = false): void {
  if (hasExited(child) || child.pid === undefined) return;
  try {
    if (group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Asks the OS for a currently free TCP port on `host`. */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolvePromise(port) : reject(new Error('could not allocate a free port'))));
    });
  });
}

/** True when nothing is listening on host:port (we could bind it). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolvePromise(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolvePromise(true)));
  });
}

/**
 * Best-effort description of the process listening on a TCP port (Linux /proc only),
 * e.g. `pid 1234 (temporal server start-dev ...)`. Undefined when unknown.
 */
export function describePortOwner(port: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const inodes = new Set<string>();
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        const local = cols[1];
        const state = cols[3];
        const inode = cols[9];
        if (!local || state !== '0A' || !inode) continue; // 0A = LISTEN
        const portHex = local.split(':').pop();
        if (portHex && parseInt(portHex, 16) === port) inodes.add(inode);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let target: string;
        try {
          target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          continue;
        }
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m?.[1] && inodes.has(m[1])) return `pid ${pid} (${processCommandLine(Number(pid)) ?? 'unknown command'})`;
      }
    }
    return 'another process (could not identify it; try `ss -ltnp`)';
  } catch {
    return undefined;
  }
}

/** Command line of a process (Linux), truncated; undefined if unavailable. */
export function processCommandLine(pid: number): string | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const cmd = raw.split('\0').filter(Boolean).join(' ');
    return cmd.length > 160 ? cmd.slice(0, 157) + '...' : cmd || undefined;
  } catch {
    return undefined;
  }
}

/** True if a process with this pid exists (and we may signal it). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `temporal server start-dev` as a child process bound to 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { findOrInstallTemporalCli } from '../provision/temporal-cli';
import {
  LineTail,
  describePortOwner,
  forEachLine,
  getFreePort,
  hasExited,
  isPortFree,
  isProcessAlive,
  processCommandLine,
  terminate,
  waitForExit,
} from '../process';

export const DEV_SERVER_HOST = '127.0.0.1';

/**
 * Dynamic config passed to every dev server. Only keys that Temporal Server 1.32 (CLI 1.9.x) knows;
 * multi-operation (update-with-start) is always on in this server version and needs no flag.
 */
export const DEFAULT_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  'system.enableEagerWorkflowStart': true,
  // Activities scheduled on the worker's own task queue are handed back with the
  // workflow task completion, saving a poll round trip per activity.
  'system.enableActivityEagerExecution': true,
};

/**
 * SQLite pragmas of a file-backed dev server (`--sqlite-pragma`); without them SQLite keeps a rollback journal
 * and fsyncs on every commit (synchronous=full), which makes a file-backed server about twice as slow as an
 * in-memory one under a research fan-out.
 *
 * - journal_mode=wal: commits append to `<db>-wal` (checkpointed into the db file from time to time) instead of
 *   rewriting pages through a rollback journal; readers do not block the writer.
 * - synchronous=normal: in WAL mode the db stays consistent (never corrupt) across a crash of the server process
 *   or of the machine; a process crash loses nothing (committed transactions are in the WAL file, in the OS's
 *   page cache). A power loss or kernel panic may lose the transactions committed since the WAL was last on disk
 *   (SQLite fsyncs it at each checkpoint, about every 1,000 pages; the OS writes it back within about 30 s
 *   anyway): the server restarts from a slightly older but consistent state, and what those transactions
 *   recorded (workflow starts, completed tasks, activity results) is lost or done again, as after a rollback.
 */
export const DEFAULT_SQLITE_PRAGMAS: Readonly<Record<string, string>> = {
  journal_mode: 'wal',
  synchronous: 'normal',
};

export interface StartDevServerOptions {
  /** SQLite file for persistence; omit for an in-memory server. Its directory is created. */
  dbFile?: string;
  /**
   * SQLite pragmas when `dbFile` is set (default DEFAULT_SQLITE_PRAGMAS); they replace the defaults, `{}` runs
   * SQLite's own (rollback journal, synchronous=full). Ignored in memory.
   */
  sqlitePragmas?: Readonly<Record<string, string>>;
  /** gRPC port on 127.0.0.1; 0/undefined picks a free port. */
  port?: number;
  /** Web UI port; 0/undefined picks a free port. Ignored when headless. */
  uiPort?: number;
  /** Disable the Web UI. */
  headless?: boolean;
  /** The UI's remote codec endpoint (the gateway's /codec), so it can show encrypted payloads. */
  uiCodecEndpoint?: string;
  /** Path of the `temporal` binary (default: findOrInstallTemporalCli()). */
  cliPath?: string;
  /** Progress messages (default: stderr). */
  log?: (msg: string) => void;
  /** Every line the server prints (stdout and stderr). Default: kept only for error messages. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Extra namespace to create at launch and wait for ("default" always exists). */
  namespace?: string;
  /** Extra/overriding dynamic config values (JSON-encoded on the command line). */
  dynamicConfig?: Record<string, unknown>;
  /** How long to wait for the server to answer (default 60 s). */
  readyTimeoutMs?: number;
  /**
   * Spawn in its own process group so a terminal Ctrl-C does not reach it directly
   * (the caller is then responsible for stopping it). Default false.
   */
  detached?: boolean;
}

export interface DevServer {
  /** "127.0.0.1:PORT" */
  address: string;
  port: number;
  uiUrl?: string;
  namespace: string;
  dbFile?: string;
  /** The SQLite pragmas it runs with (file-backed only). */
  sqlitePragmas?: Readonly<Record<string, string>>;
  process: ChildProcess;
  /** Resolves when the server process exits (for whatever reason). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
}

interface LockInfo {
  pid: number;
  address: string;
  startedAt: string;
  owner: number;
}

function lockPathFor(dbFile: string): string {
  return `${dbFile}.lock`;
}

/** Guards against pid reuse: the process must be a dev server for this very db file. */
function isDevServerFor(pid: number, dbFile: string): boolean {
  if (process.platform !== 'linux') return true; // no /proc: trust the lock file
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('start-dev') && argv.some((a) => a === dbFile || a.endsWith(`=${dbFile}`));
  } catch {
    return false;
  }
}

/** Finds running dev servers using this db file (lock file + a /proc scan on Linux). */
function findDbUsers(dbFile: string): string[] {
  const users = new Map<number, string>();
  try {
    const lock = JSON.parse(readFileSync(lockPathFor(dbFile), 'utf8')) as Partial<LockInfo>;
    if (typeof lock.pid === 'number' && isProcessAlive(lock.pid) && isDevServerFor(lock.pid, dbFile)) {
      users.set(lock.pid, `pid ${lock.pid}, listening on ${lock.address ?? 'unknown address'}, started ${lock.startedAt ?? '?'}`);
    }
  } catch {
    // no (readable) lock file
  }
  if (process.platform === 'linux') {
    let pids: string[] = [];
    try {
      pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      // ignore
    }
    for (const p of pids) {
      const pid = Number(p);
      if (users.has(pid) || pid === process.pid) continue;
      let argv: string[];
      try {
        argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      } catch {
        continue;
      }
      if (!argv.includes('start-dev')) continue;
      const i = argv.findIndex((a) => a === '--db-filename' || a === '-f');
      const arg = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--db-filename='))?.slice('--db-filename='.length);
      if (!arg) continue;
      let cwd = '/';
      try {
        cwd = readlinkSync(`/proc/${p}/cwd`);
      } catch {
        // unknown cwd: only absolute paths can match
      }
      if (resolve(cwd, arg) === dbFile) users.set(pid, `pid ${pid} (${processCommandLine(pid) ?? 'temporal'})`);
    }
  }
  return [...users.values()];
}

/** Error when another dev server already uses the database file. */
export class DevServerDbInUseError extends Error {
  override name = 'DevServerDbInUseError';
}

/** Throws DevServerDbInUseError if a running dev server already uses `dbFile`. */
export function assertDbFileNotInUse(dbFile: string): void {
  const abs = resolve(dbFile);
  const users = findDbUsers(abs);
  if (users.length > 0) {
    const pids = users.map((u) => /pid (\d+)/.exec(u)?.[1]).filter(Boolean);
    throw new DevServerDbInUseError(
      `The Temporal database ${abs} is already in use by a running dev server (${users.join('; ')}). ` +
        `It is probably left over from an earlier run that did not shut down cleanly. ` +
        `Stop it (\`kill ${pids.join(' ')}\`) and try again, or use a different data directory (HUB_DATA_DIR) ` +
        `or point at that server with TEMPORAL_ADDRESS.`,
    );
  }
}

async function choosePort(requested: number | undefined, what: string): Promise<number> {
  if (!requested) return getFreePort(DEV_SERVER_HOST);
  if (!(await isPortFree(requested, DEV_SERVER_HOST))) {
    const owner = describePortOwner(requested);
    throw new Error(`${what} port ${DEV_SERVER_HOST}:${requested} is already in use${owner ? ` by ${owner}` : ''}`);
  }
  return requested;
}

export async function startDevServer(opts: StartDevServerOptions = {}): Promise<DevServer> {
  const log = opts.log ?? ((msg: string) => process.stderr.write(msg + '\n'));
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  const namespace = opts.namespace ?? 'default';
  const cliPath = opts.cliPath ?? (await findOrInstallTemporalCli({ log })).path;

  const dbFile = opts.dbFile !== undefined ? resolve(opts.dbFile) : undefined;
  if (dbFile) {
    mkdirSync(dirname(dbFile), { recursive: true });
    assertDbFileNotInUse(dbFile);
  }

  const port = await choosePort(opts.port, 'Temporal gRPC');
  let uiPort: number | undefined;
  if (!opts.headless) {
    uiPort = await choosePort(opts.uiPort, 'Temporal UI');
    if (uiPort === port) uiPort = await getFreePort(DEV_SERVER_HOST);
  }

  const args = ['server', 'start-dev', '--ip', DEV_SERVER_HOST, '--port', String(port), '--log-level', 'warn'];
  if (opts.headless) args.push('--headless');
  else {
    // The UI is bound to loopback only: it has no authentication and shows every namespace's histories.
    args.push('--ui-port', String(uiPort), '--ui-ip', DEV_SERVER_HOST, '--ui-disable-news-fetch');
    if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  }
  if (dbFile) {
    args.push('--db-filename', dbFile);
    for (const [key, value] of Object.entries(opts.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS)) args.push('--sqlite-pragma', `${key}=${value}`);
  }
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const [key, value] of Object.entries({ ...DEFAULT_DYNAMIC_CONFIG, ...opts.dynamicConfig })) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  // The CLI reads TEMPORAL_* connection variables and config files; keep it hermetic.
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TEMPORAL_')) childEnv[k] = v;

  const address = `${DEV_SERVER_HOST}:${port}`;
  log(`Starting Temporal dev server on ${address} (${dbFile ? `db ${dbFile}` : 'in-memory'}) …`);
  const child = spawn(cliPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv,
    detached: opts.detached ?? false,
  });
  const tail = new LineTail(40);
  forEachLine(child.stdout, (line) => {
    tail.push(line);
    opts.onOutput?.(line, 'stdout');
  });
  forEachLine(child.stderr, (line) => {
    tail.push(line);
    opts.onOutput?.(line, 'stderr');
  });
  let spawnError: Error | undefined;
  child.on('error', (err) => (spawnError = err));
  const exited = waitForExit(child);

  // Make sure we never leak the server if this process exits without calling stop().
  const killOnExit = (): void => {
    if (!hasExited(child)) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const lockPath = dbFile ? lockPathFor(dbFile) : undefined;
  if (lockPath && child.pid !== undefined) {
    const info: LockInfo = { pid: child.pid, address, startedAt: new Date().toISOString(), owner: process.pid };
    writeFileSync(lockPath, JSON.stringify(info) + '\n');
  }
  const releaseLock = (): void => {
    if (!lockPath) return;
    try {
      const cur = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockInfo>;
      if (cur.pid === child.pid) rmSync(lockPath, { force: true });
    } catch {
      // already gone
    }
  };
  void exited.then(() => {
    releaseLock();
    process.off('exit', killOnExit);
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await terminate(child, { signal: 'SIGTERM', timeoutMs: 10_000 });
      releaseLock();
      process.off('exit', killOnExit);
    })());

  try {
    await waitUntilReady({ address, namespace, timeoutMs: readyTimeoutMs, child, getSpawnError: () => spawnError });
  } catch (err) {
    await stop();
    const output = tail.toString();
    throw new Error(`${(err as Error).message}${output ? `\nServer output (last lines):\n${output}` : ''}`, {
      cause: err,
    });
  }

  const server: DevServer = { address, port, namespace, process: child, exited, stop };
  if (uiPort !== undefined) server.uiUrl = `http://${DEV_SERVER_HOST}:${uiPort}`;
  if (dbFile) {
    server.dbFile = dbFile;
    server.sqlitePragmas = opts.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS;
  }
  log(`Temporal dev server ready on ${address}${server.uiUrl ? ` (UI ${server.uiUrl})` : ''}`);
  return server;
}

async function waitUntilReady(p: {
  address: string;
  namespace: string;
  timeoutMs: number;
  child: ChildProcess;
  getSpawnError: () => Error | undefined;
}): Promise<void> {
  const deadline = Date.now() + p.timeoutMs;
  let lastError = 'no attempt yet';
  while (Date.now() < deadline) {
    const spawnError = p.getSpawnError();
    if (spawnError) throw new Error(`Could not start the Temporal dev server: ${spawnError.message}`);
    if (hasExited(p.child)) {
      throw new Error(
        `Temporal dev server exited during startup (code ${p.child.exitCode ?? 'null'}, signal ${p.child.signalCode ?? 'none'})`,
      );
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address: p.address, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.workflowService.describeNamespace({ namespace: p.namespace });
      return;
    } catch (err) {
      lastError = (err as Error).message;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Temporal dev server on ${p.address} was not ready after ${p.timeoutMs} ms (last error: ${lastError})`);
}

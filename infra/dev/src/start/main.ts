/**
 * `npm start`: local dev supervisor.
 *
 * Starts (in order) an embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), the worker and the
 * gateway; waits until all are ready, prints a banner, and shuts down in reverse order on Ctrl-C / SIGTERM
 * (gateway first so it stops accepting requests, then the worker so it can drain, then Temporal).
 *
 * The set of processes is the `services` list built by `defineServices()`; to add a process add a
 * ServiceDefinition there. Services start in list order and stop in reverse order.
 *
 * The LLM: with neither OPENAI_BASE_URL nor OPENAI_API_KEY set, the local model server (apps/local-llm, the
 * provisioned default GGUF or HUB_LOCAL_MODEL) runs as a service before the worker, and the worker's
 * OPENAI_BASE_URL points at it. With either set, no model server is started and the worker uses them.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, hubDataDir, loadTemporalConfig, repoRoot } from '@hub/runtime';
import { assertDbFileNotInUse, startDevServer } from '../temporal/dev-server';
import { findOrInstallTemporalCli } from '../provision/temporal-cli';
import type { LocalModel } from '@hub/runtime';
import { findOrProvisionLocalModel } from '../provision/local-model';
import {
  describePortOwner,
  forEachLine,
  getFreePort,
  hasExited,
  isPortFree,
  sendSignal,
  terminate,
  waitForExit,
} from '../process';

// ---------------------------------------------------------------------------------------------------------
// Supervisor framework
// ---------------------------------------------------------------------------------------------------------

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BannerEntry {
  label: string;
  value: string;
}

export interface SupervisorContext {
  /** Environment handed to child processes; earlier services may add to it (e.g. TEMPORAL_ADDRESS). */
  env: NodeJS.ProcessEnv;
  root: string;
  dataDir: string;
  readyTimeoutMs: number;
  /** Supervisor progress output (stderr). */
  log: (msg: string) => void;
}

export interface RunningService {
  name: string;
  /** Resolves once the service is ready; rejects with a helpful message if it cannot get ready. */
  ready: Promise<void>;
  /** Resolves when the service's process exits, for whatever reason. */
  exited: Promise<ExitInfo>;
  /** Graceful stop (with the service's own timeout, then a hard kill). Idempotent. */
  stop(): Promise<void>;
  /** Immediate hard kill. */
  kill(): void;
  /** Lines for the "ready" banner. */
  banner?: BannerEntry[];
}

export interface ServiceDefinition {
  name: string;
  /** Checks run before anything is started (port clashes, stale locks, ...). Throw to abort. */
  preflight?(ctx: SupervisorContext): Promise<void>;
  start(ctx: SupervisorContext): Promise<RunningService>;
  /** Wait for this service to be ready before starting the next one (default false). */
  blocking?: boolean;
}

/** Human-readable description of how a process ended. */
export function describeExit(info: ExitInfo): string {
  return info.signal ? `killed by ${info.signal}` : `exit code ${info.code ?? 'unknown'}`;
}

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
    out.write(prefix + line + '\n');
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
function registerForCleanup(child: ReturnType<typeof spawn>, group: boolean): void {
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

export interface SupervisorResult {
  exitCode: number;
}

/**
 * Runs the services until a signal arrives or one of them fails.
 * First SIGINT/SIGTERM: graceful shutdown in reverse order, exit 0. Second: kill everything, exit 130.
 */
export async function supervise(
  services: ServiceDefinition[],
  ctx: SupervisorContext,
  opts: { bannerExtra?: BannerEntry[]; onReady?: (banner: string) => void } = {},
): Promise<SupervisorResult> {
  const running: RunningService[] = [];
  let shuttingDown = false;
  let resolveDone!: (r: SupervisorResult) => void;
  const done = new Promise<SupervisorResult>((r) => (resolveDone = r));

  const shutdown = async (exitCode: number, reason: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    ctx.log(`${reason}; shutting down…`);
    for (const svc of [...running].reverse()) {
      ctx.log(`stopping ${svc.name}…`);
      await svc.stop();
      ctx.log(`${svc.name} stopped`);
    }
    resolveDone({ exitCode });
  };

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1) {
      void shutdown(0, `received ${signal}`);
      return;
    }
    ctx.log(`received ${signal} again; killing everything now`);
    for (const svc of running) svc.kill();
    resolveDone({ exitCode: 130 });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const watch = (svc: RunningService): void => {
    void svc.exited.then((info) => {
      if (!shuttingDown) void shutdown(1, `${svc.name} exited unexpectedly (${describeExit(info)})`);
    });
  };

  const startAll = async (): Promise<void> => {
    for (const def of services) await def.preflight?.(ctx);
    const pendingReady: RunningService[] = [];
    for (const def of services) {
      if (shuttingDown) return;
      const svc = await def.start(ctx);
      running.push(svc);
      watch(svc);
      if (shuttingDown) return; // supervise() stops late starters after shutdown
      if (def.blocking) await svc.ready;
      else pendingReady.push(svc);
    }
    await Promise.all(pendingReady.map((s) => s.ready));
  };

  const startup = (async () => {
    try {
      await startAll();
      if (!shuttingDown) {
        const entries = [...running].reverse().flatMap((s) => s.banner ?? []);
        const banner = formatBanner([...entries, ...(opts.bannerExtra ?? [])]);
        (opts.onReady ?? ((b: string) => void process.stdout.write(b)))(banner);
      }
    } catch (err) {
      if (!shuttingDown) {
        process.stderr.write(`\n[hub] startup failed: ${(err as Error).message}\n`);
        void shutdown(1, 'startup failed');
      }
    }
  })();

  const result = await done;
  if (result.exitCode === 130) {
    for (const svc of running) svc.kill();
  } else {
    // A signal may have arrived while a service was still starting: let that step finish (bounded),
    // then stop whatever is still running (stop() is a no-op for services already stopped).
    await Promise.race([startup, new Promise((r) => setTimeout(r, 15_000).unref())]);
    for (const svc of [...running].reverse()) await svc.stop();
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return result;
}

function formatBanner(entries: BannerEntry[]): string {
  const width = Math.max(...entries.map((e) => e.label.length)) + 2;
  return [
    '',
    'Agent hub is ready.',
    ...entries.map((e) => `  ${(e.label + ':').padEnd(width)}${e.value}`),
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// The hub's services
// ---------------------------------------------------------------------------------------------------------

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): { value: number; explicit: boolean } {
  const raw = env[name]?.trim();
  if (!raw) return { value: fallback, explicit: false };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${name} must be a port number, got ${JSON.stringify(raw)}`);
  return { value: n, explicit: true };
}

function isTruthy(v: string | undefined): boolean {
  return ['1', 'true', 'yes', 'on'].includes((v ?? '').trim().toLowerCase());
}

/** Resolves the port to use: the wanted one if free; a free one if it is 0 or (not explicit and) taken. */
async function resolvePort(
  what: string,
  wanted: { value: number; explicit: boolean },
  envName: string,
  log: (msg: string) => void,
): Promise<number> {
  if (wanted.value === 0) return getFreePort('127.0.0.1');
  if (await isPortFree(wanted.value, '127.0.0.1')) return wanted.value;
  const owner = describePortOwner(wanted.value) ?? 'another process';
  if (wanted.explicit) {
    throw new Error(`${what} port 127.0.0.1:${wanted.value} (${envName}) is already in use by ${owner}. Stop it or choose another port.`);
  }
  const port = await getFreePort('127.0.0.1');
  log(`${what} port ${wanted.value} is in use by ${owner}; using free port ${port} instead (set ${envName} to choose)`);
  return port;
}

/** Known-harmless dev server log lines (e.g. during startup) that would only confuse. */
const BENIGN_TEMPORAL_LOGS: RegExp[] = [/shard status unknown/, /Cluster Id in Cluster Metadata config is not a valid uuid/];

function temporalService(): ServiceDefinition {
  let port = 0;
  let uiPort: number | undefined;
  let cliPath = '';
  let stopping = false;
  const dbFile = (ctx: SupervisorContext): string => join(ctx.dataDir, 'temporal.db');
  return {
    name: 'temporal',
    blocking: true,
    async preflight(ctx) {
      assertDbFileNotInUse(dbFile(ctx));
      port = await resolvePort('Temporal gRPC', intFromEnv(ctx.env, 'HUB_TEMPORAL_PORT', 7233), 'HUB_TEMPORAL_PORT', ctx.log);
      if (!isTruthy(ctx.env['HUB_TEMPORAL_HEADLESS'])) {
        const wantedUi = intFromEnv(ctx.env, 'HUB_TEMPORAL_UI_PORT', 8233);
        uiPort = await resolvePort('Temporal UI', wantedUi, 'HUB_TEMPORAL_UI_PORT', ctx.log);
        if (uiPort === port) uiPort = await getFreePort('127.0.0.1');
      }
      cliPath = (await findOrInstallTemporalCli({ env: ctx.env, log: ctx.log })).path;
    },
    async start(ctx) {
      const server = await startDevServer({
        dbFile: dbFile(ctx),
        port,
        ...(uiPort !== undefined ? { uiPort } : { headless: true }),
        cliPath,
        namespace: ctx.env['TEMPORAL_NAMESPACE']?.trim() || 'default',
        detached: true,
        log: ctx.log,
        // stdout only repeats the addresses (as "localhost"); our banner has them. Logs (stderr, level warn+)
        // are forwarded until we stop the server; its shutdown chatter is noise.
        onOutput: (line, stream) => {
          if (stream === 'stderr' && !stopping && line.trim() !== '' && !BENIGN_TEMPORAL_LOGS.some((re) => re.test(line))) {
            process.stderr.write(`[temporal] ${line}\n`);
          }
        },
        readyTimeoutMs: Math.min(ctx.readyTimeoutMs, 120_000),
      });
      registerForCleanup(server.process, false);
      ctx.env['TEMPORAL_ADDRESS'] = server.address;
      const banner: BannerEntry[] = [];
      if (server.uiUrl) banner.push({ label: 'Temporal UI', value: server.uiUrl });
      banner.push({ label: 'Temporal', value: `${server.address} (embedded dev server, namespace ${server.namespace})` });
      return {
        name: 'temporal',
        ready: Promise.resolve(),
        exited: server.exited,
        stop: () => {
          stopping = true;
          return server.stop();
        },
        kill: () => sendSignal(server.process, 'SIGKILL'),
        banner,
      };
    },
  };
}

function nodeEntry(ctx: SupervisorContext, envName: string, fallback: string): string {
  const entry = ctx.env[envName]?.trim() || fallback;
  return isAbsolute(entry) ? entry : join(ctx.root, entry);
}

/** Whether `npm start` runs the embedded local model: neither OPENAI_BASE_URL nor OPENAI_API_KEY is set. */
export function usesLocalModel(env: NodeJS.ProcessEnv): boolean {
  return !env['OPENAI_BASE_URL']?.trim() && !env['OPENAI_API_KEY']?.trim();
}

/**
 * The local model server (apps/local-llm). Before anything starts: pick its port and make sure the model is
 * there (provisioned into the data dir on first use). When it starts, the worker's environment points at it.
 */
function localLlmService(): ServiceDefinition {
  let port = 0;
  let model: LocalModel | undefined;
  return {
    name: 'local-llm',
    async preflight(ctx) {
      port = await resolvePort('Local model server', intFromEnv(ctx.env, 'HUB_LOCAL_LLM_PORT', 8788), 'HUB_LOCAL_LLM_PORT', ctx.log);
      model = await findOrProvisionLocalModel({ env: ctx.env, log: ctx.log });
    },
    async start(ctx) {
      if (!model) throw new Error('local-llm: preflight did not run');
      const base = `http://127.0.0.1:${port}`;
      const requested = ctx.env['HUB_MODEL']?.trim();
      if (requested && requested !== model.id) {
        ctx.log(`HUB_MODEL=${requested} is ignored: the local model server serves ${model.id} for every request`);
      }
      // The worker (and the gateway's /readyz) use the local server through the same OpenAI-compatible path.
      ctx.env['OPENAI_BASE_URL'] = `${base}/v1`;
      ctx.env['HUB_MODEL'] = model.id;
      ctx.env['HUB_LLM_MODE'] = 'local';
      ctx.log(
        `No OPENAI_BASE_URL / OPENAI_API_KEY set: starting the local model server (${model.id}, ${model.path}) on ${base}/v1. ` +
          'Set them to use a hosted model instead.',
      );
      return startChildService(ctx, {
        name: 'local-llm',
        command: process.execPath,
        args: [
          '--import',
          'tsx',
          nodeEntry(ctx, 'HUB_LOCAL_LLM_ENTRY', 'apps/local-llm/src/main.ts'),
          '--model',
          model.path,
          '--model-id',
          model.id,
          '--port',
          String(port),
        ],
        readyUrl: `${base}/v1/models`,
        stopTimeoutMs: 15_000,
        banner: [{ label: 'LLM', value: `local model ${model.id} at ${base}/v1 (no OPENAI_BASE_URL / OPENAI_API_KEY set)` }],
      });
    },
  };
}

function workerService(): ServiceDefinition {
  return {
    name: 'worker',
    async start(ctx) {
      return startChildService(ctx, {
        name: 'worker',
        command: process.execPath,
        args: ['--import', 'tsx', nodeEntry(ctx, 'HUB_WORKER_ENTRY', 'apps/worker/src/main.ts')],
        readyLine: /"msg"\s*:\s*"worker ready"/,
        stopTimeoutMs: 30_000,
        banner: [{ label: 'Worker', value: `task queue ${ctx.env['HUB_TASK_QUEUE']?.trim() || 'agent-hub'}` }],
      });
    },
  };
}

function gatewayHostPort(env: NodeJS.ProcessEnv): { host: string; port: number; probeHost: string } {
  const host = env['HOST']?.trim() || '127.0.0.1';
  const { value: port } = intFromEnv(env, 'PORT', 8787);
  const wildcard = host === '0.0.0.0' || host === '::' || host === '[::]';
  const probe = wildcard ? '127.0.0.1' : host;
  return { host, port, probeHost: probe.includes(':') && !probe.startsWith('[') ? `[${probe}]` : probe };
}

function gatewayService(): ServiceDefinition {
  return {
    name: 'gateway',
    async preflight(ctx) {
      const { host, port } = gatewayHostPort(ctx.env);
      if (port !== 0 && !(await isPortFree(port, host.replace(/^\[|\]$/g, '')))) {
        const owner = describePortOwner(port) ?? 'another process';
        throw new Error(`Gateway port ${host}:${port} (PORT) is already in use by ${owner}. Stop it or set PORT to another port.`);
      }
    },
    async start(ctx) {
      const { port, probeHost } = gatewayHostPort(ctx.env);
      const base = `http://${probeHost}:${port}`;
      return startChildService(ctx, {
        name: 'gateway',
        command: process.execPath,
        args: ['--import', 'tsx', nodeEntry(ctx, 'HUB_GATEWAY_ENTRY', 'apps/gateway/src/main.ts')],
        readyUrl: `${base}/readyz`,
        stopTimeoutMs: 15_000,
        banner: [
          { label: 'Gateway', value: base },
          { label: 'OpenAPI', value: `${base}/openapi.json` },
        ],
      });
    },
  };
}

/** The hub's processes, in start order (they stop in reverse order). */
export function defineServices(env: NodeJS.ProcessEnv): ServiceDefinition[] {
  const services: ServiceDefinition[] = [];
  if (!env['TEMPORAL_ADDRESS']?.trim()) services.push(temporalService());
  if (usesLocalModel(env)) services.push(localLlmService());
  services.push(workerService(), gatewayService());
  return services;
}

// ---------------------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------------------

const USAGE = `Usage: npm start [-- --help]

Runs the agent hub locally: an embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), the local
model server (apps/local-llm, unless OPENAI_BASE_URL or OPENAI_API_KEY is set), the worker (apps/worker)
and the gateway (apps/gateway). Waits until everything is ready and prints
the URLs. Ctrl-C (or SIGTERM) stops the gateway, then lets the worker drain (up to 30 s), then stops
Temporal. A second Ctrl-C kills everything immediately.

Environment:
  TEMPORAL_ADDRESS          use this Temporal server (host:port) instead of starting a dev server
  TEMPORAL_NAMESPACE        namespace (default "default"); created in the embedded dev server
  TEMPORAL_API_KEY          API key for TEMPORAL_ADDRESS (implies TLS)
  TEMPORAL_TLS              "1"/"true" to use TLS with the system roots
  TEMPORAL_TLS_CA           PEM file with the server root CA
  TEMPORAL_TLS_CERT         PEM file with the mTLS client certificate (with TEMPORAL_TLS_KEY)
  TEMPORAL_TLS_KEY          PEM file with the mTLS client key
  TEMPORAL_TLS_SERVER_NAME  TLS server name override
  TEMPORAL_CLI              path to the temporal binary (default: found or installed by \`npm run provision\`)
  HUB_DATA_DIR              data directory (default <repo>/.hub); the dev server keeps its state in
                            <data dir>/temporal.db
  HUB_TEMPORAL_PORT         embedded Temporal gRPC port (default 7233; if the default is taken a free port
                            is used; 0 = any free port)
  HUB_TEMPORAL_UI_PORT      embedded Temporal Web UI port (default 8233, same fallback rules)
  HUB_TEMPORAL_HEADLESS     "1" to run the embedded dev server without the Web UI
  HUB_TASK_QUEUE            task queue of the worker (default "agent-hub")
  OPENAI_BASE_URL           an OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp server, LiteLLM, …);
  OPENAI_API_KEY            with either set, no local model server is started and the worker uses them
  HUB_MODEL                 model for a hosted endpoint (default gpt-4o-mini; the local server serves its own)
  HUB_LOCAL_MODEL           GGUF file for the local model server (default: Gemma 3 270M Q4_K_M, provisioned
                            into <data dir>/models on first use)
  HUB_LOCAL_LLM_PORT        local model server port (default 8788, same fallback rules as the Temporal ports)
  HUB_LOCAL_LLM_PARALLEL, HUB_LOCAL_LLM_CONTEXT, HUB_LOCAL_LLM_THREADS, HUB_LOCAL_LLM_MAX_TOKENS
                            local model server tuning (see \`npm run local-llm -- --help\`)
  HOST                      gateway bind host (default 127.0.0.1)
  PORT                      gateway port (default 8787)
  HUB_READY_TIMEOUT_MS      how long to wait for each service to become ready (default 120000)
  HUB_WORKER_ENTRY          worker entry point (default apps/worker/src/main.ts)
  HUB_GATEWAY_ENTRY         gateway entry point (default apps/gateway/src/main.ts)
  HUB_LOCAL_LLM_ENTRY       local model server entry point (default apps/local-llm/src/main.ts)
  HUB_LOG_LEVEL             log level passed to the services (debug|info|warn|error; default info)
All other variables are passed through to the worker, the gateway and the local model server.
`;

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`start: unknown argument(s): ${argv.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  const log = (msg: string): void => void process.stderr.write(`[hub] ${msg}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  let readyTimeoutMs = 120_000;
  try {
    loadTemporalConfig(env); // validate early, with a clear message
    const rawTimeout = env['HUB_READY_TIMEOUT_MS']?.trim();
    if (rawTimeout) {
      readyTimeoutMs = Number(rawTimeout);
      if (!Number.isFinite(readyTimeoutMs) || readyTimeoutMs <= 0) {
        throw new ConfigError(`HUB_READY_TIMEOUT_MS must be a positive number, got ${JSON.stringify(rawTimeout)}`);
      }
    }
    gatewayHostPort(env);
    intFromEnv(env, 'HUB_TEMPORAL_PORT', 7233);
    intFromEnv(env, 'HUB_TEMPORAL_UI_PORT', 8233);
    intFromEnv(env, 'HUB_LOCAL_LLM_PORT', 8788);
  } catch (err) {
    process.stderr.write(`[hub] invalid configuration: ${(err as Error).message}\n`);
    return 1;
  }
  const dataDir = hubDataDir(env);
  mkdirSync(dataDir, { recursive: true });
  env['HUB_DATA_DIR'] = dataDir;

  const ctx: SupervisorContext = { env, root: repoRoot(), dataDir, readyTimeoutMs, log };
  const bannerExtra: BannerEntry[] = [];
  if (env['TEMPORAL_ADDRESS']?.trim()) {
    bannerExtra.push({
      label: 'Temporal',
      value: `${env['TEMPORAL_ADDRESS'].trim()} (external, namespace ${env['TEMPORAL_NAMESPACE']?.trim() || 'default'})`,
    });
  }
  if (!usesLocalModel(env)) {
    const endpoint = env['OPENAI_BASE_URL']?.trim().replace(/\/\/[^@/]*@/, '//') || 'https://api.openai.com/v1 (OpenAI)';
    const model = env['HUB_MODEL']?.trim() || 'gpt-4o-mini';
    log(`LLM: ${endpoint}, model ${model} (OPENAI_BASE_URL / OPENAI_API_KEY set; no local model server)`);
    bannerExtra.push({ label: 'LLM', value: `${endpoint}, model ${model}` });
  }
  bannerExtra.push({ label: 'Data dir', value: dataDir });
  const { exitCode } = await supervise(defineServices(env), ctx, { bannerExtra });
  return exitCode;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main();
  process.exit(code);
}

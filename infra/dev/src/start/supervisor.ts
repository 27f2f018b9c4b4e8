/**
 * The supervisor of `npm start`: runs a list of services (ServiceDefinition), starting them in list order
 * and stopping them in reverse order, on a signal or when one of them fails. A service with a restart policy
 * (the worker, the local model server, the gateway) that crashes after it was ready is started again with
 * backoff; only repeated crashes in a short window shut the hub down. Knows nothing about the hub's processes
 * (those are in services.ts) nor about child processes (child-service.ts).
 */
import { nextRestart, type RestartPolicy } from './restart-policy';

export { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy';

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
  /** The process id, when the service is one child process. */
  pid?: number;
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
  /** Restart the service when it exits unexpectedly after startup (default: no restart, the hub shuts down). */
  restart?: RestartPolicy;
}

/** Human-readable description of how a process ended. */
export function describeExit(info: ExitInfo): string {
  return info.signal ? `killed by ${info.signal}` : `exit code ${info.code ?? 'unknown'}`;
}

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
  /** Set once every service was ready: a crash during startup is a startup failure, never restarted. */
  let startedUp = false;
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

  const crashes = new Map<string, number[]>();
  const restart = async (def: ServiceDefinition, policy: RestartPolicy, index: number, info: ExitInfo): Promise<void> => {
    const now = Date.now();
    const recent = (crashes.get(def.name) ?? []).filter((t) => now - t < policy.windowMs);
    recent.push(now);
    crashes.set(def.name, recent);
    const plan = nextRestart(policy, recent.length);
    if (!plan.restart) {
      void shutdown(
        1,
        `${def.name} exited unexpectedly (${describeExit(info)}) ${recent.length} times within ${policy.windowMs / 1000} s; giving up`,
      );
      return;
    }
    ctx.log(
      `${def.name} exited unexpectedly (${describeExit(info)}); restarting it in ${plan.delayMs / 1000} s ` +
        `(crash ${recent.length} of at most ${policy.maxCrashes - 1} within ${policy.windowMs / 1000} s)`,
    );
    await new Promise((r) => setTimeout(r, plan.delayMs).unref());
    if (shuttingDown) return;
    let svc: RunningService;
    try {
      svc = await def.start(ctx);
    } catch (err) {
      void shutdown(1, `${def.name} could not be restarted: ${(err as Error).message}`);
      return;
    }
    running[index] = svc;
    if (shuttingDown) {
      await svc.stop();
      return;
    }
    watch(def, svc, index);
    svc.ready.then(
      () => ctx.log(`${def.name} restarted${svc.pid !== undefined ? ` (pid ${svc.pid})` : ''}`),
      (err: unknown) => ctx.log(`${def.name} did not get ready after a restart: ${(err as Error).message}`),
    );
  };

  const watch = (def: ServiceDefinition, svc: RunningService, index: number): void => {
    void svc.exited.then((info) => {
      if (shuttingDown) return;
      if (def.restart && startedUp) void restart(def, def.restart, index, info);
      else void shutdown(1, `${svc.name} exited unexpectedly (${describeExit(info)})`);
    });
  };

  const startAll = async (): Promise<void> => {
    for (const def of services) await def.preflight?.(ctx);
    const pendingReady: RunningService[] = [];
    for (const def of services) {
      if (shuttingDown) return;
      const svc = await def.start(ctx);
      running.push(svc);
      watch(def, svc, running.length - 1);
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
        startedUp = true;
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

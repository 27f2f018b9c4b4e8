/**
 * The supervisor of `npm start`: runs a list of services (ServiceDefinition), starting them in list order
 * and stopping them in reverse order, on a signal or when one of them exits. Knows nothing about the hub's
 * processes (those are in services.ts) nor about child processes (child-service.ts).
 */

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

/**
 * The gateway under test: its own process, started as `npm run gateway` starts it (apps/gateway/src/main.ts
 * with tsx), so its RSS and CPU are its own. Its output goes to a log file (the access log writes a line per
 * request; read by nobody during the run). The only settings the suite changes are listed in
 * {@link GATEWAY_LIMITS} (written to a hub config file for it) and the API key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TENANT_LIMITS } from '@hub/contracts';
import { getFreePort } from '@hub/dev';
import { repoRoot } from '@hub/runtime';

export const BENCH_KEY = 'gateway-bench-key';
export const BENCH_TENANT = 'bench';

/**
 * The per-tenant request rate would refuse the suite's own traffic (1,000 SSE connects at once, the GET load,
 * the turns): raised so that no request is refused. Nothing else is changed (no other gateway limit applies to
 * SSE clients).
 */
export const GATEWAY_LIMITS = { requestsPerSecond: 1_000_000, burst: 1_000_000 } as const;
export const GATEWAY_LIMIT_DEFAULTS = { requestsPerSecond: DEFAULT_TENANT_LIMITS.requestsPerSecond, burst: DEFAULT_TENANT_LIMITS.burst };

export interface GatewayProcess {
  proc: ChildProcess;
  pid: number;
  host: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

/** `cpuProfDir`: write a V8 CPU profile of the gateway there when it exits (`--cpu-prof`). */
export async function startGatewayProcess(o: {
  temporalAddress: string;
  taskQueue: string;
  dir: string;
  cpuProfDir?: string | undefined;
  /** Run with the default limits (no `limits` in its hub config) instead of {@link GATEWAY_LIMITS}. */
  defaultLimits?: boolean | undefined;
}): Promise<GatewayProcess> {
  const port = await getFreePort();
  const host = '127.0.0.1';
  const name = o.defaultLimits ? 'gateway-default-limits' : 'gateway';
  const configFile = join(o.dir, `${name}.config.json`);
  writeFileSync(configFile, JSON.stringify(o.defaultLimits ? {} : { limits: { defaults: GATEWAY_LIMITS } }));
  const logFile = join(o.dir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const prof = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', 'apps/gateway/src/main.ts'], {
    cwd: repoRoot(),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: host,
      TEMPORAL_ADDRESS: o.temporalAddress,
      HUB_TASK_QUEUE: o.taskQueue,
      HUB_API_KEYS: `${BENCH_KEY}:${BENCH_TENANT}`,
      HUB_CONFIG: configFile,
      HUB_WEB: 'off',
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = async () => {
    if (gone) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 12_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (gone) throw new Error(`the gateway exited at start; see ${logFile}`);
    const ready = await fetch(`http://${host}:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the gateway was not ready in 90 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { proc, pid: proc.pid!, host, port, logFile, stop };
}

/** Spawns the fan-out workers (./worker-process.ts) as child processes and stops them. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForReadyLine } from '@hub/dev';
/** What a worker process prints once it polls. */
export const WORKER_READY_LINE = 'fanout worker ready';

export interface WorkerProcess {
  pid: number;
  stop(): Promise<void>;
}

const entry = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

/** `cpuProfDir`: write a V8 CPU profile of the worker there when it exits (node --cpu-prof). */
export async function spawnFanOutWorker(kind: 'hub' | 'bare', address: string, taskQueue: string, llmUrl: string, cpuProfDir?: string): Promise<WorkerProcess> {
  // Node's default names (CPU.<date>.<pid>.<thread>.cpuprofile): one per thread, the workflow threads included.
  const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${join(cpuProfDir, `${kind}-worker`)}`] : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', entry, kind, address, taskQueue, llmUrl], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, HUB_LOG_LEVEL: process.env['HUB_LOG_LEVEL'] ?? 'warn' },
  });
  const ready = await waitForReadyLine(proc, { name: `${kind} worker`, ready: (l) => l.includes(WORKER_READY_LINE), timeoutMs: 120_000 });
  // Its warnings and errors stay visible (the bench's stderr).
  const echo = (chunk: Buffer): void => void process.stderr.write(chunk.toString('utf8').replace(/^(?=.)/gm, `[${kind} worker] `));
  proc.stdout?.on('data', echo);
  proc.stderr?.on('data', echo);
  return {
    pid: proc.pid!,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      await ready.exited;
      clearTimeout(timer);
    },
  };
}

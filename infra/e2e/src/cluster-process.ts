/**
 * `npm run cluster` as a child process for the cluster e2e test: started with a state dir, ports and an
 * environment of the test's choosing, ready once it prints its banner (whose lines name each worker's and
 * gateway's pid and URL), stopped with SIGTERM like Ctrl-C. `stop()` always ends with nothing left running:
 * a second signal makes the supervisor kill everything, and whatever still lives after that is killed by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@hub/runtime';

export interface ClusterProcessOptions {
  stateDir: string;
  pgPort: number;
  temporalPort: number;
  gatewayPorts: number[];
  env: NodeJS.ProcessEnv;
  /** How long start-up may take (default 240 s). */
  readyTimeoutMs?: number;
  /** Echo the cluster's output to the test log. */
  echo?: boolean;
}

export interface ClusterBanner {
  gateways: Array<{ url: string; pid: number }>;
  workers: Array<{ pid: number }>;
  temporal: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class ClusterProcess {
  readonly output: string[] = [];
  banner!: ClusterBanner;
  exitCode: number | null | undefined;
  private proc?: ChildProcess;
  private exited?: Promise<number | null>;
  /** Every pid the cluster named (banner, restarts), to be sure none is left at the end. */
  private readonly pids = new Set<number>();

  constructor(readonly opts: ClusterProcessOptions) {}

  async start(): Promise<ClusterBanner> {
    const o = this.opts;
    const args = [
      '--import', 'tsx', join(repoRoot(), 'infra', 'dev', 'src', 'cluster', 'main.ts'),
      '--data-dir', o.stateDir,
      '--pg-port', String(o.pgPort),
      '--temporal-port', String(o.temporalPort),
      '--gateway-ports', o.gatewayPorts.join(','),
    ];
    const proc = spawn(process.execPath, args, { cwd: repoRoot(), env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve((this.exitCode = code))));
    let onLine: ((line: string) => void) | undefined;
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.output.push(line);
        if (o.echo) process.stderr.write(`[cluster-test] ${line}\n`);
        for (const m of line.matchAll(/\bpid (\d+)/g)) this.pids.add(Number(m[1]));
        onLine?.(line);
      }
    };
    proc.stdout.on('data', take);
    proc.stderr.on('data', take);
    const timeoutMs = o.readyTimeoutMs ?? 240_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm run cluster not ready in ${timeoutMs / 1000} s:\n${this.tail()}`)), timeoutMs);
      void this.exited!.then((code) => {
        clearTimeout(timer);
        reject(new Error(`npm run cluster exited (code ${code}) before it was ready:\n${this.tail()}`));
      });
      onLine = (line) => {
        if (!/^Press Ctrl-C to stop\./.test(line)) return;
        clearTimeout(timer);
        resolve();
      };
    });
    onLine = undefined;
    this.banner = this.parseBanner();
    return this.banner;
  }

  private parseBanner(): ClusterBanner {
    const at = this.output.lastIndexOf('Agent hub is ready.');
    const lines = this.output.slice(at);
    const gateways = lines
      .map((l) => /^\s+Gateway \d+:\s+(http:\/\/\S+) \(pid (\d+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ url: m[1]!, pid: Number(m[2]) }));
    const workers = lines
      .map((l) => /^\s+Worker \d+:\s+pid (\d+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ pid: Number(m[1]) }));
    const temporal = lines.map((l) => /^\s+Temporal:\s+(\S+)/.exec(l)?.[1]).find(Boolean) ?? '';
    return { gateways, workers, temporal };
  }

  /** The last lines, after the supervisor's own notes of what failed (those are easily pushed out by the shutdown's lines). */
  tail(n = 40): string {
    const notes = this.output.filter((l) => /startup failed|not ready|did not|could not|exited unexpectedly/.test(l)).slice(-10);
    return [...notes, '…', ...this.output.slice(-n)].join('\n');
  }

  /** Lines the cluster printed matching `re` (e.g. the supervisor's restart notes). */
  lines(re: RegExp): string[] {
    return this.output.filter((l) => re.test(l));
  }

  /** Waits (bounded) for a line matching `re`. */
  async waitForLine(re: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = this.output.find((l) => re.test(l));
      if (hit) return hit;
      await sleep(200);
    }
    throw new Error(`npm run cluster printed no line matching ${re} in ${timeoutMs / 1000} s:\n${this.tail()}`);
  }

  /**
   * SIGTERM (Ctrl-C); returns the exit code. If it is not done within `timeoutMs`: a second SIGTERM (the
   * supervisor kills everything), then SIGKILL; and any pid it named that still lives is killed.
   */
  async stop(timeoutMs = 90_000): Promise<number | null | undefined> {
    const proc = this.proc;
    if (proc && this.exitCode === undefined) {
      proc.kill('SIGTERM');
      const done = await Promise.race([this.exited!.then(() => true), sleep(timeoutMs).then(() => false)]);
      if (!done) {
        proc.kill('SIGTERM');
        const killed = await Promise.race([this.exited!.then(() => true), sleep(15_000).then(() => false)]);
        if (!killed) proc.kill('SIGKILL');
        await this.exited;
      }
    }
    for (const pid of this.pids) if (pid !== proc?.pid && alive(pid)) process.kill(pid, 'SIGKILL');
    return this.exitCode;
  }

  /** Pids the cluster named that are still alive (none, after a clean stop). */
  leftovers(): number[] {
    return [...this.pids].filter((pid) => pid !== this.proc?.pid && alive(pid));
  }
}

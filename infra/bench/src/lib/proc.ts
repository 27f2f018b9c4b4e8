/**
 * CPU and memory of processes from /proc (Linux; undefined elsewhere): the bench's own process, the
 * Temporal dev server, spawned workers. `ProcSampler` keeps the peak RSS of a set of processes while a
 * measurement runs.
 */
import { readFileSync } from 'node:fs';

/** CPU time (user + system) of a process, in ms. */
export function procCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in ticks of 10 ms (USER_HZ 100)
  } catch {
    return undefined;
  }
}

/** Resident set size of a process, in bytes. */
export function procRssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time of this process, in ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export const mb = (bytes: number | undefined): string => (bytes === undefined ? '?' : `${(bytes / 1024 / 1024).toFixed(0)} MB`);

/** CPU spent and peak RSS of named processes between `start()` and `stop()` (sampled every `everyMs`). */
export class ProcSampler {
  private timer: NodeJS.Timeout | undefined;
  private cpu0 = new Map<string, number>();
  private peak = new Map<string, number>();

  /** `pids`: name → pid; the name `self` with pid `process.pid` measures this process. */
  constructor(
    private readonly pids: Record<string, number | undefined>,
    private readonly everyMs = 100,
  ) {}

  private cpuOf(name: string): number | undefined {
    const pid = this.pids[name];
    return pid === process.pid ? selfCpuMs() : procCpuMs(pid);
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      const rss = procRssBytes(pid);
      if (rss !== undefined && rss > (this.peak.get(name) ?? 0)) this.peak.set(name, rss);
    }
  }

  start(): this {
    for (const name of Object.keys(this.pids)) {
      const c = this.cpuOf(name);
      if (c !== undefined) this.cpu0.set(name, c);
    }
    this.peak.clear();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  /** CPU ms and peak RSS bytes of each process since `start()`. */
  stop(): Record<string, { cpuMs?: number; peakRssBytes?: number }> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const out: Record<string, { cpuMs?: number; peakRssBytes?: number }> = {};
    for (const name of Object.keys(this.pids)) {
      const c = this.cpuOf(name);
      const c0 = this.cpu0.get(name);
      out[name] = {
        ...(c !== undefined && c0 !== undefined ? { cpuMs: Math.round(c - c0) } : {}),
        ...(this.peak.has(name) ? { peakRssBytes: this.peak.get(name)! } : {}),
      };
    }
    return out;
  }
}

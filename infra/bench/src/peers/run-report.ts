/** What a peer's process reports for one run of the research shape, timed and CPU-measured in that process. */
import type { ShapeOutcome } from './shape';

export interface RunPayload {
  question: string;
  n: number;
  /** LangGraph's thread id (one checkpoint thread per run). */
  threadId?: string;
}

export interface RunReport extends ShapeOutcome {
  /** Wall time inside the peer's process (the bench also times the round trip). */
  wallMs: number;
  /** This process's CPU (user + system) during the run, from process.cpuUsage (µs precision). */
  cpuMs: number;
}

export async function runTimed(run: () => Promise<ShapeOutcome>): Promise<RunReport> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ...outcome, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The peers suite's figures: one measured run, the medians per size and contender, the ratios, the printout. */
import { median } from '../lib/stats';
import { mb } from '../lib/proc';
import type { LlmStats } from './llm-process';

export const KINDS = ['hub', 'langgraph', 'floor'] as const;
export type Kind = (typeof KINDS)[number];

export interface Measured {
  kind: Kind;
  n: number;
  /** From the bench's request to the answer (the hub: workflow start to its result). */
  wallMs: number;
  /** hub: dev server + worker (/proc); peers: their process (process.cpuUsage). */
  cpuMs: number;
  /** hub: the dev server's peak + the worker's peak; peers: their process's peak (sampled every 50 ms). */
  peakRssBytes: number;
  /** Per process (/proc): CPU ms and peak RSS. */
  procs: Record<string, { cpuMs?: number; peakRssBytes?: number }>;
  /** The bench process meanwhile (the hub's Temporal client; IPC for the peers): excluded from every figure. */
  clientCpuMs: number;
  /** The LLM fixture's CPU meanwhile (/proc): the same work for all three, excluded from every figure. */
  llmCpuMs: number;
  /** The peers' own timing inside their process. */
  innerWallMs?: number;
  /** The requests the LLM received during the run, by role. */
  llm: LlmStats;
}

export interface KindSummary {
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  runs: number;
  wallRuns: number[];
  /** Excluded from cpuMs: the bench client's and the LLM fixture's CPU meanwhile (medians). */
  clientCpuMs: number;
  llmCpuMs: number;
  /** Median CPU of each process (hub: server, worker). */
  procCpuMs: Record<string, number>;
  procPeakRssBytes: Record<string, number>;
  /** LLM requests of one run, by role, with their mean body size. */
  requests: Record<string, { calls: number; meanBytes: number }>;
}

export interface SizeSummary {
  kinds: Partial<Record<Kind, KindSummary>>;
  hubOverLangGraph?: { wall: number; cpu: number; rss: number };
  hubOverFloor?: { wall: number; cpu: number; rss: number };
}

function kindSummary(runs: Measured[]): KindSummary {
  const procNames = [...new Set(runs.flatMap((r) => Object.keys(r.procs)))];
  const last = runs.at(-1)!;
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
    runs: runs.length,
    wallRuns: runs.map((r) => Math.round(r.wallMs)),
    clientCpuMs: median(runs.map((r) => r.clientCpuMs)),
    llmCpuMs: median(runs.map((r) => r.llmCpuMs)),
    procCpuMs: Object.fromEntries(procNames.map((p) => [p, median(runs.map((r) => r.procs[p]?.cpuMs ?? NaN))])),
    procPeakRssBytes: Object.fromEntries(procNames.map((p) => [p, median(runs.map((r) => r.procs[p]?.peakRssBytes ?? NaN))])),
    requests: Object.fromEntries(
      Object.entries(last.llm)
        .filter(([, s]) => s.calls > 0)
        .map(([role, s]) => [role, { calls: s.calls, meanBytes: Math.round(s.bytes / s.calls) }]),
    ),
  };
}

const ratio = (a: KindSummary, b: KindSummary): { wall: number; cpu: number; rss: number } => ({
  wall: a.wallMs / b.wallMs,
  cpu: a.cpuMs / b.cpuMs,
  rss: a.peakRssBytes / b.peakRssBytes,
});

export function summarize(runs: Measured[], sizes: number[]): Record<number, SizeSummary> {
  const out: Record<number, SizeSummary> = {};
  for (const n of sizes) {
    const kinds: SizeSummary['kinds'] = {};
    for (const kind of KINDS) {
      const mine = runs.filter((r) => r.n === n && r.kind === kind);
      if (mine.length) kinds[kind] = kindSummary(mine);
    }
    const { hub, langgraph, floor } = kinds;
    out[n] = {
      kinds,
      ...(hub && langgraph ? { hubOverLangGraph: ratio(hub, langgraph) } : {}),
      ...(hub && floor ? { hubOverFloor: ratio(hub, floor) } : {}),
    };
  }
  return out;
}

const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const x = (v: number): string => `${v.toFixed(2)}×`;

export function printSummary(summary: Record<number, SizeSummary>, rounds: Record<number, number>, idleRssBytes: Record<number, Record<string, number>>): void {
  const lines = [
    '',
    'peers: the research shape (planner, N agents with one LLM call each, synthesizer; same prompts, the same scripted LLM in its own process); medians, order rotated per round',
  ];
  for (const [n, s] of Object.entries(summary)) {
    const idle = idleRssBytes[Number(n)] ?? {};
    lines.push(`  N=${n} (${rounds[Number(n)] ?? 0} rounds; fresh processes, RSS before the first run: ${Object.entries(idle).map(([p, b]) => `${p} ${mb(b)}`).join(', ')})`);
    for (const kind of KINDS) {
      const k = s.kinds[kind];
      if (!k) continue;
      const parts = Object.keys(k.procCpuMs).length > 1 ? ` (${Object.entries(k.procCpuMs).map(([p, c]) => `${p} ${sec(c)}`).join(' + ')})` : '';
      const rssParts =
        Object.keys(k.procPeakRssBytes).length > 1 ? ` (${Object.entries(k.procPeakRssBytes).map(([p, r]) => `${p} ${mb(r)}`).join(' + ')})` : '';
      lines.push(
        `    ${kind.padEnd(9)} wall ${k.wallMs.toFixed(0).padStart(7)} ms   cpu ${sec(k.cpuMs).padStart(8)}${parts}   peak rss ${mb(k.peakRssBytes)}${rssParts}` +
          `   [excluded: LLM ${sec(k.llmCpuMs)}, bench client ${sec(k.clientCpuMs)}]`,
      );
    }
    if (s.hubOverLangGraph) {
      const r = s.hubOverLangGraph;
      lines.push(`    hub/LangGraph  wall ${x(r.wall)} (target <= 1.00)   cpu ${x(r.cpu)} (target <= 2.00)   rss ${x(r.rss)}`);
    }
    if (s.hubOverFloor) {
      const r = s.hubOverFloor;
      lines.push(`    hub/floor      wall ${x(r.wall)}   cpu ${x(r.cpu)}   rss ${x(r.rss)}`);
    }
    const req = KINDS.map((kind) => {
      const q = s.kinds[kind]?.requests;
      return q ? `${kind} ${Object.entries(q).map(([role, v]) => `${role} ${v.calls}×${v.meanBytes} B`).join(', ')}` : '';
    }).filter(Boolean);
    lines.push(`    LLM requests per run (count × mean body): ${req.join('; ')}`);
  }
  lines.push(
    '  hub CPU = Temporal dev server + hub worker (/proc), its RSS = the sum of their peaks; the bench process (Temporal client) and the LLM are',
    '  in no figure. LangGraph/floor: their own process (CPU from process.cpuUsage, RSS peak sampled every 50 ms).',
  );
  process.stdout.write(lines.join('\n') + '\n');
}

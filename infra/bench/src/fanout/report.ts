/** The fan-out suite's summary per size (medians over rounds, ratios, usage), its printed lines and fixed costs. */
import type { WorkflowClient } from '@temporalio/client';
import { RESEARCH_LIMITS, researchBatchWorkflowId } from '@hub/contracts';
import { mb } from '../lib/proc';
import { median } from '../lib/stats';
import { profileHistory, type HistoryProfile } from './history';
import type { Kind } from './options';
import type { Run, Usage } from './runs';

/** The target of hub/bare (child workflows): <= 1.2 at 100 agents, <= 1.05 at 1,000 and 10,000. */
export const targetRatio = (n: number): number => (n >= 1000 ? 1.05 : 1.2);

export interface KindSummary {
  wallMs: { median: number; runs: number[] };
  llmCalls: number;
  /** Medians of CPU; peak RSS: the largest seen. */
  usage: { server: Usage; worker: Usage; bench: Usage };
}

export interface SizeSummary {
  hub?: KindSummary;
  bare?: KindSummary;
  batched?: KindSummary;
  hubDoneMs?: { median: number; runs: number[] };
  /** Of the kinds that ran. */
  ratio: { hubOverBare?: number; hubOverBatched?: number; batchedOverBare?: number; target: number };
  status?: Run['status'];
}

const med = (xs: Array<number | undefined>): number | undefined => {
  const v = xs.filter((x): x is number => x !== undefined);
  return v.length ? median(v) : undefined;
};
const max = (xs: Array<number | undefined>): number | undefined => {
  const v = xs.filter((x): x is number => x !== undefined);
  return v.length ? Math.max(...v) : undefined;
};

function usageOf(runs: Run[], who: 'server' | 'worker' | 'bench'): Usage {
  const cpuMs = med(runs.map((r) => r.usage[who].cpuMs));
  const peakRssBytes = max(runs.map((r) => r.usage[who].peakRssBytes));
  return { ...(cpuMs !== undefined ? { cpuMs } : {}), ...(peakRssBytes !== undefined ? { peakRssBytes } : {}) };
}

function kindSummary(runs: Run[]): KindSummary | undefined {
  if (runs.length === 0) return undefined;
  return {
    wallMs: { median: median(runs.map((r) => r.wallMs)), runs: runs.map((r) => Math.round(r.wallMs)) },
    llmCalls: runs[0]!.llmCalls,
    usage: { server: usageOf(runs, 'server'), worker: usageOf(runs, 'worker'), bench: usageOf(runs, 'bench') },
  };
}

export function summarise(n: number, runs: Record<Kind, Run[]>): SizeSummary {
  const hub = kindSummary(runs.hub);
  const bare = kindSummary(runs.bare);
  const batched = kindSummary(runs.batched);
  const done = runs.hub.map((r) => r.doneMs).filter((x): x is number => x !== undefined);
  const statuses = runs.hub.map((r) => r.status).filter((s): s is NonNullable<Run['status']> => s !== undefined);
  const over = (a?: KindSummary, b?: KindSummary): number | undefined => (a && b ? a.wallMs.median / b.wallMs.median : undefined);
  const ratio: SizeSummary['ratio'] = { target: targetRatio(n) };
  if (over(hub, bare) !== undefined) ratio.hubOverBare = over(hub, bare)!;
  if (over(hub, batched) !== undefined) ratio.hubOverBatched = over(hub, batched)!;
  if (over(batched, bare) !== undefined) ratio.batchedOverBare = over(batched, bare)!;
  return {
    ...(hub ? { hub } : {}),
    ...(bare ? { bare } : {}),
    ...(batched ? { batched } : {}),
    ...(done.length ? { hubDoneMs: { median: median(done), runs: done } } : {}),
    ratio,
    ...(statuses.length
      ? {
          status: {
            polls: statuses.reduce((a, s) => a + s.polls, 0),
            failed: statuses.reduce((a, s) => a + s.failed, 0),
            maxBytes: Math.max(...statuses.map((s) => s.maxBytes)),
            maxMs: Math.max(...statuses.map((s) => s.maxMs)),
          },
        }
      : {}),
  };
}

/** Where a hub job's time goes, from its history: sizes, and its fixed costs around the agents. */
export interface JobProfile {
  historyEvents: number;
  historyBytes: number;
  /** Jobs above 1,000 agents: the largest of their researchBatch workflows' histories. */
  largestBatchHistory?: { events: number; bytes: number; batches: number };
  workflowTasks: number;
  /** ms from the job's start event. */
  plannerMs?: number;
  firstAgentStartMs?: number;
  agentsMs?: number;
  synthesizerMs?: number;
  /** Synthesizer completed → job closed. */
  synthesizerEndToCloseMs?: number;
  /** Job closed → the client had its result (client wall time minus the history's close). */
  closeToResultMs?: number;
  history: HistoryProfile;
}

async function largestBatchHistory(client: WorkflowClient, jobId: string, n: number): Promise<JobProfile['largestBatchHistory']> {
  const batches = Math.ceil(n / RESEARCH_LIMITS.maxChildrenPerWorkflow);
  if (batches <= 1) return undefined;
  let events = 0;
  let bytes = 0;
  for (let b = 0; b < batches; b++) {
    const d = await client.getHandle(researchBatchWorkflowId(jobId, b)).describe();
    events = Math.max(events, d.historyLength ?? 0);
    bytes = Math.max(bytes, d.historySize ?? 0);
  }
  return { events, bytes, batches };
}

export async function profileJob(client: WorkflowClient, run: Run, n: number): Promise<JobProfile> {
  const handle = client.getHandle(run.workflowId);
  const desc = await handle.describe();
  const batches = await largestBatchHistory(client, run.workflowId, n);
  const h = await profileHistory(handle);
  const llm = h.activities['llmComplete'];
  const batch = h.activities['researchAgentBatch'];
  const firstAgent = [batch?.firstScheduled, h.phases.firstChildInitiated].filter((x): x is number => x !== undefined);
  const lastAgent = [batch?.lastCompleted, h.phases.lastChildCompleted].filter((x): x is number => x !== undefined);
  const firstAgentStartMs = firstAgent.length ? Math.min(...firstAgent) : undefined;
  const started = desc.startTime.getTime();
  return {
    historyEvents: desc.historyLength ?? h.events,
    historyBytes: desc.historySize ?? 0,
    ...(batches ? { largestBatchHistory: batches } : {}),
    workflowTasks: h.workflowTasks,
    ...(llm?.firstCompleted !== undefined ? { plannerMs: llm.firstCompleted - llm.firstScheduled } : {}),
    ...(firstAgentStartMs !== undefined ? { firstAgentStartMs } : {}),
    ...(firstAgentStartMs !== undefined && lastAgent.length ? { agentsMs: Math.max(...lastAgent) - firstAgentStartMs } : {}),
    ...(llm && llm.count > 1 && llm.lastCompleted !== undefined ? { synthesizerMs: llm.lastCompleted - llm.lastScheduled } : {}),
    ...(llm?.lastCompleted !== undefined && h.phases.closed !== undefined ? { synthesizerEndToCloseMs: h.phases.closed - llm.lastCompleted } : {}),
    ...(h.phases.closed !== undefined ? { closeToResultMs: Math.round(run.endedAt - (started + h.phases.closed)) } : {}),
    history: h,
  };
}

const sec = (ms?: number): string => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);
const ms = (v?: number): string => (v === undefined ? '?' : `${Math.round(v)} ms`);

const wall = (k?: KindSummary): string => (k ? `${k.wallMs.median.toFixed(0).padStart(7)} ms` : '    (not run)');

export function reportLines(sizes: number[], summary: Record<number, SizeSummary>, jobs: Record<number, JobProfile>): string[] {
  const lines: string[] = [];
  for (const n of sizes) {
    const s = summary[n]!;
    const r = s.ratio;
    lines.push(
      `  N=${String(n).padEnd(6)} hub ${wall(s.hub)}` +
        (s.hubDoneMs ? ` (done at ${s.hubDoneMs.median.toFixed(0)})` : '') +
        `   bare ${wall(s.bare)}   batched ${wall(s.batched)}` +
        (r.hubOverBare !== undefined ? `   hub/bare ${r.hubOverBare.toFixed(2)} (target <= ${r.target})` : '') +
        (r.hubOverBatched !== undefined ? `  hub/batched ${r.hubOverBatched.toFixed(2)}` : ''),
    );
    for (const kind of ['hub', 'bare', 'batched'] as const) {
      const k = s[kind];
      if (!k) continue;
      const u = k.usage;
      lines.push(
        `           ${kind.padEnd(8)} CPU server ${sec(u.server.cpuMs)}, worker ${sec(u.worker.cpuMs)}, bench/LLM ${sec(u.bench.cpuMs)}; ` +
          `peak RSS server ${mb(u.server.peakRssBytes)}, worker ${mb(u.worker.peakRssBytes)}; LLM calls ${k.llmCalls}`,
      );
    }
    const j = jobs[n];
    if (j) {
      lines.push(
        `           job: history ${j.historyEvents} events, ${(j.historyBytes / 1024 / 1024).toFixed(2)} MB, ${j.workflowTasks} workflow tasks; ` +
          (j.largestBatchHistory
            ? `largest of ${j.largestBatchHistory.batches} batch workflows ${j.largestBatchHistory.events} events, ${(j.largestBatchHistory.bytes / 1024 / 1024).toFixed(2)} MB; `
            : '') +
          `status query: largest ${((s.status?.maxBytes ?? 0) / 1024).toFixed(0)} KiB, slowest ${ms(s.status?.maxMs)} (${s.status?.polls ?? 0} polls, ${s.status?.failed ?? 0} failed)`,
      );
      lines.push(
        `           fixed costs: first agent starts at ${ms(j.firstAgentStartMs)} (planner ${ms(j.plannerMs)}), agents ${ms(j.agentsMs)}, ` +
          `synthesizer ${ms(j.synthesizerMs)}, synthesizer end -> close ${ms(j.synthesizerEndToCloseMs)}, close -> client result ${ms(j.closeToResultMs)}`,
      );
    }
  }
  return lines;
}

/**
 * One measured run of each kind: the hub's research job, the bare child-workflow fan-out and the bare
 * batched fan-out. Each run samples the CPU and peak RSS of the Temporal server, of the worker that runs it
 * (its own process) and of this process (fake LLM, client); a hub run also polls the job's status query, as
 * the web app does, and keeps the largest and slowest answer.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { getProfile } from '@hub/agents';
import { RESEARCH_LIMITS, WORKFLOW_TYPES, researchStateQuery, researchWorkflowId, type AgentProfile, type ResearchJobInput, type ResearchState } from '@hub/contracts';
import { ProcSampler } from '../lib/proc';
import type { BareBatchedFanOutInput, BareFanOutInput, bareBatchedFanOut, bareFanOut } from './bare-workflows';
import { hubBatchSize, type FanOutBenchOptions, type Kind } from './options';


export interface Usage {
  cpuMs?: number;
  peakRssBytes?: number;
}

export interface Run {
  kind: Kind;
  workflowId: string;
  wallMs: number;
  /** Epoch ms when the client had the result. */
  endedAt: number;
  /** Hub only: until the job reported done (its `finishedAt`). */
  doneMs?: number;
  llmCalls: number;
  /** server: the Temporal dev server; worker: the process running this kind's workflows and activities; bench: this process (fake LLM, client). */
  usage: { server: Usage; worker: Usage; bench: Usage };
  /** Hub only: the status-query polls during the run. */
  status?: { polls: number; failed: number; maxBytes: number; maxMs: number };
}

export interface FanOutContext {
  client: Client;
  opts: FanOutBenchOptions;
  pids: { server?: number; hubWorker: number; bareWorker: number };
  queues: { hub: string; bare: string };
  llmCalls(): number;
}

/** Generous per-run bound for a busy machine: 5 minutes plus 0.2 s per agent (10,000 agents: 38 minutes). */
const runTimeoutMs = (n: number): number => 5 * 60_000 + n * 200;

async function bounded<T>(p: Promise<T>, n: number, what: string, onTimeout: () => Promise<unknown>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void onTimeout().catch(() => undefined);
      reject(new Error(`${what} did not finish in ${(runTimeoutMs(n) / 1000).toFixed(0)} s`));
    }, runTimeoutMs(n));
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The hub's chunk size: per job, or per batch workflow of `max` sub-agents with its share of the slots. */
function batchSizeFor(n: number, concurrency: number, max: number): number {
  if (n <= max) return hubBatchSize(n, concurrency);
  return hubBatchSize(max, Math.max(1, Math.floor(concurrency / Math.ceil(n / max))));
}

/**
 * The research question (the same for every kind). Short, because the fake planner repeats it in each of the N
 * sub-questions: at 10,000 agents the plan must stay within the LLM activity's 1 MB result limit.
 */
const questionFor = (tag: string): string => `fan-out ${tag}`;

function profileOf(name: string): AgentProfile {
  const p = getProfile(name);
  if (!p) throw new Error(`agent profile '${name}' is missing`);
  return p;
}

const profiles = () => ({ planner: profileOf('research-planner'), researcher: profileOf('researcher'), synthesizer: profileOf('research-synthesizer') });

function sampler(ctx: FanOutContext, workerPid: number): ProcSampler {
  return new ProcSampler({ server: ctx.pids.server, worker: workerPid, bench: process.pid }, 200).start();
}

const usageOf = (s: ProcSampler): Run['usage'] => {
  const u = s.stop();
  return { server: u['server'] ?? {}, worker: u['worker'] ?? {}, bench: u['bench'] ?? {} };
};

export async function runHub(ctx: FanOutContext, n: number, tag: string): Promise<Run> {
  const id = `bench-${tag}-${randomUUID().slice(0, 8)}`;
  const workflowId = researchWorkflowId('bench', id);
  const calls0 = ctx.llmCalls();
  const startedAt = Date.now();
  const s = sampler(ctx, ctx.pids.hubWorker);
  const t0 = performance.now();
  const input: ResearchJobInput = {
    id,
    tenant: 'bench',
    question: questionFor(tag),
    maxAgents: n,
    ...profiles(),
    minSuccessRatio: 1,
    concurrency: ctx.opts.concurrency,
    createdAt: new Date(startedAt).toISOString(),
  };
  const handle = await ctx.client.workflow.start(WORKFLOW_TYPES.researchJob, { workflowId, taskQueue: ctx.queues.hub, args: [input] });
  const status = { polls: 0, failed: 0, maxBytes: 0, maxMs: 0 };
  let done = false;
  const polling = (async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, ctx.opts.statusPollMs));
      if (done) break;
      const q0 = performance.now();
      try {
        const state = await handle.query(researchStateQuery);
        status.maxBytes = Math.max(status.maxBytes, Buffer.byteLength(JSON.stringify(state)));
      } catch {
        status.failed += 1; // e.g. the job closed meanwhile, or the query timed out
      }
      status.polls += 1;
      status.maxMs = Math.max(status.maxMs, performance.now() - q0);
    }
  })();
  let state: ResearchState;
  try {
    state = await bounded(handle.result() as Promise<ResearchState>, n, `hub job ${workflowId}`, () => handle.terminate('bench timeout'));
  } finally {
    done = true;
  }
  const wallMs = performance.now() - t0;
  const endedAt = Date.now();
  const usage = usageOf(s);
  await polling;
  status.maxBytes = Math.max(status.maxBytes, Buffer.byteLength(JSON.stringify(state)));
  if (state.status !== 'completed' || state.progress.succeeded !== n) {
    throw new Error(`hub job ${workflowId} ended ${state.status} with ${state.progress.succeeded}/${n} agents: ${state.error ?? ''}`);
  }
  const doneMs = state.finishedAt ? Date.parse(state.finishedAt) - startedAt : undefined;
  return { kind: 'hub', workflowId, wallMs, endedAt, ...(doneMs !== undefined ? { doneMs } : {}), llmCalls: ctx.llmCalls() - calls0, usage, status };
}

export async function runBare(ctx: FanOutContext, kind: 'bare' | 'batched', n: number, tag: string): Promise<Run> {
  const workflowId = `bench-${kind}/${tag}-${randomUUID().slice(0, 8)}`;
  const max = RESEARCH_LIMITS.maxChildrenPerWorkflow;
  const base: BareFanOutInput = { question: questionFor(tag), n, concurrency: ctx.opts.concurrency, maxPerWorkflow: max };
  const calls0 = ctx.llmCalls();
  const s = sampler(ctx, ctx.pids.bareWorker);
  const t0 = performance.now();
  let succeeded: number;
  if (kind === 'bare') {
    const handle = await ctx.client.workflow.start<typeof bareFanOut>('bareFanOut', { workflowId, taskQueue: ctx.queues.bare, args: [base] });
    succeeded = (await bounded(handle.result(), n, `bare fan-out ${workflowId}`, () => handle.terminate('bench timeout'))).succeeded;
  } else {
    const input: BareBatchedFanOutInput = { ...base, batchSize: ctx.opts.batchSize ?? batchSizeFor(n, ctx.opts.concurrency, max) };
    const handle = await ctx.client.workflow.start<typeof bareBatchedFanOut>('bareBatchedFanOut', { workflowId, taskQueue: ctx.queues.bare, args: [input] });
    succeeded = (await bounded(handle.result(), n, `batched fan-out ${workflowId}`, () => handle.terminate('bench timeout'))).succeeded;
  }
  const wallMs = performance.now() - t0;
  const endedAt = Date.now();
  const usage = usageOf(s);
  if (succeeded !== n) throw new Error(`${kind} fan-out ${workflowId}: ${succeeded}/${n} calls succeeded`);
  return { kind, workflowId, wallMs, endedAt, llmCalls: ctx.llmCalls() - calls0, usage };
}

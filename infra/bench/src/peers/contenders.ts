/**
 * The three contenders of the peers suite, started afresh for each size (so one size's memory does not show
 * in the next one's peak RSS), and one measured run of any of them:
 * - hub: a Temporal dev server on its own SQLite file (startDevServer's defaults for a dbFile, as `npm start`)
 *   and the hub's worker in a child process; the job is started and awaited with the Temporal client;
 * - langgraph, floor: a child process each (./langgraph-process.ts, ./floor-process.ts).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { WORKFLOW_TYPES, researchWorkflowId, type AgentProfile, type ResearchJobInput, type ResearchState } from '@hub/contracts';
import { startDevServer, type DevServer } from '@hub/dev';
import { ProcSampler, procRssBytes, selfCpuMs } from '../lib/proc';
import { startChild, type Child } from './child';
import type { LlmStats } from './llm-process';
import type { Kind, Measured } from './report';
import type { RunPayload, RunReport } from './run-report';
import { questionFor, type PeerKit } from './shape';

export const RUN_TIMEOUT_MS = 5 * 60_000;

export interface Contenders {
  /** RSS of every process once started, before any run. */
  idleRssBytes(): Record<string, number>;
  measure(kind: Kind, n: number, tag: string): Promise<Measured>;
  stop(): Promise<void>;
}

export interface ContenderSetup {
  dir: string;
  /** Names this size's database files. */
  label: string;
  llm: Child<{ url: string }>;
  kit: PeerKit;
  profiles: { planner: AgentProfile; researcher: AgentProfile; synthesizer: AgentProfile };
}

export async function startContenders(s: ContenderSetup): Promise<Contenders> {
  const children: Array<Child<unknown>> = [];
  let temporal: DevServer | undefined;
  let connection: Connection | undefined;
  const stop = async (): Promise<void> => {
    await connection?.close().catch(() => undefined);
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    await temporal?.stop().catch(() => undefined);
  };
  try {
    temporal = await startDevServer({ dbFile: join(s.dir, `temporal-${s.label}.db`), headless: true, log: () => undefined });
    const taskQueue = `bench-peers-${randomUUID().slice(0, 8)}`;
    const worker = await startChild<{ pid: number }>(
      './hub-worker-process.ts',
      { address: temporal.address, taskQueue, llmUrl: s.llm.ready.url },
      { name: 'hub worker', readyTimeoutMs: 180_000 },
    );
    children.push(worker);
    const langgraph = await startChild<{ pid: number }>('./langgraph-process.ts', { ...s.kit, dbFile: join(s.dir, `langgraph-${s.label}.db`) }, { name: 'LangGraph.js' });
    children.push(langgraph);
    const floor = await startChild<{ pid: number }>('./floor-process.ts', s.kit, { name: 'floor' });
    children.push(floor);
    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    const serverPid = temporal.process.pid;

    const runHub = async (question: string, n: number): Promise<{ agents: number; succeeded: number }> => {
      const id = `peers-${randomUUID().slice(0, 8)}`;
      const input: ResearchJobInput = { id, tenant: 'bench', question, maxAgents: n, ...s.profiles, minSuccessRatio: 1, createdAt: new Date().toISOString() };
      const handle = await client.workflow.start(WORKFLOW_TYPES.researchJob, { workflowId: researchWorkflowId('bench', id), taskQueue, args: [input] });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          void handle.terminate('bench timeout').catch(() => undefined);
          reject(new Error(`hub job ${handle.workflowId} did not finish in ${RUN_TIMEOUT_MS / 1000} s`));
        }, RUN_TIMEOUT_MS);
      });
      try {
        const state = await Promise.race([handle.result() as Promise<ResearchState>, timeout]);
        if (state.status !== 'completed') throw new Error(`hub job ${handle.workflowId} ended ${state.status}: ${state.error ?? ''}`);
        return { agents: state.progress.total, succeeded: state.progress.succeeded };
      } finally {
        clearTimeout(timer);
      }
    };

    const measure = async (kind: Kind, n: number, tag: string): Promise<Measured> => {
      const question = questionFor(n, tag);
      const pids: Record<string, number | undefined> =
        kind === 'hub' ? { server: serverPid, worker: worker.pid } : { peer: kind === 'langgraph' ? langgraph.pid : floor.pid };
      await s.llm.request<LlmStats>('stats'); // resets the counts
      const sampler = new ProcSampler({ ...pids, llm: s.llm.pid }, 50).start();
      const clientCpu0 = selfCpuMs();
      const t0 = performance.now();
      let outcome: { agents: number; succeeded: number; selfCpuMs?: number; selfWallMs?: number };
      if (kind === 'hub') {
        outcome = await runHub(question, n);
      } else {
        const peer = kind === 'langgraph' ? langgraph : floor;
        const payload: RunPayload = { question, n, threadId: `${tag}-${randomUUID().slice(0, 8)}` };
        const r = await peer.request<RunReport>('run', payload, RUN_TIMEOUT_MS);
        outcome = { ...r, selfCpuMs: r.cpuMs, selfWallMs: r.wallMs };
      }
      const wallMs = performance.now() - t0;
      const clientCpuMs = selfCpuMs() - clientCpu0;
      const { llm: llmProc, ...procs } = sampler.stop();
      const calls = await s.llm.request<LlmStats>('stats');
      if (outcome.succeeded !== n || outcome.agents !== n) throw new Error(`${kind} N=${n}: ${outcome.succeeded}/${outcome.agents} agents succeeded, expected ${n}`);
      const cpuProc = Object.values(procs).reduce((a, p) => a + (p.cpuMs ?? 0), 0);
      const rss = Object.values(procs).reduce((a, p) => a + (p.peakRssBytes ?? 0), 0);
      return {
        kind,
        n,
        wallMs,
        // The peers' own process.cpuUsage (µs) where they report it; the hub's from /proc (10 ms ticks).
        cpuMs: outcome.selfCpuMs ?? cpuProc,
        peakRssBytes: rss,
        procs,
        clientCpuMs: Math.round(clientCpuMs),
        llmCpuMs: llmProc?.cpuMs ?? NaN,
        ...(outcome.selfWallMs !== undefined ? { innerWallMs: outcome.selfWallMs } : {}),
        llm: calls,
      };
    };

    const idlePids = { server: serverPid, worker: worker.pid, langgraph: langgraph.pid, floor: floor.pid };
    return {
      idleRssBytes: () => Object.fromEntries(Object.entries(idlePids).map(([name, pid]) => [name, procRssBytes(pid) ?? NaN])),
      measure,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

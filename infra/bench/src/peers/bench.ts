/**
 * `npm run bench -- peers`: the research shape (a planner call, N parallel agents each making one LLM call,
 * a synthesizer call) built three ways, beside each other in one run, for N = 10, 100, 1,000:
 *
 * - hub: a real `researchJob` started with the Temporal client (as the fanout suite does), on an embedded
 *   Temporal dev server persisting to an SQLite file (as `npm start` runs it: startDevServer's defaults for
 *   a dbFile), worked by the hub's real worker in its own process. Its CPU and RSS are the dev server's plus
 *   the worker's (the bench client's own CPU is reported apart and excluded);
 * - langgraph: LangGraph.js `StateGraph` with `Send` fan-out and the SQLite checkpointer (./langgraph-process.ts);
 * - floor: a plain `Promise.all`, no durability (./floor-process.ts).
 *
 * Each runs in its own process; so does the LLM (the scripted fixture with the research responder, answering
 * at once), so nobody's figures include it. The peers send the hub's requests (./shape.ts: its prompt
 * builders, profiles, tools and plan schema); the LLM counts each role's requests and bytes to show it.
 * Rounds run every size with the contenders' order rotated per round; medians are reported with the ratios
 * hub/LangGraph and hub/floor. Figures are reported, never asserted.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { DEFAULT_MAX_TOKENS, getProfile, toOpenAITools } from '@hub/agents';
import { WORKFLOW_TYPES, researchPlanSchemas, researchWorkflowId, type AgentProfile, type ResearchJobInput, type ResearchState } from '@hub/contracts';
import { startDevServer } from '@hub/dev';
import { createBuiltinProvider } from '@hub/tools';
import { withZod } from '../../../../workflows/src/validators';
import { intListOption, intOption } from '../lib/args';
import { ProcSampler, procRssBytes, selfCpuMs } from '../lib/proc';
import { machine, writeResult } from '../lib/results';
import { startChild, type Child } from './child';
import type { LlmStats } from './llm-process';
import { KINDS, printSummary, summarize, type Kind, type Measured } from './report';
import type { RunPayload, RunReport } from './run-report';
import { questionFor, type PeerKit, type RoleSettings } from './shape';

export const PEERS_HELP = `peers options (suite "peers"):
  --sizes N[,N…]      agents per research job (default 10,100,1000)
  --rounds N          rounds; each runs every size, the contenders' order rotated
                      per round; medians are reported (default 3)
  --max-minutes M     time budget: rounds after the second start only if another
                      like the last still fits (default 5)
  The research shape (planner call -> N agents with one LLM call each ->
  synthesizer call), same prompts, same scripted LLM answering at once (its own
  process), built three ways, each in its own process:
    hub        a research job on the hub's real worker, on an embedded Temporal
               dev server with an SQLite file (as npm start); CPU and RSS =
               dev server + worker
    langgraph  LangGraph.js StateGraph, Send fan-out, SqliteSaver on a file
    floor      plain Promise.all, no durability
  Prints wall time, CPU and peak RSS of each and the ratios hub/LangGraph and
  hub/floor. Targets: hub <= 1.0x LangGraph wall time at N = 100 and 1,000,
  hub CPU within 2x LangGraph's. Writes infra/bench/results/peers-*.json.
`;

export interface PeersOptions {
  sizes: number[];
  rounds: number;
  maxMinutes: number;
}

export function parsePeersArgs(argv: string[]): PeersOptions {
  return {
    sizes: intListOption(argv, 'sizes', [10, 100, 1000], 10_000),
    rounds: intOption(argv, 'rounds', 3, 20),
    maxMinutes: intOption(argv, 'max-minutes', 5, 120),
  };
}

const RUN_TIMEOUT_MS = 5 * 60_000;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

function profileOf(name: string): AgentProfile {
  const p = getProfile(name);
  if (!p) throw new Error(`agent profile '${name}' is missing`);
  return p;
}
/** The hub's bench worker answers requests without a model with 'bench' (its defaultModel). */
const role = (p: AgentProfile): RoleSettings => ({ systemPrompt: p.systemPrompt, temperature: p.temperature, model: p.model || 'bench' });

export async function runPeersBench(argv: string[]): Promise<void> {
  const opts = parsePeersArgs(argv);
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-peers-'));
  const children: Array<Child<unknown>> = [];
  let temporal: Awaited<ReturnType<typeof startDevServer>> | undefined;
  let connection: Connection | undefined;
  try {
    log(`bench peers: starting the scripted LLM, a Temporal dev server on ${join(dir, 'temporal.db')}, the hub worker, LangGraph.js and the floor…`);
    const llm = await startChild<{ url: string }>('./llm-process.ts', {}, { name: 'scripted LLM' });
    children.push(llm);
    temporal = await startDevServer({ dbFile: join(dir, 'temporal.db'), headless: true, log: () => undefined });
    const taskQueue = `bench-peers-${randomUUID().slice(0, 8)}`;
    const worker = await startChild<{ pid: number }>(
      './hub-worker-process.ts',
      { address: temporal.address, taskQueue, llmUrl: llm.ready.url },
      { name: 'hub worker', readyTimeoutMs: 180_000 },
    );
    children.push(worker);

    const profiles = { planner: profileOf('research-planner'), researcher: profileOf('researcher'), synthesizer: profileOf('research-synthesizer') };
    const kit: PeerKit = {
      llmUrl: llm.ready.url,
      planner: role(profiles.planner),
      researcher: role(profiles.researcher),
      synthesizer: role(profiles.synthesizer),
      agentTools: toOpenAITools(await createBuiltinProvider().listTools()),
      planSchema: withZod(researchPlanSchemas)().jsonSchema(),
      maxTokens: DEFAULT_MAX_TOKENS,
    };
    const langgraph = await startChild<{ pid: number }>('./langgraph-process.ts', { ...kit, dbFile: join(dir, 'langgraph.db') }, { name: 'LangGraph.js' });
    children.push(langgraph);
    const floor = await startChild<{ pid: number }>('./floor-process.ts', kit, { name: 'floor' });
    children.push(floor);

    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    const serverPid = temporal.process.pid;

    const runHub = async (question: string, n: number): Promise<{ agents: number; succeeded: number }> => {
      const id = `peers-${randomUUID().slice(0, 8)}`;
      const input: ResearchJobInput = { id, tenant: 'bench', question, maxAgents: n, ...profiles, minSuccessRatio: 1, createdAt: new Date().toISOString() };
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
      await llm.request<LlmStats>('stats'); // resets the counts
      const sampler = new ProcSampler({ ...pids, llm: llm.pid }, 50).start();
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
      const calls = await llm.request<LlmStats>('stats');
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

    const idlePids = { server: serverPid, worker: worker.pid, langgraph: langgraph.pid, floor: floor.pid, llm: llm.pid };
    const idleRssBytes = Object.fromEntries(Object.entries(idlePids).map(([name, pid]) => [name, procRssBytes(pid) ?? NaN]));
    log(`bench peers: warm-up (N=10 each)…`);
    for (const kind of KINDS) await measure(kind, 10, 'warmup');

    const runs: Measured[] = [];
    const benchStart = performance.now();
    let rounds = 0;
    for (let round = 0; round < opts.rounds; round++) {
      const roundStart = performance.now();
      const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]!);
      for (const n of opts.sizes) {
        for (const kind of order) {
          const m = await measure(kind, n, `n${n}-r${round}`);
          runs.push(m);
          log(
            `  round ${round + 1}/${opts.rounds}  N=${String(n).padEnd(5)} ${kind.padEnd(9)} ${m.wallMs.toFixed(0).padStart(7)} ms  ` +
              `cpu ${(m.cpuMs / 1000).toFixed(2)} s  rss ${(m.peakRssBytes / 1048576).toFixed(0)} MB  llm calls ${m.llm.planner.calls}+${m.llm.agent.calls}+${m.llm.synthesizer.calls}`,
          );
          await sleep(300);
        }
      }
      rounds += 1;
      const now = performance.now();
      if (rounds >= 2 && rounds < opts.rounds && now - benchStart + (now - roundStart) > opts.maxMinutes * 60_000) {
        log(`  stopping after ${rounds} rounds: another would exceed --max-minutes ${opts.maxMinutes}`);
        break;
      }
    }

    const summary = summarize(runs, opts.sizes);
    printSummary(summary, rounds, idleRssBytes);
    writeResult('peers', {
      benchmark: 'peers',
      at: new Date().toISOString(),
      machine: machine(),
      options: opts,
      rounds,
      setup: {
        llm: 'scripted OpenAI-compatible fixture, research responder, own process',
        hub: 'researchJob via the Temporal client; dev server with an SQLite file (startDevServer defaults); hub worker in its own process',
        langgraph: '@langchain/langgraph StateGraph, Send fan-out, SqliteSaver on a file, own process',
        floor: 'Promise.all, own process',
      },
      target: { hubOverLangGraphWall: 1.0, hubOverLangGraphCpu: 2.0, atSizes: [100, 1000] },
      idleRssBytes,
      summary,
      runs,
    });
  } finally {
    await connection?.close().catch(() => undefined);
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    await temporal?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

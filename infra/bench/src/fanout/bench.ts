/**
 * `npm run bench -- fanout`: a research job fanning out to N sub-agents
 * through the hub, against bare Temporal child workflows doing one activity
 * each. Same embedded dev server, same run, same fake LLM:
 *
 * - hub: a `researchJob` started with the Temporal client (as the research
 *   tests do) on the hub's real worker (real workflow bundle, real LLM
 *   activity over HTTP): planner → N `researchAgent` children (each one LLM
 *   activity; the fake model answers without tools) → synthesizer;
 * - bare: a bench-only parent workflow (./bare-workflows.ts, its own bundle
 *   and task queue) starting N children, each running one activity making the
 *   same kind of HTTP call to the same fake LLM.
 *
 * Both keep at most `concurrency` (500) children in flight. The fake LLM is
 * the scripted test fixture with the research responder, answering at once.
 * Rounds alternate the order (hub first, then bare first, …); medians are
 * reported with the ratio hub/bare, and the histories of the last round are
 * read to show where the time goes. Timings are reported, never asserted.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { getProfile } from '@hub/agents';
import {
  RESEARCH_LIMITS,
  WORKFLOW_TYPES,
  researchAgentWorkflowId,
  researchWorkflowId,
  type AgentProfile,
  type ResearchJobInput,
  type ResearchState,
} from '@hub/contracts';
import { repoRoot } from '@hub/runtime';
import { startDevServer } from '@hub/dev';
import { researchResponder } from '@hub/testing/research-responder';
import { startScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { startBenchHubWorker } from '../hub-worker';
import { createBaselineActivities } from '../baseline/activities';
import type { BareFanOutInput, bareFanOut } from './bare-workflows';
import { profileHistory, type HistoryProfile } from './history';

const require = createRequire(import.meta.url);

export const FANOUT_HELP = `fan-out options (suite "fanout"):
  --agents N[,N…]     sub-agents per job (default 100,1000)
  --rounds N          rounds per size, alternating hub-first / bare-first;
                      medians are reported (default 3)
  --max-minutes M     time budget: rounds after the second start only if
                      the previous round's duration still fits (default 4)
  --concurrency N     children in flight per job, hub and bare alike
                      (default and maximum ${RESEARCH_LIMITS.maxInFlight})
  A research job (planner -> N researchAgent children -> synthesizer) on the
  hub's real worker vs a bare parent workflow starting N children that each
  run one activity making the same HTTP call to the same instant fake LLM;
  same dev server, same run. Prints both wall times and the ratio hub/bare
  (target <= 1.5), the history profile of the last round, and writes JSON to
  infra/bench/results/fanout-*.json.
`;

export interface FanOutBenchOptions {
  sizes: number[];
  rounds: number;
  maxMinutes: number;
  concurrency: number;
}

function value(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
function positiveInt(text: string, name: string, max = Number.MAX_SAFE_INTEGER): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v <= 0 || v > max) throw new Error(`--${name} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`);
  return v;
}

export function parseFanOutArgs(argv: string[]): FanOutBenchOptions {
  const sizes = (value(argv, 'agents') ?? '100,1000').split(',').map((s) => positiveInt(s, 'agents', RESEARCH_LIMITS.maxChildrenPerWorkflow));
  return {
    sizes,
    rounds: positiveInt(value(argv, 'rounds') ?? '3', 'rounds', 20),
    maxMinutes: positiveInt(value(argv, 'max-minutes') ?? '4', 'max-minutes', 120),
    concurrency: positiveInt(value(argv, 'concurrency') ?? String(RESEARCH_LIMITS.maxInFlight), 'concurrency', RESEARCH_LIMITS.maxInFlight),
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function cpuMedian(runs: Run[]): Run['cpuMs'] {
  const server = runs.map((r) => r.cpuMs.server).filter((x): x is number => x !== undefined);
  return { bench: median(runs.map((r) => r.cpuMs.bench)), ...(server.length ? { server: median(server) } : {}) };
}

const RUN_TIMEOUT_MS = 5 * 60_000;
async function withTimeout<T>(p: Promise<T>, what: string, onTimeout: () => Promise<unknown>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void onTimeout().catch(() => undefined);
      reject(new Error(`${what} did not finish in ${RUN_TIMEOUT_MS / 1000} s`));
    }, RUN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** CPU time of a process from /proc (Linux; undefined elsewhere), in ms. */
function procCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in ticks of 10 ms (USER_HZ 100)
  } catch {
    return undefined;
  }
}
const selfCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Run {
  workflowId: string;
  wallMs: number;
  /** CPU spent meanwhile by this process (workers, LLM fixture, client) and by the Temporal server. */
  cpuMs: { bench: number; server?: number };
  /** Hub only: until the job reported done (its `finishedAt`), before the stream linger. */
  doneMs?: number;
  llmCalls: number;
}

function profileOf(name: string): AgentProfile {
  const p = getProfile(name);
  if (!p) throw new Error(`agent profile '${name}' is missing`);
  return p;
}

export async function runFanOutBench(argv: string[]): Promise<void> {
  const opts = parseFanOutArgs(argv);
  process.stderr.write(`bench fanout: starting an in-memory Temporal dev server and the fake LLM (research responder)…\n`);
  const temporal = await startDevServer({ headless: true, log: () => undefined });
  let llmCalls = 0;
  const llm = await startScriptedLlmServer({
    maxRecorded: 100,
    responder: (req) => {
      llmCalls += 1;
      return researchResponder(req);
    },
  });
  const native = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const hubQueue = `bench-fanout-hub-${randomUUID().slice(0, 8)}`;
  const bareQueue = `bench-fanout-bare-${randomUUID().slice(0, 8)}`;

  const { worker: hubWorker, close: closeHubActivities } = await startBenchHubWorker({ connection: native, taskQueue: hubQueue, llmUrl: llm.url, model: 'bench' });
  // The same worker tuning as the hub's (createHubWorker: 100 activities at a time; SDK defaults otherwise).
  const bareWorker = await Worker.create({
    connection: native,
    taskQueue: bareQueue,
    workflowsPath: require.resolve('./bare-workflows'),
    activities: createBaselineActivities(llm.url),
    maxConcurrentActivityTaskExecutions: 100,
  });
  const running = [hubWorker.run(), bareWorker.run()];

  const profiles = { planner: profileOf('research-planner'), researcher: profileOf('researcher'), synthesizer: profileOf('research-synthesizer') };

  const serverCpu = () => procCpuMs(temporal.process.pid);
  const cpuSince = (cpu0: { bench: number; server?: number }): Run['cpuMs'] => {
    const server = serverCpu();
    return { bench: Math.round(selfCpuMs() - cpu0.bench), ...(server !== undefined && cpu0.server !== undefined ? { server: server - cpu0.server } : {}) };
  };

  const runHub = async (n: number, tag: string): Promise<Run> => {
    const id = `bench-${tag}-${randomUUID().slice(0, 8)}`;
    const workflowId = researchWorkflowId('bench', id);
    const question = `What does a fan-out of ${n} agents cost (${tag})?`;
    const calls0 = llmCalls;
    const cpu0 = { bench: selfCpuMs(), server: serverCpu() };
    const startedAt = Date.now();
    const t0 = performance.now();
    const input: ResearchJobInput = {
      id,
      tenant: 'bench',
      question,
      maxAgents: n,
      ...profiles,
      minSuccessRatio: 1,
      concurrency: opts.concurrency,
      createdAt: new Date(startedAt).toISOString(),
    };
    const handle = await client.workflow.start(WORKFLOW_TYPES.researchJob, { workflowId, taskQueue: hubQueue, args: [input] });
    const state = await withTimeout(handle.result() as Promise<ResearchState>, `hub job ${workflowId}`, () => handle.terminate('bench timeout'));
    const wallMs = performance.now() - t0;
    if (state.status !== 'completed' || state.progress.succeeded !== n) {
      throw new Error(`hub job ${workflowId} ended ${state.status} with ${state.progress.succeeded}/${n} agents: ${state.error ?? ''}`);
    }
    const doneMs = state.finishedAt ? Date.parse(state.finishedAt) - startedAt : undefined;
    return { workflowId, wallMs, cpuMs: cpuSince(cpu0), ...(doneMs !== undefined ? { doneMs } : {}), llmCalls: llmCalls - calls0 };
  };

  const runBare = async (n: number, tag: string): Promise<Run> => {
    const workflowId = `bench-bare/${tag}-${randomUUID().slice(0, 8)}`;
    const input: BareFanOutInput = { question: `What does a fan-out of ${n} agents cost (${tag})?`, n, concurrency: opts.concurrency };
    const calls0 = llmCalls;
    const cpu0 = { bench: selfCpuMs(), server: serverCpu() };
    const t0 = performance.now();
    const handle = await client.workflow.start<typeof bareFanOut>('bareFanOut', { workflowId, taskQueue: bareQueue, args: [input] });
    const out = await withTimeout(handle.result(), `bare fan-out ${workflowId}`, () => handle.terminate('bench timeout'));
    const wallMs = performance.now() - t0;
    if (out.succeeded !== n) throw new Error(`bare fan-out ${workflowId}: ${out.succeeded}/${n} children succeeded`);
    return { workflowId, wallMs, cpuMs: cpuSince(cpu0), llmCalls: llmCalls - calls0 };
  };

  try {
    process.stderr.write(`bench fanout: warm-up (10 agents each)…\n`);
    await runHub(10, 'warmup');
    await runBare(10, 'warmup');

    const runs = new Map(opts.sizes.map((n) => [n, { hub: [] as Run[], bare: [] as Run[] }]));
    const benchStart = performance.now();
    let rounds = 0;
    for (let round = 0; round < opts.rounds; round++) {
      const roundStart = performance.now();
      for (const n of opts.sizes) {
        const r = runs.get(n)!;
        const order = round % 2 === 0 ? (['hub', 'bare'] as const) : (['bare', 'hub'] as const);
        for (const kind of order) {
          const run = kind === 'hub' ? await runHub(n, `n${n}-r${round}`) : await runBare(n, `n${n}-r${round}`);
          r[kind].push(run);
          process.stderr.write(
            `  round ${round + 1}/${opts.rounds}  N=${n}  ${kind.padEnd(4)} ${run.wallMs.toFixed(0).padStart(6)} ms` +
              (run.doneMs !== undefined ? `  (done at ${run.doneMs} ms)` : '') +
              `  llm calls ${run.llmCalls}  cpu: bench ${(run.cpuMs.bench / 1000).toFixed(1)} s, server ${run.cpuMs.server !== undefined ? (run.cpuMs.server / 1000).toFixed(1) : '?'} s\n`,
          );
          await sleep(300);
        }
      }
      rounds += 1;
      // Both orders run at least once; later rounds only while the budget allows one more like the last.
      const now = performance.now();
      if (rounds >= 2 && rounds < opts.rounds && now - benchStart + (now - roundStart) > opts.maxMinutes * 60_000) {
        process.stderr.write(`  stopping after ${rounds} rounds: another would exceed --max-minutes ${opts.maxMinutes}\n`);
        break;
      }
    }

    // Where the time goes: the histories of the last round (job/parent, and one child each).
    const profile: Record<number, { hubJob: HistoryProfile; hubAgent: HistoryProfile; bareParent: HistoryProfile; bareChild: HistoryProfile }> = {};
    for (const n of opts.sizes) {
      const r = runs.get(n)!;
      const hubId = r.hub.at(-1)!.workflowId;
      const bareId = r.bare.at(-1)!.workflowId;
      const mid = Math.floor(n / 2);
      const h = (id: string): WorkflowHandle => client.workflow.getHandle(id);
      profile[n] = {
        hubJob: await profileHistory(h(hubId)),
        hubAgent: await profileHistory(h(researchAgentWorkflowId(hubId, mid))),
        bareParent: await profileHistory(h(bareId)),
        bareChild: await profileHistory(h(`${bareId}/child/${mid}`)),
      };
    }

    const sizes = Object.fromEntries(
      opts.sizes.map((n) => {
        const r = runs.get(n)!;
        const hubMs = median(r.hub.map((x) => x.wallMs));
        const bareMs = median(r.bare.map((x) => x.wallMs));
        const done = r.hub.map((x) => x.doneMs).filter((x): x is number => x !== undefined);
        const hubDoneMs = done.length ? median(done) : undefined;
        return [
          n,
          {
            hubMs: { median: hubMs, runs: r.hub.map((x) => Math.round(x.wallMs)) },
            hubDoneMs: hubDoneMs !== undefined ? { median: hubDoneMs, runs: done } : undefined,
            bareMs: { median: bareMs, runs: r.bare.map((x) => Math.round(x.wallMs)) },
            ratio: hubMs / bareMs,
            ratioDone: hubDoneMs !== undefined ? hubDoneMs / bareMs : undefined,
            llmCallsPerJob: { hub: r.hub[0]!.llmCalls, bare: r.bare[0]!.llmCalls },
            cpuMs: { hub: cpuMedian(r.hub), bare: cpuMedian(r.bare) },
          },
        ];
      }),
    ) as Record<number, {
      hubMs: { median: number; runs: number[] };
      hubDoneMs?: { median: number; runs: number[] };
      bareMs: { median: number; runs: number[] };
      ratio: number;
      ratioDone?: number;
      llmCallsPerJob: { hub: number; bare: number };
      cpuMs: { hub: Run['cpuMs']; bare: Run['cpuMs'] };
    }>;

    const at = new Date().toISOString();
    const result = {
      benchmark: 'fan-out',
      at,
      machine: { cpus: cpus().length, node: process.version },
      options: opts,
      rounds,
      sizes,
      researchJob1000AgentsWallMs: sizes[1000]?.hubMs.median,
      profile,
      target: { ratio: 1.5 },
    };

    const lines = [
      '',
      `fan-out: research job through the hub vs bare child workflows (<= ${opts.concurrency} in flight, instant fake LLM, same dev server, same run; median of ${rounds} rounds)`,
    ];
    for (const n of opts.sizes) {
      const s = sizes[n]!;
      lines.push(
        `  N=${String(n).padEnd(5)} hub ${s.hubMs.median.toFixed(0).padStart(6)} ms` +
          (s.hubDoneMs ? ` (done at ${s.hubDoneMs.median.toFixed(0)} ms)` : '') +
          `   bare ${s.bareMs.median.toFixed(0).padStart(6)} ms   ratio ${s.ratio.toFixed(2)}` +
          (s.ratioDone !== undefined ? ` (${s.ratioDone.toFixed(2)} until done)` : '') +
          `   (target <= 1.5)`,
      );
    }
    if (result.researchJob1000AgentsWallMs !== undefined) {
      lines.push(`  1,000-agent research job wall time: ${result.researchJob1000AgentsWallMs.toFixed(0)} ms`);
    }
    const sec = (ms?: number) => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);
    lines.push('  CPU per job (median): this process (workers, fake LLM, client) / Temporal server');
    for (const n of opts.sizes) {
      const c = sizes[n]!.cpuMs;
      lines.push(`    N=${String(n).padEnd(5)} hub ${sec(c.hub.bench)} / ${sec(c.hub.server)}   bare ${sec(c.bare.bench)} / ${sec(c.bare.server)}`);
    }
    lines.push('  where the time goes (last round; ms from each workflow start):');
    for (const n of opts.sizes) {
      const p = profile[n]!;
      const j = p.hubJob.phases;
      const b = p.bareParent.phases;
      const span = (a?: number, z?: number) => (a !== undefined && z !== undefined ? `${z - a}` : '?');
      lines.push(
        `    N=${n} hub job: ${p.hubJob.events} events, ${p.hubJob.workflowTasks} workflow tasks, ${(p.hubJob.payloadBytes / 1024).toFixed(0)} KiB payloads; ` +
          `planner ${span(j.firstActivityScheduled, j.firstActivityCompleted)}, children ${span(j.firstChildInitiated, j.lastChildCompleted)}, ` +
          `synthesizer ${span(j.lastActivityScheduled, j.lastActivityCompleted)}, close after ${span(j.lastActivityCompleted, j.closed)}` +
          `${p.hubJob.byType['workflowTaskTimedOut'] ? `, ${p.hubJob.byType['workflowTaskTimedOut']} workflow task timeouts` : ''}; ` +
          `agent: ${p.hubAgent.events} events, ${(p.hubAgent.payloadBytes / 1024).toFixed(1)} KiB, ${span(0, p.hubAgent.phases.closed)} ms`,
      );
      lines.push(
        `    N=${n} bare parent: ${p.bareParent.events} events, ${p.bareParent.workflowTasks} workflow tasks, ${(p.bareParent.payloadBytes / 1024).toFixed(0)} KiB payloads; ` +
          `children ${span(b.firstChildInitiated, b.lastChildCompleted)}, close after ${span(b.lastChildCompleted, b.closed)}; ` +
          `child: ${p.bareChild.events} events, ${(p.bareChild.payloadBytes / 1024).toFixed(1)} KiB, ${span(0, p.bareChild.phases.closed)} ms`,
      );
    }
    process.stdout.write(lines.join('\n') + '\n');
    const dir = join(repoRoot(), 'infra', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `fanout-${at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`results: ${file}\n`);
  } finally {
    hubWorker.shutdown();
    bareWorker.shutdown();
    await Promise.allSettled(running);
    await closeHubActivities();
    await native.close();
    await connection.close();
    await llm.close();
    await temporal.stop();
  }
}

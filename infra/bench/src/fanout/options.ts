/** Options and --help of the fan-out suite (`npm run bench -- fanout`). */
import { resolve } from 'node:path';
import { RESEARCH_LIMITS } from '@hub/contracts';
import { intListOption, intOption, option } from '../lib/args';

/**
 * Calls per activity of the batched baseline by default: as many as the hub puts in one `researchAgentBatch`
 * (workflows/src/research/agent-batches.ts agentsPerActivity: a quarter of the job, at most
 * RESEARCH_LIMITS.maxAgentsPerActivity and at most the concurrency).
 */
export function hubBatchSize(agents: number, concurrency: number): number {
  return Math.max(1, Math.min(RESEARCH_LIMITS.maxAgentsPerActivity, concurrency, Math.ceil(agents / 4)));
}

export type Kind = 'hub' | 'bare' | 'batched';
export const KINDS: readonly Kind[] = ['hub', 'bare', 'batched'];

export const FANOUT_HELP = `fan-out options (suite "fanout"):
  --agents N[,N…]     sub-agents per job (default 100,1000; the issue's sizes
                      are 100,1000,10000: a 10,000-agent round takes many
                      minutes, most of them in the child-workflow baseline)
  --rounds N          rounds per size, rotating which kind runs first;
                      medians are reported (default 3)
  --max-minutes M     time budget: rounds after the second start only if
                      the previous round's duration still fits (default 4)
  --concurrency N     calls in flight per job, hub and baselines alike
                      (default and maximum ${RESEARCH_LIMITS.maxInFlight})
  --batch-size N      calls per activity of the batched baseline (default:
                      as the hub cuts its researchAgentBatch activities, a
                      quarter of the job, at most ${RESEARCH_LIMITS.maxAgentsPerActivity}: 25 at 100, 50 above)
  --kinds K[,K…]      which to run of hub, bare, batched (default all three;
                      hub/bare and hub/batched are printed when both ran)
  --in-memory         run the dev server in memory (default: an SQLite file
                      in a temporary directory, as \`npm start\` runs it)
  --sqlite-pragmas P  file-backed only: "default" (the dev server's, as
                      \`npm start\`: journal_mode=wal,synchronous=normal),
                      "none" (SQLite's own: rollback journal, synchronous=full)
                      or key=value[,key=value…]
  --cpu-prof DIR      write V8 CPU profiles of both workers, one per thread,
                      under DIR/hub-worker and DIR/bare-worker (open in Chrome
                      DevTools; the SDK's Rust core is not in them)
  --status-poll-ms N  the client polls the job's status query this often
                      during a hub run, as the web app does (default 1000)
  Measures what \`npm start\` runs: the Temporal dev server on an SQLite file
  with npm start's settings, the hub's real worker in its own process (its
  CPU and RSS apart from the fake LLM and the client). Three kinds per size,
  same dev server, same run, same instant fake LLM: the hub's research job
  (planner -> N sub-agents -> synthesizer), a bare parent workflow with N
  child workflows of one activity each ("bare"), and a bare parent running
  the N calls as batch activities of --batch-size calls ("batched", the
  hub's own execution shape). Above 1,000 calls both baselines split into
  sub-parents of 1,000 sharing the slots, as the job splits into
  researchBatch workflows. Prints wall times, the ratios hub/bare
  (targets <= 1.2 at 100, <= 1.05 at 1,000 and 10,000) and hub/batched,
  CPU of the Temporal server and of each worker, peak RSS of each, the
  job's history size, the largest status-query answer and its slowest
  answer, and the job's fixed costs from its history (before the first
  agent starts, synthesizer end to close); writes JSON to
  infra/bench/results/fanout-*.json.
`;

export interface FanOutBenchOptions {
  sizes: number[];
  kinds: Kind[];
  rounds: number;
  maxMinutes: number;
  concurrency: number;
  /** undefined: hubBatchSize(agents, concurrency). */
  batchSize?: number;
  inMemory: boolean;
  /** undefined: the dev server's defaults. */
  sqlitePragmas?: Record<string, string>;
  statusPollMs: number;
  cpuProfDir?: string;
}

function parsePragmas(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || text === 'default') return undefined;
  if (text === 'none') return {};
  const out: Record<string, string> = {};
  for (const kv of text.split(',')) {
    const m = /^([a-z_]+)=([A-Za-z0-9_-]+)$/.exec(kv.trim());
    if (!m) throw new Error(`--sqlite-pragmas: expected default, none or key=value[,key=value…], got '${kv}'`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function parseKinds(text: string | undefined): Kind[] {
  if (text === undefined) return [...KINDS];
  const kinds = text.split(',').map((k) => k.trim());
  const bad = kinds.filter((k) => !(KINDS as readonly string[]).includes(k));
  if (bad.length > 0 || kinds.length === 0) throw new Error(`--kinds: expected some of ${KINDS.join(',')}, got '${text}'`);
  return KINDS.filter((k) => kinds.includes(k));
}

export function parseFanOutArgs(argv: readonly string[]): FanOutBenchOptions {
  const pragmas = parsePragmas(option(argv, 'sqlite-pragmas'));
  return {
    sizes: intListOption(argv, 'agents', [100, 1000], RESEARCH_LIMITS.maxAgents),
    kinds: parseKinds(option(argv, 'kinds')),
    rounds: intOption(argv, 'rounds', 3, 20),
    maxMinutes: intOption(argv, 'max-minutes', 4, 240),
    concurrency: intOption(argv, 'concurrency', RESEARCH_LIMITS.maxInFlight, RESEARCH_LIMITS.maxInFlight),
    ...(option(argv, 'batch-size') !== undefined ? { batchSize: intOption(argv, 'batch-size', 1, 1000) } : {}),
    inMemory: argv.includes('--in-memory'),
    ...(pragmas ? { sqlitePragmas: pragmas } : {}),
    statusPollMs: intOption(argv, 'status-poll-ms', 1000, 60_000),
    ...(option(argv, 'cpu-prof') !== undefined ? { cpuProfDir: resolve(option(argv, 'cpu-prof')!) } : {}),
  };
}

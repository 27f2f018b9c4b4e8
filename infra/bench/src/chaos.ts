/**
 * `npm run bench -- chaos`: the chaos scenario of infra/e2e/test/chaos.test.ts at a larger size
 * (infra/e2e/src/chaos.ts): sessions, research jobs and saga tasks on the real stack while the
 * worker is SIGKILLed, Temporal and the gateway are restarted; clients retry with the same
 * Idempotency-Key. Prints the counts (kills, messages, jobs, tasks), what was lost, duplicated or
 * orphaned, the 5xx answers the clients saw, and turn latency p50/p99 calm and under chaos;
 * writes JSON under infra/bench/results/. Figures are reported, the exit code says whether the
 * guarantees held (1 when anything was lost, duplicated, leaked or orphaned).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { repoRoot } from '@hub/runtime';
import { checkChaos, formatChaosReport } from '../../e2e/src/chaos-check';
import { runChaos, startChaosStack } from '../../e2e/src/chaos';

export const CHAOS_HELP = `chaos options (suite "chaos"):
  --kills N             worker SIGKILLs (default 5)
  --temporal-restarts N Temporal dev server restarts on the same SQLite file and port (default 1)
  --gateway-restarts N  gateway SIGKILLs + restarts (default 1)
  --sessions N          concurrent sessions (default 20)
  --messages N          messages per session at least; sessions keep talking while the chaos lasts (default 6)
  --jobs N              research jobs (default 3), --agents N sub-agents each (default 5)
  --tasks N             saga tasks against the bookings MCP server, every other one compensated (default 6)
  --temporal-kill       SIGKILL Temporal instead of stopping it (SIGTERM)
  --deadline MS         a client gives up on a request after this long, retrying meanwhile (default 300000)
  --gap MS              calm time before the first event and between events (default 3000)
  --verbose             echo the hub processes' output
`;

function num(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a non-negative integer`);
  return v;
}

export async function runChaosBench(argv: string[]): Promise<void> {
  const params = {
    workerKills: num(argv, 'kills', 5),
    temporalRestarts: num(argv, 'temporal-restarts', 1),
    gatewayRestarts: num(argv, 'gateway-restarts', 1),
    sessions: num(argv, 'sessions', 20),
    messages: num(argv, 'messages', 6),
    jobs: num(argv, 'jobs', 3),
    agentsPerJob: num(argv, 'agents', 5),
    tasks: num(argv, 'tasks', 6),
    gapMs: num(argv, 'gap', 3_000),
    requestDeadlineMs: num(argv, 'deadline', 300_000),
    temporalSignal: argv.includes('--temporal-kill') ? ('SIGKILL' as const) : ('SIGTERM' as const),
    verbose: argv.includes('--verbose'),
    log: (l: string) => process.stderr.write(`${l}\n`),
  };
  process.stderr.write(`bench chaos: starting the stack (dev server on SQLite, worker, gateway, bookings MCP server, scripted LLM)…\n`);
  const env = await startChaosStack(params.verbose);
  try {
    const run = await runChaos(env, params);
    const report = await checkChaos(run);
    process.stdout.write(`\n${formatChaosReport(report)}\n`);
    const at = new Date().toISOString();
    const result = { benchmark: 'chaos', at, machine: { cpus: cpus().length, node: process.version }, ...report, params: { ...params, log: undefined } };
    const dir = join(repoRoot(), 'infra', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `chaos-${at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`results: ${file}\n`);
    const broken = [report.lost, report.duplicated, report.wrongReplies, report.sagaProblems, report.orphans, report.missing, report.unacknowledged].some((l) => l.length > 0);
    if (broken) process.exitCode = 1;
  } finally {
    await env.hub.stop();
    await env.llm.close();
  }
}

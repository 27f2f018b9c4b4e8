/**
 * `npm run bench -- fanout`: a research job fanning out to N sub-agents through the hub, against two bare
 * Temporal baselines; same dev server, same run, same instant fake LLM (the scripted test fixture with the
 * research responder). What users run: by default the dev server keeps its state in an SQLite file with
 * `npm start`'s settings (startDevServer's defaults; --in-memory for the old setup), and the hub's real
 * worker runs in its own process (./worker-process.ts), so its CPU and RSS are measured apart from the fake
 * LLM and the client (this process); the baselines' worker runs in another.
 *
 * - hub: a `researchJob` started with the Temporal client (as the research tests do): planner → N
 *   sub-agents (however the hub runs them: batch activities, child workflows) → synthesizer;
 * - bare: a parent workflow starting N child workflows, each one activity making the same HTTP call;
 * - batched: a parent workflow running the N calls as activities of --batch-size calls each (the hub's own
 *   execution shape, so the hub's overhead on top of it stays visible).
 *
 * All keep at most `concurrency` calls in flight. Rounds rotate the order; medians are reported with the
 * ratios hub/bare and hub/batched, and the last round's job history shows its size and fixed costs.
 * Timings are reported, never asserted.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '@hub/dev';
import { researchResponder } from '@hub/testing/research-responder';
import { startScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { machine, writeResult } from '../lib/results';
import { parseFanOutArgs, type Kind } from './options';
import { profileJob, reportLines, summarise, type JobProfile, type SizeSummary } from './report';
import { runBare, runHub, type FanOutContext, type Run } from './runs';
import { spawnFanOutWorker, type WorkerProcess } from './workers';

export { FANOUT_HELP } from './options';

const fileSize = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

export async function runFanOutBench(argv: string[]): Promise<void> {
  const opts = parseFanOutArgs(argv);
  const dir = opts.inMemory ? undefined : mkdtempSync(join(tmpdir(), 'hub-bench-fanout-'));
  const dbFile = dir ? join(dir, 'temporal.db') : undefined;
  process.stderr.write(`bench fanout: starting the Temporal dev server (${dbFile ? `SQLite file ${dbFile}` : 'in memory'}), the fake LLM and two worker processes…\n`);
  const temporal = await startDevServer({
    headless: true,
    log: () => undefined,
    ...(dbFile ? { dbFile } : {}),
    ...(opts.sqlitePragmas ? { sqlitePragmas: opts.sqlitePragmas } : {}),
  });
  let llmCalls = 0;
  const workers: WorkerProcess[] = [];
  const llm = await startScriptedLlmServer({
    maxRecorded: 100,
    responder: (req) => {
      llmCalls += 1;
      return researchResponder(req);
    },
  });
  // A 10,000-agent job's history pages (its plan, its batches' results) exceed gRPC's default 4 MB message.
  const connection = await Connection.connect({ address: temporal.address, channelArgs: { 'grpc.max_receive_message_length': 64 * 1024 * 1024 } });
  try {
    const queues = { hub: `bench-fanout-hub-${randomUUID().slice(0, 8)}`, bare: `bench-fanout-bare-${randomUUID().slice(0, 8)}` };
    const [hubWorker, bareWorker] = await Promise.all([
      spawnFanOutWorker('hub', temporal.address, queues.hub, llm.url, opts.cpuProfDir),
      spawnFanOutWorker('bare', temporal.address, queues.bare, llm.url, opts.cpuProfDir),
    ]);
    workers.push(hubWorker, bareWorker);
    const ctx: FanOutContext = {
      client: new Client({ connection }),
      opts,
      pids: { ...(temporal.process.pid !== undefined ? { server: temporal.process.pid } : {}), hubWorker: hubWorker.pid, bareWorker: bareWorker.pid },
      queues,
      llmCalls: () => llmCalls,
    };
    const run = (kind: Kind, n: number, tag: string): Promise<Run> => (kind === 'hub' ? runHub(ctx, n, tag) : runBare(ctx, kind, n, tag));

    process.stderr.write(`bench fanout: warm-up (10 agents each)…\n`);
    for (const kind of opts.kinds) await run(kind, 10, 'warmup');

    const runs = new Map(opts.sizes.map((n) => [n, { hub: [] as Run[], bare: [] as Run[], batched: [] as Run[] }]));
    const benchStart = performance.now();
    let rounds = 0;
    for (let round = 0; round < opts.rounds; round++) {
      const roundStart = performance.now();
      const kinds = opts.kinds;
      const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]!);
      for (const n of opts.sizes) {
        for (const kind of order) {
          const r = await run(kind, n, `n${n}-r${round}`);
          runs.get(n)![kind].push(r);
          process.stderr.write(
            `  round ${round + 1}/${opts.rounds}  N=${n}  ${kind.padEnd(7)} ${r.wallMs.toFixed(0).padStart(7)} ms` +
              (r.doneMs !== undefined ? ` (done at ${r.doneMs})` : '') +
              `  cpu server ${((r.usage.server.cpuMs ?? NaN) / 1000).toFixed(1)} s, worker ${((r.usage.worker.cpuMs ?? NaN) / 1000).toFixed(1)} s, bench ${((r.usage.bench.cpuMs ?? NaN) / 1000).toFixed(1)} s\n`,
          );
          await sleep(300);
        }
      }
      rounds += 1;
      // Every kind has run at least once; later rounds only while the budget allows one more like the last.
      const now = performance.now();
      if (rounds >= 2 && rounds < opts.rounds && now - benchStart + (now - roundStart) > opts.maxMinutes * 60_000) {
        process.stderr.write(`  stopping after ${rounds} rounds: another would exceed --max-minutes ${opts.maxMinutes}\n`);
        break;
      }
    }

    const summary: Record<number, SizeSummary> = {};
    const jobs: Record<number, JobProfile> = {};
    for (const n of opts.sizes) {
      const r = runs.get(n)!;
      summary[n] = summarise(n, r);
      const last = r.hub.at(-1);
      if (last) jobs[n] = await profileJob(ctx.client.workflow, last, n);
    }
    const db = dbFile ? { file: dbFile, pragmas: temporal.sqlitePragmas, bytes: fileSize(dbFile), walBytes: fileSize(`${dbFile}-wal`) } : undefined;
    const result = {
      benchmark: 'fan-out',
      at: new Date().toISOString(),
      machine: machine(),
      options: opts,
      devServer: db ? { sqlite: db } : { inMemory: true },
      rounds,
      sizes: summary,
      jobs,
      runs: Object.fromEntries([...runs].map(([n, r]) => [n, r])),
    };
    const store = db ? `SQLite file (pragmas ${Object.entries(db.pragmas ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'})` : 'in memory';
    const lines = [
      '',
      `fan-out: research job through the hub vs bare child workflows and bare batch activities (<= ${opts.concurrency} calls in flight, batches of ${opts.batchSize ?? 'the hub\'s size'}, ` +
        `instant fake LLM; dev server ${store}; workers in their own processes; median of ${rounds} round(s))`,
      ...reportLines(opts.sizes, summary, jobs),
    ];
    if (db) lines.push(`  dev server db: ${(db.bytes / 1024 / 1024).toFixed(1)} MB + WAL ${(db.walBytes / 1024 / 1024).toFixed(1)} MB`);
    process.stdout.write(lines.join('\n') + '\n');
    writeResult('fanout', result);
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop()));
    await connection.close();
    await llm.close();
    await temporal.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

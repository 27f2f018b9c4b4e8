/**
 * `npm run bench -- idle`: many idle sessions on one worker (issue 13 #5).
 *
 * A file-backed dev server (SQLite, as `npm start` runs it), the instant scripted LLM and the real worker in
 * its own process (apps/worker/bin/worker.mjs, so its RSS is its own). N sessions are created with one turn each (Update-with-Start of
 * `sendMessage`, as the gateway's create-with-message does, at bounded concurrency); the worker's RSS is
 * sampled as they pile up. Then the first turn on sessions that were evicted from the workflow cache (the
 * oldest) is timed against turns on sessions still cached (the newest), interleaved; and the database size
 * per session is read from the SQLite files. Prints the figures and writes JSON under infra/bench/results/.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { DEFAULTS, WORKFLOW_TYPES, sendMessageUpdate, sessionWorkflowId, type SessionWorkflowInput } from '@hub/contracts';
import { startDevServer, waitForReadyLine, type ReadyChild } from '@hub/dev';
import { repoRoot } from '@hub/runtime';
import { startScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '@hub/worker';
import { intOption, option } from '../lib/args';
import { mb, procRssBytes } from '../lib/proc';
import { machine, writeResult } from '../lib/results';
import { fmtStats, stats } from '../lib/stats';

export const IDLE_HELP = `idle options (suite "idle"):
  --sessions N        sessions created, one turn each (default 10000; --sessions 1000 for a quick run)
  --concurrency N     sessions created at once (default 32)
  --cache N           the worker's HUB_WORKER_MAX_CACHED_WORKFLOWS (default: the worker's, ${DEFAULT_MAX_CACHED_WORKFLOWS})
  --samples N         cold and warm turns timed, interleaved (default 30)
  --heap-mb N         run the worker with node --max-old-space-size=N (default: node's own limit, ~4 GB here).
                      With the cache bounded, what grows past it is garbage V8 has no reason to collect
                      below its limit: 512 keeps the worker flat at ~0.7 GB (measured), the default lets it
                      climb in a sawtooth past 1 GB
  A file-backed dev server (as npm start), the instant scripted LLM, the real worker in its own process.
  Reports the worker's RSS before, while and after creating the sessions (targets: <= 1 GB at 10,000), what a
  cached session costs (RSS growth per session while the cache fills), the first turn on an evicted session
  (cold) against one on a cached session (warm) (target: cold p50 <= 2x warm), and the database size per
  session. Writes JSON to infra/bench/results/.
`;

const PROFILE = { name: 'idle-agent', description: 'bench', systemPrompt: 'You are a bench agent.', temperature: 0, tools: [], maxToolRounds: 1 };

function dbBytes(dbFile: string): number {
  let total = 0;
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) {
    try {
      total += statSync(f).size;
    } catch {
      // no such file (rollback journal mode has no -wal)
    }
  }
  return total;
}

async function startWorker(env: NodeJS.ProcessEnv, heapMb: number | undefined): Promise<ReadyChild> {
  const heap = heapMb !== undefined ? [`--max-old-space-size=${heapMb}`] : [];
  const proc = spawn(process.execPath, [...heap, 'apps/worker/bin/worker.mjs'], { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  return waitForReadyLine(proc, { name: 'worker', ready: (l) => l.includes('"worker ready"'), timeoutMs: 180_000 });
}

/** Runs `fn(i)` for i in [0, n) with at most `concurrency` at once. */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

export async function runIdleBench(argv: string[]): Promise<void> {
  const sessions = intOption(argv, 'sessions', 10_000, 1_000_000);
  const concurrency = intOption(argv, 'concurrency', 32, 1000);
  const samples = intOption(argv, 'samples', 30, 1000);
  const heapMb = option(argv, 'heap-mb') === undefined ? undefined : intOption(argv, 'heap-mb', 512, 65_536);
  const cacheOpt = option(argv, 'cache');
  const cache = cacheOpt === undefined ? DEFAULT_MAX_CACHED_WORKFLOWS : intOption(argv, 'cache', DEFAULT_MAX_CACHED_WORKFLOWS);
  if (sessions < 2 * samples) throw new Error('--sessions must be at least twice --samples');
  const work = mkdtempSync(join(tmpdir(), 'hub-bench-idle-'));
  const dbFile = join(work, 'temporal.db');
  const hubConfig = join(work, 'hub.config.json');
  writeFileSync(hubConfig, '{"mcpServers":{}}\n');
  process.stderr.write(`bench idle: ${sessions} sessions (concurrency ${concurrency}), worker cache ${cache}, file-backed dev server…\n`);
  const temporal = await startDevServer({ dbFile, headless: true, log: () => undefined });
  const llm = await startScriptedLlmServer({ instant: true, instantReply: 'OK' });
  const taskQueue = `bench-idle-${randomUUID().slice(0, 8)}`;
  let worker: ReadyChild | undefined;
  const connection = await Connection.connect({ address: temporal.address });
  try {
    worker = await startWorker({
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      HUB_TASK_QUEUE: taskQueue,
      HUB_CONFIG: hubConfig,
      HUB_DATA_DIR: work,
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: 'bench',
      HUB_MODEL: 'bench',
      HUB_LOG_LEVEL: 'info',
      HUB_WORKER_MAX_CACHED_WORKFLOWS: String(cache),
    }, heapMb);
    const pid = worker.proc.pid;
    const client = new Client({ connection });
    const ids: string[] = [];
    const turn = async (id: string, text: string) => {
      const t0 = performance.now();
      const r = await client.workflow.getHandle(sessionWorkflowId('bench', id)).executeUpdate(sendMessageUpdate, { args: [{ text }] });
      if (r.status !== 'completed') throw new Error(`turn ${r.status}: ${r.error ?? ''}`);
      return performance.now() - t0;
    };
    // One warm-up session so the first measured RSS is that of a worker that has run a turn.
    const create = async (i: number) => {
      const id = randomUUID();
      const input: SessionWorkflowInput = {
        sessionId: id,
        tenant: 'bench',
        profile: PROFILE,
        options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
      };
      const r = await client.workflow.executeUpdateWithStart(sendMessageUpdate, {
        args: [{ text: `session ${i}` }],
        startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.session, {
          workflowId: sessionWorkflowId('bench', id),
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
        }),
      });
      if (r.status !== 'completed') throw new Error(`first turn ${r.status}: ${r.error ?? ''}`);
      ids[i] = id;
    };
    await create(-1).catch((err: unknown) => {
      throw new Error(`bench idle: the warm-up session failed: ${String(err)}`);
    });
    const rssStart = procRssBytes(pid)!;
    const dbStart = dbBytes(dbFile);
    const curve: Array<{ sessions: number; rssBytes: number }> = [{ sessions: 0, rssBytes: rssStart }];
    let done = 0;
    let peak = rssStart;
    const every = Math.max(1, Math.floor(sessions / 20));
    const sampler = setInterval(() => {
      const rss = procRssBytes(pid);
      if (rss !== undefined && rss > peak) peak = rss;
    }, 250);
    const t0 = performance.now();
    await pool(sessions, concurrency, async (i) => {
      await create(i);
      done++;
      if (done % every === 0) {
        const rss = procRssBytes(pid) ?? 0;
        curve.push({ sessions: done, rssBytes: rss });
        process.stderr.write(`  ${done} sessions, worker RSS ${mb(rss)}\n`);
      }
    });
    const createSec = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 3_000)); // let the last tasks settle
    clearInterval(sampler);
    const rssEnd = procRssBytes(pid)!;
    peak = Math.max(peak, rssEnd);
    const dbEnd = dbBytes(dbFile);
    // What a cached session costs: RSS growth per session while the cache fills (before any eviction).
    const filling = curve.filter((p) => p.sessions > 0 && p.sessions <= cache);
    const lastFilling = filling.at(-1);
    const perCachedSession = lastFilling ? (lastFilling.rssBytes - rssStart) / lastFilling.sessions : undefined;
    // Cold (evicted: the oldest sessions) against warm (cached: the newest), interleaved.
    const evicted = sessions > cache + samples;
    const cold: number[] = [];
    const warm: number[] = [];
    for (let k = 0; k < samples; k++) {
      cold.push(await turn(ids[k]!, 'back after a while'));
      warm.push(await turn(ids[sessions - 1 - k]!, 'still here'));
    }
    const coldStats = stats(cold);
    const warmStats = stats(warm);
    const result = {
      benchmark: 'idle-sessions',
      at: new Date().toISOString(),
      machine: machine(),
      sessions,
      concurrency,
      maxCachedWorkflows: cache,
      workerHeapMb: heapMb ?? 'node default',
      createSeconds: createSec,
      sessionsPerSecond: sessions / createSec,
      worker: { rssStartBytes: rssStart, rssPeakBytes: peak, rssEndBytes: rssEnd, perSessionBytes: (rssEnd - rssStart) / sessions, perCachedSessionBytes: perCachedSession },
      rssCurve: curve,
      coldEvicted: evicted,
      coldTurnMs: coldStats,
      warmTurnMs: warmStats,
      coldOverWarmP50: coldStats.p50 / warmStats.p50,
      database: { file: 'temporal.db (+ -wal, -shm)', startBytes: dbStart, endBytes: dbEnd, perSessionBytes: (dbEnd - dbStart) / sessions },
      target: { workerRssBytes: 1024 ** 3, coldOverWarmP50: 2 },
    };
    process.stdout.write(
      [
        '',
        `idle sessions: ${sessions} sessions with one turn each (created in ${createSec.toFixed(0)} s, ${(sessions / createSec).toFixed(0)}/s), worker cache ${cache}, worker heap limit ${heapMb !== undefined ? `${heapMb} MB` : "node's default"}`,
        `  worker RSS      : ${mb(rssStart)} before, ${mb(rssEnd)} after, ${mb(peak)} peak (target <= 1024 MB); ` +
          `${((rssEnd - rssStart) / sessions / 1024).toFixed(1)} KB per session overall` +
          (perCachedSession !== undefined ? `, ${(perCachedSession / 1024).toFixed(0)} KB per cached session while the cache filled` : ''),
        `  cold turn       : ${fmtStats(coldStats)}  (${evicted ? 'evicted sessions' : 'NOT evicted: --sessions <= cache + samples'})`,
        `  warm turn       : ${fmtStats(warmStats)}  (cached sessions)`,
        `  cold/warm (p50) : ${(coldStats.p50 / warmStats.p50).toFixed(2)}  (target <= 2)`,
        `  database        : ${mb(dbEnd)} (${mb(dbStart)} before), ${((dbEnd - dbStart) / sessions / 1024).toFixed(1)} KB per session`,
        '',
      ].join('\n'),
    );
    writeResult('idle', result);
  } finally {
    await connection.close().catch(() => undefined);
    if (worker) {
      worker.proc.kill('SIGTERM');
      await worker.exited;
    }
    await llm.close();
    await temporal.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

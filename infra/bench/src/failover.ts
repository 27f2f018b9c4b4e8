/**
 * `npm run bench -- failover`: how long a killed worker's sessions stall (issue 11 #17).
 *
 * One dev server, an instant fake LLM, two real worker processes (apps/worker, as `npm run worker` starts
 * them). N sessions run a turn on worker A only (so A holds them in its sticky cache), worker B starts, A is
 * SIGKILLed, and every session sends its next turn at once: the time from the kill to each session's completed
 * turn is measured, in three configurations, each on its own dev server:
 * - before: the SDK's sticky schedule-to-start timeout (10 s) and the server's workflow task timeout (10 s);
 * - sticky: the hub worker's sticky timeout (DEFAULT_STICKY_SCHEDULE_TO_START);
 * - sticky + task timeout 2 s: also a 2 s workflow task timeout (`history.defaultWorkflowTaskTimeout`, what a
 *   session started with `workflowTaskTimeout: '2 seconds'` gets). The update's workflow task is handed to the
 *   dead worker's still-registered poll and only moves on when it times out (WORKFLOW_TASK_TIMED_OUT,
 *   START_TO_CLOSE), so this, not the sticky timeout, is what bounds the stall.
 * Prints p50/p99 and writes JSON under infra/bench/results/.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { getProfile, listProfiles } from '@hub/agents';
import { sendMessageUpdate, sessionWorkflowId } from '@hub/contracts';
import { getFreePort, startDevServer, waitForReadyLine, type DevServer, type ReadyChild } from '@hub/dev';
import { createApp, createServices } from '@hub/gateway';
import { hubDataConverter, loadPayloadCodec, repoRoot } from '@hub/runtime';
import { DEFAULT_STICKY_SCHEDULE_TO_START } from '@hub/worker';
import { startScriptedLlmServer } from '@hub/testing/scripted-llm-server';

export const FAILOVER_HELP = `failover options (suite "failover"):
  --sessions N        sessions warm on the killed worker (default 10)
  Two worker processes on one dev server; N sessions warm on worker A; SIGKILL A; time from the kill to
  the next completed turn of each session (on worker B). Three configurations: SDK defaults, the hub's
  sticky queue timeout, and that plus a 2 s workflow task timeout; prints p50/p99 and writes JSON to
  infra/bench/results/.
`;

interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
  return { n: s.length, p50: at(50), p99: at(99), max: s.at(-1) ?? NaN };
}

function sessionsArg(argv: string[]): number {
  const i = argv.indexOf('--sessions');
  const v = i >= 0 ? Number(argv[i + 1]) : 10;
  if (!Number.isInteger(v) || v <= 0) throw new Error('--sessions must be a positive integer');
  return v;
}

async function startWorker(env: NodeJS.ProcessEnv, name: string): Promise<ReadyChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  return waitForReadyLine(proc, { name, ready: (l) => l.includes('"worker ready"'), timeoutMs: 120_000 });
}

/** One round on its own dev server: returns the kill-to-completed-turn times (ms) of every session. */
async function round(
  llmUrl: string,
  sessions: number,
  stickyMs: number | undefined,
  dynamicConfig: Record<string, unknown> = {},
): Promise<number[]> {
  const temporal = await startDevServer({ headless: true, log: () => undefined, dynamicConfig });
  const connection = await Connection.connect({ address: temporal.address });
  // The workers get this process's environment: with HUB_PAYLOAD_KEYS set they encrypt, so this client must too.
  const dataConverter = hubDataConverter(loadPayloadCodec(process.env));
  const client = new Client({ connection, ...(dataConverter ? { dataConverter } : {}) });
  try {
    return await roundOn(temporal, client, llmUrl, sessions, stickyMs);
  } finally {
    await connection.close();
    await temporal.stop();
  }
}

async function roundOn(temporal: DevServer, client: Client, llmUrl: string, sessions: number, stickyMs: number | undefined): Promise<number[]> {
  const taskQueue = `bench-failover-${randomUUID().slice(0, 8)}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-failover-'));
  const hubConfig = join(dataDir, 'hub.config.json');
  writeFileSync(hubConfig, '{"mcpServers":{}}\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    HUB_TASK_QUEUE: taskQueue,
    HUB_DATA_DIR: dataDir,
    HUB_CONFIG: hubConfig,
    OPENAI_BASE_URL: llmUrl,
    OPENAI_API_KEY: 'bench',
    HUB_MODEL: 'bench',
    HUB_LOG_LEVEL: 'info', // the "worker ready" line is info
    ...(stickyMs !== undefined ? { HUB_WORKER_STICKY_TIMEOUT_MS: String(stickyMs) } : {}),
  };
  const app = createApp(createServices(client, { taskQueue, profiles: { get: getProfile, list: listProfiles } }));
  const port = await getFreePort();
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  const workerA = await startWorker(env, 'worker-a');
  let workerB: ReadyChild | undefined;
  try {
    const ids: string[] = [];
    for (let i = 0; i < sessions; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'warm up' }),
      });
      if (res.status >= 300) throw new Error(`POST /v1/sessions -> ${res.status} ${await res.text()}`);
      ids.push(((await res.json()) as { id: string }).id);
    }
    workerB = await startWorker(env, 'worker-b');
    const killedAt = performance.now();
    workerA.proc.kill('SIGKILL');
    return await Promise.all(
      ids.map(async (id) => {
        await client.workflow.getHandle(sessionWorkflowId('default', id)).executeUpdate(sendMessageUpdate, { args: [{ text: 'after the kill' }] });
        return performance.now() - killedAt;
      }),
    );
  } finally {
    server.close();
    workerA.proc.kill('SIGKILL');
    if (workerB) {
      workerB.proc.kill('SIGTERM');
      await workerB.exited;
    }
  }
}

export async function runFailoverBench(argv: string[]): Promise<void> {
  const sessions = sessionsArg(argv);
  process.stderr.write('bench failover: in-memory Temporal dev servers and an instant fake LLM…\n');
  const llm = await startScriptedLlmServer({ instant: true, instantReply: 'OK' });
  try {
    process.stderr.write(`bench failover: ${sessions} sessions, SDK defaults (sticky timeout 10 s, workflow task timeout 10 s)…\n`);
    const before = stats(await round(llm.url, sessions, 10_000));
    process.stderr.write(`bench failover: ${sessions} sessions, the hub's sticky timeout (${DEFAULT_STICKY_SCHEDULE_TO_START})…\n`);
    const sticky = stats(await round(llm.url, sessions, undefined));
    process.stderr.write(`bench failover: ${sessions} sessions, the hub's sticky timeout and a 2 s workflow task timeout…\n`);
    const taskTimeout = stats(await round(llm.url, sessions, undefined, { 'history.defaultWorkflowTaskTimeout': '2s' }));
    const result = {
      benchmark: 'worker-failover',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      sessions,
      beforeMs: { stickyScheduleToStartTimeout: '10 seconds (SDK default)', workflowTaskTimeout: '10s', ...before },
      stickyMs: { stickyScheduleToStartTimeout: DEFAULT_STICKY_SCHEDULE_TO_START, workflowTaskTimeout: '10s', ...sticky },
      stickyAndTaskTimeoutMs: { stickyScheduleToStartTimeout: DEFAULT_STICKY_SCHEDULE_TO_START, workflowTaskTimeout: '2s', ...taskTimeout },
      target: { p99Ms: 3_000 },
    };
    const fmt = (s: Stats) => `p50 ${(s.p50 / 1000).toFixed(2)} s  p99 ${(s.p99 / 1000).toFixed(2)} s  max ${(s.max / 1000).toFixed(2)} s  (n=${s.n})`;
    process.stdout.write(
      [
        '',
        'worker failover: SIGKILL of the worker holding N warm sessions -> next completed turn of each (on the other worker)',
        `  SDK defaults (sticky 10 s, task timeout 10 s)  : ${fmt(before)}`,
        `  sticky ${DEFAULT_STICKY_SCHEDULE_TO_START}, task timeout 10 s          : ${fmt(sticky)}`,
        `  sticky ${DEFAULT_STICKY_SCHEDULE_TO_START}, task timeout 2 s           : ${fmt(taskTimeout)}  (target ~3 s)`,
        '',
      ].join('\n'),
    );
    const dir = join(repoRoot(), 'infra', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `failover-${result.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`results: ${file}\n`);
  } finally {
    await llm.close();
  }
}

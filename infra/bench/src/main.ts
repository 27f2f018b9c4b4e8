/**
 * `npm run bench`: chat-turn overhead of the hub against bare Temporal.
 *
 * Same dev server, same run, same instant fake LLM (the scripted LLM test
 * fixture in instant mode):
 * - hub: POST /v1/sessions/:id/messages through the gateway (HTTP, auth,
 *   validation) into the session workflow (tool catalogue, LLM activity
 *   with streaming to the durable event stream, state, events);
 * - baseline: `executeUpdate` on a workflow whose handler runs one activity
 *   making the same HTTP call.
 * Prints p50/p99 of both and their ratio, and writes JSON under
 * infra/bench/results/. Timings are reported, never asserted.
 *
 * `npm run bench -- fanout` runs only the research fan-out benchmark
 * (./fanout/bench.ts); `local` only the local model one (./local-model.ts); `failover` the worker
 * failover one (./failover.ts);
 * `chat` only this one; `chaos` only the chaos run (./chaos.ts); no suite name runs all.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { getProfile, listProfiles } from '@hub/agents';
import { createApp, createServices } from '@hub/gateway';
import { startBenchHubWorker } from './hub-worker';
import { repoRoot } from '@hub/runtime';
import { getFreePort, startDevServer } from '@hub/dev';
import { startScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { createBaselineActivities } from './baseline/activities';
import { FAILOVER_HELP, runFailoverBench } from './failover';
import { CHAOS_HELP, runChaosBench } from './chaos';
import { FANOUT_HELP, runFanOutBench } from './fanout/bench';
import { LOCAL_MODEL_HELP, runLocalModelBench } from './local-model';
import { stopUpdate, turnUpdate } from './baseline/workflows';
import { sendMessageUpdate, sessionWorkflowId } from '@hub/contracts';

const HELP = `Usage: npm run bench [-- [chat] [fanout] [local] [failover] [chaos] [options]]

Runs the named suites, or all of them when none is named
(e.g. \`npm run bench -- fanout --rounds 3\`).

chat options (suite "chat"):
  --turns N           measured turns of each kind (default 200)
  --warmup N          warm-up turns of each kind (default 20)
  Measures the chat-turn overhead of the hub (a turn through the gateway with
  an instant fake LLM) against a bare Temporal executeUpdate running one
  activity, on the same embedded dev server in the same run. Prints p50/p99
  and the ratio (target: hub/baseline p50 <= 1.3) and writes JSON to
  infra/bench/results/.
`;

const require = createRequire(import.meta.url);

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

interface Stats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}
function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: samples.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

/**
 * Runs the kinds of turn round-robin (hub, baseline, …) so all see the same
 * server state and machine load; returns the latency stats of each.
 */
async function measureRoundRobin(turns: number, warmup: number, kinds: Array<(i: number) => Promise<void>>): Promise<Stats[]> {
  for (let i = 0; i < warmup; i++) for (const k of kinds) await k(-1 - i);
  const samples = kinds.map(() => [] as number[]);
  for (let i = 0; i < turns; i++) {
    for (const [j, k] of kinds.entries()) {
      const t0 = performance.now();
      await k(i);
      samples[j]!.push(performance.now() - t0);
    }
    if ((i + 1) % Math.max(1, Math.floor(turns / 5)) === 0) process.stderr.write(`  ${i + 1}/${turns} turns of each\n`);
  }
  return samples.map(stats);
}

/** Suites by name: `npm run bench -- <name>…` runs those, no name runs all. */
const SUITES: Record<string, () => Promise<void>> = {
  chat: chatTurnBench,
  fanout: () => runFanOutBench(process.argv),
  local: () => runLocalModelBench(process.argv),
  failover: () => runFailoverBench(process.argv),
  chaos: () => runChaosBench(process.argv),
};

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${HELP}\n${FANOUT_HELP}\n${LOCAL_MODEL_HELP}\n${FAILOVER_HELP}\n${CHAOS_HELP}`);
    return;
  }
  const named = Object.keys(SUITES).filter((s) => process.argv.includes(s));
  for (const [name, run] of Object.entries(SUITES)) if (named.length === 0 || named.includes(name)) await run();
}

async function chatTurnBench(): Promise<void> {
  const turns = arg('turns', 200);
  const warmup = arg('warmup', 20);
  process.stderr.write(`bench: starting an in-memory Temporal dev server and an instant fake LLM…\n`);
  const temporal = await startDevServer({ headless: true, log: () => undefined });
  const llm = await startScriptedLlmServer({ instant: true, instantReply: 'OK' });
  const native = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const hubQueue = `bench-hub-${randomUUID().slice(0, 8)}`;
  const baseQueue = `bench-base-${randomUUID().slice(0, 8)}`;

  const { worker: hubWorker, close: closeHubActivities } = await startBenchHubWorker({ connection: native, taskQueue: hubQueue, llmUrl: llm.url, model: 'bench' });
  const baseWorker = await Worker.create({
    connection: native,
    taskQueue: baseQueue,
    workflowsPath: require.resolve('./baseline/workflows'),
    activities: createBaselineActivities(llm.url),
  });
  const running = [hubWorker.run(), baseWorker.run()];

  const app = createApp(createServices(client, { taskQueue: hubQueue, profiles: { get: getProfile, list: listProfiles } }));
  const port = await getFreePort();
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  const base = `http://127.0.0.1:${port}`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path} -> ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ id?: string; status?: string }>;
  };

  try {
    const created = await post('/v1/sessions', {});
    const sessionId = created.id!;
    const handle = await client.workflow.start('baselineSession', { workflowId: `bench-base-${randomUUID()}`, taskQueue: baseQueue });
    process.stderr.write(`bench: ${turns} turns each of hub-via-gateway, bare update+activity and hub-without-gateway, round-robin (after ${warmup} warm-up turns each)…\n`);
    // A second session driven with the Temporal client directly splits the hub's overhead into gateway and workflow.
    const direct = await post('/v1/sessions', {});
    const directHandle = client.workflow.getHandle(sessionWorkflowId('default', direct.id!));
    const [hub, baseline, hubDirect] = (await measureRoundRobin(turns, warmup, [
      async (i) => {
        const r = await post(`/v1/sessions/${sessionId}/messages`, { text: `turn ${i}` });
        if (r.status !== 'completed') throw new Error(`hub turn ${i} ended ${String(r.status)}`);
      },
      async (i) => {
        await handle.executeUpdate(turnUpdate, { args: [`turn ${i}`] });
      },
      async (i) => {
        await directHandle.executeUpdate(sendMessageUpdate, { args: [{ text: `turn ${i}` }] });
      },
    ])) as [Stats, Stats, Stats];
    await handle.executeUpdate(stopUpdate);

    const result = {
      benchmark: 'chat-turn-overhead',
      at: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      turns,
      warmup,
      hubMs: hub,
      baselineMs: baseline,
      hubWorkflowWithoutGatewayMs: hubDirect,
      ratioP50: hub.p50 / baseline.p50,
      ratioP99: hub.p99 / baseline.p99,
      target: { ratioP50: 1.3 },
    };
    const fmt = (s: Stats) => `p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms  mean ${s.mean.toFixed(1)} ms  (n=${s.n})`;
    process.stdout.write(
      [
        '',
        'chat-turn overhead (instant fake LLM, same dev server, same run)',
        `  hub turn via gateway : ${fmt(hub)}`,
        `  bare update+activity : ${fmt(baseline)}`,
        `  hub turn, no gateway : ${fmt(hubDirect)}  (session workflow via the Temporal client)`,
        `  ratio p50 ${result.ratioP50.toFixed(2)}  p99 ${result.ratioP99.toFixed(2)}  (target p50 <= 1.3)`,
        '',
      ].join('\n'),
    );
    const dir = join(repoRoot(), 'infra', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `chat-turn-${result.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`results: ${file}\n`);
  } finally {
    server.close();
    hubWorker.shutdown();
    baseWorker.shutdown();
    await Promise.allSettled(running);
    await closeHubActivities();
    await native.close();
    await connection.close();
    await llm.close();
    await temporal.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

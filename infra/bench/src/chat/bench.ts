/**
 * `npm run bench -- chat`: chat-turn overhead of the hub against bare Temporal.
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
 */
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { getProfile, listProfiles } from '@hub/agents';
import { createApp, createServices } from '@hub/gateway';
import { getFreePort, startDevServer } from '@hub/dev';
import { startScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { sendMessageUpdate, sessionWorkflowId } from '@hub/contracts';
import { startBenchHubWorker } from '../hub-worker';
import { createBaselineActivities } from '../baseline/activities';
import { stopUpdate, turnUpdate } from '../baseline/workflows';
import { intOption } from '../lib/args';
import { machine, writeResult } from '../lib/results';
import { fmtStats as fmt, stats, type Stats } from '../lib/stats';
import { fmtProfile, profileTurns } from './profile';

const require = createRequire(import.meta.url);

export const CHAT_HELP = `chat options (suite "chat"):
  --turns N           measured turns of each kind (default 200)
  --warmup N          warm-up turns of each kind (default 20)
  Measures the chat-turn overhead of the hub (a turn through the gateway with
  an instant fake LLM) against a bare Temporal executeUpdate running one
  activity, on the same embedded dev server in the same run. Prints p50/p99
  and the ratio (target: hub/baseline p50 <= 1.05), where the hub's time goes
  (gateway vs workflow; per turn from the histories: workflow tasks,
  activities, signals, activity input bytes, the spans between the update's
  acceptance, the activity's schedule/start/completion and the update's
  completion) and writes JSON to infra/bench/results/.
`;

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

export async function runChatBench(argv: string[]): Promise<void> {
  const turns = intOption(argv, 'turns', 200);
  const warmup = intOption(argv, 'warmup', 20);
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
    workflowsPath: require.resolve('../baseline/workflows'),
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
    // Where the time goes, from the histories (each session's latest run; the baseline's one run).
    const hubHandle = client.workflow.getHandle(sessionWorkflowId('default', sessionId));
    const [hubProfile, directProfile, baseProfile] = await Promise.all([profileTurns(hubHandle), profileTurns(directHandle), profileTurns(handle)]);
    await handle.executeUpdate(stopUpdate);

    const result = {
      benchmark: 'chat-turn-overhead',
      at: new Date().toISOString(),
      machine: machine(),
      turns,
      warmup,
      hubMs: hub,
      baselineMs: baseline,
      hubWorkflowWithoutGatewayMs: hubDirect,
      ratioP50: hub.p50 / baseline.p50,
      ratioP99: hub.p99 / baseline.p99,
      gatewayShareP50Ms: hub.p50 - hubDirect.p50,
      workflowShareP50Ms: hubDirect.p50 - baseline.p50,
      profile: { hub: hubProfile, hubWithoutGateway: directProfile, baseline: baseProfile },
      target: { ratioP50: 1.05 },
    };
    process.stdout.write(
      [
        '',
        'chat-turn overhead (instant fake LLM, same dev server, same run)',
        `  hub turn via gateway : ${fmt(hub)}`,
        `  bare update+activity : ${fmt(baseline)}`,
        `  hub turn, no gateway : ${fmt(hubDirect)}  (session workflow via the Temporal client)`,
        `  ratio p50 ${result.ratioP50.toFixed(2)}  p99 ${result.ratioP99.toFixed(2)}  (target p50 <= 1.05)`,
        `  where the hub's time goes (p50): gateway ${result.gatewayShareP50Ms.toFixed(1)} ms, session workflow over bare ${result.workflowShareP50Ms.toFixed(1)} ms`,
        `  from the histories:`,
        `    hub via gateway : ${fmtProfile(hubProfile)}`,
        `    hub, no gateway : ${fmtProfile(directProfile)}`,
        `    bare            : ${fmtProfile(baseProfile)}`,
        '',
      ].join('\n'),
    );
    writeResult('chat-turn', result);
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


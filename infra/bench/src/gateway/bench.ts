/**
 * `npm run bench -- gateway`: one gateway process under SSE load (issue 13 item 6).
 *
 * Processes: the Temporal dev server (SQLite file, as `npm start`), this process (the hub's real worker
 * with a tapped OpenAI client, the scripted LLM, the turn drivers), the gateway (its own process, as
 * `npm run gateway`), the client process (the SSE clients and the GET load, clients.ts) and, for the
 * baseline, a bare Hono SSE server (bare-server.ts).
 *
 * Phases, the same turn and GET load in each: (A) no SSE client; (B) `clients` SSE clients over `sessions`
 * sessions, connected from offset 0 before B starts; (C) the same clients on the bare SSE server, fed by a
 * timer at the event rate B delivered. Reported: gateway RSS and CPU, delivery lag, fan-out spread, losses,
 * GET rate and latency, and the ratios B/A and gateway/bare. See GATEWAY_HELP for the definitions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { sessionWorkflowId } from '@hub/contracts';
import { startDevServer } from '@hub/dev';
import { repoRoot } from '@hub/runtime';
import { ProcSampler, procRssBytes } from '../lib/proc';
import { forkChild, type Child } from './child';
import type { ConnectResult, ReportResult } from './clients';
import { BENCH_TENANT, startGatewayProcess, type GatewayProcess } from './gateway-process';
import { WordClock, startBenchLlm, startTappedHubWorker } from './llm';
import { authHeaders, post, runPhase, turn, type PhaseLoad } from './phases';
import { options } from './options';
import { printAndWrite } from './report';
import { now } from './sse-reader';

const here = dirname(fileURLToPath(import.meta.url));

function openFilesLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return Number.NaN;
  }
}

/** The gateway's warn and error lines, counted by message, path and error (its log file is removed with the run's directory). */
function warningsOf(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!/"level":"(warn|error)"/.test(line)) continue;
    let key = line.slice(0, 120);
    try {
      const r = JSON.parse(line) as { level: string; msg: string; path?: string; err?: { message?: string } | string };
      const err = typeof r.err === 'string' ? r.err : r.err?.message;
      key = `${r.level} ${r.msg}${r.path ? ` ${r.path.replace(/[0-9a-f-]{36}/g, '{id}')}` : ''}${err ? `: ${err.slice(0, 160)}` : ''}`;
    } catch {
      // not JSON: keep the line's start
    }
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

const log = (msg: string) => process.stderr.write(`bench gateway: ${msg}\n`);

/** Polls until every client has every word the LLM sent for its session, or `timeoutMs`. */
async function drain(clients: Child, clock: WordClock, timeoutMs: number): Promise<number> {
  let missing = await clients.call<number>('expect', Object.fromEntries(clock.bySession));
  const deadline = now() + timeoutMs;
  while (missing > 0 && now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    missing = await clients.call<number>('missing');
  }
  return missing;
}

export async function runGatewayBench(argv: string[]): Promise<void> {
  const o = options(argv);
  const perSession = Math.ceil(o.clients / o.sessions);
  const nofile = openFilesLimit();
  if (nofile < o.clients + 200) throw new Error(`ulimit -n is ${nofile}: ${o.clients} SSE clients need more than ${o.clients + 200} (raise it with ulimit -n)`);
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-gateway-'));
  log(`${o.clients} SSE clients over ${o.sessions} sessions, phases of ${o.durationMs / 1000} s; starting Temporal (SQLite), the worker, the gateway…`);
  const temporal = await startDevServer({ dbFile: join(dir, 'temporal.db'), headless: true, log: () => undefined });
  const stops: Array<() => Promise<unknown>> = [() => temporal.stop()];
  let gateway: GatewayProcess | undefined;
  try {
    const llm = await startBenchLlm({ tokens: o.tokens, chunkDelayMs: o.chunkDelayMs });
    stops.unshift(() => llm.close());
    const native = await NativeConnection.connect({ address: temporal.address });
    stops.unshift(() => native.close());
    const clock = new WordClock();
    const taskQueue = `bench-gateway-${randomUUID().slice(0, 8)}`;
    const hub = await startTappedHubWorker({ connection: native, taskQueue, llmUrl: llm.url, clock });
    const running = hub.worker.run();
    stops.unshift(async () => {
      hub.worker.shutdown();
      await running.catch(() => undefined);
      await hub.close();
    });
    const cpuProfDir = o.profile ? join(repoRoot(), 'infra', 'bench', 'results', 'gateway-profile') : undefined;
    if (cpuProfDir) log(`the gateway writes its CPU profile to ${cpuProfDir} when it stops`);
    gateway = await startGatewayProcess({ temporalAddress: temporal.address, taskQueue, dir, cpuProfDir });
    stops.unshift(gateway.stop);
    const clients = await forkChild(join(here, 'clients.ts'), 'client process');
    stops.unshift(() => clients.stop());
    const g = gateway;

    log(`creating ${o.sessions} sessions, one warm-up turn each…`);
    const sessions: string[] = [];
    for (let i = 0; i < o.sessions; i += 10) {
      const batch = await Promise.all(Array.from({ length: Math.min(10, o.sessions - i) }, () => post(g, '/v1/sessions', {})));
      for (const r of batch) {
        const id = (r.json as { id?: string } | undefined)?.id;
        if (r.status !== 201 || !id) throw new Error(`POST /v1/sessions answered ${r.status}`);
        sessions.push(id);
      }
    }
    const turnOf = sessions.map(() => 0);
    const warm = await Promise.all(sessions.map((id, i) => turn(g, id, i, turnOf[i]!++)));
    const failed = sessions.filter((_, i) => warm[i]);
    if (failed.length > 0) {
      const connection = await Connection.connect({ address: temporal.address });
      const statuses = await Promise.all(
        failed.map((id) =>
          new Client({ connection }).workflow
            .getHandle(sessionWorkflowId(BENCH_TENANT, id))
            .describe()
            .then((d) => d.status.name, (err: unknown) => String(err)),
        ),
      );
      await connection.close();
      throw new Error(`warm-up turns failed: ${warm.filter(Boolean).join(', ')}; those sessions' workflows: ${statuses.join(', ')}`);
    }

    const pids = { gateway: g.pid, temporal: temporal.process.pid, bench: process.pid, clients: clients.pid };
    const load: PhaseLoad = { gateway: g, clients, sessions, durationMs: o.durationMs, turnConcurrency: o.turnConcurrency, getConcurrency: o.getConcurrency, turnOf, pids };
    log(`phase A: turns + ${o.getConcurrency} GET requesters for ${o.durationMs / 1000} s, no SSE client…`);
    const a = await runPhase(load);
    const rssBefore = procRssBytes(g.pid);

    log(`connecting ${perSession * o.sessions} SSE clients (${perSession} per session)…`);
    const connect = await clients.call<ConnectResult>('connect', {
      host: g.host,
      port: g.port,
      headers: authHeaders,
      clients: sessions.flatMap((id, s) => Array.from({ length: perSession }, () => ({ session: s, path: `/v1/sessions/${id}/events` }))),
      concurrency: 100,
      timeoutMs: 30_000,
    });
    if (connect.connected < perSession * o.sessions) log(`only ${connect.connected} connected: ${JSON.stringify(connect.failed)}`);
    // The replay from offset 0 lands; then the idle memory of the connections.
    await new Promise((r) => setTimeout(r, 2_000));
    const rssConnected = procRssBytes(g.pid);

    log(`phase B: the same load with the SSE clients for ${o.durationMs / 1000} s…`);
    const bStart = now();
    const b = await runPhase(load);
    const missing = await drain(clients, clock, 15_000);
    const wordTimes = Object.fromEntries([...clock.at].map(([w, t]) => [w, t + clients.offsetMs]));
    const hubReport = await clients.call<ReportResult>('report', { sinceMs: bStart + clients.offsetMs, wordTimes });
    await clients.call('close');

    const eventRate = hubReport.eventsInWindow / Math.max(1, connect.connected) / (b.wallMs / 1000);
    log(`phase C (baseline): the clients on a bare Hono SSE server at ${eventRate.toFixed(1)} events/s per session…`);
    const bare = await forkChild(join(here, 'bare-server.ts'), 'bare SSE server');
    stops.unshift(() => bare.stop());
    const barePort = await bare.call<number>('start');
    const bareRssBefore = procRssBytes(bare.pid);
    const bareConnect = await clients.call<ConnectResult>('connect', {
      host: '127.0.0.1',
      port: barePort,
      headers: {},
      clients: sessions.flatMap((_, s) => Array.from({ length: perSession }, () => ({ session: s, path: `/s/${s}/events` }))),
      concurrency: 100,
      timeoutMs: 30_000,
      senderOffsetMs: bare.offsetMs - clients.offsetMs,
    });
    const bareRssConnected = procRssBytes(bare.pid);
    const cSampler = new ProcSampler({ bare: bare.pid, clients: clients.pid }).start();
    const cStart = now();
    const published = await bare.call<number>('publish', { sessions: o.sessions, perSecond: Math.max(0.1, eventRate), durationMs: o.durationMs }, o.durationMs + 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const cProc = cSampler.stop();
    const bareReport = await clients.call<ReportResult>('report', { sinceMs: cStart + clients.offsetMs });
    await clients.call('close');

    log(`default limits: ${perSession * o.sessions} SSE clients connecting at once to a second gateway with the default request rate…`);
    await bare.stop();
    const dflt = await startGatewayProcess({ temporalAddress: temporal.address, taskQueue, dir, defaultLimits: true });
    stops.unshift(dflt.stop);
    const defaultLimits = await clients.call<ConnectResult>('connect', {
      host: dflt.host,
      port: dflt.port,
      headers: authHeaders,
      clients: sessions.flatMap((id, s) => Array.from({ length: perSession }, () => ({ session: s, path: `/v1/sessions/${id}/events` }))),
      concurrency: perSession * o.sessions,
      timeoutMs: 60_000,
    });
    await clients.call('close');
    await dflt.stop();

    printAndWrite({
      defaultLimits,
      options: o,
      perSession,
      connect,
      a,
      b,
      rssBefore,
      rssConnected,
      hubReport,
      missingAfterDrain: missing,
      eventRate,
      bare: { connect: bareConnect, rssBefore: bareRssBefore, rssConnected: bareRssConnected, proc: cProc, published, report: bareReport, wallMs: now() - cStart },
      clockOffsetsMs: { clients: clients.offsetMs, bare: bare.offsetMs },
      gatewayWarnings: warningsOf(g.logFile),
    });
  } finally {
    for (const stop of stops) await stop().catch((err: unknown) => log(`stopping: ${String(err)}`));
    rmSync(dir, { recursive: true, force: true });
  }
}

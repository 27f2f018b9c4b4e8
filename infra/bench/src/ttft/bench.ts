/**
 * `npm run bench -- ttft`: time to first token, a direct streaming call against the hub's SSE stream.
 *
 * Same run, same scripted LLM (its first token leaves `--first-token-ms` after the request, the other
 * words follow `--token-ms` apart), rounds interleaved:
 * - direct: a streaming chat completion with the OpenAI SDK (as the LLM activity makes it), from the
 *   call to the first content delta;
 * - hub: a client already watching `GET /v1/sessions/{id}/events` POSTs a message; from the POST to the
 *   first `token` event of that turn on the SSE stream (gateway in-process, the hub's real worker,
 *   the embedded Temporal dev server).
 * Prints p50/p99 of both, the difference, and where the hub's time goes (POST → `turn.started` on the
 * stream), and writes JSON under infra/bench/results/. Timings are reported, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import OpenAI from 'openai';
import { getProfile, listProfiles } from '@hub/agents';
import { createApp, createServices } from '@hub/gateway';
import { getFreePort, startDevServer } from '@hub/dev';
import { startScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { startBenchHubWorker } from '../hub-worker';
import { intOption } from '../lib/args';
import { machine, writeResult } from '../lib/results';
import { fmtStats as fmt, stats } from '../lib/stats';
import { openSse, type SseEvent } from './sse';

export const TTFT_HELP = `ttft options (suite "ttft"):
  --rounds N          measured rounds of each kind (default 100)
  --warmup N          warm-up rounds of each kind (default 10)
  --first-token-ms N  the scripted LLM's first token leaves after N ms (default 20)
  --token-ms N        later tokens follow N ms apart (default 5)
  --words N           words per reply (default 20)
  --poll-cooldown-ms N  the gateway reads the session's stream through a subscription of its own with this
                      poll cooldown instead of its shared one (to measure the cooldown's share)
  --sqlite            the dev server keeps its state in an SQLite file (as npm start does) instead of memory
  Time to first token: a direct streaming call to the scripted LLM against a client of the hub's SSE
  stream (POST a message, first token event of its turn), same run, rounds interleaved. Prints p50/p99
  of both and the difference (target: hub - direct p50 <= 60 ms, stretch 30 ms), writes JSON to
  infra/bench/results/.
`;

const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

interface Round {
  firstToken: number;
  done: number;
  started?: number;
  /** POST → the LLM request reached the scripted LLM. */
  llmRequest?: number;
}

export async function runTtftBench(argv: string[]): Promise<void> {
  const rounds = intOption(argv, 'rounds', 100);
  const warmup = intOption(argv, 'warmup', 10);
  const firstTokenMs = intOption(argv, 'first-token-ms', 20);
  const tokenMs = intOption(argv, 'token-ms', 5);
  const words = intOption(argv, 'words', 20);
  const sqlite = argv.includes('--sqlite');
  const cooldown = argv.includes('--poll-cooldown-ms') ? intOption(argv, 'poll-cooldown-ms', 100) : undefined;
  const reply = Array.from({ length: words }, (_, i) => `word${i}`).join(' ');

  const dbDir = sqlite ? mkdtempSync(join(tmpdir(), 'hub-bench-ttft-')) : undefined;
  process.stderr.write(`bench: starting ${sqlite ? 'an SQLite' : 'an in-memory'} Temporal dev server and the scripted LLM (first token after ${firstTokenMs} ms)…\n`);
  const temporal = await startDevServer({ headless: true, log: () => undefined, ...(dbDir ? { dbFile: join(dbDir, 'temporal.db') } : {}) });
  const llm = await startScriptedLlmServer({ responder: () => ({ reply, firstChunkDelayMs: firstTokenMs, chunkDelayMs: tokenMs }) });
  const native = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const taskQueue = `bench-ttft-${randomUUID().slice(0, 8)}`;
  const { worker, close: closeActivities } = await startBenchHubWorker({ connection: native, taskQueue, llmUrl: llm.url, model: 'bench' });
  const running = worker.run();
  const openStream =
    cooldown === undefined
      ? undefined
      : (workflowId: string, fromOffset: number) =>
          WorkflowStreamClient.create(client, workflowId).subscribe<unknown>([], fromOffset, { resultType: true, pollCooldown: cooldown });
  const app = createApp(createServices(client, { taskQueue, profiles: { get: getProfile, list: listProfiles }, ...(openStream ? { openStream } : {}) }), { log: quietLog });
  const port = await getFreePort();
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  const base = `http://127.0.0.1:${port}`;
  const openai = new OpenAI({ baseURL: llm.url, apiKey: 'bench', maxRetries: 0 });

  const post = async (path: string, body: unknown): Promise<{ id?: string; status?: string; reply?: string }> => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path} -> ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ id?: string; status?: string; reply?: string }>;
  };

  async function direct(): Promise<Round> {
    const t0 = performance.now();
    const stream = await openai.chat.completions.create({ model: 'bench', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let firstToken = NaN;
    let text = '';
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta.content;
      if (d && Number.isNaN(firstToken)) firstToken = performance.now() - t0;
      text += d ?? '';
    }
    if (text !== reply) throw new Error(`direct call answered ${JSON.stringify(text)}`);
    return { firstToken, done: performance.now() - t0 };
  }

  try {
    const created = await post('/v1/sessions', {});
    const sse = await openSse(`${base}/v1/sessions/${created.id!}/events`);
    /** Matches events of the turn that `text` started (its `turn.started` comes first on the stream). */
    const ofTurn = (text: string, type: string) => {
      let turnId: string | undefined;
      return (e: SseEvent): boolean => {
        const d = e.data as { type?: string; turnId?: string; text?: string };
        if (e.event === 'turn.started' && d.text === text) turnId = d.turnId;
        return turnId !== undefined && d.turnId === turnId && e.event === type;
      };
    };
    async function hub(i: number): Promise<Round> {
      const text = `ttft ${i} ${randomUUID().slice(0, 8)}`;
      const started = sse.next(ofTurn(text, 'turn.started'), 30_000);
      const token = sse.next(ofTurn(text, 'token'), 30_000);
      const completed = sse.next(ofTurn(text, 'turn.completed'), 30_000);
      const t0 = performance.now();
      const t0Epoch = performance.timeOrigin + t0;
      const answer = await post(`/v1/sessions/${created.id!}/messages`, { text });
      if (answer.status !== 'completed' || answer.reply !== reply) throw new Error(`hub turn ${i} ended ${String(answer.status)}: ${String(answer.reply)}`);
      const [s, t, c] = await Promise.all([started, token, completed]);
      const req = llm.chatRequests().findLast((r) => r.receivedAt >= t0Epoch - 1);
      return { firstToken: t.at - t0, done: c.at - t0, started: s.at - t0, ...(req ? { llmRequest: req.receivedAt - t0Epoch } : {}) };
    }

    process.stderr.write(`bench: ${rounds} rounds each of direct call and hub SSE, interleaved (after ${warmup} warm-up rounds each)…\n`);
    for (let i = 0; i < warmup; i++) {
      await direct();
      await hub(-1 - i);
    }
    const d: Round[] = [];
    const h: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      d.push(await direct());
      h.push(await hub(i));
      if ((i + 1) % Math.max(1, Math.floor(rounds / 5)) === 0) process.stderr.write(`  ${i + 1}/${rounds} rounds of each\n`);
    }
    sse.close();

    const directFirst = stats(d.map((r) => r.firstToken));
    const hubFirst = stats(h.map((r) => r.firstToken));
    const diff = stats(h.map((r, i) => r.firstToken - d[i]!.firstToken));
    const hubStarted = stats(h.map((r) => r.started!));
    const hubLlm = stats(h.filter((r) => r.llmRequest !== undefined).map((r) => r.llmRequest!));
    const tokenPath = stats(h.filter((r) => r.llmRequest !== undefined).map((r) => r.firstToken - r.llmRequest! - firstTokenMs));
    const directDone = stats(d.map((r) => r.done));
    const hubDone = stats(h.map((r) => r.done));
    const result = {
      benchmark: 'time-to-first-token',
      at: new Date().toISOString(),
      machine: machine(),
      temporal: sqlite ? 'sqlite' : 'in-memory',
      rounds,
      warmup,
      llm: { firstTokenMs, tokenMs, words },
      directFirstTokenMs: directFirst,
      hubFirstTokenMs: hubFirst,
      differenceP50Ms: hubFirst.p50 - directFirst.p50,
      differenceP99Ms: hubFirst.p99 - directFirst.p99,
      perRoundDifferenceMs: diff,
      hubTurnStartedOnStreamMs: hubStarted,
      hubPostToLlmRequestMs: hubLlm,
      hubTokenLeftToSseMs: tokenPath,
      directReplyDoneMs: directDone,
      hubTurnCompletedOnStreamMs: hubDone,
      target: { differenceP50Ms: 60, stretchMs: 30 },
    };
    process.stdout.write(
      [
        '',
        `time to first token (scripted LLM: first token after ${firstTokenMs} ms, then ${words - 1} more ${tokenMs} ms apart; ${result.temporal} dev server)`,
        `  direct streaming call : ${fmt(directFirst)}`,
        `  hub, SSE client       : ${fmt(hubFirst)}  (POST message → first token event of the turn)`,
        `  difference            : p50 ${result.differenceP50Ms.toFixed(1)} ms  p99 ${result.differenceP99Ms.toFixed(1)} ms  (target p50 <= 60 ms, stretch 30 ms)`,
        `  per-round difference  : ${fmt(diff)}`,
        `  where the hub's time goes:`,
        `    POST → turn.started on the stream : ${fmt(hubStarted)}  (gateway, update, workflow task, poll)`,
        `    POST → LLM request received       : ${fmt(hubLlm)}  (… activity dispatch, tool catalogue, request)`,
        `    first token sent → on the stream  : ${fmt(tokenPath)}  (activity publish, signal, workflow task, poll, SSE)`,
        `    reply complete, direct            : ${fmt(directDone)}`,
        `    reply complete, hub (turn.completed on the stream): ${fmt(hubDone)}`,
        '',
      ].join('\n'),
    );
    writeResult('ttft', result);
  } finally {
    server.close();
    worker.shutdown();
    await running.catch(() => undefined);
    await closeActivities();
    await native.close();
    await connection.close();
    await llm.close();
    await temporal.stop();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  }
}

/**
 * `npm run bench -- local`: the embedded local model on this machine, and the hub's chat-turn overhead on
 * top of it. One local model server process (apps/local-llm on the provisioned default GGUF, or
 * HUB_LOCAL_MODEL), one run:
 *
 * - model: streamed chat completions straight to the server (OpenAI SDK): time to first token, decode
 *   tokens/s (completion tokens after the first / time after the first), whole-call latency;
 * - hub: a chat turn through the gateway (a new session with one message; in-process gateway and worker
 *   on an embedded dev server) whose LLM call is the same request: the same system prompt and message,
 *   temperature 0 (so both generate the same tokens), no tools, the server's token limit.
 *
 * Hub turns and direct calls alternate, with the same message for each pair. Prints medians and the ratio
 * hub/direct, the server's RSS, and writes JSON under infra/bench/results/. Timings are reported, never
 * asserted. Iterations are bounded by --local-turns.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import OpenAI from 'openai';
import { getProfile } from '@hub/agents';
import type { AgentProfile, TurnResult } from '@hub/contracts';
import { createApp, createServices } from '@hub/gateway';
import { repoRoot } from '@hub/runtime';
import { getFreePort, startDevServer } from '@hub/dev';
import { LocalLlmProcess } from '@hub/testing/local-llm-process';
import { startBenchHubWorker } from './hub-worker';

export const LOCAL_MODEL_HELP = `local model options (suite "local"):
  --local-turns N       measured pairs of (hub turn, direct model call) (default 8)
  --local-warmup N      warm-up pairs (default 1)
  --local-max-tokens N  reply length limit of the model server (default 64)
  The local model server (apps/local-llm, default GGUF or HUB_LOCAL_MODEL): time to
  first token and tokens/s of direct streamed calls, and a hub chat turn through
  the gateway with the same request against the direct call, alternating, same
  run. Prints medians, the ratio hub/direct and the server's RSS; writes JSON to
  infra/bench/results/.
`;

function numArg(argv: readonly string[], name: string, dflt: number): number {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a non-negative integer`);
  return v;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

function rssMB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

interface DirectSample {
  ttftMs: number;
  totalMs: number;
  completionTokens: number;
  promptTokens: number;
  tokensPerSecond: number;
}

export async function runLocalModelBench(argv: readonly string[] = process.argv): Promise<void> {
  const turns = Math.max(1, numArg(argv, 'local-turns', 8));
  const warmup = numArg(argv, 'local-warmup', 1);
  const maxTokens = Math.max(1, numArg(argv, 'local-max-tokens', 64));

  process.stderr.write(`bench(local): starting the local model server, an in-memory Temporal dev server, a worker and a gateway…\n`);
  const llm = await new LocalLlmProcess({ args: ['--max-tokens', String(maxTokens), '--parallel', '1'] }).start();
  const temporal = await startDevServer({ headless: true, log: () => undefined });
  const native = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const taskQueue = `bench-local-${randomUUID().slice(0, 8)}`;

  // The hub's profile, with temperature 0 and no tools: the hub's request then matches the direct one.
  const base = getProfile('assistant')!;
  const profile: AgentProfile = { ...base, temperature: 0, tools: [], maxToolRounds: 0 };
  const openai = new OpenAI({ baseURL: llm.url, apiKey: 'bench', maxRetries: 0, timeout: 300_000 });
  const { worker, close: closeHubActivities } = await startBenchHubWorker({ connection: native, taskQueue, llmUrl: llm.url, model: llm.model, timeoutMs: 300_000 });
  const running = worker.run();
  const app = createApp(createServices(client, { taskQueue, profiles: { get: (n) => (n === profile.name ? profile : undefined), list: () => [profile] } }));
  const port = await getFreePort();
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  const gateway = `http://127.0.0.1:${port}`;

  const message = (i: number): string => `Tell me one fact about the number ${i}.`;

  const direct = async (i: number): Promise<DirectSample> => {
    const t0 = performance.now();
    const stream = await openai.chat.completions.create({
      model: llm.model,
      messages: [
        { role: 'system', content: profile.systemPrompt },
        { role: 'user', content: message(i) },
      ],
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let first: number | undefined;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      if (first === undefined && chunk.choices[0]?.delta.content) first = performance.now();
      if (chunk.usage) usage = chunk.usage;
    }
    const end = performance.now();
    const firstAt = first ?? end;
    const completionTokens = usage?.completion_tokens ?? 0;
    return {
      ttftMs: firstAt - t0,
      totalMs: end - t0,
      completionTokens,
      promptTokens: usage?.prompt_tokens ?? 0,
      tokensPerSecond: completionTokens > 1 && end > firstAt ? (completionTokens - 1) / ((end - firstAt) / 1000) : NaN,
    };
  };

  const hubTurn = async (i: number): Promise<{ ms: number; completionTokens: number }> => {
    const t0 = performance.now();
    const res = await fetch(`${gateway}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: message(i) }),
    });
    const body = (await res.json()) as { reply?: TurnResult };
    const ms = performance.now() - t0;
    if (res.status !== 201 || body.reply?.status !== 'completed') throw new Error(`hub turn ${i}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    return { ms, completionTokens: body.reply.usage.completionTokens };
  };

  try {
    for (let i = 0; i < warmup; i++) {
      await hubTurn(-1 - i);
      await direct(-1 - i);
    }
    process.stderr.write(`bench(local): ${turns} pairs of hub turn + direct call (max ${maxTokens} tokens each, after ${warmup} warm-up pairs)…\n`);
    const directs: DirectSample[] = [];
    const hubs: Array<{ ms: number; completionTokens: number }> = [];
    for (let i = 0; i < turns; i++) {
      // Alternate which goes first, so neither always follows the other.
      if (i % 2 === 0) {
        hubs.push(await hubTurn(i));
        directs.push(await direct(i));
      } else {
        directs.push(await direct(i));
        hubs.push(await hubTurn(i));
      }
      process.stderr.write(`  ${i + 1}/${turns}\n`);
    }
    const rss = rssMB(llm.pid);
    const result = {
      benchmark: 'local-model',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      model: llm.model,
      turns,
      warmup,
      maxTokens,
      model_direct: {
        ttftMsP50: median(directs.map((d) => d.ttftMs)),
        tokensPerSecondP50: median(directs.map((d) => d.tokensPerSecond).filter(Number.isFinite)),
        callMsP50: median(directs.map((d) => d.totalMs)),
        promptTokens: median(directs.map((d) => d.promptTokens)),
        completionTokensP50: median(directs.map((d) => d.completionTokens)),
      },
      hub: {
        turnMsP50: median(hubs.map((h) => h.ms)),
        completionTokensP50: median(hubs.map((h) => h.completionTokens)),
      },
      ratioP50: median(hubs.map((h) => h.ms)) / median(directs.map((d) => d.totalMs)),
      overheadMsP50: median(hubs.map((h, i) => h.ms - directs[i]!.totalMs)),
      serverRssMB: rss,
      samples: { direct: directs, hub: hubs },
    };
    const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
    process.stdout.write(
      [
        '',
        `local model (${llm.model}, ${cpus().length} CPUs; one server, same run)`,
        `  direct call   : TTFT p50 ${f(result.model_direct.ttftMsP50)} ms  ${f(result.model_direct.tokensPerSecondP50, 1)} tokens/s  ` +
          `call p50 ${f(result.model_direct.callMsP50)} ms  (${f(result.model_direct.promptTokens)} prompt, ${f(result.model_direct.completionTokensP50)} completion tokens)`,
        `  hub chat turn : p50 ${f(result.hub.turnMsP50)} ms  (${f(result.hub.completionTokensP50)} completion tokens)`,
        `  ratio hub/direct p50 ${f(result.ratioP50, 2)}  (hub overhead p50 ${f(result.overheadMsP50)} ms per turn)`,
        `  model server RSS ${rss ?? 'n/a'} MB`,
        '',
      ].join('\n'),
    );
    const dir = join(repoRoot(), 'infra', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `local-model-${result.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`results: ${file}\n`);
  } finally {
    server.close();
    worker.shutdown();
    await running.catch(() => undefined);
    await closeHubActivities();
    await native.close();
    await connection.close();
    await temporal.stop();
    await llm.stop();
  }
}

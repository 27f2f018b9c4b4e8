/**
 * The suite's client process (forked by bench.ts, see child.ts): holds the SSE clients (sse-reader.ts) and
 * runs the closed-loop `GET` load, so neither shares an event loop with the bench's worker and LLM.
 * Commands: connect, expect/missing (waiting until every client has every word), report, close, get.
 */
import { Agent, request } from 'node:http';
import { stats, type Stats } from '../lib/stats';
import { serveParent } from './child';
import { SseReader, now } from './sse-reader';

export interface ConnectArg {
  host: string;
  port: number;
  headers: Record<string, string>;
  /** One entry per client: its session's index and the events path. */
  clients: Array<{ session: number; path: string }>;
  /** Connects in flight at once. */
  concurrency: number;
  timeoutMs: number;
  /** Clock offset of the server that embeds publish times (bare baseline), relative to this process. */
  senderOffsetMs?: number;
}

export interface ConnectResult {
  connected: number;
  /** Clients that never connected, by the last reason. */
  failed: Record<string, number>;
  /** Every refused attempt (retried 500 ms later), by reason. */
  refusedAttempts: Record<string, number>;
  connectMs: Stats;
  wallMs: number;
}

export interface ReportArg {
  /** Start of the measured window in this process's clock: only events first received after it count for lags. */
  sinceMs: number;
  /** Word → when the LLM sent it, in this process's clock (hub runs). */
  wordTimes?: Record<string, number>;
}

export interface ReportResult {
  clients: number;
  /** Receipt minus the time the word's token left the LLM (hub), or minus the embedded publish time (bare). */
  lagMs: Stats;
  /** Receipt minus the first receipt of the same event by a client of the same session. */
  spreadMs: Stats;
  /** Events received in the measured window, summed over clients. */
  eventsInWindow: number;
  /** Events of a session (the union over its clients) that a client of it did not receive, summed. */
  lostEvents: number;
  /** Words the LLM sent for a session that a client of it did not receive, summed. */
  lostWords: number;
  wordsExpected: number;
  disordered: number;
  /** Streams that ended or broke while the bench held them (each reopened with Last-Event-ID), by reason. */
  reconnects: Record<string, number>;
  /** Clients that never connected (not counted in the losses). */
  notConnected: number;
}

export interface GetArg {
  host: string;
  port: number;
  headers: Record<string, string>;
  paths: string[];
  concurrency: number;
  durationMs: number;
}

export interface GetResult {
  requests: number;
  ok: number;
  statuses: Record<string, number>;
  perSecond: number;
  latencyMs: Stats;
}

let readers: SseReader[] = [];
let agent: Agent | undefined;
let expected: Map<number, string[]> = new Map();

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

async function connect(a: ConnectArg): Promise<ConnectResult> {
  agent = new Agent({ keepAlive: true, maxSockets: a.clients.length + 16 });
  const t0 = now();
  const queue = a.clients.map((c) => ({ c, r: new SseReader(c.session, a.senderOffsetMs ?? 0) }));
  readers.push(...queue.map((q) => q.r));
  let next = 0;
  const lane = async () => {
    while (next < queue.length) {
      const { c, r } = queue[next++]!;
      await r.connect({ host: a.host, port: a.port, path: c.path, headers: a.headers, agent: agent! }, a.timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(a.concurrency, queue.length) }, lane));
  const ok = readers.filter((r) => r.state === 'open');
  return {
    connected: ok.length,
    failed: countBy(readers.filter((r) => r.state !== 'open').map((r) => r.problems[r.problems.length - 1] ?? r.state)),
    refusedAttempts: countBy(readers.flatMap((r) => r.problems)),
    connectMs: stats(ok.map((r) => r.connectMs)),
    wallMs: now() - t0,
  };
}

/** How many (client, word) pairs are still missing. */
function missing(): number {
  let n = 0;
  for (const r of readers) for (const w of expected.get(r.session) ?? []) if (!r.words.has(w)) n++;
  return n;
}

function report(a: ReportArg): ReportResult {
  const lags: number[] = [];
  const spreads: number[] = [];
  let eventsInWindow = 0;
  let lostEvents = 0;
  let lostWords = 0;
  let wordsExpected = 0;
  const bySession = new Map<number, SseReader[]>();
  const live = readers.filter((r) => r.state === 'open');
  for (const r of live) bySession.set(r.session, [...(bySession.get(r.session) ?? []), r]);
  for (const [session, rs] of bySession) {
    const first = new Map<number, number>();
    for (const r of rs) r.offsets.forEach((o, i) => first.set(o, Math.min(first.get(o) ?? Number.POSITIVE_INFINITY, r.times[i]!)));
    for (const r of rs) {
      lostEvents += first.size - r.offsets.length;
      r.offsets.forEach((o, i) => {
        const f = first.get(o)!;
        if (f < a.sinceMs) return;
        eventsInWindow++;
        spreads.push(r.times[i]! - f);
      });
      for (const w of expected.get(session) ?? []) {
        wordsExpected++;
        const got = r.words.get(w);
        if (got === undefined) lostWords++;
        else if (a.wordTimes?.[w] !== undefined && a.wordTimes[w]! >= a.sinceMs) lags.push(got - a.wordTimes[w]!);
      }
      if (!a.wordTimes) r.embeddedLags.forEach((l, i) => r.embeddedAt[i]! >= a.sinceMs && lags.push(l));
    }
  }
  return {
    clients: live.length,
    lagMs: stats(lags),
    spreadMs: stats(spreads),
    eventsInWindow,
    lostEvents,
    lostWords,
    wordsExpected,
    disordered: readers.reduce((n, r) => n + r.disordered, 0),
    reconnects: countBy(live.flatMap((r) => r.breaks)),
    notConnected: readers.length - live.length,
  };
}

function close(): number {
  const n = readers.length;
  for (const r of readers) r.close();
  readers = [];
  expected = new Map();
  agent?.destroy();
  agent = undefined;
  return n;
}

async function getLoad(a: GetArg): Promise<GetResult> {
  const keepAlive = new Agent({ keepAlive: true, maxSockets: a.concurrency });
  const latencies: number[] = [];
  const statuses: string[] = [];
  const start = now();
  const end = start + a.durationMs;
  let i = 0;
  const one = (path: string) =>
    new Promise<number>((resolve) => {
      const req = request({ host: a.host, port: a.port, path, headers: a.headers, agent: keepAlive, timeout: 30_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(0));
      req.end();
    });
  const lane = async () => {
    while (now() < end) {
      const path = a.paths[i++ % a.paths.length]!;
      const t0 = now();
      const status = await one(path);
      latencies.push(now() - t0);
      statuses.push(status ? String(status) : 'error');
    }
  };
  await Promise.all(Array.from({ length: a.concurrency }, lane));
  const wall = now() - start;
  keepAlive.destroy();
  const ok = statuses.filter((s) => s === '200').length;
  return { requests: latencies.length, ok, statuses: countBy(statuses), perSecond: (ok / wall) * 1000, latencyMs: stats(latencies) };
}

serveParent({
  connect: (a: ConnectArg) => connect(a),
  expect: (a: Record<string, string[]>) => {
    expected = new Map(Object.entries(a).map(([k, v]) => [Number(k), v]));
    return missing();
  },
  missing: () => missing(),
  report: (a: ReportArg) => report(a),
  close: () => close(),
  get: (a: GetArg) => getLoad(a),
});

/**
 * The load of one measured phase of the gateway suite: `turnConcurrency` turns at once through the gateway,
 * round-robin over the sessions (so every session has turns), for a fixed time, while the client process runs the closed-loop
 * `GET /v1/sessions/{id}` load, with the CPU and peak RSS of every process sampled.
 */
import { ProcSampler } from '../lib/proc';
import { stats, type Stats } from '../lib/stats';
import type { Child } from './child';
import type { GetResult } from './clients';
import { BENCH_KEY, type GatewayProcess } from './gateway-process';
import { benchMessage } from './llm';
import { now } from './sse-reader';

export const authHeaders = { authorization: `Bearer ${BENCH_KEY}` };

export interface PhaseLoad {
  gateway: GatewayProcess;
  clients: Child;
  sessions: string[];
  durationMs: number;
  /** Turns running at once, taken round-robin over the sessions. */
  turnConcurrency: number;
  getConcurrency: number;
  /** Turn numbers go on from here (each session's next turn). */
  turnOf: number[];
  pids: Record<string, number | undefined>;
}

export interface PhaseResult {
  wallMs: number;
  turns: number;
  turnErrors: Record<string, number>;
  turnMs: Stats;
  get: GetResult;
  proc: Record<string, { cpuMs?: number; peakRssBytes?: number }>;
}

export async function post(g: GatewayProcess, path: string, body: unknown, timeoutMs = 60_000): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`http://${g.host}:${g.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

/** One turn on session `index`; returns an error label, or undefined when it completed. */
export async function turn(g: GatewayProcess, id: string, index: number, n: number): Promise<string | undefined> {
  try {
    const r = await post(g, `/v1/sessions/${id}/messages`, { text: benchMessage(index, n) });
    if (r.status !== 200) return `HTTP ${r.status} ${(r.json as { error?: { code?: string; message?: string } } | undefined)?.error?.message ?? ''}`.trim();
    const status = (r.json as { status?: string } | undefined)?.status;
    return status === 'completed' ? undefined : `turn ${String(status)}`;
  } catch (err) {
    return err instanceof Error ? err.name : 'error';
  }
}

export async function runPhase(p: PhaseLoad): Promise<PhaseResult> {
  const sampler = new ProcSampler(p.pids).start();
  const t0 = now();
  const end = t0 + p.durationMs;
  const turnMs: number[] = [];
  const errors: Record<string, number> = {};
  const busy = new Set<number>();
  let cursor = 0;
  const nextSession = (): number => {
    while (busy.has(cursor % p.sessions.length)) cursor++;
    const index = cursor++ % p.sessions.length;
    busy.add(index);
    return index;
  };
  const lane = async () => {
    while (now() < end) {
      const index = nextSession();
      const start = now();
      const err = await turn(p.gateway, p.sessions[index]!, index, p.turnOf[index]!++);
      busy.delete(index);
      if (err) errors[err] = (errors[err] ?? 0) + 1;
      else turnMs.push(now() - start);
    }
  };
  const [get] = await Promise.all([
    p.clients.call<GetResult>('get', {
      host: p.gateway.host,
      port: p.gateway.port,
      headers: authHeaders,
      paths: p.sessions.map((id) => `/v1/sessions/${id}`),
      concurrency: p.getConcurrency,
      durationMs: p.durationMs,
    }),
    Promise.all(Array.from({ length: Math.min(p.turnConcurrency, p.sessions.length) }, lane)),
  ]);
  const proc = sampler.stop();
  return { wallMs: now() - t0, turns: turnMs.length, turnErrors: errors, turnMs: stats(turnMs), get, proc };
}

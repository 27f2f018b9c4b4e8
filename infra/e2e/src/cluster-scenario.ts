/**
 * The cluster e2e scenario (infra/e2e/test/cluster.test.ts), on `npm run cluster` (PostgreSQL, the Temporal
 * server built from source, two workers, two gateways): sessions keep exchanging messages and a research job
 * runs, every request going to the gateways in turn (a retry, with the same Idempotency-Key, to the other
 * one), each session's event stream followed across gateways (sse-follower.ts), while worker 1 is SIGKILLed
 * mid-load and then gateway 2 is stopped (SIGTERM); the cluster's supervisor brings each back, as in
 * `npm start`. cluster-check.ts then judges what the run left behind.
 */
import { randomUUID } from 'node:crypto';
import type { ResearchState } from '@hub/contracts';
import { researchResponder } from '@hub/testing/research-responder';
import { lastUserMessage, startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { ChaosClient } from './chaos-client';
import { CHAT_MARK, driveSession, type AckedMessage } from './chaos';
import type { ClusterProcess } from './cluster-process';
import { SseFollower } from './sse-follower';
import { eventually } from './stack';

export interface ClusterScenarioParams {
  sessions: number;
  /** Messages per session at least (they keep talking until the chaos is over). */
  messages: number;
  /** Sub-agents of the research job. */
  agents: number;
  log?: (line: string) => void;
}

export interface ClusterChaosEvent {
  kind: 'worker-kill' | 'gateway-stop';
  pid: number;
  at: number;
  /** Messages acknowledged when it happened. */
  acked: number;
  /** Research agents' LLM calls made by then. */
  agentCalls: number;
}

export interface ClusterRun {
  runId: string;
  gateways: string[];
  llm: ScriptedLlmServer;
  client: ChaosClient;
  sessionIds: string[];
  messages: AckedMessage[];
  followers: Map<string, SseFollower>;
  jobId?: string;
  job?: ResearchState;
  chaos: ClusterChaosEvent[];
  /** Requests never acknowledged, and steps that did not happen (with why). */
  unacknowledged: string[];
  startedAt: number;
  endedAt: number;
}

const AGENT_PROMPT = 'Overall research question:';

/** The scripted LLM: research roles (research-responder.ts); chat turns and agents' answers stream slowly enough for a kill to land mid-call. */
export function startClusterLlm(): Promise<ScriptedLlmServer> {
  return startScriptedLlmServer({
    maxRecorded: 100_000,
    responder: (req) => {
      const step = researchResponder(req);
      const prompt = lastUserMessage(req);
      if (prompt.startsWith(CHAT_MARK)) return { ...step, chunkDelayMs: 80 };
      if (prompt.startsWith(AGENT_PROMPT)) return { ...step, chunkDelayMs: 250 };
      return step;
    },
  });
}

/** The LLM calls of the research job's agents (their idempotency keys are `research/default/<job>/agent/<i>/...`). */
export function agentCalls(llm: ScriptedLlmServer, jobId: string | undefined): Array<{ agent: number; key: string }> {
  if (!jobId) return [];
  const prefix = `research/default/${jobId}/agent/`;
  return llm
    .chatRequests()
    .filter((r) => r.idempotencyKey?.startsWith(prefix))
    .map((r) => ({ agent: Number(r.idempotencyKey!.slice(prefix.length).split('/')[0]), key: r.idempotencyKey! }));
}

export async function runClusterScenario(cluster: ClusterProcess, llm: ScriptedLlmServer, p: ClusterScenarioParams): Promise<ClusterRun> {
  const log = p.log ?? (() => undefined);
  const gateways = cluster.banner.gateways.map((g) => g.url);
  let turn = 0;
  const client = new ChaosClient({ baseUrl: () => gateways[turn++ % gateways.length]!, attemptTimeoutMs: 30_000, requestDeadlineMs: 150_000 });
  const runId = randomUUID().slice(0, 8);
  const run: ClusterRun = {
    runId, gateways, llm, client, sessionIds: [], messages: [], followers: new Map(), chaos: [], unacknowledged: [],
    startedAt: Date.now(), endedAt: 0,
  };
  const note = (err: unknown): void => void run.unacknowledged.push((err as Error).message);
  let chaosDone = false;

  const session = (s: number): Promise<void> =>
    driveSession({
      client,
      runId,
      index: s,
      gapMs: 250,
      more: (m) => (m < p.messages || !chaosDone) && m < 200,
      messages: run.messages,
      created: (id) => {
        run.sessionIds.push(id);
        run.followers.set(id, new SseFollower(gateways, `/v1/sessions/${id}/events`, s % gateways.length));
      },
    });

  const job = async (): Promise<void> => {
    const r = await client.send<{ id: string }>('POST', '/v1/research', { question: `Cluster job ${runId}`, maxAgents: p.agents }, `${runId}-job`);
    if (r.status !== 202) throw new Error(`POST /v1/research answered ${r.status}: ${JSON.stringify(r.body)}`);
    run.jobId = r.body.id;
    run.job = await eventually(async () => {
      const s = await client.get<ResearchState>(`/v1/research/${r.body.id}`);
      return ['completed', 'failed', 'cancelled'].includes(s.status) && s;
    }, 170_000, `research job ${r.body.id}`);
  };

  /** Waits (bounded) until `more` further messages were acknowledged. */
  const progress = async (more: number, what: string) => {
    const target = run.messages.length + more;
    await eventually(async () => run.messages.length >= target, 90_000, `${more} more acknowledged messages ${what}`);
  };

  /** Signals one of the cluster's processes mid-load, then waits for more messages and for its restart. */
  const strike = async (kind: ClusterChaosEvent['kind'], pid: number, signal: NodeJS.Signals, name: string, restarted: RegExp): Promise<void> => {
    log(`cluster: ${signal} ${name} (pid ${pid}) at +${((Date.now() - run.startedAt) / 1000).toFixed(1)} s`);
    run.chaos.push({ kind, pid, at: Date.now(), acked: run.messages.length, agentCalls: agentCalls(llm, run.jobId).length });
    process.kill(pid, signal);
    await progress(p.sessions, `after the ${name} ${kind === 'worker-kill' ? 'kill' : 'stop'}`);
    await cluster.waitForLine(restarted, 90_000);
  };

  const chaos = async (work: Promise<void>[]): Promise<void> => {
    await progress(p.sessions * 2, 'before the chaos');
    // The job starts now, so that its agents are mid-call when the worker dies.
    work.push(job().catch(note));
    await eventually(async () => agentCalls(llm, run.jobId).length > 0, 60_000, 'the research agents calling the LLM');
    await strike('worker-kill', cluster.banner.workers[0]!.pid, 'SIGKILL', 'worker 1', /worker-1 restarted/);
    await strike('gateway-stop', cluster.banner.gateways[1]!.pid, 'SIGTERM', 'gateway 2', /gateway-2 restarted/);
    await progress(p.sessions, 'with gateway 2 back');
  };

  const work: Promise<void>[] = Array.from({ length: p.sessions }, (_, s) => session(s).catch(note));
  await chaos(work).catch(note);
  chaosDone = true;
  await Promise.all(work); // with the job, added to it during the chaos
  run.endedAt = Date.now();
  return run;
}

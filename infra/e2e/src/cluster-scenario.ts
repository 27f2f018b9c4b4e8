/**
 * The cluster e2e scenario (infra/e2e/test/cluster.test.ts), on `npm run cluster` (PostgreSQL, the Temporal
 * server built from source, two workers, two gateways): sessions keep exchanging messages and a research job
 * runs, every request going to the gateways in turn (a retry, with the same Idempotency-Key, to the other
 * one), each session's event stream followed across gateways (sse-follower.ts), while worker 1 is SIGKILLed
 * mid-load and then gateway 2 is stopped (SIGTERM); the cluster's supervisor brings each back, as in
 * `npm start`. cluster-check.ts then judges what the run left behind.
 */
import { randomUUID } from 'node:crypto';
import type { ResearchState, TurnResult } from '@hub/contracts';
import { researchResponder } from '@hub/testing/research-responder';
import { lastUserMessage, startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { ChaosClient, type Acked } from './chaos-client';
import { CHAT_MARK, type AckedMessage } from './chaos';
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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

  const ack = (session: string, text: string, key: string, r: Acked<TurnResult>) =>
    run.messages.push({ session, text, key, reply: r.body?.reply, status: r.body?.status, startedAt: r.startedAt, endedAt: r.endedAt, attempts: r.attempts });

  const session = async (s: number): Promise<void> => {
    const text0 = `${CHAT_MARK} ${runId} s${s} m0`;
    const key0 = `${runId}-s${s}-create`;
    const created = await client.send<{ id: string; reply?: TurnResult }>('POST', '/v1/sessions', { message: text0 }, key0);
    if (created.status !== 201) throw new Error(`POST /v1/sessions answered ${created.status}: ${JSON.stringify(created.body)}`);
    const id = created.body.id;
    run.sessionIds.push(id);
    run.followers.set(id, new SseFollower(gateways, `/v1/sessions/${id}/events`, s % gateways.length));
    ack(id, text0, key0, { ...created, body: created.body.reply as TurnResult });
    for (let m = 1; (m < p.messages || !chaosDone) && m < 200; m++) {
      await sleep(250);
      const text = `${CHAT_MARK} ${runId} s${s} m${m}`;
      const key = `${runId}-s${s}-m${m}`;
      const r = await client.send<TurnResult>('POST', `/v1/sessions/${id}/messages`, { text }, key);
      if (r.status !== 200) throw new Error(`POST messages answered ${r.status}: ${JSON.stringify(r.body)}`);
      ack(id, text, key, r);
    }
  };

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

  const chaos = async (work: Promise<void>[]): Promise<void> => {
    await progress(p.sessions * 2, 'before the chaos');
    // The job starts now, so that its agents are mid-call when the worker dies.
    work.push(job().catch(note));
    await eventually(async () => agentCalls(llm, run.jobId).length > 0, 60_000, 'the research agents calling the LLM');
    const worker = cluster.banner.workers[0]!;
    log(`cluster: SIGKILL worker 1 (pid ${worker.pid}) at +${((Date.now() - run.startedAt) / 1000).toFixed(1)} s`);
    run.chaos.push({ kind: 'worker-kill', pid: worker.pid, at: Date.now(), acked: run.messages.length, agentCalls: agentCalls(llm, run.jobId).length });
    process.kill(worker.pid, 'SIGKILL');
    await progress(p.sessions, 'after the worker kill');
    await cluster.waitForLine(/worker-1 restarted/, 90_000);

    const gateway = cluster.banner.gateways[1]!;
    log(`cluster: SIGTERM gateway 2 (pid ${gateway.pid}) at +${((Date.now() - run.startedAt) / 1000).toFixed(1)} s`);
    run.chaos.push({ kind: 'gateway-stop', pid: gateway.pid, at: Date.now(), acked: run.messages.length, agentCalls: agentCalls(llm, run.jobId).length });
    process.kill(gateway.pid, 'SIGTERM');
    await progress(p.sessions, 'after the gateway stop');
    await cluster.waitForLine(/gateway-2 restarted/, 90_000);
    await progress(p.sessions, 'with gateway 2 back');
  };

  const work: Promise<void>[] = Array.from({ length: p.sessions }, (_, s) => session(s).catch(note));
  await chaos(work).catch(note);
  chaosDone = true;
  await Promise.all(work); // with the job, added to it during the chaos
  run.endedAt = Date.now();
  return run;
}

/**
 * What a cluster run (cluster-scenario.ts) left behind, read through both gateways once the chaos is over:
 * - sessions: every acknowledged message exactly once in its transcript with exactly one right reply, one LLM
 *   turn per message (chaos-check.ts's checkSessions), and the same transcript through either gateway;
 * - event streams: each session's stream, followed across gateways, has every offset from 0 exactly once (no
 *   gap, no repeat, nothing truncated) and one `turn.completed` per acknowledged message;
 * - the research job: completed, each agent answered once (one finding each, one LLM idempotency key each),
 *   and its finished stream tells the outcome through either gateway;
 * - listings: either gateway lists exactly the run's sessions and its job.
 */
import type { SessionState } from '@hub/contracts';
import { checkSessions } from './chaos-check';
import { agentCalls, type ClusterRun } from './cluster-scenario';
import { eventually, readSse } from './stack';

export interface ClusterReport {
  counts: { sessions: number; messagesAcknowledged: number; agents: number; sseEvents: number; sseReconnects: number; llmRequests: number };
  lost: string[];
  duplicated: string[];
  wrongReplies: string[];
  /** Transcripts or listings that differ between the gateways. */
  inconsistent: string[];
  sseProblems: string[];
  jobProblems: string[];
  listingProblems: string[];
  unacknowledged: string[];
  /** Followers that received events through more than one gateway. */
  followersAcrossGateways: number;
  retries: number;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as T;
}

async function checkTranscripts(run: ClusterRun, r: ClusterReport): Promise<void> {
  for (const id of run.sessionIds) {
    const [a, b] = await Promise.all(run.gateways.map((g) => getJson<SessionState>(`${g}/v1/sessions/${id}`)));
    if (JSON.stringify(a?.messages) !== JSON.stringify(b?.messages)) r.inconsistent.push(`session ${id}: the gateways answer different transcripts`);
  }
}

function checkStreams(run: ClusterRun, r: ClusterReport): void {
  for (const id of run.sessionIds) {
    const follower = run.followers.get(id);
    if (!follower) {
      r.sseProblems.push(`session ${id}: not followed`);
      continue;
    }
    const withId = follower.events.filter((e) => e.id !== undefined);
    withId.forEach((e, i) => {
      if (Number(e.id) !== i) r.sseProblems.push(`session ${id}: event #${i} has id ${e.id} (a gap or a repeat)`);
    });
    if (follower.events.some((e) => e.event === 'stream.truncated')) r.sseProblems.push(`session ${id}: the stream was truncated`);
    const completed = withId.filter((e) => e.event === 'turn.completed').map((e) => JSON.parse(e.data) as { turnId: string; reply: string });
    const acked = run.messages.filter((m) => m.session === id);
    if (completed.length !== acked.length) r.sseProblems.push(`session ${id}: ${completed.length} turn.completed events for ${acked.length} acknowledged messages`);
    if (new Set(completed.map((c) => c.turnId)).size !== completed.length) r.sseProblems.push(`session ${id}: a turn completed twice on the stream`);
    const replies = new Set(completed.map((c) => c.reply));
    for (const m of acked) if (!replies.has(`You said: ${m.text}`)) r.sseProblems.push(`session ${id}: no turn.completed for ${m.key}`);
    if (new Set(follower.events.map((e) => e.gateway)).size > 1) r.followersAcrossGateways++;
    r.counts.sseEvents += withId.length;
    r.counts.sseReconnects += follower.connections.length;
  }
}

async function checkJob(run: ClusterRun, agents: number, r: ClusterReport): Promise<void> {
  const job = run.job;
  if (!job || !run.jobId) {
    r.jobProblems.push('the research job did not finish');
    return;
  }
  if (job.status !== 'completed') r.jobProblems.push(`the job ended ${job.status}`);
  if (job.progress?.succeeded !== agents || job.progress.failed !== 0) r.jobProblems.push(`progress ${JSON.stringify(job.progress)}`);
  const answers = job.result?.findings.map((f) => f.answer) ?? [];
  const want = Array.from({ length: agents }, (_, i) => `Finding for part ${i + 1}.`);
  if (JSON.stringify(answers) !== JSON.stringify(want)) r.jobProblems.push(`findings ${JSON.stringify(answers)}`);
  const keys = new Map<number, Set<string>>();
  for (const c of agentCalls(run.llm, run.jobId)) keys.set(c.agent, (keys.get(c.agent) ?? new Set()).add(c.key));
  for (let i = 0; i < agents; i++) {
    const k = keys.get(i)?.size ?? 0;
    if (k !== 1) r.jobProblems.push(`agent ${i}: answered by ${k} LLM calls with distinct idempotency keys (want 1)`);
  }
  if ([...keys.keys()].some((i) => i >= agents)) r.jobProblems.push(`LLM calls of agents beyond the plan: ${[...keys.keys()].join(',')}`);
  r.counts.agents = keys.size;
  for (const [g, base] of run.gateways.entries()) {
    const events = await readSse(`${base}/v1/research/${run.jobId}/events`, (ev) => ev.event === 'stream.end', { timeoutMs: 30_000 }).catch((err: Error) => {
      r.jobProblems.push(`gateway ${g + 1}: the job's stream: ${err.message}`);
      return [];
    });
    const done = events.find((e) => e.event === 'research.done');
    if (!done || (JSON.parse(done.data) as { status?: string }).status !== 'completed') {
      r.jobProblems.push(`gateway ${g + 1}: the finished job's stream said ${events.map((e) => e.event).join(',') || 'nothing'}`);
    }
  }
}

async function checkListings(run: ClusterRun, r: ClusterReport): Promise<void> {
  const expected = [...run.sessionIds].sort();
  const listed = async (base: string) => ({
    sessions: [...new Set((await getJson<{ sessions: Array<{ id: string }> }>(`${base}/v1/sessions?limit=500`)).sessions.map((s) => s.id))].sort(),
    jobs: (await getJson<{ jobs: Array<{ id: string }> }>(`${base}/v1/research?limit=500`)).jobs.map((j) => j.id),
  });
  for (const [g, base] of run.gateways.entries()) {
    // Visibility is eventually consistent: wait (bounded) for the lists to settle.
    const l = await eventually(async () => {
      const x = await listed(base);
      return JSON.stringify(x.sessions) === JSON.stringify(expected) && x.jobs.filter((j) => j === run.jobId).length === 1 && x;
    }, 30_000, `gateway ${g + 1}'s listings`).catch(() => listed(base));
    if (JSON.stringify(l.sessions) !== JSON.stringify(expected)) {
      r.listingProblems.push(`gateway ${g + 1} lists sessions ${JSON.stringify(l.sessions)}, want ${JSON.stringify(expected)}`);
    }
    if (l.jobs.filter((j) => j === run.jobId).length !== 1) r.listingProblems.push(`gateway ${g + 1} lists jobs ${JSON.stringify(l.jobs)}`);
  }
}

/** Reads the final state through both gateways and judges it; the test asserts on the report. */
export async function checkCluster(run: ClusterRun, agents: number): Promise<ClusterReport> {
  const r: ClusterReport = {
    counts: { sessions: run.sessionIds.length, messagesAcknowledged: run.messages.length, agents: 0, sseEvents: 0, sseReconnects: 0, llmRequests: run.llm.chatRequests().length },
    lost: [], duplicated: [], wrongReplies: [], inconsistent: [], sseProblems: [], jobProblems: [], listingProblems: [],
    unacknowledged: [...run.unacknowledged], followersAcrossGateways: 0, retries: run.client.figures.retries,
  };
  await checkSessions(run, r);
  await checkTranscripts(run, r);
  // The streams catch up with the last turns (bounded), then stop.
  await Promise.all(
    [...run.followers].map(([id, f]) =>
      f.waitFor((evs) => evs.filter((e) => e.event === 'turn.completed').length >= run.messages.filter((m) => m.session === id).length, 30_000),
    ),
  );
  await Promise.all([...run.followers.values()].map((f) => f.stop()));
  checkStreams(run, r);
  await checkJob(run, agents, r);
  await checkListings(run, r);
  return r;
}

export function formatClusterReport(run: ClusterRun, r: ClusterReport): string {
  const c = r.counts;
  const problems = [...r.lost, ...r.duplicated, ...r.wrongReplies, ...r.inconsistent, ...r.sseProblems, ...r.jobProblems, ...r.listingProblems, ...r.unacknowledged];
  return [
    `cluster run ${run.runId}: ${((run.endedAt - run.startedAt) / 1000).toFixed(1)} s`,
    `  chaos   : ${run.chaos.map((e) => `${e.kind} (pid ${e.pid}) at +${((e.at - run.startedAt) / 1000).toFixed(1)} s after ${e.acked} messages, ${e.agentCalls} agent calls`).join('; ')}`,
    `  work    : ${c.sessions} sessions, ${c.messagesAcknowledged} messages acknowledged, ${c.agents} research agents, ${c.llmRequests} LLM requests`,
    `  streams : ${c.sseEvents} events over ${c.sseReconnects} connections; ${r.followersAcrossGateways} of ${run.followers.size} followers got events through both gateways`,
    `  client  : ${run.client.figures.requests} requests, ${r.retries} retries, by status ${JSON.stringify(run.client.figures.byStatus)}, ${run.client.figures.networkErrors} network errors`,
    `  problems: ${problems.length}`,
    ...problems.slice(0, 30).map((l) => `  ! ${l}`),
  ].join('\n');
}

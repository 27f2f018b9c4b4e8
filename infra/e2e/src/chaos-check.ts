/**
 * What a chaos run (chaos.ts) left behind, read from the final state once the chaos is over:
 * - every acknowledged user message exactly once in its session's history, with exactly one
 *   reply, and exactly one LLM turn for it (the scripted LLM's requests counted per idempotency
 *   key: a retried activity reuses its key, a second turn would bring a new one);
 * - every saga side effect in the bookings file exactly once, or compensated exactly once;
 * - the tenant's sessions, research jobs and tasks are exactly the ones the clients were
 *   answered (a request retried with its idempotency key made no second resource);
 * plus the figures (counts, 5xx, turn latency calm and under chaos).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { SessionState } from '@hub/contracts';
import { lastUserMessage } from '@hub/testing/scripted-llm-server';
import { latencyStats, type ClientFigures, type LatencyStats } from './chaos-client';
import type { ChaosRun } from './chaos';
import { eventually } from './stack';

interface Effect {
  seq: number;
  op: 'create' | 'cancel';
  key?: string;
  bookingId: string;
  resource: string;
}

export interface ChaosReport {
  runId: string;
  params: ChaosRun['params'];
  durationMs: number;
  counts: {
    workerKills: number;
    temporalRestarts: number;
    gatewayRestarts: number;
    selfExits: number;
    sessions: number;
    messagesAcknowledged: number;
    jobs: number;
    tasks: number;
    llmRequests: number;
  };
  /** Acknowledged messages missing from their session's history (or without a reply). */
  lost: string[];
  /** Messages or replies present more than once, or answered by more than one LLM turn. */
  duplicated: string[];
  /** Wrong reply text in an acknowledgement. */
  wrongReplies: string[];
  /** Saga effects not exactly once / not compensated exactly once, tasks ending otherwise than expected. */
  sagaProblems: string[];
  /** Research jobs that did not complete. */
  jobProblems: string[];
  /** Resources of the tenant nobody was answered, and answered ones missing. */
  orphans: string[];
  missing: string[];
  unacknowledged: string[];
  client: ClientFigures;
  turnLatencyMs: { calm: LatencyStats; chaos: LatencyStats };
  windows: ChaosRun['windows'];
}

const count = <T>(xs: T[], p: (x: T) => boolean) => xs.filter(p).length;

function effectsOf(file: string): Effect[] {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { effects: Effect[] }).effects : [];
}

async function listIds(run: ChaosRun, prefix: string): Promise<string[]> {
  const ids = new Set<string>();
  for await (const wf of run.hub.client.workflow.list({ query: `WorkflowId STARTS_WITH "${prefix}"` })) {
    const rest = wf.workflowId.slice(prefix.length);
    if (!rest.includes('/')) ids.add(rest); // not a child (research agents are `research/<tenant>/<id>/...`)
  }
  return [...ids].sort();
}

function compareIds(kind: string, expected: string[], actual: string[], report: ChaosReport): void {
  for (const id of actual) if (!expected.includes(id)) report.orphans.push(`${kind} ${id}`);
  for (const id of expected) if (!actual.includes(id)) report.missing.push(`${kind} ${id}`);
}

function checkSagas(run: ChaosRun, report: ChaosReport): void {
  const effects = effectsOf(run.bookingsFile);
  for (const [id, { state, expect, resources }] of run.tasks) {
    if (state.status !== expect) report.sagaProblems.push(`task ${id} ended ${state.status}, expected ${expect}: ${state.error ?? ''}`);
    for (const resource of resources) {
      const creates = effects.filter((e) => e.op === 'create' && e.resource === resource);
      const cancels = effects.filter((e) => e.op === 'cancel' && e.resource === resource);
      if (creates.length !== 1) report.sagaProblems.push(`task ${id}: ${creates.length} create effects for ${resource}`);
      const want = expect === 'compensated' ? 1 : 0;
      if (cancels.length !== want) report.sagaProblems.push(`task ${id}: ${cancels.length} cancel effects for ${resource} (want ${want})`);
      for (const c of cancels) if (!creates.some((e) => e.bookingId === c.bookingId)) report.sagaProblems.push(`task ${id}: cancel of an unknown booking ${c.bookingId}`);
    }
  }
  const keys = effects.map((e) => e.key).filter((k): k is string => k !== undefined);
  if (new Set(keys).size !== keys.length) report.sagaProblems.push('an idempotency key was applied twice in the bookings file');
}

/**
 * Every acknowledged message exactly once in its session's history with exactly one (right) reply, answered by
 * exactly one LLM turn, and no user message nobody was answered for (also used by the cluster test).
 */
export async function checkSessions(
  run: Pick<ChaosRun, 'client' | 'llm' | 'sessionIds' | 'messages'>,
  report: Pick<ChaosReport, 'lost' | 'duplicated' | 'wrongReplies'>,
): Promise<void> {
  const chats = run.llm.chatRequests();
  const keysByText = new Map<string, Set<string | undefined>>();
  for (const r of chats) {
    const text = lastUserMessage(r);
    if (!keysByText.has(text)) keysByText.set(text, new Set());
    keysByText.get(text)!.add(r.idempotencyKey);
  }
  for (const id of run.sessionIds) {
    const state = await run.client.get<SessionState>(`/v1/sessions/${id}`);
    const texts = (role: string) => state.messages.filter((m) => m.role === role).map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
    const users = texts('user');
    const replies = texts('assistant');
    for (const m of run.messages.filter((x) => x.session === id)) {
      const expected = `You said: ${m.text}`;
      if (m.reply !== expected) report.wrongReplies.push(`${m.key}: acknowledged with ${JSON.stringify(m.reply)} (${m.status})`);
      const u = count(users, (t) => t === m.text);
      const a = count(replies, (t) => t === expected);
      if (u === 0 || a === 0) report.lost.push(`${m.key}: ${u} user message(s), ${a} reply(ies) in session ${id}`);
      if (u > 1 || a > 1) report.duplicated.push(`${m.key}: ${u} user message(s), ${a} reply(ies) in session ${id}`);
      const llmKeys = keysByText.get(m.text)?.size ?? 0;
      if (llmKeys !== 1) report.duplicated.push(`${m.key}: answered by ${llmKeys} LLM turns (distinct idempotency keys)`);
    }
    const acked = new Set(run.messages.filter((x) => x.session === id).map((x) => x.text));
    for (const t of users) if (!acked.has(t)) report.duplicated.push(`session ${id}: user message ${JSON.stringify(t)} nobody was answered for`);
  }
}

/** Reads the final state of a run and judges it; the caller asserts on the report. */
export async function checkChaos(run: ChaosRun): Promise<ChaosReport> {
  const windows = run.windows;
  const report: ChaosReport = {
    runId: run.runId,
    params: run.params,
    durationMs: run.endedAt - run.startedAt,
    counts: {
      workerKills: count(windows, (w) => w.kind === 'worker-kill'),
      temporalRestarts: count(windows, (w) => w.kind === 'temporal-restart'),
      gatewayRestarts: count(windows, (w) => w.kind === 'gateway-restart'),
      selfExits: count(windows, (w) => w.kind.endsWith('self-exit')),
      sessions: run.sessionIds.length,
      messagesAcknowledged: run.messages.length,
      jobs: run.jobs.size,
      tasks: run.tasks.size,
      llmRequests: run.llm.chatRequests().length,
    },
    lost: [], duplicated: [], wrongReplies: [], sagaProblems: [], jobProblems: [], orphans: [], missing: [],
    unacknowledged: [...run.unacknowledged],
    client: run.client.figures,
    turnLatencyMs: { calm: latencyStats([]), chaos: latencyStats([]) },
    windows,
  };
  await checkSessions(run, report);
  checkSagas(run, report);
  for (const [id, s] of run.jobs) if (s.status !== 'completed') report.jobProblems.push(`job ${id} ended ${s.status}`);

  // Visibility is eventually consistent: wait (bounded) for the lists to settle before comparing.
  const expectSessions = [...run.sessionIds].sort();
  const expectJobs = [...run.jobs.keys()].sort();
  const expectTasks = [...run.tasks.keys()].sort();
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const lists = async () => ({
    sessions: [...new Set((await run.client.get<{ sessions: Array<{ id: string }> }>('/v1/sessions?limit=500')).sessions.map((s) => s.id))].sort(),
    jobs: [...new Set((await run.client.get<{ jobs: Array<{ id: string }> }>('/v1/research?limit=500')).jobs.map((j) => j.id))].sort(),
    tasks: await listIds(run, 'task/default/'),
    sessionWorkflows: await listIds(run, 'session/default/'),
  });
  const final = await eventually(async () => {
    const l = await lists();
    return same(l.sessions, expectSessions) && same(l.jobs, expectJobs) && same(l.tasks, expectTasks) && same(l.sessionWorkflows, expectSessions) && l;
  }, 20_000, 'listings').catch(lists);
  compareIds('session', expectSessions, final.sessions, report);
  compareIds('session workflow', expectSessions, final.sessionWorkflows, report);
  compareIds('research job', expectJobs, final.jobs, report);
  compareIds('task', expectTasks, final.tasks, report);

  const underChaos = (m: { startedAt: number; endedAt: number }) => windows.some((w) => m.startedAt <= w.to && m.endedAt >= w.from);
  report.turnLatencyMs = {
    calm: latencyStats(run.messages.filter((m) => !underChaos(m)).map((m) => m.endedAt - m.startedAt)),
    chaos: latencyStats(run.messages.filter(underChaos).map((m) => m.endedAt - m.startedAt)),
  };
  return report;
}

/** The figures as text lines. */
export function formatChaosReport(r: ChaosReport): string {
  const c = r.counts;
  const lat = (s: LatencyStats) => `p50 ${s.p50.toFixed(0)} ms  p99 ${s.p99.toFixed(0)} ms  max ${s.max.toFixed(0)} ms  (n=${s.n})`;
  return [
    `chaos run ${r.runId}: ${(r.durationMs / 1000).toFixed(1)} s`,
    `  chaos     : ${c.workerKills} worker SIGKILLs, ${c.temporalRestarts} Temporal restarts, ${c.gatewayRestarts} gateway restarts, ${c.selfExits} self-exits restarted`,
    `  work      : ${c.sessions} sessions, ${c.messagesAcknowledged} messages acknowledged, ${c.jobs} research jobs, ${c.tasks} saga tasks, ${c.llmRequests} LLM requests`,
    `  lost ${r.lost.length}  duplicated ${r.duplicated.length}  wrong replies ${r.wrongReplies.length}  saga problems ${r.sagaProblems.length}  job problems ${r.jobProblems.length}  orphans ${r.orphans.length}  missing ${r.missing.length}  unacknowledged ${r.unacknowledged.length}`,
    `  client    : ${r.client.requests} requests, ${r.client.attempts} attempts (${r.client.retries} retries), ${r.client.status5xx} 5xx, ${r.client.status429} 429, ${r.client.networkErrors} network errors, ${r.client.timeouts} timeouts; by status ${JSON.stringify(r.client.byStatus)}`,
    `  non-2xx   : ${Object.entries(r.client.errorsByRoute).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} x${v}`).join(', ') || 'none'}`,
    `  turn calm : ${lat(r.turnLatencyMs.calm)}`,
    `  turn chaos: ${lat(r.turnLatencyMs.chaos)}`,
    ...[...r.lost, ...r.duplicated, ...r.wrongReplies, ...r.sagaProblems, ...r.jobProblems, ...r.orphans, ...r.missing, ...r.unacknowledged].slice(0, 30).map((l) => `  ! ${l}`),
  ].join('\n');
}

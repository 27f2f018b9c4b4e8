/**
 * The research job's batch activities (`researchAgentBatch`) on the real dev server with a real worker,
 * against the scripted LLM playing planner, sub-agents and synthesizer (`researchResponder`), with the
 * extra faults of this file: `flaky=<i>` answers part i's first request with HTTP 503 (retryable).
 *
 * With 8 sub-questions the job runs 4 activities of 2 agents (parts 1+2, 3+4, …).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_TYPES, researchStateQuery, researchWorkflowId, type ResearchJobInput, type ResearchState } from '@hub/contracts';
import { researchResponder } from '@hub/testing/research-responder';
import type { RecordedRequest, ScriptStep } from '@hub/testing/scripted-llm-server';
import { eventually, startHarness, testProfile, type Harness } from './harness';
import { recordResearchHistory } from './research-record';

let h: Harness;
const failedOnce = new Set<string>();

function responder(req: RecordedRequest): ScriptStep | Promise<ScriptStep> {
  const prompt = String((req.body?.messages ?? []).find((m) => m.role === 'user')?.content ?? '');
  const flaky = /flaky=(\d+)/.exec(prompt)?.[1];
  const part = /Part (\d+) of:/.exec(prompt)?.[1];
  const key = req.idempotencyKey ?? '';
  if (prompt.startsWith('Overall research question:') && flaky !== undefined && part === flaky && !failedOnce.has(key)) {
    failedOnce.add(key);
    return { error: { status: 503, message: `injected unavailability of part ${part}` } };
  }
  return researchResponder(req);
}

beforeAll(async () => {
  h = await startHarness();
  h.llm.setResponder(responder);
});
afterAll(async () => {
  await h?.close();
});

const profile = { ...testProfile, tools: [] as string[] };

async function startJob(question: string, opts: Partial<ResearchJobInput> = {}) {
  const id = randomUUID();
  const workflowId = researchWorkflowId('test', id);
  const input: ResearchJobInput = {
    id,
    tenant: 'test',
    question,
    maxAgents: 8,
    planner: profile,
    researcher: profile,
    synthesizer: profile,
    minSuccessRatio: 0.5,
    createdAt: new Date().toISOString(),
    ...opts,
  };
  const handle = await h.client.workflow.start(WORKFLOW_TYPES.researchJob, { workflowId, taskQueue: h.taskQueue, args: [input] });
  return { id, workflowId, handle, result: () => handle.result() as Promise<ResearchState> };
}

/** The model requests of each sub-agent (by the idempotency key of its first call). */
function callsPerAgent(workflowId: string, n: number): number[] {
  const keys = h.llm.chatRequests().map((r) => r.idempotencyKey ?? '');
  return Array.from({ length: n }, (_, i) => keys.filter((k) => k === `${workflowId}/agent/${i}/research/llm/0`).length);
}

async function workflowsUnder(prefix: string): Promise<Array<{ id: string; type: string }>> {
  const out: Array<{ id: string; type: string }> = [];
  for await (const wf of h.client.workflow.list({ query: `WorkflowId STARTS_WITH "${prefix}"` })) out.push({ id: wf.workflowId, type: wf.type });
  return out;
}

/** Attempts of each of the job's batch activities, from its history. */
async function batchAttempts(handle: { fetchHistory(): Promise<unknown> }): Promise<Map<string, number>> {
  const history = (await handle.fetchHistory()) as { events?: Array<Record<string, unknown>> | null };
  const idOf = new Map<string, string>();
  const attempts = new Map<string, number>();
  for (const e of history.events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes as { activityId?: string; activityType?: { name?: string } } | undefined;
    if (scheduled?.activityType?.name === 'researchAgentBatch') idOf.set(String(e.eventId), scheduled.activityId ?? '');
    const started = e.activityTaskStartedEventAttributes as { scheduledEventId?: unknown; attempt?: number } | undefined;
    const id = started ? idOf.get(String(started.scheduledEventId)) : undefined;
    if (started && id !== undefined) attempts.set(id, started.attempt ?? 1);
  }
  return attempts;
}

describe('research sub-agents in batch activities', () => {
  it('runs single-call agents without child workflows, several per activity', async () => {
    const job = await startJob('Shape of the work');
    const final = await job.result();
    expect(final.status).toBe('completed');
    expect(final.progress).toMatchObject({ total: 8, succeeded: 8, percent: 100 });
    expect(callsPerAgent(job.workflowId, 8)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(await workflowsUnder(`${job.workflowId}/`)).toEqual([]);
    expect([...(await batchAttempts(job.handle)).keys()].sort()).toEqual(['agents/0', 'agents/2', 'agents/4', 'agents/6']);
  });

  it('a retried batch calls the model only for the agents that had not finished', async () => {
    const job = await startJob('Unsteady model flaky=2');
    const final = await job.result();
    expect(final.status).toBe('completed');
    expect(final.progress).toMatchObject({ total: 8, succeeded: 8 });
    expect(final.result?.findings.map((f) => f.answer)).toEqual(Array.from({ length: 8 }, (_, i) => `Finding for part ${i + 1}.`));
    // Part 2 failed its first request, so its activity (parts 1 and 2) ran a second attempt: part 1, finished
    // in the first attempt and recorded in its heartbeat details, was not asked again.
    expect((await batchAttempts(job.handle)).get('agents/0')).toBe(2);
    expect(callsPerAgent(job.workflowId, 8)).toEqual([1, 2, 1, 1, 1, 1, 1, 1]);
    await recordResearchHistory(h.client, job.workflowId, 'research-job-batch-retried');
  });

  it('cancelling the job cancels the running batches: calls in flight are aborted, finished agents are kept', async () => {
    const job = await startJob('Stuck half hang=2,4');
    await eventually(async () => {
      const s = await job.handle.query(researchStateQuery);
      return h.llm.chatRequests().filter((r) => r.idempotencyKey?.startsWith(`${job.workflowId}/agent/`)).length === 8 && s.status === 'running';
    });
    await job.handle.cancel();
    const final = await job.result();
    expect(final.status).toBe('cancelled');
    // Parts 1 and 3 finished in the same activities as the hanging parts 2 and 4: their findings came back.
    expect(final.agents.map((a) => a.status)).toEqual(['succeeded', 'cancelled', 'succeeded', 'cancelled', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(final.result?.findings.map((f) => f.index)).toEqual([0, 2, 4, 5, 6, 7]);
    const hanging = h.llm.chatRequests().filter((r) => [1, 3].some((i) => r.idempotencyKey === `${job.workflowId}/agent/${i}/research/llm/0`));
    expect(hanging).toHaveLength(2);
    await eventually(async () => hanging.every((r) => r.aborted));
    expect((await job.handle.describe()).raw.pendingActivities ?? []).toEqual([]);
    await recordResearchHistory(h.client, job.workflowId, 'research-job-batches-cancelled');
  });

  it('an agent whose first reply asks for tools goes on as a child workflow, seeded with that reply', async () => {
    const researcher = { ...testProfile, tools: ['calculator'] };
    const job = await startJob('Compute calc', { maxAgents: 2, researcher });
    const final = await job.result();
    expect(final.status).toBe('completed');
    expect(final.result?.findings.map((f) => [f.workflowId, f.answer, f.toolCalls])).toEqual([
      [`${job.workflowId}/agent/0`, 'Finding for part 1.', [{ tool: 'calculator', arguments: '{"expression":"1 * 10"}', ok: true }]],
      [`${job.workflowId}/agent/1`, 'Finding for part 2.', [{ tool: 'calculator', arguments: '{"expression":"2 * 10"}', ok: true }]],
    ]);
    const children = await workflowsUnder(`${job.workflowId}/`);
    expect(children.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: `${job.workflowId}/agent/0`, type: WORKFLOW_TYPES.researchAgent },
      { id: `${job.workflowId}/agent/1`, type: WORKFLOW_TYPES.researchAgent },
    ]);
    // The first call was made once, in the batch; the child made only the call after the tool result.
    const keys = h.llm.chatRequests().map((r) => r.idempotencyKey ?? '').filter((k) => k.startsWith(`${job.workflowId}/agent/0/`));
    expect(keys).toEqual([`${job.workflowId}/agent/0/research/llm/0`, `${job.workflowId}/agent/0/research/seeded/llm/0`]);
    const second = h.llm.chatRequests().find((r) => r.idempotencyKey === `${job.workflowId}/agent/0/research/seeded/llm/0`);
    expect((second?.body?.messages ?? []).map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    await recordResearchHistory(h.client, job.workflowId, 'research-job-tool-child');
    await recordResearchHistory(h.client, `${job.workflowId}/agent/0`, 'research-agent-seeded');
  });
});

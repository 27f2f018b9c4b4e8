/**
 * Research jobs on the real Temporal dev server with a real worker (real LLM
 * activity over HTTP) against the scripted LLM test fixture playing planner,
 * sub-agents and synthesizer (`researchResponder`, driven by markers in the
 * question: plan=, bad-plan=, fail=, hang=, tokens=).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import {
  RESEARCH_EVENTS_TOPIC,
  WORKFLOW_TYPES,
  researchStateQuery,
  researchWorkflowId,
  type ResearchEvent,
  type ResearchJobInput,
  type ResearchState,
  type SessionEvent,
  sessionStateQuery,
} from '@hub/contracts';
import { researchResponder } from '@hub/testing/research-responder';
import { eventually, startHarness, testProfile, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.llm.setResponder(researchResponder);
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
    maxAgents: 3,
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

async function collectEvents(workflowId: string): Promise<ResearchEvent[]> {
  const events: ResearchEvent[] = [];
  const stream = WorkflowStreamClient.create(h.client, workflowId);
  for await (const item of stream.subscribe<ResearchEvent>([RESEARCH_EVENTS_TOPIC], 0, { resultType: true, pollCooldown: 10 })) {
    events.push(item.data);
    if (item.data.type === 'research.done') break;
  }
  return events;
}

async function runningUnder(prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of h.client.workflow.list({ query: `WorkflowId STARTS_WITH "${prefix}" AND ExecutionStatus = "Running"` })) ids.push(wf.workflowId);
  return ids;
}

describe('research job workflow', () => {
  it('plans, fans out the sub-questions (single-call agents in batch activities), and synthesises a report citing the findings', async () => {
    const job = await startJob('How do durable workflows help agents?', { maxAgents: 3 });
    const [events, final] = await Promise.all([collectEvents(job.workflowId), job.result()]);

    expect(final.status).toBe('completed');
    expect(final.plan).toEqual({ requested: 3, planned: 3, capped: false, attempts: 1 });
    expect(final.progress).toMatchObject({ total: 3, succeeded: 3, failed: 0, running: 0, pending: 0, percent: 100 });
    expect(final.agents.map((a) => a.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(final.result?.report).toMatch(/^Report on: How do durable workflows help agents\?/);
    // Provenance: each finding names its agent's workflow (derived from the job id) and its answer.
    expect(final.result?.findings.map((f) => f.workflowId)).toEqual([0, 1, 2].map((i) => `${job.workflowId}/agent/${i}`));
    expect(final.result?.findings.map((f) => f.answer)).toEqual(['Finding for part 1.', 'Finding for part 2.', 'Finding for part 3.']);
    expect(final.result?.citations.map((c) => [c.ref, c.agent])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(final.result?.policy).toEqual({ minSuccessRatio: 0.5, successRatio: 1, met: true });
    expect(final.usage.totalTokens).toBeGreaterThan(0);

    const types = events.map((e) => e.type);
    expect(types[0]).toBe('research.planning');
    expect(types).toContain('research.planned');
    expect(types.filter((t) => t === 'agent.started')).toHaveLength(3);
    expect(types.filter((t) => t === 'agent.finished')).toHaveLength(3);
    expect(types.indexOf('research.synthesizing')).toBeGreaterThan(types.lastIndexOf('agent.finished'));
    expect(events.at(-1)).toMatchObject({ type: 'research.done', status: 'completed' });

    // Each sub-agent asked the LLM once (in a batch activity, no child workflow), with the idempotency key its own workflow would use.
    const agentKeys = h.llm
      .chatRequests()
      .map((r) => r.idempotencyKey ?? '')
      .filter((k) => k.startsWith(`${job.workflowId}/agent/`));
    expect(agentKeys.sort()).toEqual([0, 1, 2].map((i) => `${job.workflowId}/agent/${i}/research/llm/0`));
  });

  it('caps a plan with more sub-questions than maxAgents', async () => {
    const job = await startJob('Cap me plan=8', { maxAgents: 3 });
    const final = await job.result();
    expect(final.status).toBe('completed');
    expect(final.plan).toMatchObject({ requested: 8, planned: 3, capped: true });
    expect(final.agents).toHaveLength(3);
    expect(final.result?.notes.join(' ')).toMatch(/proposed 8 sub-questions; the first 3/);
    expect(await runningUnder(`${job.workflowId}/`)).toEqual([]);
  });

  it('re-asks the planner after an invalid plan, and fails the job with the reason when it stays invalid', async () => {
    const once = await (await startJob('Retry bad-plan=1')).result();
    expect(once.status).toBe('completed');
    expect(once.plan?.attempts).toBe(2);

    const never = await (await startJob('Never bad-plan=9')).result();
    expect(never.status).toBe('failed');
    expect(never.error).toMatch(/did not return a valid plan in 3 attempts.*subQuestions/);
    expect(never.agents).toEqual([]);
  });

  it('succeeds when failures stay within minSuccessRatio, listing the failed agents with their reasons', async () => {
    const final = await (await startJob('Partial fail=2', { maxAgents: 4, minSuccessRatio: 0.75 })).result();
    expect(final.status).toBe('completed');
    expect(final.progress).toMatchObject({ succeeded: 3, failed: 1 });
    expect(final.result?.failures).toEqual([{ index: 1, status: 'failed', reason: expect.stringMatching(/injected failure of part 2/) }]);
    expect(final.result?.policy).toMatchObject({ successRatio: 0.75, met: true });
    expect(final.result?.report).not.toBe('');
  });

  it('fails when more agents fail than minSuccessRatio allows, keeping the partial findings', async () => {
    const final = await (await startJob('Mostly broken fail=1,2,3', { maxAgents: 4, minSuccessRatio: 0.5 })).result();
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(/1 of 4 agents succeeded \(25%\); the policy needs at least 50%/);
    expect(final.result?.findings.map((f) => f.index)).toEqual([3]);
    expect(final.result?.failures.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(final.result?.report).toBe('');
  });

  it('cancelling mid-flight cancels every child and ends the job cancelled with the partial results', async () => {
    const job = await startJob('Stuck hang=2,3', { maxAgents: 3 });
    await eventually(async () => {
      const s = await job.handle.query(researchStateQuery);
      return s.progress.succeeded === 1 && s.progress.running === 2;
    });
    await job.handle.cancel();
    const final = await job.result();
    expect(final.status).toBe('cancelled');
    expect(final.agents.map((a) => a.status)).toEqual(['succeeded', 'cancelled', 'cancelled']);
    expect(final.result?.findings.map((f) => f.answer)).toEqual(['Finding for part 1.']);
    // Visibility: nothing of the job is still running.
    expect(await runningUnder(`${job.workflowId}/`)).toEqual([]);
    // The agents' batch activities (one per agent in a job this small) were cancelled and settled: none is pending.
    const describe = await job.handle.describe();
    expect(describe.status.name).toBe('COMPLETED');
    expect(describe.raw.pendingActivities ?? []).toEqual([]);
  });

  it('applies the deadline: agents still running then time out and the policy decides', async () => {
    const final = await (await startJob('Slow hang=3', { maxAgents: 3, minSuccessRatio: 0.6, deadlineMs: 3_000 })).result();
    expect(final.status).toBe('completed');
    expect(final.deadlinePassed).toBe(true);
    expect(final.agents.map((a) => a.status)).toEqual(['succeeded', 'succeeded', 'timed_out']);
    expect(final.result?.failures[0]?.reason).toMatch(/deadline/);
    expect(final.result?.notes.join(' ')).toMatch(/deadline/);
  });

  it('stops starting agents when the token budget is spent, and says so', async () => {
    // One agent at a time; each answer reports 100 tokens; the budget allows about two agents after planning.
    const final = await (
      await startJob('Budget tokens=100', { maxAgents: 5, concurrency: 1, minSuccessRatio: 0.5, budget: { tokens: 200 } })
    ).result();
    expect(final.budget.exhausted).toBe(true);
    expect(final.status).toBe('completed');
    const statuses = final.agents.map((a) => a.status);
    expect(statuses.filter((s) => s === 'succeeded').length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 'skipped').length).toBeGreaterThanOrEqual(1);
    expect(statuses.indexOf('skipped')).toBeGreaterThan(statuses.lastIndexOf('succeeded'));
    expect(final.agents.find((a) => a.status === 'skipped')?.error).toMatch(/token budget/);
    expect(final.result?.notes.join(' ')).toMatch(/token budget \(200\) was spent/);
  });

  it('agents use their tools (recorded as provenance), and stop at their per-agent token budget', async () => {
    const researcher = { ...testProfile, tools: ['calculator'] };
    const free = await (await startJob('Compute calc', { maxAgents: 2, researcher })).result();
    expect(free.status).toBe('completed');
    expect(free.result?.findings.map((f) => f.toolCalls)).toEqual([
      [{ tool: 'calculator', arguments: '{"expression":"1 * 10"}', ok: true }],
      [{ tool: 'calculator', arguments: '{"expression":"2 * 10"}', ok: true }],
    ]);
    expect(free.result?.findings[0]?.answer).toBe('Finding for part 1.');

    const capped = await (await startJob('Compute calc', { maxAgents: 2, researcher, budget: { perAgentTokens: 1 } })).result();
    expect(capped.result?.findings.map((f) => f.budgetExhausted)).toEqual([true, true]);
    // Over budget, the agent answers with what it has: the tool call it asked for is not run.
    expect(capped.result?.findings.map((f) => f.toolCalls)).toEqual([[], []]);
    expect(h.llm.chatRequests().filter((r) => r.idempotencyKey?.startsWith(`research/test/${capped.id}/agent/0/`)).length).toBe(1);
  });

  it('above the batch size, splits the work through batch child workflows and merges their findings', async () => {
    const job = await startJob('Big plan=25 fail=7', { maxAgents: 25, batchSize: 10, concurrency: 6, minSuccessRatio: 0.9 });
    const final = await job.result();
    expect(final.status).toBe('completed');
    expect(final.batches).toBe(3);
    expect(final.progress).toMatchObject({ total: 25, succeeded: 24, failed: 1, percent: 100 });
    expect(final.result?.findings.map((f) => f.index)).toEqual([...Array(25).keys()].filter((i) => i !== 6));
    // Children belong to their batch: ids derive from the job id through the batch id.
    expect(final.result?.findings[0]?.workflowId).toBe(`${job.workflowId}/batch/0/agent/0`);
    expect(final.result?.findings.at(-1)?.workflowId).toBe(`${job.workflowId}/batch/2/agent/24`);
    expect(final.result?.failures).toEqual([{ index: 6, status: 'failed', reason: expect.stringMatching(/injected failure of part 7/) }]);
    const batch = await h.client.workflow.getHandle(`${job.workflowId}/batch/1`).describe();
    expect(batch.type).toBe(WORKFLOW_TYPES.researchBatch);
  });
});

describe('the session research tool', () => {
  it('starts a job as a child, streams its progress into the conversation, and returns the report as the tool result', async () => {
    h.llm.script({ toolCalls: [{ name: 'research', arguments: { question: 'Why use sagas?', maxAgents: 2 } }] });
    const sessionEvents: SessionEvent[] = [];
    const { workflowId: sessionWf } = await h.createSession({ research: { planner: profile, researcher: profile, synthesizer: profile } });
    const collecting = (async () => {
      const stream = WorkflowStreamClient.create(h.client, sessionWf);
      for await (const item of stream.subscribe<SessionEvent>(['events'], 0, { resultType: true, pollCooldown: 10 })) {
        sessionEvents.push(item.data);
        if (item.data.type === 'turn.completed' || item.data.type === 'turn.failed') break;
      }
    })();
    const handle = h.client.workflow.getHandle(sessionWf);
    const turn = await handle.executeUpdate('sendMessage', { args: [{ text: 'Research why sagas matter' }] });
    await collecting;
    expect(turn).toMatchObject({ status: 'completed' });

    // The model was offered the research tool, next to the catalogue.
    const first = h.llm.chatRequests().find((r) => r.idempotencyKey === `${sessionWf}/turn-1/llm/0`);
    expect(JSON.stringify(first?.body?.tools)).toContain('"name":"research"');

    const state = await handle.query(sessionStateQuery);
    const toolMsg = state.messages.find((m) => m.role === 'tool');
    expect(toolMsg?.content).toMatch(/^Report on: Why use sagas\?/);
    expect(toolMsg?.content).toMatch(/2 of 2 agents succeeded/);

    const progress = sessionEvents.filter((e): e is Extract<SessionEvent, { type: 'research.progress' }> => e.type === 'research.progress');
    expect(progress.map((e) => e.event.type)).toEqual(expect.arrayContaining(['research.planned', 'research.synthesizing', 'research.done']));
    const jobId = progress[0]!.jobId;
    const job = (await h.client.workflow.getHandle(researchWorkflowId('test', jobId)).result()) as ResearchState;
    expect(job.status).toBe('completed');
    expect(job.agents).toHaveLength(2);
    await handle.signal('closeSessionSignal', { reason: 'test done' });
  });
});

/**
 * Research jobs through the gateway on the real stack (dev server, worker and
 * gateway processes), with the scripted LLM test fixture playing planner,
 * agents and synthesizer instantly (`researchResponder`):
 * - a 1,000-agent job completes, followed over SSE and GET (its wall time is
 *   printed for information; `npm run bench` measures it properly);
 * - cancelling a job mid-flight leaves no running child (Temporal visibility);
 * - a finished job's event stream tells its outcome once and ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResearchState } from '@hub/contracts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { researchResponder } from '@hub/testing/research-responder';
import type { SessionState, TurnResult } from '@hub/contracts';
import { recordHistory } from '../src/histories';
import { HubStack, eventually, readSse } from '../src/stack';

let llm: ScriptedLlmServer;
let hub: HubStack;

beforeAll(async () => {
  llm = await startScriptedLlmServer({ responder: researchResponder, maxRecorded: 100 });
  hub = await new HubStack({ llmUrl: llm.url }).start();
});
afterAll(async () => {
  await hub?.stop();
  await llm?.close();
});

const finished = (s: ResearchState) => ['completed', 'failed', 'cancelled'].includes(s.status);

async function runningUnder(prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of hub.client.workflow.list({ query: `WorkflowId STARTS_WITH "${prefix}" AND ExecutionStatus = "Running"` })) ids.push(wf.workflowId);
  return ids;
}

describe('research jobs through the gateway', () => {
  it('a job of 1,000 sub-agents completes, with progress events and a report', async () => {
    const started = Date.now();
    const created = await hub.api<{ id: string }>('POST', '/v1/research', { question: 'Thousand parts', maxAgents: 1000, policy: { minSuccessRatio: 0.99 } });
    expect(created.status).toBe(202);
    const { id } = created.body;

    const early = await readSse(`${hub.gatewayUrl}/v1/research/${id}/events`, (ev) => ev.event === 'agent.finished', { timeoutMs: 120_000 });
    expect(early.map((e) => e.event).slice(0, 2)).toEqual(['research.planning', 'research.planned']);
    expect(JSON.parse(early[1]!.data)).toMatchObject({ requested: 1000, capped: false, batches: 0 });

    const final = await eventually(
      async () => {
        const r = await hub.api<ResearchState>('GET', `/v1/research/${id}`);
        return r.status === 200 && finished(r.body) && r.body;
      },
      600_000,
      '1,000-agent job',
    );
    console.log(`[research e2e] 1,000-agent job: ${((Date.now() - started) / 1000).toFixed(1)} s wall time (informational)`);
    expect(final.status).toBe('completed');
    expect(final.progress).toEqual({ total: 1000, pending: 0, running: 0, succeeded: 1000, failed: 0, percent: 100 });
    expect(final.result?.findings).toHaveLength(1000);
    expect(new Set(final.result?.findings.map((f) => f.workflowId)).size).toBe(1000);
    expect(final.result?.report).toMatch(/^Report on: Thousand parts/);
    expect(final.result?.notes.join(' ')).toMatch(/did not fit the synthesizer's input/);
    expect(await runningUnder(`research/default/${id}/`)).toEqual([]);

    // Once the job's workflow has closed, its stream tells the outcome once, then ends.
    await eventually(async () => (await runningUnder(`research/default/${id}`)).length === 0, 30_000, 'job closed');
    const after = await readSse(`${hub.gatewayUrl}/v1/research/${id}/events`, (ev) => ev.event === 'stream.end', { timeoutMs: 30_000 });
    expect(after.map((e) => e.event)).toEqual(['research.done', 'stream.end']);
    expect(JSON.parse(after[0]!.data)).toMatchObject({ status: 'completed', progress: { succeeded: 1000 } });

    const list = await hub.api<{ jobs: Array<{ id: string; status: string }> }>('GET', '/v1/research');
    expect(list.body.jobs.find((j) => j.id === id)).toMatchObject({ status: 'finished' });
  }, 700_000);

  it('cancelling mid-flight reaches every child: the job ends cancelled, partial results kept, nothing left running', async () => {
    const created = await hub.api<{ id: string }>('POST', '/v1/research', { question: 'Stuck hang=2,3,4', maxAgents: 4 });
    const { id } = created.body;
    await eventually(async () => {
      const r = await hub.api<ResearchState>('GET', `/v1/research/${id}`);
      return r.body.progress?.succeeded === 1 && r.body.progress.running === 3;
    }, 60_000, 'three agents hanging');
    const cancel = await hub.api('POST', `/v1/research/${id}/cancel`);
    expect(cancel.status).toBe(202);

    const final = await eventually(async () => {
      const r = await hub.api<ResearchState>('GET', `/v1/research/${id}`);
      return finished(r.body) && r.body;
    }, 60_000, 'cancelled job');
    expect(final.status).toBe('cancelled');
    expect(final.agents.map((a) => a.status)).toEqual(['succeeded', 'cancelled', 'cancelled', 'cancelled']);
    expect(final.result?.findings).toHaveLength(1);
    // No agent is left running (the job itself closes a moment after its final state, once its stream is drained).
    expect(await runningUnder(`research/default/${id}/`)).toEqual([]);
    await eventually(async () => (await runningUnder(`research/default/${id}`)).length === 0, 30_000, 'job closed');
    // The hanging LLM requests of the cancelled agents were aborted (cancellation reached the activities).
    await eventually(async () => llm.requests.filter((r) => r.idempotencyKey?.includes(id) && r.step && 'hang' in r.step).every((r) => r.aborted), 30_000, 'aborted requests');

    const again = await hub.api<{ error: { code: string } }>('POST', `/v1/research/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('research_finished');
    // Its agents ran in batch activities (no child workflows): the job's history is the fixture. The
    // child-per-agent fixtures (research-job-cancelled, research-agent-cancelled) keep the shape before the patch.
    await recordHistory(hub.client, `research/default/${id}`, 'research-job-cancelled-activities');
  }, 180_000);

  it('a chat session uses the research tool: the job runs as its child and its progress joins the conversation', async () => {
    // The session's first LLM call asks for research; every later call (planner, agents, synthesizer, the
    // session's answer) goes to the research responder, which echoes the session's message back.
    llm.script({ toolCalls: [{ name: 'research', arguments: { question: 'Chat research', maxAgents: 2 } }] });
    const created = await hub.api<{ id: string; reply: TurnResult }>('POST', '/v1/sessions', { message: 'Please research this' });
    expect(created.status).toBe(201);
    const sessionId = created.body.id;
    expect(created.body.reply).toMatchObject({ status: 'completed', reply: 'You said: Please research this' });

    const state = await hub.api<SessionState>('GET', `/v1/sessions/${sessionId}`);
    const toolMsg = state.body.messages.find((m) => m.role === 'tool');
    expect(toolMsg?.content).toMatch(/^Report on: Chat research/);
    const events = await readSse(`${hub.gatewayUrl}/v1/sessions/${sessionId}/events`, (ev) => ev.event === 'turn.completed', { timeoutMs: 30_000 });
    const progress = events.filter((e) => e.event === 'research.progress').map((e) => JSON.parse(e.data) as { jobId: string; event: { type: string } });
    expect(progress.map((p) => p.event.type)).toEqual(expect.arrayContaining(['research.planned', 'research.done']));
    // The job is a research job like any other: readable through the API.
    const job = await hub.api<ResearchState>('GET', `/v1/research/${progress[0]!.jobId}`);
    expect(job.body).toMatchObject({ status: 'completed', progress: { total: 2, succeeded: 2 } });
    await recordHistory(hub.client, `session/default/${sessionId}`, 'session-research-tool');
  }, 120_000);
});

/**
 * /v1/research input handling against the real Temporal dev server (no worker
 * needed): bad bodies are 400 naming the field (no Temporal needed), unknown ids 404, a valid job
 * starts a `researchJob` workflow with the resolved profiles and policy, and
 * cancelling a finished job is 409. The full flow runs in infra/e2e.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { WORKFLOW_TYPES, researchWorkflowId, type ResearchJobInput } from '@hub/contracts';
import { connectTestClient, json, makeApp, makeServices, makeStubApp } from './helpers';

let client: Client;
let connection: Connection;
beforeAll(async () => ({ client, connection } = await connectTestClient()));
afterAll(async () => connection?.close());
const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('/v1/research', () => {
  it('rejects bad bodies with 400 naming each offending field', async () => {
    // Validation (no Temporal needed), and the agent service's check (the tenant has no agents of its own: no registry workflow).
    const { app } = makeStubApp({ research: makeServices(client).research });
    const res = await app.request('/v1/research', post({ question: '', maxAgents: 20_000, policy: { minSuccessRatio: 1.5, deadline: 'later' } }));
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_request');
    for (const field of ['question', 'maxAgents', 'policy.minSuccessRatio', 'policy.deadline']) expect(body.error.message).toContain(field);
    const unknownField = await app.request('/v1/research', post({ question: 'q', agents: 3 }));
    expect(unknownField.status).toBe(400);
    expect((await json(unknownField)).error.message).toMatch(/agents/);
    const unknownAgent = await app.request('/v1/research', post({ question: 'q', agent: 'nobody' }));
    expect(unknownAgent.status).toBe(400);
    expect((await json(unknownAgent)).error).toMatchObject({ code: 'invalid_request', details: { field: 'agent' } });
  });

  it('starts a research job workflow for the tenant with the policy and budget, and lists it', async () => {
    const { app } = makeApp(client);
    const res = await app.request(
      '/v1/research',
      post({ question: 'Why is the sky blue?', maxAgents: 7, policy: { minSuccessRatio: 0.8, deadline: '90s' }, budget: { tokens: 5000 } }),
    );
    expect(res.status).toBe(202);
    const { id } = await json(res);
    const handle = client.workflow.getHandle(researchWorkflowId('default', id));
    try {
      const desc = await handle.describe();
      expect(desc.type).toBe(WORKFLOW_TYPES.researchJob);
      const history = await handle.fetchHistory();
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      const { payloadConverter } = client.options.loadedDataConverter;
      const input = payloadConverter.fromPayload(started!.input!.payloads![0]!) as ResearchJobInput;
      expect(input).toMatchObject({ id, tenant: 'default', question: 'Why is the sky blue?', maxAgents: 7, minSuccessRatio: 0.8, deadlineMs: 90_000, budget: { tokens: 5000 } });
      // These test profiles have no research-planner / research-synthesizer: both fall back to the researcher without tools.
      expect(input.researcher.name).toBe('researcher');
      expect([input.planner.tools, input.synthesizer.tools]).toEqual([[], []]);

      let listed: { jobs: Array<{ id: string; question: string; status: string }> } | undefined;
      for (let i = 0; i < 50 && !listed?.jobs.some((j) => j.id === id); i++) {
        listed = await json(await app.request('/v1/research?limit=50'));
        if (!listed?.jobs.some((j) => j.id === id)) await new Promise((r) => setTimeout(r, 100));
      }
      expect(listed?.jobs.find((j) => j.id === id)).toMatchObject({ question: 'Why is the sky blue?', status: 'running' });
    } finally {
      await handle.terminate('test cleanup');
    }
    const cancel = await app.request(`/v1/research/${id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(409);
    expect((await json(cancel)).error.code).toBe('research_finished');
  });

  it('404s for an unknown job, and 400s for a malformed id', async () => {
    const { app } = makeApp(client);
    for (const path of ['/v1/research/nope', '/v1/research/nope/events']) {
      const res = await app.request(path);
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('research_not_found');
    }
    expect((await app.request('/v1/research/nope/cancel', { method: 'POST' })).status).toBe(404);
    expect((await app.request('/v1/research/bad.id')).status).toBe(400);
  });
});

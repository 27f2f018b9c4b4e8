/**
 * Handoffs in the session workflow (real dev server, real activities, the scripted LLM answering per
 * agent from the system prompt it is sent): `transfer_to_<agent>` switches the active agent from the next
 * model call on (instructions, tools, model, temperature), within the same turn and for the turns after,
 * across continue-as-new too; a router is an agent whose tools are handoffs; an agent with an
 * `outputSchema` is asked for JSON. With HUB_RECORD_HISTORIES=1 the handoff is recorded as a replay fixture.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import type { RecordedRequest, Responder } from '@hub/testing/scripted-llm-server';
import {
  DEFAULTS,
  SESSION_EVENTS_TOPIC,
  WORKFLOW_TYPES,
  closeSessionUpdate,
  sendMessageUpdate,
  sessionStateQuery,
  sessionWorkflowId,
  type AgentProfile,
  type SessionEvent,
  type SessionOptions,
  type SessionState,
  type SessionWorkflowInput,
} from '@hub/contracts';
import { recordHistory } from './compensation-harness';
import { eventually, startHarness, type Harness } from './harness';

const triage: AgentProfile = {
  name: 'triage',
  description: 'Routes the user to the right agent',
  systemPrompt: 'You are triage. Route the user.',
  temperature: 0,
  tools: [],
  maxToolRounds: 2,
  version: 3,
  handoffs: ['billing', 'tech-support', 'extractor'],
};
const billing: AgentProfile = {
  name: 'billing',
  description: 'Answers billing questions: invoices, refunds',
  systemPrompt: 'You are billing.',
  model: 'billing-model',
  temperature: 0.4,
  tools: ['calculator'],
  maxToolRounds: 3,
  version: 1,
  handoffs: ['triage'],
};
const tech: AgentProfile = {
  name: 'tech-support',
  description: 'Fixes technical problems',
  systemPrompt: 'You are tech support.',
  temperature: 0.1,
  tools: [],
  maxToolRounds: 1,
  version: 2,
};
const cityFormat = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
const extractor: AgentProfile = {
  name: 'extractor',
  description: 'Extracts the city the user talks about',
  systemPrompt: 'You are the extractor.',
  temperature: 0,
  tools: [],
  maxToolRounds: 1,
  outputSchema: cityFormat,
};
const team = [triage, billing, tech, extractor];

type Message = { role: string; content?: unknown };
const systemOf = (r: RecordedRequest) => String(r.body?.messages?.[0]?.content ?? '');
const toolNames = (r: RecordedRequest) => ((r.body?.tools ?? []) as Array<{ function: { name: string } }>).map((t) => t.function.name);
const lastOf = (r: RecordedRequest) => r.body?.messages?.at(-1) as Message | undefined;
const lastUser = (r: RecordedRequest) => String([...(r.body?.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '');

/** Each agent answers from its system prompt. */
const teamResponder: Responder = (r) => {
  const last = lastOf(r);
  const system = systemOf(r);
  if (system.startsWith('You are triage')) {
    if (last?.role === 'tool') return { reply: `still triage: ${String(last.content)}` };
    const text = lastUser(r);
    const to = text.includes('invoice') ? 'billing' : text.includes('wifi') ? 'tech-support' : text.includes('city') ? 'extractor' : 'ghost';
    return { toolCalls: [{ id: `h-${r.seq}`, name: `transfer_to_${to}`, arguments: {} }] };
  }
  if (system.startsWith('You are billing')) {
    if (last?.role === 'tool' && String(last.content).startsWith('Transferred')) {
      return { toolCalls: [{ id: `c-${r.seq}`, name: 'calculator', arguments: { expression: '2 * 21' } }] };
    }
    if (last?.role === 'tool') return { reply: `billing: total ${String(last.content)}` };
    return { reply: `billing here: ${lastUser(r)}` };
  }
  if (system.startsWith('You are tech support')) return { reply: 'tech: turn it off and on again' };
  if (system.startsWith('You are the extractor')) return { json: { city: 'Paris' } };
  return { reply: `unexpected system prompt: ${system}` };
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.llm.reset();
  h.llm.setResponder(teamResponder);
});

async function startTeam(root: AgentProfile, members: AgentProfile[], opts: Partial<SessionOptions> = {}): Promise<WorkflowHandle> {
  const sessionId = randomUUID();
  const workflowId = sessionWorkflowId('test', sessionId);
  const input: SessionWorkflowInput = {
    sessionId,
    tenant: 'test',
    profile: root,
    team: members,
    options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun, ...opts },
  };
  return h.client.workflow.start(WORKFLOW_TYPES.session, { workflowId, taskQueue: h.taskQueue, args: [input] });
}

const send = (handle: WorkflowHandle, text: string) => handle.executeUpdate(sendMessageUpdate, { args: [{ text }] });
const state = (handle: WorkflowHandle): Promise<SessionState> => handle.query(sessionStateQuery);

async function events(handle: WorkflowHandle, until: (e: SessionEvent) => boolean): Promise<SessionEvent[]> {
  const out: SessionEvent[] = [];
  const stream = WorkflowStreamClient.create(h.client, handle.workflowId);
  for await (const item of stream.subscribe<SessionEvent>([SESSION_EVENTS_TOPIC], 0, { resultType: true, pollCooldown: 10 })) {
    out.push(item.data);
    if (until(item.data)) break;
  }
  return out;
}

describe('handoffs', () => {
  it("switches the instructions, tools, model and temperature from the next model call on, and the next turns stay with the new agent", async () => {
    const handle = await startTeam(triage, team);
    const result = await send(handle, 'my invoice total?');
    expect(result).toMatchObject({ status: 'completed', reply: 'billing: total 42' });
    expect(result.structured).toBeUndefined();

    const [r1, r2, r3, ...rest] = h.llm.chatRequests();
    expect(rest).toEqual([]);
    expect(systemOf(r1!)).toBe('You are triage. Route the user.');
    expect(toolNames(r1!)).toEqual(['transfer_to_billing', 'transfer_to_tech-support', 'transfer_to_extractor']);
    expect(r1!.body?.temperature).toBe(0);
    // The same turn goes on with billing: its prompt, its catalogue tools and handoffs, its model and temperature.
    expect(systemOf(r2!)).toBe('You are billing.');
    expect(toolNames(r2!)).toContain('calculator');
    expect(toolNames(r2!)).toContain('transfer_to_triage');
    expect(toolNames(r2!)).not.toContain('transfer_to_billing');
    expect(r2!.body?.model).toBe('billing-model');
    expect(r2!.body?.temperature).toBe(0.4);
    expect(String(lastOf(r2!)?.content)).toMatch(/^Transferred the conversation to 'billing'/);
    expect(systemOf(r3!)).toBe('You are billing.');
    expect(r1!.idempotencyKey).toBe(`${handle.workflowId}/turn-1/llm/0`);
    expect(r3!.idempotencyKey).toBe(`${handle.workflowId}/turn-1/llm/2`);

    const s = await state(handle);
    expect(s.agent).toBe('billing');
    expect(s.agentVersion).toBe(3);
    expect(s.handoffs).toEqual([{ from: 'triage', to: 'billing', turnId: 'turn-1', at: expect.any(String) }]);
    expect(s.messages.find((m) => m.role === 'tool' && m.name === 'transfer_to_billing')).toBeDefined();

    const seen = await events(handle, (e) => e.type === 'turn.completed');
    expect(seen.find((e) => e.type === 'agent.handoff')).toEqual({ type: 'agent.handoff', turnId: 'turn-1', toolCallId: 'h-1', from: 'triage', to: 'billing' });
    const order = seen.filter((e) => e.type === 'tool.call' || e.type === 'agent.handoff' || e.type === 'tool.result').map((e) => e.type);
    expect(order.slice(0, 3)).toEqual(['tool.call', 'agent.handoff', 'tool.result']);

    // The next turn starts with billing.
    expect((await send(handle, 'and a refund?')).reply).toBe('billing here: and a refund?');
    expect(systemOf(h.llm.chatRequests().at(-1)!)).toBe('You are billing.');
    await handle.executeUpdate(closeSessionUpdate, { args: [{ reason: 'done' }] });
    await recordHistory(h.client, handle.workflowId, 'session-handoff');
  });

  it('a router hands each conversation to the agent it belongs to; a target outside the team is an error and no switch', async () => {
    const wifi = await startTeam(triage, team);
    expect((await send(wifi, 'my wifi is down')).reply).toBe('tech: turn it off and on again');
    expect((await state(wifi)).agent).toBe('tech-support');
    const techReq = h.llm.chatRequests().at(-1)!;
    expect(systemOf(techReq)).toBe('You are tech support.');
    expect(toolNames(techReq)).toEqual([]); // no catalogue tools, no handoffs

    h.llm.reset();
    h.llm.setResponder(teamResponder);
    const lost: AgentProfile = { ...triage, name: 'lost', handoffs: ['ghost'] };
    const alone = await startTeam(lost, [lost]);
    const r = await send(alone, 'hello');
    expect(r.reply).toBe("still triage: Error: no agent 'ghost' in this session's team; you are still 'lost'");
    const s = await state(alone);
    expect(s.agent).toBe('lost');
    expect(s.handoffs).toBeUndefined();
    const seen = await events(alone, (e) => e.type === 'turn.completed');
    expect(seen.some((e) => e.type === 'agent.handoff')).toBe(false);
    expect(seen.find((e) => e.type === 'tool.result')).toMatchObject({ tool: 'transfer_to_ghost', ok: false });
  });

  it('two handoffs in one response: the first switches, the second is refused (the conversation already moved)', async () => {
    h.llm.script({ toolCalls: [{ id: 'two-1', name: 'transfer_to_tech-support', arguments: {} }, { id: 'two-2', name: 'transfer_to_billing', arguments: {} }] });
    const handle = await startTeam(triage, team);
    expect((await send(handle, 'wifi and invoice')).reply).toBe('tech: turn it off and on again');
    const s = await state(handle);
    expect(s.agent).toBe('tech-support');
    expect(s.handoffs?.map((x) => x.to)).toEqual(['tech-support']);
    const answers = s.messages.filter((m) => m.role === 'tool').map((m) => m.content);
    expect(answers).toEqual([expect.stringMatching(/^Transferred the conversation to 'tech-support'/), "Error: the conversation was already transferred to 'tech-support'"]);
  });

  it("after a handoff to a supervisor, its delegates are offered and run (the child's usage counted in the turn)", async () => {
    const lead: AgentProfile = { ...tech, name: 'lead', systemPrompt: 'You are the lead.', maxToolRounds: 2, delegates: ['helper'] };
    const helper: AgentProfile = { ...tech, name: 'helper', systemPrompt: 'You are the helper.' };
    const router: AgentProfile = { ...triage, name: 'router', handoffs: ['lead'] };
    const small = { promptTokens: 10, completionTokens: 5 };
    h.llm.setResponder((r) => {
      const system = systemOf(r);
      const last = lastOf(r);
      if (system.startsWith('You are triage')) return { toolCalls: [{ id: 'to-lead', name: 'transfer_to_lead', arguments: {} }], usage: small };
      if (system.startsWith('You are the helper')) return { reply: 'helper: done', usage: { promptTokens: 100, completionTokens: 11 } };
      if (system.startsWith('You are the lead')) {
        if (last?.role === 'tool' && String(last.content).startsWith('Transferred')) {
          return { toolCalls: [{ id: 'ask-1', name: 'ask_helper', arguments: { task: 'do the thing' } }], usage: small };
        }
        return { reply: `lead: ${String(last?.content)}`, usage: small };
      }
      return { reply: `unexpected system prompt: ${system}` };
    });
    const handle = await startTeam(router, [router, lead, helper]);
    const result = await send(handle, 'please coordinate');
    expect(result.reply).toBe('lead: helper: done');
    const leadReq = h.llm.chatRequests().find((r) => systemOf(r) === 'You are the lead.')!;
    expect(toolNames(leadReq)).toEqual(['ask_helper']);
    const seen = await events(handle, (e) => e.type === 'turn.completed');
    expect(seen.find((e) => e.type === 'delegation.started')).toMatchObject({ toolCallId: 'ask-1', agent: 'helper', depth: 1, task: 'do the thing' });
    // Three model calls of the session (15 tokens each) and the helper's one (111).
    expect(result.usage).toEqual({ promptTokens: 130, completionTokens: 26, totalTokens: 156 });
    expect((await state(handle)).agent).toBe('lead');
  });

  it('an agent with an outputSchema is asked for JSON (response_format) and answers it', async () => {
    const handle = await startTeam(triage, team);
    const result = await send(handle, 'which city is this about? Paris!');
    expect(JSON.parse(result.reply ?? '')).toEqual({ city: 'Paris' });
    expect(result.structured).toEqual({ city: 'Paris' });
    const done = (await events(handle, (e) => e.type === 'turn.completed')).at(-1);
    expect(done).toMatchObject({ type: 'turn.completed', structured: { city: 'Paris' } });
    const [routed, extracted] = h.llm.chatRequests();
    expect(routed!.body?.response_format).toBeUndefined();
    expect(extracted!.body?.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'extractor', schema: cityFormat, strict: true } });
  });

  it('the active agent and the handoff path are carried across continue-as-new', async () => {
    const handle = await startTeam(triage, team, { maxTurnsPerRun: 1 });
    const firstRun = (await handle.describe()).runId;
    expect((await send(handle, 'my invoice total?')).reply).toBe('billing: total 42');
    await eventually(async () => (await h.client.workflow.getHandle(handle.workflowId).describe()).runId !== firstRun);
    const next = await eventually(async () => {
      const s = await state(h.client.workflow.getHandle(handle.workflowId)).catch(() => undefined);
      return s?.generation === 1 && s;
    });
    expect(next.agent).toBe('billing');
    expect(next.handoffs).toEqual([{ from: 'triage', to: 'billing', turnId: 'turn-1', at: expect.any(String) }]);
    expect(next.agentVersion).toBe(3);
    const again = h.client.workflow.getHandle(handle.workflowId);
    expect((await send(again, 'one more thing')).reply).toBe('billing here: one more thing');
    expect(systemOf(h.llm.chatRequests().at(-1)!)).toBe('You are billing.');
    expect(toolNames(h.llm.chatRequests().at(-1)!)).toContain('calculator');
  });
});

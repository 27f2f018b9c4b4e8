/**
 * A worker SIGKILLed while a delegation's child is mid-turn: a new worker takes over, and the child answers
 * once and the parent replies once. The real gateway and worker processes, the scripted LLM (the child's
 * model call streams slowly, so the kill lands in it; answers are picked by round, so a retried call gets
 * the same answer).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  WORKFLOW_TYPES,
  delegationWorkflowId,
  sessionWorkflowId,
  type AgentProfile,
  type SessionEvent,
  type SessionState,
  type SessionWorkflowInput,
  type TurnResult,
} from '@hub/contracts';
import { delegate, reply, startScriptedLlmServer, teamResponder, toolResultsOf, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { HubStack, readSse } from '../src/stack';
import { recordHistory } from '../src/histories';

let llm: ScriptedLlmServer;
let hub: HubStack;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  hub = await new HubStack({ llmUrl: llm.url }).start();
});
afterAll(async () => {
  await hub?.stop();
  await llm?.close();
});

const profile = (name: string, extra: Partial<AgentProfile> = {}): AgentProfile => ({
  name,
  description: `The ${name} agent`,
  systemPrompt: `You are ${name}. [agent:${name}]`,
  temperature: 0,
  tools: [],
  maxToolRounds: 4,
  delegates: [],
  ...extra,
});

describe('delegation crash', () => {
  it('a worker SIGKILLed while the child is mid-turn: exactly one child answer and one parent reply', async () => {
    const poem = Array.from({ length: 12 }, (_, i) => `line${i}`).join(' ');
    const team = teamResponder({
      mode: 'round',
      agents: {
        boss: [delegate('poet', 'write the poem', 'call_poet'), (req) => reply(`boss: ${toolResultsOf(req)[0]?.content}`)],
        poet: [reply(poem, { chunkDelayMs: 300 })],
      },
    });
    llm.setResponder(team.responder);

    // The session as the gateway starts it for an agent with a team (its team pinned in the input).
    const sessionId = randomUUID();
    const workflowId = sessionWorkflowId('default', sessionId);
    const input: SessionWorkflowInput = {
      sessionId,
      tenant: 'default',
      profile: profile('boss', { delegates: ['poet'] }),
      team: [profile('boss', { delegates: ['poet'] }), profile('poet')],
      options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
    };
    await hub.client.workflow.start(WORKFLOW_TYPES.session, { workflowId, taskQueue: hub.taskQueue, args: [input], workflowTaskTimeout: '2 seconds' });

    const replied = hub.api<TurnResult>('POST', `/v1/sessions/${sessionId}/messages`, { text: 'a poem please' });
    await llm.waitFor(() => team.callsOf('poet').length === 1, 60_000);
    await new Promise((r) => setTimeout(r, 900)); // a few of the child's tokens are out
    expect(team.callsOf('poet')[0]!.request.completed).toBe(false);
    expect(await hub.killWorker('SIGKILL')).toBe(null);
    await hub.startWorker();

    const result = await replied;
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ status: 'completed', reply: `boss: ${poem}` });

    // The conversation: one question, one ask_poet call with one result, one reply.
    const state = (await hub.api<SessionState>('GET', `/v1/sessions/${sessionId}`)).body;
    expect(state.turns).toBe(1);
    expect(state.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(state.messages[2]).toMatchObject({ role: 'tool', name: 'ask_poet', content: poem });
    expect(state.messages[3]).toMatchObject({ role: 'assistant', content: `boss: ${poem}` });

    // The child's model call was retried under the same idempotency key; each of the boss's calls ran once.
    const childId = delegationWorkflowId(workflowId, 'turn-1', 'call_poet');
    const poetKeys = team.callsOf('poet').map((c) => c.request.idempotencyKey);
    expect(poetKeys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(poetKeys)).toEqual(new Set([`${childId}/turn-1/llm/0`]));
    expect(team.callsOf('poet').filter((c) => c.request.completed)).toHaveLength(1);
    expect(team.callsOf('boss').map((c) => c.request.idempotencyKey)).toEqual([`${workflowId}/turn-1/llm/0`, `${workflowId}/turn-1/llm/1`]);

    // One child workflow, completed once.
    const child = await hub.client.workflow.getHandle(childId).describe();
    expect(child.status.name).toBe('COMPLETED');
    expect(await hub.client.workflow.getHandle(childId).result()).toMatchObject({ ok: true, reply: poem });

    // The events: one delegation, started and completed once, one turn completed.
    const sse = await readSse(`${hub.gatewayUrl}/v1/sessions/${sessionId}/events`, (ev) => ev.event === 'turn.completed');
    const events = sse.map((e) => JSON.parse(e.data) as SessionEvent);
    const count = (type: SessionEvent['type']) => events.filter((e) => e.type === type).length;
    expect(count('delegation.started')).toBe(1);
    expect(count('delegation.completed')).toBe(1);
    expect(count('turn.completed')).toBe(1);
    expect(events.find((e) => e.type === 'delegation.completed')).toMatchObject({ delegationId: 'turn-1.call_poet', ok: true, reply: poem });

    await recordHistory(hub.client, workflowId, 'delegation-worker-killed');
    await recordHistory(hub.client, childId, 'delegation-worker-killed-child');
  });
});

/**
 * Compensations inside a delegation: the child's own turn compensations roll back its bookings (the real
 * bookings MCP server) when the child's turn fails or is cancelled (the parent's turn was interrupted), and
 * the compensation events reach the root session's stream tagged with the delegation id.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateStage } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import {
  DEFAULTS,
  WORKFLOW_TYPES,
  delegationWorkflowId,
  sendMessageUpdate,
  sessionWorkflowId,
  type SessionEvent,
  type SessionWorkflowInput,
  type TurnResult,
} from '@hub/contracts';
import { delegate, reply, teamResponder, toolCall, toolResultsOf } from '@hub/testing/scripted-llm-server';
import { startCompensationHarness, type CompensationHarness } from './compensation-harness';
import { member } from './delegation-helpers';

let h: CompensationHarness;
beforeAll(async () => {
  h = await startCompensationHarness();
});
afterAll(async () => {
  await h?.close();
});

const lead = member('lead', { delegates: ['booker'] });
const booker = member('booker', { tools: ['bookings__*'] });

async function startSession(): Promise<string> {
  const sessionId = randomUUID();
  const workflowId = sessionWorkflowId('test', sessionId);
  const input: SessionWorkflowInput = {
    sessionId,
    tenant: 'test',
    profile: lead,
    team: [lead, booker],
    options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
  };
  await h.client.workflow.start(WORKFLOW_TYPES.session, { workflowId, taskQueue: h.taskQueue, args: [input] });
  return workflowId;
}

async function eventsUntil(workflowId: string, until: (e: SessionEvent) => boolean): Promise<SessionEvent[]> {
  const out: SessionEvent[] = [];
  for await (const item of WorkflowStreamClient.create(h.client, workflowId).subscribe<SessionEvent>(['events'], 0, { resultType: true, pollCooldown: 10 })) {
    out.push(item.data);
    if (until(item.data)) break;
  }
  return out;
}

const book = (resource: string) => toolCall('bookings__create_booking', { resource, slot: 'wed 10:00' }, 'call_book');
const compensationEvents = (events: SessionEvent[]) =>
  events.filter((e) => e.type.startsWith('compensation.')).map((e) => [e.type, 'delegationId' in e ? e.delegationId : undefined]);

describe('compensations inside a delegation', () => {
  it("a child whose turn fails undoes its booking; the parent hears the failure as the tool's error", async () => {
    const tag = randomUUID().slice(0, 6);
    const team = teamResponder({
      agents: {
        lead: [delegate('booker', 'book a room', 'call_ask'), (req) => reply(`lead: ${toolResultsOf(req)[0]?.content}`)],
        booker: [book(`room-${tag}`), { error: { status: 400, message: 'the booker gives up' } }],
      },
    });
    h.llm.setResponder(team.responder);
    const wf = await startSession();
    const turn = (await h.client.workflow.getHandle(wf).executeUpdate(sendMessageUpdate, { args: [{ text: 'book it' }] })) as TurnResult;
    expect(turn.status).toBe('completed');
    expect(turn.reply).toMatch(/^lead: Error: booker failed: .*the booker gives up; 1 tool side effect rolled back/);
    const childId = delegationWorkflowId(wf, 'turn-1', 'call_ask');
    expect(h.effects(childId).map((e) => `${e.op}:${e.resource}:${e.key?.slice(childId.length + 1)}`)).toEqual([
      `create:room-${tag}:turn-1/tool/call_book`,
      `cancel:room-${tag}:turn-1/compensate/call_book`,
    ]);
    const events = await eventsUntil(wf, (e) => e.type === 'turn.completed');
    expect(compensationEvents(events)).toEqual([
      ['compensation.registered', 'turn-1.call_ask'],
      ['compensation.completed', 'turn-1.call_ask'],
    ]);
    expect(events.find((e) => e.type === 'delegation.completed')).toMatchObject({ ok: false, error: expect.stringMatching(/the booker gives up/) });
  });

  it("interrupting the parent cancels the child, which undoes its booking before the parent's turn ends", async () => {
    const tag = randomUUID().slice(0, 6);
    const team = teamResponder({
      agents: {
        lead: [delegate('booker', 'book a room', 'call_ask'), reply('next answer')],
        booker: [book(`room-${tag}`), { hang: true }],
      },
    });
    h.llm.setResponder(team.responder);
    const wf = await startSession();
    const handle = h.client.workflow.getHandle(wf);
    const first = handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'book it' }] });
    await h.llm.waitFor(() => team.callsOf('booker').length === 2, 20_000);
    await handle.startUpdate(sendMessageUpdate, { args: [{ text: 'never mind', interrupt: true }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    expect(((await first) as TurnResult).status).toBe('interrupted');
    const childId = delegationWorkflowId(wf, 'turn-1', 'call_ask');
    expect((await h.client.workflow.getHandle(childId).describe()).status.name).toBe('CANCELLED');
    expect(h.effects(childId).map((e) => e.op)).toEqual(['create', 'cancel']);
    const events = await eventsUntil(wf, (e) => e.type === 'turn.completed');
    expect(compensationEvents(events)).toEqual([
      ['compensation.registered', 'turn-1.call_ask'],
      ['compensation.completed', 'turn-1.call_ask'],
    ]);
  });
});

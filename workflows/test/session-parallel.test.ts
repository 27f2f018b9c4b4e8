/**
 * Parallel tool calls in a session turn (real dev server, the real bookings MCP server as a stdio process,
 * the scripted LLM): the calls of one model response run at once (their activities are scheduled together
 * and overlap in the recorded history), at most AGENT_LIMITS.maxParallelToolCalls at a time, their results
 * reach the model in the order it asked, several approvals wait at once, and an interrupted batch has its
 * side effects rolled back. With HUB_RECORD_HISTORIES=1 the parallel turn is recorded as a replay fixture.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import {
  AGENT_LIMITS,
  DEFAULTS,
  SESSION_EVENTS_TOPIC,
  WORKFLOW_TYPES,
  approveToolUpdate,
  closeSessionUpdate,
  sendMessageUpdate,
  sessionStateQuery,
  sessionWorkflowId,
  type SessionEvent,
  type SessionState,
  type SessionWorkflowInput,
  type TurnResult,
} from '@hub/contracts';
import { eventually, recordHistory, startCompensationHarness, type CompensationHarness } from './compensation-harness';
import { testProfile } from './harness';

let h: CompensationHarness;
beforeAll(async () => {
  h = await startCompensationHarness({ compensateBy: 'key' });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.llm.reset();
  h.setBookingsApproval(undefined);
});

async function startSession(): Promise<WorkflowHandle> {
  const sessionId = randomUUID();
  const input: SessionWorkflowInput = {
    sessionId,
    tenant: 'test',
    profile: { ...testProfile, tools: ['bookings__*', 'calculator'] },
    options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
  };
  return h.client.workflow.start(WORKFLOW_TYPES.session, { workflowId: sessionWorkflowId('test', sessionId), taskQueue: h.taskQueue, args: [input] });
}

const book = (id: string, resource: string, delayMs = 0) => ({
  id,
  name: 'bookings__create_booking',
  arguments: { resource, slot: 'fri 10:00', ...(delayMs ? { delayMs } : {}) },
});
const state = (handle: WorkflowHandle): Promise<SessionState> => handle.query(sessionStateQuery);
const toolMessages = (r: { body?: { messages?: Array<{ role: string; tool_call_id?: unknown }> } } | undefined) =>
  (r?.body?.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.tool_call_id));

async function events(handle: WorkflowHandle, until: (e: SessionEvent) => boolean): Promise<SessionEvent[]> {
  const out: SessionEvent[] = [];
  for await (const item of WorkflowStreamClient.create(h.client, handle.workflowId).subscribe<SessionEvent>([SESSION_EVENTS_TOPIC], 0, {
    resultType: true,
    pollCooldown: 10,
  })) {
    out.push(item.data);
    if (until(item.data)) break;
  }
  return out;
}

interface ActivityRun {
  activityId: string;
  /** The workflow task whose completion scheduled it. */
  scheduledBy: number;
  scheduledEventId: number;
  startedAt?: number;
  completedAt?: number;
  completedEventId?: number;
}

/** The tool activities of a workflow's history (ids `turn-<n>/tool/<callId>`), with their recorded times. */
async function toolActivities(handle: WorkflowHandle): Promise<ActivityRun[]> {
  const history = await handle.fetchHistory();
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
  const runs = new Map<number, ActivityRun>();
  for (const e of history.events ?? []) {
    const id = Number(e.eventId);
    if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      if (a.activityId?.includes('/tool/')) {
        runs.set(id, { activityId: a.activityId, scheduledBy: Number(a.workflowTaskCompletedEventId), scheduledEventId: id });
      }
    } else if (e.activityTaskStartedEventAttributes) {
      const run = runs.get(Number(e.activityTaskStartedEventAttributes.scheduledEventId));
      if (run) run.startedAt = ms(e.eventTime);
    } else if (e.activityTaskCompletedEventAttributes) {
      const run = runs.get(Number(e.activityTaskCompletedEventAttributes.scheduledEventId));
      if (run) Object.assign(run, { completedAt: ms(e.eventTime), completedEventId: id });
    }
  }
  return [...runs.values()];
}

describe('parallel tool calls', () => {
  it('runs the calls of one response at once and returns their results in the order the model asked', async () => {
    const tag = randomUUID().slice(0, 6);
    // The first call is the slowest: they finish in the reverse order.
    h.llm.script({ toolCalls: [book('p1', `a-${tag}`, 1_500), book('p2', `b-${tag}`, 800), book('p3', `c-${tag}`, 100)] }, { reply: 'All three booked.' });
    const handle = await startSession();
    const result = await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'book three rooms' }] });
    expect(result).toMatchObject({ status: 'completed', reply: 'All three booked.' });

    const runs = await toolActivities(handle);
    expect(runs.map((r) => r.activityId)).toEqual(['turn-1/tool/p1', 'turn-1/tool/p2', 'turn-1/tool/p3']);
    // Scheduled by the same workflow task, and running at the same time: each started before any ended.
    expect(new Set(runs.map((r) => r.scheduledBy)).size).toBe(1);
    const lastStart = Math.max(...runs.map((r) => r.startedAt!));
    const firstEnd = Math.min(...runs.map((r) => r.completedAt!));
    expect(lastStart).toBeLessThan(firstEnd);
    const finished = [...runs].sort((a, b) => a.completedEventId! - b.completedEventId!).map((r) => r.activityId.split('/').at(-1));
    expect(finished).toEqual(['p3', 'p2', 'p1']);

    // Events as they happened; the conversation (and the model's next request) in the model's order.
    const seen = await events(handle, (e) => e.type === 'turn.completed');
    expect(seen.filter((e) => e.type === 'tool.call').map((e) => (e as { toolCallId: string }).toolCallId)).toEqual(['p1', 'p2', 'p3']);
    expect(seen.filter((e) => e.type === 'tool.result').map((e) => (e as { toolCallId: string }).toolCallId)).toEqual(finished);
    const s = await state(handle);
    expect(s.messages.filter((m) => m.role === 'tool').map((m) => (m.role === 'tool' ? m.toolCallId : ''))).toEqual(['p1', 'p2', 'p3']);
    expect(toolMessages(h.llm.chatRequests()[1])).toEqual(['p1', 'p2', 'p3']);
    expect(h.effects(handle.workflowId).map((e) => e.resource)).toEqual([`c-${tag}`, `b-${tag}`, `a-${tag}`]);
    await handle.executeUpdate(closeSessionUpdate, { args: [{ reason: 'done' }] });
    await recordHistory(h.client, handle.workflowId, 'session-parallel-tool-calls');
  });

  it(`runs at most ${AGENT_LIMITS.maxParallelToolCalls} at once; the rest start as others finish`, async () => {
    const n = AGENT_LIMITS.maxParallelToolCalls + 2;
    const calls = Array.from({ length: n }, (_, i) => ({ id: `k${i + 1}`, name: 'calculator', arguments: { expression: `${i} + 1` } }));
    h.llm.script({ toolCalls: calls }, (req) => ({ reply: `results ${toolMessages(req).join(',')}` }));
    const handle = await startSession();
    const result = await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'compute' }] });
    expect(result.reply).toBe(`results ${calls.map((c) => c.id).join(',')}`);
    const runs = await toolActivities(handle);
    const first = runs.slice(0, AGENT_LIMITS.maxParallelToolCalls);
    expect(new Set(first.map((r) => r.scheduledBy)).size).toBe(1);
    // Each later call is scheduled only after an earlier one has completed.
    const earliestEnd = Math.min(...first.map((r) => r.completedEventId!));
    for (const later of runs.slice(AGENT_LIMITS.maxParallelToolCalls)) expect(later.scheduledEventId).toBeGreaterThan(earliestEnd);
    const s = await state(handle);
    expect(s.messages.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(calls.map((_, i) => String(i + 1)));
  });

  it('several approvals wait at once; the session awaits approval until the last is decided', async () => {
    const tag = randomUUID().slice(0, 6);
    h.setBookingsApproval(['create_booking']);
    h.llm.script({ toolCalls: [book('q1', `x-${tag}`), { id: 'q2', name: 'calculator', arguments: { expression: '1 + 1' } }, book('q3', `y-${tag}`)] }, (req) => ({
      reply: `done: ${(req.body?.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content)).join(' | ')}`,
    }));
    const handle = await startSession();
    const turn = handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'book two' }] }) as Promise<TurnResult>;
    const waiting = await eventually(async () => {
      const s = await state(handle);
      return s.pendingApprovals.length === 2 && s;
    });
    expect(waiting.status).toBe('awaiting_approval');
    expect(waiting.pendingApprovals.map((p) => [p.toolCallId, p.tool, p.agent])).toEqual([
      ['q1', 'bookings__create_booking', testProfile.name],
      ['q3', 'bookings__create_booking', testProfile.name],
    ]);
    await handle.executeUpdate(approveToolUpdate, { args: [{ approvalId: waiting.pendingApprovals[1]!.approvalId, approve: true }] });
    const one = await eventually(async () => {
      const s = await state(handle);
      return s.pendingApprovals.length === 1 && s;
    });
    expect(one.status).toBe('awaiting_approval');
    expect(one.pendingApprovals[0]!.toolCallId).toBe('q1');
    await handle.executeUpdate(approveToolUpdate, { args: [{ approvalId: one.pendingApprovals[0]!.approvalId, approve: false, reason: 'one is enough' }] });
    const result = await turn;
    expect(result.reply).toMatch(/^done: The user denied calling 'bookings__create_booking': one is enough \| 2 \| \{"bookingId":/);
    expect(h.effects(handle.workflowId).map((e) => `${e.op}:${e.resource}`)).toEqual([`create:y-${tag}`]);
    expect((await state(handle)).status).toBe('idle');
  });

  it('an interrupted batch rolls back what its calls booked, the one still running included', async () => {
    const tag = randomUUID().slice(0, 6);
    h.llm.script({ toolCalls: [book('r1', `m-${tag}`), book('r2', `n-${tag}`), book('r3', `o-${tag}`, 60_000)] }, { reply: 'Stopped.' });
    const handle = await startSession();
    const first = handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'book' }] }) as Promise<TurnResult>;
    await eventually(async () => h.effects(handle.workflowId).filter((e) => e.op === 'create').length === 2, 30_000);
    const second = (await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'stop', interrupt: true }] })) as TurnResult;
    const interrupted = await first;
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error).toMatch(/3 tool side effects rolled back/);
    expect(second.reply).toBe('Stopped.');
    const effects = h.effects(handle.workflowId).map((e) => `${e.op}:${e.resource}`);
    expect(effects.filter((e) => e.startsWith('create:')).sort()).toEqual([`create:m-${tag}`, `create:n-${tag}`]);
    expect(effects.filter((e) => e.startsWith('cancel:')).sort()).toEqual([`cancel:m-${tag}`, `cancel:n-${tag}`]);
    const s = await state(handle);
    const answers = s.messages.filter((m) => m.role === 'tool' && m.turnId === 'turn-1').map((m) => (m.role === 'tool' ? m.toolCallId : ''));
    expect([...answers].sort()).toEqual(['r1', 'r2', 'r3']);
  });
});

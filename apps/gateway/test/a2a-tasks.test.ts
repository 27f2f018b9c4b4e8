/** A2A tasks rebuilt from a session's state (a2a/tasks.ts), task ids, and the card without API keys: pure functions. */
import { describe, expect, it } from 'vitest';
import { TaskState } from '@a2a-js/sdk';
import type { SessionState } from '@hub/contracts';
import { buildAgentCard } from '../src/a2a/card';
import { decisionOf } from '../src/a2a/executor';
import { parseTaskId, taskFromState, taskIdOf, textOf } from '../src/a2a/tasks';
import { userMessage } from './a2a-hub';

const SID = 'ctx-1';
const base: SessionState = {
  sessionId: SID,
  tenant: 't',
  agent: 'assistant',
  status: 'idle',
  messages: [],
  pendingApprovals: [],
  usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
  turns: 0,
  queued: 0,
  createdAt: '2026-12-02T00:00:00.000Z',
  lastActivityAt: '2026-12-02T00:00:01.000Z',
  generation: 0,
};
const turn = (n: number) => ({ sessionId: SID, turnId: `turn-${n}` });
const stateOf = (s: Partial<SessionState>): SessionState => ({ ...base, ...s });

describe('task ids', () => {
  it('are <session id>.<turn id> and nothing else parses', () => {
    expect(taskIdOf(SID, 'turn-3')).toBe('ctx-1.turn-3');
    expect(parseTaskId('ctx-1.turn-3')).toEqual(turn(3));
    for (const bad of ['ctx-1', 'ctx-1.turn-0', 'ctx-1.turn-x', '.turn-1', 'a b.turn-1', 'ctx-1.turn-1.x']) expect(parseTaskId(bad)).toBeUndefined();
  });
});

describe('taskFromState', () => {
  it('a finished turn is completed with its reply as the artifact and the status message', () => {
    const task = taskFromState(
      stateOf({
        turns: 1,
        messages: [
          { role: 'user', content: 'hi', turnId: 'turn-1' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'calculator', arguments: '{}' }], turnId: 'turn-1' },
          { role: 'tool', toolCallId: 'c1', name: 'calculator', content: '2', turnId: 'turn-1' },
          { role: 'assistant', content: 'two', turnId: 'turn-1' },
        ],
      }),
      turn(1),
    )!;
    expect(task).toMatchObject({ id: 'ctx-1.turn-1', contextId: SID, status: { state: TaskState.TASK_STATE_COMPLETED } });
    expect(task.artifacts[0]!.parts[0]!.content).toEqual({ $case: 'text', value: 'two' });
    expect(task.history.map((m) => m.parts[0]!.content)).toEqual([
      { $case: 'text', value: 'hi' },
      { $case: 'text', value: 'two' },
    ]);
  });

  it('a failed turn is failed, an interrupted or cancelled one canceled', () => {
    const ended = (error: string) =>
      taskFromState(stateOf({ turns: 1, messages: [{ role: 'user', content: 'x', turnId: 'turn-1' }, { role: 'assistant', content: '', error, turnId: 'turn-1' }] }), turn(1))!;
    expect(ended('LLM unavailable').status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(ended('turn interrupted').status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(ended('turn cancelled; rolled back 1 booking').status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  });

  it('a running turn is working, or input-required with the approval it waits for', () => {
    const running = stateOf({ turns: 0, status: 'running', messages: [{ role: 'user', content: 'x', turnId: 'turn-1' }] });
    expect(taskFromState(running, turn(1))!.status?.state).toBe(TaskState.TASK_STATE_WORKING);
    const approval = { approvalId: 'turn-1.c1', turnId: 'turn-1', toolCallId: 'c1', tool: 'save_note', arguments: '{"title":"t"}', requestedAt: 'a', expiresAt: 'b' };
    const waiting = taskFromState({ ...running, status: 'awaiting_approval', pendingApprovals: [approval] }, turn(1))!;
    expect(waiting.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(waiting.status?.message?.parts[1]!.content).toEqual({
      $case: 'data',
      value: { approvalId: 'turn-1.c1', tool: 'save_note', arguments: '{"title":"t"}', expiresAt: 'b' },
    });
  });

  it('a queued turn is submitted, a compacted one completed, one never accepted not found', () => {
    const queued = stateOf({ turns: 1, queued: 1, status: 'running', messages: [{ role: 'user', content: 'x', turnId: 'turn-2' }] });
    expect(taskFromState(queued, turn(3))!.status?.state).toBe(TaskState.TASK_STATE_SUBMITTED);
    expect(taskFromState(queued, turn(4))).toBeUndefined();
    const compacted = taskFromState(stateOf({ turns: 5, summary: { text: 's', coveredMessages: 8 } }), turn(2))!;
    expect(compacted.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(compacted.metadata).toMatchObject({ compacted: true });
    expect(taskFromState(stateOf({ turns: 0 }), turn(1))).toBeUndefined();
    // Turn 2 was cancelled while queued (it never ran); turn 3 ran after it.
    const skipped = stateOf({
      turns: 2,
      messages: [
        { role: 'user', content: 'a', turnId: 'turn-1' },
        { role: 'assistant', content: 'A', turnId: 'turn-1' },
        { role: 'user', content: 'c', turnId: 'turn-3' },
        { role: 'assistant', content: 'C', turnId: 'turn-3' },
      ],
    });
    expect(taskFromState(skipped, turn(2))!.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(taskFromState(skipped, turn(3))!.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });
});

describe('messages', () => {
  it('text and data parts make the text; approvals read "approve" or a data part, anything else denies', () => {
    const withData = { ...userMessage('see data'), parts: [...userMessage('see data').parts, { content: { $case: 'data' as const, value: { a: 1 } }, mediaType: 'application/json', filename: '', metadata: undefined }] };
    expect(textOf(withData)).toBe('see data\n{"a":1}');
    expect(decisionOf(userMessage('Approve'))).toEqual({ approve: true });
    expect(decisionOf(userMessage('yes please'))).toEqual({ approve: true });
    expect(decisionOf(userMessage('not this one'))).toEqual({ approve: false, reason: 'not this one' });
    const data = { ...userMessage(''), parts: [{ content: { $case: 'data' as const, value: { approve: false, reason: 'too risky', approvalId: 'turn-1.c1' } }, mediaType: '', filename: '', metadata: undefined }] };
    expect(decisionOf(data)).toEqual({ approve: false, reason: 'too risky', approvalId: 'turn-1.c1' });
  });
});

describe('the card without API keys', () => {
  it('names no security scheme; skills list tools, handoffs and delegates', () => {
    const card = buildAgentCard(
      { name: 'router', description: '', tools: ['calculator'], handoffs: ['billing'], delegates: ['researcher'], version: 4 },
      { origin: 'http://127.0.0.1:1', auth: false },
      'router@4',
    );
    expect(card.securitySchemes).toEqual({});
    expect(card.securityRequirements).toEqual([]);
    expect(card.version).toBe('4');
    expect(card.supportedInterfaces[0]!.url).toBe('http://127.0.0.1:1/a2a/router@4');
    expect(card.skills.map((s) => s.id)).toEqual(['router', 'tool:calculator', 'handoff:billing', 'delegate:researcher']);
  });
});

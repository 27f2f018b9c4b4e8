import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  SendMessageInputSchema,
  SessionEventSchema,
  activityIdempotencyKey,
  addUsage,
  parseSessionWorkflowId,
  tenantOfWorkflowId,
  sessionWorkflowId,
  sessionWorkflowIdPrefix,
} from '../src';

describe('message text', () => {
  it('accepts ordinary text and rejects empty, blank and oversized text with a reason', () => {
    expect(SendMessageInputSchema.safeParse({ text: 'hi' }).success).toBe(true);
    for (const text of ['', '   \n\t']) {
      const r = SendMessageInputSchema.safeParse({ text });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toMatch(/must not be empty/);
      expect(r.error?.issues[0]?.path).toEqual(['text']);
    }
    const long = SendMessageInputSchema.safeParse({ text: 'x'.repeat(LIMITS.maxMessageChars + 1) });
    expect(long.error?.issues[0]?.message).toMatch(`at most ${LIMITS.maxMessageChars}`);
    expect(SendMessageInputSchema.safeParse({ text: 'x'.repeat(LIMITS.maxMessageChars) }).success).toBe(true);
  });
});

describe('workflow ids', () => {
  it('embed the tenant and round-trip', () => {
    const id = sessionWorkflowId('acme', 'abc-123');
    expect(id.startsWith(sessionWorkflowIdPrefix('acme'))).toBe(true);
    expect(parseSessionWorkflowId(id)).toEqual({ tenant: 'acme', sessionId: 'abc-123' });
    expect(parseSessionWorkflowId('research/acme/x')).toBeUndefined();
    expect(sessionWorkflowId('a', 'x')).not.toBe(sessionWorkflowId('b', 'x'));
  });

  it('name the tenant of every hub workflow, research agents and batches included', () => {
    expect(tenantOfWorkflowId('session/acme/abc')).toBe('acme');
    expect(tenantOfWorkflowId('task/acme/t1')).toBe('acme');
    expect(tenantOfWorkflowId('research/acme/j1')).toBe('acme');
    expect(tenantOfWorkflowId('research/acme/j1/batch/2/agent/2042')).toBe('acme');
    expect(tenantOfWorkflowId('mcp-registry/acme')).toBeUndefined();
    expect(tenantOfWorkflowId('standalone')).toBeUndefined();
  });

  it('idempotency keys are workflow id + activity id', () => {
    expect(activityIdempotencyKey({ workflowExecution: { workflowId: 'session/t/s' }, activityId: 'turn-3/llm/0' })).toBe(
      'session/t/s/turn-3/llm/0',
    );
  });
});

describe('session events', () => {
  it('validate by type', () => {
    expect(SessionEventSchema.safeParse({ type: 'token', turnId: 't', delta: 'x', round: 0, attempt: 1 }).success).toBe(true);
    expect(SessionEventSchema.safeParse({ type: 'token', turnId: 't' }).success).toBe(false);
    expect(SessionEventSchema.safeParse({ type: 'nope' }).success).toBe(false);
  });

  it('usage adds up', () => {
    expect(addUsage({ promptTokens: 1, completionTokens: 2, totalTokens: 3 }, { promptTokens: 4, completionTokens: 5, totalTokens: 9 })).toEqual({
      promptTokens: 5,
      completionTokens: 7,
      totalTokens: 12,
    });
  });
});

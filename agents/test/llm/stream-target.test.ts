/**
 * A delegated agent's LLM activity publishes its token events to the root session's stream (the request's
 * `stream` target), tagged with the delegation id; without a target, to the calling workflow's own stream.
 */
import { describe, expect, it } from 'vitest';
import type { SessionEvent, StreamTarget } from '@hub/contracts';
import { tagDelegation, type SessionEventPublisherFactory } from '@hub/runtime/streams';
import { activities, llm, mockEnv, request, useScriptedLlm } from './harness';

useScriptedLlm();

/** Records the target each publisher was opened for, and what was published (tagged as the real publisher does). */
function targetRecorder() {
  const targets: Array<StreamTarget | undefined> = [];
  const events: SessionEvent[] = [];
  const factory: SessionEventPublisherFactory = (_ctx, target) => {
    targets.push(target);
    return { publish: (ev) => void events.push(target ? tagDelegation(ev, target.delegationId) : ev), close: async () => undefined };
  };
  return { targets, events, factory };
}

const reply = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');

describe('llmComplete stream target', () => {
  it('opens the publisher for the target named in the request (root session, delegation id)', async () => {
    llm.script({ reply, chunkDelayMs: 10 });
    const rec = targetRecorder();
    const res = await mockEnv().exec(
      activities({ publisher: rec.factory, streamBatchMs: 50 }).llmComplete,
      request({ stream: { turnId: 'turn-2', round: 0, workflowId: 'session/acme/root', delegationId: 'turn-2.call_1' } }),
    );
    expect(res.content).toBe(reply);
    expect(rec.targets).toEqual([{ workflowId: 'session/acme/root', delegationId: 'turn-2.call_1' }]);
    expect(rec.events.length).toBeGreaterThan(0);
    for (const ev of rec.events) expect(ev).toMatchObject({ type: 'token', turnId: 'turn-2', delegationId: 'turn-2.call_1' });
    expect(rec.events.map((e) => (e.type === 'token' ? e.delta : '')).join('')).toBe(reply);
  });

  it('without a target (or with only part of one) publishes to the calling workflow, untagged', async () => {
    llm.script({ reply, chunkDelayMs: 10 }, { reply, chunkDelayMs: 10 });
    const rec = targetRecorder();
    const acts = activities({ publisher: rec.factory, streamBatchMs: 50 });
    await mockEnv().exec(acts.llmComplete, request({ stream: { turnId: 'turn-1', round: 0 } }));
    await mockEnv().exec(acts.llmComplete, request({ stream: { turnId: 'turn-1', round: 1, workflowId: 'session/acme/root' } }));
    expect(rec.targets).toEqual([undefined, undefined]);
    for (const ev of rec.events) expect(ev).not.toHaveProperty('delegationId');
  });
});

describe('tagDelegation', () => {
  it('tags an event once: a nested delegation keeps its own id', () => {
    const ev: SessionEvent = { type: 'tool.call', turnId: 't', toolCallId: 'c', tool: 'x', arguments: '{}' };
    expect(tagDelegation(ev, 'd1')).toEqual({ ...ev, delegationId: 'd1' });
    expect(tagDelegation({ ...ev, delegationId: 'd1.c2' }, 'd1')).toEqual({ ...ev, delegationId: 'd1.c2' });
  });
});

// summarizeConversation: the summary request and an empty summary.
import { describe, expect, it } from 'vitest';
import type { SummarizeRequest, TokenUsage } from '@hub/contracts';
import { llm, useScriptedLlm, info, mockEnv, activities, failureOf } from './harness';

useScriptedLlm();

describe('summarizeConversation', () => {
  it('asks for a summary of the previous summary and messages', async () => {
    llm.script({ reply: '  The user asked about X; the assistant found Y.  ' });
    const env = mockEnv(info());
    const res = await env.exec<SummarizeRequest, { text: string; usage: TokenUsage }>(activities().summarizeConversation, {
      previousSummary: 'Earlier: the user introduced themselves as Ada.',
      messages: [
        { role: 'user', content: 'What is X?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'web__search', arguments: '{"q":"X"}' }] },
        { role: 'tool', toolCallId: 'c1', name: 'web__search', content: 'X is Y' },
        { role: 'assistant', content: 'X is Y.' },
      ],
    });
    expect(res.text).toBe('The user asked about X; the assistant found Y.');
    expect(res.usage.completionTokens).toBe(9);
    const rec = llm.chatRequests()[0];
    expect(rec?.body?.stream).toBeFalsy();
    expect(rec?.body?.model).toBe('test-model');
    expect(rec?.idempotencyKey).toBe('session/acme/s1/7');
    const prompt = JSON.stringify(rec?.body?.messages);
    for (const s of ['Ada', 'What is X?', 'web__search', 'X is Y']) expect(prompt).toContain(s);
  });

  it('an empty summary is a retryable failure', async () => {
    llm.script({ reply: '   ' });
    const env = mockEnv(info());
    const err = await failureOf(
      env.exec<SummarizeRequest, unknown>(activities().summarizeConversation, { messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(err).toMatchObject({ type: 'LlmUnavailable', nonRetryable: false });
  });
});

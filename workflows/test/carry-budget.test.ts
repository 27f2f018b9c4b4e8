/** The byte budget of a session's continue-as-new input (pure functions). */
import { describe, expect, it } from 'vitest';
import { CARRY_BUDGET, type ChatMessage, type TurnResult } from '@hub/contracts';
import { fitMessages, fitRecent, jsonBytes, streamCutOffset, truncateText, utf8Bytes } from '../src/carry-budget';

describe('carry budget', () => {
  it('counts UTF-8 bytes like Buffer.byteLength', () => {
    for (const s of ['abc', 'é', '€', '😀', 'a€😀é'.repeat(100)]) expect(utf8Bytes(s)).toBe(Buffer.byteLength(s));
  });

  it('truncates text to the byte budget and says what was left out', () => {
    const t = truncateText('€'.repeat(10_000), 3_000, 'here');
    expect(utf8Bytes(t)).toBeLessThan(3_200);
    expect(t).toMatch(/truncated here: \d+ of 10000 characters left out/);
    expect(truncateText('short', 100, 'here')).toBe('short');
  });

  it('fits a history with huge replies within the messages budget', () => {
    const messages: ChatMessage[] = [];
    for (let i = 0; i < 10; i++) {
      messages.push({ role: 'user', content: `q${i}`, turnId: `turn-${i}` });
      messages.push({ role: 'assistant', content: 'x'.repeat(1_100_000), turnId: `turn-${i}` });
    }
    const fitted = fitMessages(messages);
    expect(jsonBytes(fitted)).toBeLessThanOrEqual(CARRY_BUDGET.messagesBytes);
    expect(fitted).toHaveLength(messages.length);
    expect(fitted[0]).toEqual(messages[0]);
  });

  it('cuts the stream so the retained log fits, keeping the newest events', () => {
    const log = Array.from({ length: 100 }, (_, i) => ({ topic: 'events', data: 'y'.repeat(10_000 + i) }));
    const cut = streamCutOffset(log, 50, 100_000)!;
    expect(cut).toBeGreaterThan(50);
    expect(jsonBytes(log.slice(cut - 50))).toBeLessThanOrEqual(100_000);
    expect(streamCutOffset(log.slice(0, 2), 0, 100_000)).toBeUndefined();
  });

  it('keeps the newest recent results within their budget, long replies cut', () => {
    const result = (i: number): TurnResult => ({ turnId: `turn-${i}`, status: 'completed', reply: 'z'.repeat(100_000), usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } });
    const entries = Array.from({ length: 100 }, (_, i) => [`u${i}`, result(i)] as [string, TurnResult]);
    const kept = fitRecent(entries);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(CARRY_BUDGET.recentCount);
    expect(kept.at(-1)!.updateId).toBe('u99');
    expect(jsonBytes(kept)).toBeLessThanOrEqual(CARRY_BUDGET.recentBytes + 10_000);
  });
});

describe('a repeated create many turns later', () => {
  it('answers the first message from the conversation instead of running it again', async () => {
    const { repeatedFirstMessage } = await import('../src/session-handover');
    const messages: ChatMessage[] = [
      { role: 'user', content: 'hi', turnId: 'turn-1' },
      { role: 'assistant', content: 'hello', turnId: 'turn-1' },
    ];
    expect(repeatedFirstMessage('first-message', 70, messages)).toMatchObject({ turnId: 'turn-1', status: 'completed', reply: 'hello' });
    expect(repeatedFirstMessage('first-message', 0, [])).toBeUndefined();
    expect(repeatedFirstMessage('other', 70, messages)).toBeUndefined();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeltaCoalescer } from '../../src/llm/coalescer';

describe('DeltaCoalescer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('emits at most once per window and loses nothing', () => {
    vi.useFakeTimers();
    const out: Array<{ text: string; at: number }> = [];
    const c = new DeltaCoalescer(100, (text) => out.push({ text, at: Date.now() }));
    const words = 'the quick brown fox jumps over the lazy dog again and again'.split(' ').map((w) => `${w} `);
    for (const w of words) {
      c.push(w);
      vi.advanceTimersByTime(30);
    }
    c.flush();
    expect(out.map((o) => o.text).join('')).toBe(words.join(''));
    expect(out.length).toBeLessThan(words.length);
    for (let i = 1; i < out.length - 1; i++) expect(out[i]!.at - out[i - 1]!.at).toBeGreaterThanOrEqual(100);
  });

  it('ignores empty deltas and flush on an empty buffer', () => {
    const out: string[] = [];
    const c = new DeltaCoalescer(100, (t) => out.push(t));
    c.push('');
    c.flush();
    expect(out).toEqual([]);
  });
});

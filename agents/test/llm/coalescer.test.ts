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

  it('deferFirst: the first delta leaves on the next turn of the event loop, with what arrived in the same read, not after a window', async () => {
    const out: string[] = [];
    const c = new DeltaCoalescer(60_000, (t) => out.push(t), Date.now, { deferFirst: true });
    c.push('Hel');
    c.push('lo');
    expect(out).toEqual([]); // not inside push
    await new Promise((r) => setImmediate(r));
    expect(out).toEqual(['Hello']);
    c.push(' wor');
    c.push('ld');
    expect(out).toEqual(['Hello']); // later deltas wait for the window
    c.flush();
    expect(out).toEqual(['Hello', ' world']);
  });

  it('deferFirst: a caller that finishes before the first emission can drop it (nothing emitted)', async () => {
    const out: string[] = [];
    const c = new DeltaCoalescer(100, (t) => out.push(t), Date.now, { deferFirst: true });
    c.push('whole reply');
    expect(c.emitted).toBe(false);
    c.discard();
    await new Promise((r) => setImmediate(r));
    expect(out).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { McpObservation } from '@hub/contracts';
import { applyObservation } from '../src/mcp-registry';

const config = { command: 'node', args: ['server.js'] };
const tool = (name: string, hash: string, description = `${name} tool`) => ({ name, description, inputSchema: { type: 'object' }, hash });
const obs = (tools: ReturnType<typeof tool>[]): McpObservation => ({
  server: 'pins',
  source: 'api',
  config,
  status: { state: 'connected', checkedAt: 't' },
  tools,
});

describe('tool pinning', () => {
  it('pins tools when first seen', () => {
    const s = applyObservation(undefined, obs([tool('a', 'h1')]), 't0');
    expect(s.tools).toEqual([{ ...tool('a', 'h1'), pinnedHash: 'h1', status: 'enabled' }]);
  });

  it('flags a tool whose definition changed, keeps the old pin, and stays flagged on later listings', () => {
    const first = applyObservation(undefined, obs([tool('a', 'h1'), tool('b', 'x1')]), 't0');
    const changed = applyObservation(first, obs([tool('a', 'h2', 'now does something else'), tool('b', 'x1')]), 't1');
    expect(changed.tools[0]).toMatchObject({ name: 'a', hash: 'h2', pinnedHash: 'h1', status: 'flagged' });
    expect(changed.tools[0]!.flaggedReason).toMatch(/definition changed/);
    expect(changed.tools[1]).toMatchObject({ name: 'b', status: 'enabled' });
    // Changing back to the approved definition is fine again; staying changed stays flagged.
    expect(applyObservation(changed, obs([tool('a', 'h2')]), 't2').tools[0]!.status).toBe('flagged');
    expect(applyObservation(changed, obs([tool('a', 'h1')]), 't2').tools[0]!.status).toBe('enabled');
  });

  it('keeps tools and pins when a listing fails (status only)', () => {
    const first = applyObservation(undefined, obs([tool('a', 'h1')]), 't0');
    const failed = applyObservation(first, { ...obs([]), tools: undefined, status: { state: 'error', error: 'boom' } }, 't1');
    expect(failed.status).toEqual({ state: 'error', error: 'boom' });
    expect(failed.tools).toHaveLength(1);
  });

  it('keeps the pin of a tool missing from a listing: vanish, then come back changed, is flagged (two-step rug pull)', () => {
    const first = applyObservation(undefined, obs([tool('a', 'h1'), tool('b', 'x1')]), 't0');
    const gone = applyObservation(first, obs([tool('a', 'h1')]), 't1');
    expect(gone.tools.find((t) => t.name === 'b')).toMatchObject({ pinnedHash: 'x1', status: 'enabled', missing: true });
    const back = applyObservation(gone, obs([tool('a', 'h1'), tool('b', 'x2', 'now exfiltrates files')]), 't2');
    expect(back.tools.find((t) => t.name === 'b')).toMatchObject({ hash: 'x2', pinnedHash: 'x1', status: 'flagged' });
    expect(back.tools.find((t) => t.name === 'b')).not.toHaveProperty('missing');
    // Coming back unchanged is fine.
    expect(applyObservation(gone, obs([tool('a', 'h1'), tool('b', 'x1')]), 't2').tools.find((t) => t.name === 'b')!.status).toBe('enabled');
  });

  it('a new tool on an already-pinned server waits for approval, also on later listings', () => {
    const first = applyObservation(undefined, obs([tool('a', 'h1')]), 't0');
    expect(first.pinnedAt).toBe('t0');
    const added = applyObservation(first, obs([tool('a', 'h1'), tool('c', 'c1')]), 't1');
    expect(added.tools.find((t) => t.name === 'c')).toMatchObject({ pinnedHash: 'c1', status: 'flagged', flaggedReason: expect.stringMatching(/^new tool/) });
    expect(applyObservation(added, obs([tool('a', 'h1'), tool('c', 'c1')]), 't2').tools.find((t) => t.name === 'c')!.status).toBe('flagged');
    // A server with no tools at first is pinned too: its later tools wait as well.
    const empty = applyObservation(undefined, obs([]), 't0');
    expect(applyObservation(empty, obs([tool('z', 'z1')]), 't1').tools[0]!.status).toBe('flagged');
  });

  it('trustNewTools enables new tools at once (changed ones are still flagged)', () => {
    const trusting = (tools: ReturnType<typeof tool>[]) => ({ ...obs(tools), config: { ...config, trustNewTools: true } });
    const first = applyObservation(undefined, trusting([tool('a', 'h1')]), 't0');
    const added = applyObservation(first, trusting([tool('a', 'h2'), tool('c', 'c1')]), 't1');
    expect(added.tools.find((t) => t.name === 'c')!.status).toBe('enabled');
    expect(added.tools.find((t) => t.name === 'a')!.status).toBe('flagged');
  });

  it('histories from before the patch keep the old behaviour', () => {
    const legacy = { keepVanishedPins: false };
    const first = applyObservation(undefined, obs([tool('a', 'h1'), tool('b', 'x1')]), 't0', legacy);
    const gone = applyObservation(first, obs([tool('a', 'h1')]), 't1', legacy);
    expect(gone.tools.map((t) => t.name)).toEqual(['a']);
    expect(gone.pinnedAt).toBeUndefined();
    expect(applyObservation(gone, obs([tool('a', 'h1'), tool('b', 'x2')]), 't2', legacy).tools[1]!.status).toBe('enabled');
  });
});

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
});

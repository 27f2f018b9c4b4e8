/** The agent registry's rules as plain code: limits, the byte budget of what it carries. */
import { describe, expect, it } from 'vitest';
import { AGENT_LIMITS, AGENT_REGISTRY_BUDGET, type AgentDefinition } from '@hub/contracts';
import { AgentStore } from '../src/agent-registry-store';
import { jsonBytes } from '../src/carry-budget';

const def = (name: string, instructions = `You are ${name}.`): AgentDefinition => ({
  name,
  description: '',
  instructions,
  temperature: 0,
  tools: [],
  maxToolRounds: 1,
  handoffs: [],
  delegates: [],
});
const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();

describe('AgentStore', () => {
  it('answers a put equal to the latest version with that version (no new version)', () => {
    const store = new AgentStore();
    store.put(def('same'), at(1));
    const v2 = store.put(def('same', 'changed'), at(2));
    expect(store.put(def('same', 'changed'), at(3))).toBe(v2);
    expect(store.agents.get('same')!.map((r) => r.version)).toEqual([1, 2]);
  });

  it('refuses more than maxAgentsPerTenant agents (remote agents count too)', () => {
    const store = new AgentStore();
    for (let i = 0; i < AGENT_LIMITS.maxAgentsPerTenant; i++) store.put(def(`a${i}`), at(i));
    expect(store.refusePut({ definition: def('one-more'), mode: 'create', fixed: [] })).toMatchObject({ type: 'AgentLimit' });
    // A new version of a stored agent is still fine.
    expect(store.refusePut({ definition: def('a1', 'again'), mode: 'update', fixed: [] })).toBeUndefined();
  });

  it('drops the oldest non-latest versions to fit the carried budget, never a latest one', () => {
    const store = new AgentStore();
    const big = 'x'.repeat(30_000);
    for (let v = 0; v < 15; v++) for (const name of ['a', 'b', 'c']) store.put(def(name, `${big}${v}`), at(v * 3 + name.charCodeAt(0)));
    expect(jsonBytes(store.carried())).toBeGreaterThan(1_000_000);
    store.fitBudget(400_000);
    expect(jsonBytes(store.carried())).toBeLessThanOrEqual(400_000);
    for (const name of ['a', 'b', 'c']) expect(store.latest(name)!.version).toBe(15);
    // The default budget holds at least the latest versions.
    expect(AGENT_REGISTRY_BUDGET.latestBytes).toBeLessThan(AGENT_REGISTRY_BUDGET.totalBytes);
  });

  it('refuses a put whose latest versions would pass the byte budget', () => {
    const store = new AgentStore();
    const big = 'y'.repeat(AGENT_LIMITS.maxInstructionsChars);
    let refused;
    for (let i = 0; i < AGENT_LIMITS.maxAgentsPerTenant && !refused; i++) {
      refused = store.refusePut({ definition: def(`big${i}`, big), mode: 'create', fixed: [] });
      if (!refused) store.put(def(`big${i}`, big), at(i));
    }
    expect(refused).toMatchObject({ type: 'AgentLimit', message: expect.stringContaining('bytes') });
    expect(jsonBytes(store.carried())).toBeLessThanOrEqual(AGENT_REGISTRY_BUDGET.totalBytes);
  });
});

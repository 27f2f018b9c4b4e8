import { describe, expect, it } from 'vitest';
import { AgentProfileSchema, DEFAULTS } from '@hub/contracts';
import { DEFAULT_PROFILE_NAME, PROFILES, getProfile, listProfiles } from '../src/profiles';

describe('profiles', () => {
  it('has a valid default assistant profile', () => {
    const a = getProfile('assistant');
    expect(a).toBeDefined();
    expect(a?.tools).toEqual(['*']);
    expect(a?.maxToolRounds).toBe(8);
    expect(a?.temperature).toBe(0.2);
    expect(DEFAULT_PROFILE_NAME).toBe(DEFAULTS.agent);
    expect(getProfile(DEFAULTS.agent)).toBe(a);
  });

  it('has a researcher profile with all tools', () => {
    expect(getProfile('researcher')?.tools).toEqual(['*']);
  });

  it('has research-job roles that use no tools', () => {
    expect(getProfile('research-planner')).toMatchObject({ tools: [], maxToolRounds: 0 });
    expect(getProfile('research-synthesizer')).toMatchObject({ tools: [], maxToolRounds: 0 });
  });

  it('validates every profile against the shared schema and keys them by name', () => {
    const all = listProfiles();
    expect(all.map((p) => p.name)).toEqual(['assistant', 'researcher', 'research-planner', 'research-synthesizer']);
    for (const p of all) {
      expect(AgentProfileSchema.parse(p)).toEqual(p);
      expect(PROFILES[p.name]).toBe(p);
    }
  });

  it('returns undefined for unknown names (including prototype keys)', () => {
    expect(getProfile('nope')).toBeUndefined();
    expect(getProfile('toString')).toBeUndefined();
    expect(getProfile('__proto__')).toBeUndefined();
  });

  it('is immutable', () => {
    expect(Object.isFrozen(PROFILES)).toBe(true);
    expect(Object.isFrozen(PROFILES.assistant)).toBe(true);
  });
});

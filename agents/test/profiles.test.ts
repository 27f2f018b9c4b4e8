import { describe, expect, it } from 'vitest';
import { AgentProfileSchema, AgentRecordSchema, DEFAULTS, delegateToolName, handoffToolName, resolveTeam } from '@hub/contracts';
import { BUILTIN_AGENTS, DEFAULT_PROFILE_NAME, PROFILES, buildDefinitions, getProfile, listProfiles } from '../src/profiles';

describe('built-in agents', () => {
  it('has a valid default assistant profile', () => {
    const a = getProfile('assistant');
    expect(a).toBeDefined();
    expect(a).toMatchObject({ tools: ['*'], maxToolRounds: 8, temperature: 0.2, version: 1, source: 'builtin', handoffs: [], delegates: [] });
    expect(DEFAULT_PROFILE_NAME).toBe(DEFAULTS.agent);
    expect(getProfile(DEFAULTS.agent)).toBe(a);
  });

  it('has a researcher with all tools and research-job roles that use no tools', () => {
    expect(getProfile('researcher')?.tools).toEqual(['*']);
    expect(getProfile('research-planner')).toMatchObject({ tools: [], maxToolRounds: 0 });
    expect(getProfile('research-synthesizer')).toMatchObject({ tools: [], maxToolRounds: 0 });
  });

  it('are ordinary definitions (records of version 1, source builtin) whose profiles carry their instructions', () => {
    expect(BUILTIN_AGENTS.map((a) => a.name)).toEqual([
      'assistant', 'researcher', 'research-planner', 'research-synthesizer', 'team-lead', 'fact-finder', 'writer', 'triage', 'billing', 'tech-support',
    ]);
    for (const record of BUILTIN_AGENTS) {
      expect(AgentRecordSchema.parse(record)).toEqual(record);
      expect(record).toMatchObject({ version: 1, source: 'builtin' });
      const p = getProfile(record.name)!;
      expect(AgentProfileSchema.parse(p)).toEqual(p);
      expect(p.systemPrompt).toBe(record.instructions);
      expect(PROFILES[p.name]).toBe(p);
    }
    expect(listProfiles().map((p) => p.name)).toEqual(BUILTIN_AGENTS.map((a) => a.name));
  });

  it('ship a supervisor team and a router whose teams resolve and whose instructions name their tools', () => {
    const lead = getProfile('team-lead')!;
    expect(lead.delegates).toEqual(['fact-finder', 'writer']);
    const team = resolveTeam(lead, getProfile);
    expect(team.ok && team.team.map((p) => p.name)).toEqual(['team-lead', 'fact-finder', 'writer']);
    for (const d of lead.delegates!) expect(lead.systemPrompt).toContain(delegateToolName(d));

    const triage = getProfile('triage')!;
    const routed = resolveTeam(triage, getProfile);
    expect(routed.ok && routed.team.map((p) => p.name).sort()).toEqual(['billing', 'tech-support', 'triage']);
    for (const h of triage.handoffs!) expect(triage.systemPrompt).toContain(handoffToolName(h));
    expect(getProfile('billing')!.handoffs).toEqual(['triage']);
  });

  it('refuses a bad definition naming the agent and the field', () => {
    expect(() => buildDefinitions([{ name: 'x', instructions: 'hi', delegates: ['nobody'] }], 'config', BUILTIN_AGENTS)).toThrow(
      "agent 'x': delegates[0]: unknown agent 'nobody'",
    );
    expect(() => buildDefinitions([{ name: 'x', instructions: ' ' }], 'config')).toThrow(/agent 'x': instructions: instructions must not be empty/);
    // A config agent may name built-in ones (and replace one of the same name).
    const [writer] = buildDefinitions([{ name: 'writer', instructions: 'Write tersely.', delegates: ['fact-finder'] }], 'config', BUILTIN_AGENTS);
    expect(writer).toMatchObject({ name: 'writer', source: 'config', version: 1, delegates: ['fact-finder'] });
  });

  it('returns undefined for unknown names (including prototype keys) and is immutable', () => {
    expect(getProfile('nope')).toBeUndefined();
    expect(getProfile('toString')).toBeUndefined();
    expect(getProfile('__proto__')).toBeUndefined();
    expect(Object.isFrozen(PROFILES)).toBe(true);
    expect(Object.isFrozen(PROFILES.assistant)).toBe(true);
    expect(Object.isFrozen(BUILTIN_AGENTS[0])).toBe(true);
  });
});

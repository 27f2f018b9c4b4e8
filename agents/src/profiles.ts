/**
 * The built-in agents as profiles (what workflows run): each is `profileOf` a built-in
 * definition (`./definitions`, source `builtin`, version 1). Pure values (no I/O).
 * The gateway resolves agents through its agent service (built-in, hub.config and the
 * tenant's own); these helpers serve callers that need only the built-in ones (benches, tests).
 */
import { DEFAULTS, profileOf, type AgentProfile } from '@hub/contracts';
import { BUILTIN_AGENTS } from './definitions';

export { BUILTIN_AGENTS, buildDefinitions } from './definitions';

function buildProfiles(): Record<string, AgentProfile> {
  const out: Record<string, AgentProfile> = Object.create(null) as Record<string, AgentProfile>;
  for (const record of BUILTIN_AGENTS) {
    const p = profileOf(record);
    out[p.name] = Object.freeze({
      ...p,
      tools: Object.freeze([...p.tools]) as string[],
      handoffs: Object.freeze([...(p.handoffs ?? [])]) as string[],
      delegates: Object.freeze([...(p.delegates ?? [])]) as string[],
    });
  }
  return Object.freeze(out);
}

/** All built-in profiles by name (frozen). */
export const PROFILES: Record<string, AgentProfile> = buildProfiles();

/** Name of the profile used when a session does not ask for one. */
export const DEFAULT_PROFILE_NAME: string = DEFAULTS.agent;

/** The built-in profile with this name, or undefined. */
export function getProfile(name: string): AgentProfile | undefined {
  return Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined;
}

/** All built-in profiles, in a stable (declaration) order. */
export function listProfiles(): AgentProfile[] {
  return Object.values(PROFILES);
}

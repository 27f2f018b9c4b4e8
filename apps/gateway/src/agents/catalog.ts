/**
 * The agents every tenant has: the built-in definitions and the operator's (hub.config.json
 * `agents`, read-only through the API; a config agent of a built-in's name replaces it). Checked
 * when the gateway starts: a bad definition or reference fails startup, naming the agent and field.
 * Also the pure half of resolving an agent reference into the pinned profile and its team.
 */
import {
  AGENT_LIMITS,
  profileOf,
  remoteAgentProfile,
  resolveTeam,
  type AgentGraphNode,
  type AgentProfile,
  type AgentRecord,
  type HubConfig,
  type RemoteAgentRecord,
} from '@hub/contracts';
import { buildDefinitions } from '@hub/agents/profiles';
import { ApiError } from '../http/errors';
import type { ProfileSource } from '../profiles';

export interface FixedAgents {
  /** Built-in and config agents, by name (config wins). */
  byName: ReadonlyMap<string, AgentRecord>;
  /** Their graph nodes (what the registry checks stored agents against). */
  nodes: AgentGraphNode[];
  /** Their profiles as a source (the defaults of research jobs and of the session's research tool). */
  profiles: ProfileSource;
}

const LOADED_AT = new Date().toISOString();

/** A built-in profile (a fixture's or `@hub/agents`') as a record of version 1. */
export function recordOfProfile(p: AgentProfile, source: AgentRecord['source'] = 'builtin'): AgentRecord {
  return {
    name: p.name,
    description: p.description,
    instructions: p.systemPrompt,
    ...(p.model ? { model: p.model } : {}),
    temperature: p.temperature,
    tools: [...p.tools],
    maxToolRounds: p.maxToolRounds,
    handoffs: [...(p.handoffs ?? [])],
    delegates: [...(p.delegates ?? [])],
    ...(p.outputSchema ? { outputSchema: p.outputSchema } : {}),
    version: p.version ?? 1,
    source: p.source ?? source,
    createdAt: LOADED_AT,
    updatedAt: LOADED_AT,
  };
}

/** The fixed agents of `builtin` and the config file; throws `hub.config.json agents: agent 'x': <field>: <problem>`. */
export function fixedAgents(builtin: ProfileSource, hubConfig: HubConfig): FixedAgents {
  const base = builtin.list().map((p) => recordOfProfile(p));
  let config: AgentRecord[];
  try {
    config = buildDefinitions(Object.entries(hubConfig.agents ?? {}).map(([name, fields]) => ({ ...fields, name })), 'config', base);
  } catch (err) {
    throw new Error(`hub.config.json agents: ${err instanceof Error ? err.message : String(err)}`);
  }
  const byName = new Map<string, AgentRecord>(base.map((r) => [r.name, r]));
  for (const r of config) byName.set(r.name, r);
  const profiles = new Map([...byName.values()].map((r) => [r.name, profileOf(r)]));
  return {
    byName,
    nodes: [...byName.values()].map((r) => ({ name: r.name, handoffs: r.handoffs, delegates: r.delegates })),
    profiles: { get: (name) => profiles.get(name), list: () => [...profiles.values()] },
  };
}

export const unknownAgent = (field: string, ref: string, available: string[]): ApiError =>
  new ApiError(400, 'invalid_request', `unknown agent ${JSON.stringify(ref)}`, { field, available });

/**
 * The team of `root`: it and everything it reaches through handoffs and delegates, each at its
 * latest version (`stored` are the tenant's latest records; fixed agents and remote agents beside them).
 */
export function teamOf(
  root: AgentProfile,
  fixed: FixedAgents,
  stored: readonly AgentRecord[],
  remotes: readonly RemoteAgentRecord[],
  field: string,
): AgentProfile[] {
  const storedByName = new Map(stored.map((r) => [r.name, r]));
  const remoteByName = new Map(remotes.map((r) => [r.name, r]));
  const lookup = (name: string): AgentProfile | undefined => {
    const f = fixed.byName.get(name);
    if (f) return profileOf(f);
    const s = storedByName.get(name);
    if (s) return profileOf(s);
    const r = remoteByName.get(name);
    return r ? remoteAgentProfile(r) : undefined;
  };
  const resolved = resolveTeam(root, lookup, AGENT_LIMITS.maxTeamSize);
  if (!resolved.ok) throw new ApiError(400, 'invalid_request', `${field}: ${resolved.message}`, { field });
  return resolved.team;
}

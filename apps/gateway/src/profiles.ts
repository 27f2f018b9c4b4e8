/**
 * Where the gateway finds agents: a static source of profiles by name (the built-in agents,
 * `@hub/agents/profiles` in production, fixtures in tests; with the hub.config agents added, the
 * agent service's `fixed`), and the resolver of a tenant's agent references (the agent service).
 */
import type { AgentProfile } from '@hub/contracts';
import type { RequestContext } from './request-context';

export interface ProfileSource {
  get(name: string): AgentProfile | undefined;
  list(): AgentProfile[];
}

/** Resolves `name` or `name@3` for a tenant: the pinned profile and its team (400 naming `field` when unknown). */
export interface AgentResolver {
  resolve(ctx: RequestContext, ref: string, field?: string): Promise<{ profile: AgentProfile; team: AgentProfile[] }>;
}

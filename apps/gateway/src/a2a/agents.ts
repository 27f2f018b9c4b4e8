/**
 * The agents the A2A endpoint serves: what a card needs of an agent (name, description, tools) and how it is
 * looked up for the request's tenant. `agentsFromProfiles` adapts the gateway's profile source; the agent
 * registry's service fits the same shape.
 */
import type { AgentProfile } from '@hub/contracts';
import { ApiError } from '../http/errors';
import type { ProfileSource } from '../profiles';
import type { RequestContext } from '../request-context';

/** What the A2A endpoint reads of an agent. */
export interface ServedAgent {
  name: string;
  description: string;
  /** Tool names or globs it may use (the card's skills). */
  tools: string[];
  version?: number | undefined;
  handoffs?: string[] | undefined;
  delegates?: string[] | undefined;
}

/** The tenant's agents; `get` throws a 404 ApiError for an unknown name (or version). */
export interface AgentDirectory {
  get(ctx: RequestContext, name: string, version?: number): Promise<ServedAgent>;
}

export const agentNotFound = (name: string): ApiError => new ApiError(404, 'not_found', `agent '${name}' not found`, { agent: name });

const served = (p: AgentProfile): ServedAgent => ({
  name: p.name,
  description: p.description,
  tools: [...p.tools],
  version: p.version,
  handoffs: p.handoffs,
  delegates: p.delegates,
});

/** The directory of a profile source (the same agents for every tenant). */
export function agentsFromProfiles(profiles: ProfileSource): AgentDirectory {
  return {
    get(_ctx, name) {
      const profile = profiles.get(name);
      if (!profile) return Promise.reject(agentNotFound(name));
      return Promise.resolve(served(profile));
    },
  };
}

/**
 * The agents the A2A endpoint serves: what a card needs of an agent (name, description, tools) and how it is
 * looked up for the request's tenant. The agent service (agents/service.ts) is one: its records have this shape.
 */
import { ApiError } from '../http/errors';
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

/** The tenant's agents; `get` throws a 404 ApiError (`agent_not_found`) for an unknown name or version. */
export interface AgentDirectory {
  get(ctx: RequestContext, name: string, version?: number): Promise<ServedAgent>;
}

/** The 404 of an agent ref that names no agent (or is no agent ref at all). */
export const agentNotFound = (ref: string): ApiError => new ApiError(404, 'agent_not_found', `no agent named '${ref}'`, { agent: ref });

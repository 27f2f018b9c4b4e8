/**
 * An agent's A2A agent card (protocol 1.0, the SDK's shape): its skills from the description and tools, the
 * JSON-RPC endpoint (declared for protocol 1.0 and, through the SDK's compatibility layer, 0.3), streaming,
 * and the hub's bearer API keys as the security scheme when keys are configured.
 */
import { AgentCard, type AgentSkill } from '@a2a-js/sdk';
import { duplicateInterfacesForLegacy } from '@a2a-js/sdk/compat/v0_3';
import type { ServedAgent } from './agents';

export const A2A_PREFIX = '/a2a';
/** The card's path below an agent's base URL (the SDK's `AGENT_CARD_PATH`). */
export const CARD_PATH = '.well-known/agent-card.json';
export const BEARER_SCHEME = 'bearer';

export interface CardOptions {
  /** The gateway's origin as the caller reached it (`http://host:port`). */
  origin: string;
  /** Whether the hub's API keys are enforced (HUB_API_KEYS set): then the card names the bearer scheme. */
  auth: boolean;
}

/** An agent's A2A URL; `ref` is its name or `name@version` (both URL-safe: AGENT_REF_RE). */
export const agentBaseUrl = (origin: string, ref: string): string => `${origin}${A2A_PREFIX}/${ref}`;

const skill = (id: string, name: string, description: string, tags: string[]): AgentSkill => ({
  id,
  name,
  description,
  tags,
  examples: [],
  inputModes: [],
  outputModes: [],
  securityRequirements: [],
});

/** The skills: the agent itself (its description), then one per tool pattern, handoff and delegate. */
export function skillsOf(agent: ServedAgent): AgentSkill[] {
  const skills = [skill(agent.name, agent.name, agent.description || `The ${agent.name} agent`, ['agent'])];
  for (const tool of agent.tools) {
    const all = tool === '*';
    skills.push(skill(`tool:${tool}`, all ? 'all tools' : tool, all ? 'Uses any tool the hub offers' : `Uses the tool(s) ${tool}`, ['tool']));
  }
  for (const to of agent.handoffs ?? []) skills.push(skill(`handoff:${to}`, `transfer to ${to}`, `Hands the conversation over to the ${to} agent`, ['handoff']));
  for (const to of agent.delegates ?? []) skills.push(skill(`delegate:${to}`, `ask ${to}`, `Asks the ${to} agent to do part of the work`, ['delegate']));
  return skills;
}

/** The card of `agent` as served at `ref` (its name, or `name@version` for a pinned version). */
export function buildAgentCard(agent: ServedAgent, opts: CardOptions, ref: string = agent.name): AgentCard {
  const url = agentBaseUrl(opts.origin, ref);
  return {
    name: agent.name,
    description: agent.description || `The ${agent.name} agent of the hub`,
    supportedInterfaces: duplicateInterfacesForLegacy([{ url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }], ['JSONRPC']),
    provider: { organization: 'Agent Hub', url: opts.origin },
    version: String(agent.version ?? 1),
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: opts.auth
      ? {
          [BEARER_SCHEME]: {
            scheme: {
              $case: 'httpAuthSecurityScheme',
              value: { scheme: 'Bearer', bearerFormat: '', description: "An API key of the hub (HUB_API_KEYS); it picks the caller's tenant" },
            },
          },
        }
      : {},
    securityRequirements: opts.auth ? [{ schemes: { [BEARER_SCHEME]: { list: [] } } }] : [],
    defaultInputModes: ['text/plain', 'application/json'],
    defaultOutputModes: ['text/plain'],
    skills: skillsOf(agent),
    signatures: [],
  };
}

/** The card as JSON (the protocol's JSON form of the SDK's object). */
export const cardJson = (card: AgentCard): unknown => AgentCard.toJSON(card);

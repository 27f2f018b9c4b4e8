/**
 * The zod-free half of the agent registry: one entity workflow per tenant (id
 * `agentRegistryWorkflowId(tenant)` in `../agent/wire`) holding the agents the
 * tenant defined through the API, with their versions. Its Temporal messages,
 * the input it carries across continue-as-new, its byte budget, the failure
 * types its validators throw, and the check its Update validators run (a zod
 * schema built from the zod the caller passes, so this module stays free of zod
 * at runtime). Built-in and hub.config agents are not stored: the gateway
 * passes their graph nodes in each put, so the graph check (unknown handoff or
 * delegate, self reference, delegation cycle) runs atomically in the workflow.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ZodBuilders } from '../common/wire';
import { AGENT_LIMITS, AGENT_NAME_RE, type AgentDefinition, type AgentGraphNode, type AgentRecord } from '../agent/wire';
import type { StoredRemoteAgent } from '../a2a/wire';

/** What the registry carries to its next run, in bytes of JSON (payloads stay well under Temporal's 2 MB). */
export const AGENT_REGISTRY_BUDGET = {
  /** Everything carried (every kept version): older versions are dropped first (the latest one always stays). */
  totalBytes: 1_200_000,
  /** The latest versions of all the tenant's agents: a put that would pass it is refused. */
  latestBytes: 800_000,
  /** Changes after which the registry continues as new (or sooner, when Temporal suggests it). */
  changesPerRun: 500,
} as const;

/** `ApplicationFailure` types of the registry's validators (the gateway maps them to HTTP statuses). */
export const AGENT_REGISTRY_FAILURES = {
  /**
   * 400: the definition or a reference is invalid; the message starts with the field (`delegates[0]: unknown agent 'x'`),
   * and the failure's details are `[{ issues: [{ path, message }] }]`.
   */
  invalid: 'InvalidInput',
  /** 409: a create of a name the tenant already has. */
  exists: 'AgentExists',
  /** 404: no stored agent with this name (or version). */
  notFound: 'AgentNotFound',
  /** 404: no remote A2A agent with this name. */
  remoteNotFound: 'RemoteAgentNotFound',
  /** 409: a delete of an agent other stored agents still name. */
  inUse: 'AgentInUse',
  /** 409: the name is a built-in or hub.config agent (read-only), or a remote agent's. */
  reserved: 'AgentReserved',
  /** 429: more agents, or more bytes of agents, than a tenant may store. */
  limit: 'AgentLimit',
} as const;

/** Input of `putAgent`: a create (`mode: 'create'`) or a new version of a stored agent (`'update'`). */
export interface PutAgentInput {
  definition: AgentDefinition;
  mode: 'create' | 'update';
  /**
   * The agents every tenant has (built-in and hub.config), as graph nodes: a stored agent may
   * name them in handoffs and delegates, and their names are not available to the tenant.
   */
  fixed: AgentGraphNode[];
}

/** One stored agent: its kept versions, oldest first (the last is the latest). */
export interface StoredAgent {
  name: string;
  versions: AgentRecord[];
}

/** Input of the registry workflow: the tenant, and what the previous run carried. */
export interface AgentRegistryInput {
  tenant: string;
  agents?: StoredAgent[];
  /** Remote A2A agents (`../a2a/wire`: their messages and record), in the same namespace of names. */
  remotes?: StoredRemoteAgent[];
}

// ---- Temporal messages (one workflow per tenant) ----------------------------------------

/** Creates an agent (version 1) or stores a new version; answers the stored record. */
export const putAgentUpdate = defineUpdate<AgentRecord, [PutAgentInput]>('putAgent');
/** Deletes an agent and all its versions; answers its latest record. Refused while another stored agent names it. */
export const deleteAgentUpdate = defineUpdate<AgentRecord, [{ name: string }]>('deleteAgent');
/** The latest version of every stored agent, by name. */
export const listAgentsQuery = defineQuery<AgentRecord[]>('listAgents');
/** One agent: its latest version, or `version`; undefined when there is none. */
export const getAgentQuery = defineQuery<AgentRecord | undefined, [{ name: string; version?: number }]>('getAgent');
/** The kept versions of an agent, newest first; undefined when there is no such agent. */
export const agentVersionsQuery = defineQuery<AgentRecord[] | undefined, [{ name: string }]>('agentVersions');

// ---- the validators' schema -------------------------------------------------------------

/**
 * The shape the registry's validator checks a definition against (the gateway validated it
 * already with `AgentDefinitionSchema`; this is the workflow's own guard for any caller).
 * `outputSchema` is checked by size and kind by the caller (a JSON object).
 */
export function agentDefinitionCheckSchema(zod: ZodBuilders) {
  const name = zod.string().regex(AGENT_NAME_RE, { message: 'agent names are slugs: lowercase letters, digits and "-", at most 48 characters' });
  return zod.object({
    name,
    description: zod.string().max(AGENT_LIMITS.maxDescriptionChars),
    instructions: zod
      .string()
      .max(AGENT_LIMITS.maxInstructionsChars)
      .refine((s) => s.trim().length > 0, { message: 'instructions must not be empty' }),
    model: zod.string().min(1).max(200).optional(),
    temperature: zod.number().min(0).max(2),
    tools: zod.array(zod.string().min(1).max(128)).max(AGENT_LIMITS.maxTools),
    maxToolRounds: zod.number().int().min(0).max(50),
    handoffs: zod.array(name).max(AGENT_LIMITS.maxHandoffs),
    delegates: zod.array(name).max(AGENT_LIMITS.maxDelegates),
  });
}

/** Why `outputSchema` is refused, or undefined when it is fine (a JSON object within the size limit). */
export function outputSchemaProblem(schema: unknown): string | undefined {
  if (schema === undefined) return undefined;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return 'outputSchema must be a JSON object';
  if (JSON.stringify(schema).length > AGENT_LIMITS.maxOutputSchemaBytes) return `outputSchema must be at most ${AGENT_LIMITS.maxOutputSchemaBytes} bytes of JSON`;
  if ((schema as Record<string, unknown>)['type'] !== 'object') return 'outputSchema must be a JSON Schema of an object ("type": "object")';
  return undefined;
}

/** The stored agents that name `name` in their latest handoffs or delegates. */
export function agentsNaming(name: string, agents: Iterable<AgentGraphNode>): string[] {
  const out: string[] = [];
  for (const a of agents) if (a.name !== name && (a.handoffs.includes(name) || a.delegates.includes(name))) out.push(a.name);
  return out;
}

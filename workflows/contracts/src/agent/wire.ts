/**
 * The zod-free half of agents: the conversation, profiles, tools and token
 * usage as plain types, the activities an agent turn calls, and usage
 * arithmetic. Workflow code imports this at runtime; the schemas of the same
 * shapes (checked against these types) are in `./schemas`.
 */

import { addCost, type ModelFallback, type ModelRoute, type ModelServed } from '../models/wire';

export interface ToolCall {
  id: string;
  name: string;
  /** JSON-encoded arguments, exactly as the model produced them. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'user'; content: string; turnId?: string }
  | {
      role: 'assistant';
      content: string;
      toolCalls?: ToolCall[];
      turnId?: string;
      /** Set when the turn failed: the message explains why; it is shown to users and not sent to the model. */
      error?: string;
    }
  | { role: 'tool'; toolCallId: string; name: string; content: string; turnId?: string };

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** What the calls cost in US dollars, from the model price table (unset: no price known). */
  costUsd?: number;
}

/**
 * An agent as a workflow runs it: a pinned version of an {@link AgentDefinition}
 * (`systemPrompt` is its `instructions`). Sessions, delegations and research
 * jobs carry the profiles they use in their input, so editing an agent never
 * changes a running workflow. The fields after `maxToolRounds` are optional:
 * histories from before agent definitions carry profiles without them.
 */
export interface AgentProfile {
  name: string;
  description: string;
  systemPrompt: string;
  /** Model alias or id, or aliases tried in order (`../models/wire`); empty means the deployment default (HUB_MODEL). */
  model?: ModelRoute;
  temperature: number;
  /** Tool names or globs (`*`, `server__*`) the agent may use. */
  tools: string[];
  /** Most LLM calls in one turn that may request tools before the agent must answer. */
  maxToolRounds: number;
  /** The definition's version this profile pins (1, 2, …). */
  version?: number;
  /** Where the definition comes from. */
  source?: AgentSource;
  /** Agents it may transfer the conversation to (tools `transfer_to_<name>`). */
  handoffs?: string[];
  /** Agents it may call as tools (tools `ask_<name>`), each run as a child workflow. */
  delegates?: string[];
  /** JSON Schema of a structured final answer. */
  outputSchema?: Record<string, unknown>;
  /** Set for a remote A2A agent (used only as a delegate): its JSON-RPC endpoint, from its agent card. */
  remote?: { url: string; cardUrl: string };
}

export type AgentSource = 'builtin' | 'config' | 'api' | 'remote';

/** Agents users define (API, config). Shorter names than profiles: tool names `transfer_to_<name>` stay within 64 characters. */
export const AGENT_NAME_RE = /^[a-z0-9][a-z0-9-]{0,47}$/;
/** `support` (the latest version) or `support@3` (version 3). */
export const AGENT_REF_RE = /^([a-z0-9][a-z0-9-]{0,63})(?:@([1-9][0-9]{0,8}))?$/;

export const AGENT_LIMITS = {
  maxInstructionsChars: 32_000,
  maxDescriptionChars: 2_000,
  maxTools: 100,
  maxHandoffs: 16,
  maxDelegates: 16,
  /** Largest `outputSchema` (bytes of its JSON). */
  maxOutputSchemaBytes: 16_384,
  /** Agents (and remote A2A agents) a tenant may define through the API. */
  maxAgentsPerTenant: 100,
  /** Versions of one agent kept by the registry (older ones are dropped; sessions keep what they pinned). */
  maxVersionsKept: 20,
  /** Most agents a session's team (the agent and everything reachable by handoffs and delegates) may hold. */
  maxTeamSize: 32,
  /** Default and largest depth of nested delegations (a delegate's delegate's delegate). */
  maxDelegationDepth: 3,
  /** Tool calls of one model response that run at once (the rest wait; results keep the model's order). */
  maxParallelToolCalls: 8,
} as const;

/** An agent as a user defines it (`POST /v1/agents`, `agents` of hub.config.json); defaults applied. */
export interface AgentDefinition {
  name: string;
  description: string;
  instructions: string;
  /** Model alias or id, or aliases tried in order; unset: the deployment default (HUB_MODEL). */
  model?: ModelRoute;
  temperature: number;
  /** Tool allowlist: exact names and globs (`*`, `server__*`). */
  tools: string[];
  maxToolRounds: number;
  handoffs: string[];
  delegates: string[];
  outputSchema?: Record<string, unknown>;
}

/** A stored agent: its latest (or a given) version. */
export interface AgentRecord extends AgentDefinition {
  version: number;
  source: AgentSource;
  /** ISO time the first version was created (built-in and config agents: when the process loaded them). */
  createdAt: string;
  /** ISO time of this version. */
  updatedAt: string;
}

/**
 * The id of a tenant's agent registry entity workflow (its messages and state: `../agent-registry/wire`).
 * Remote A2A agents are stored in the same registry: one namespace of names per tenant.
 */
export const agentRegistryWorkflowId = (tenant: string): string => `agent-registry/${tenant}`;

/** The profile a workflow runs for a stored agent version. */
export function profileOf(record: AgentRecord): AgentProfile {
  return {
    name: record.name,
    description: record.description,
    systemPrompt: record.instructions,
    ...(record.model !== undefined ? { model: record.model } : {}),
    temperature: record.temperature,
    tools: [...record.tools],
    maxToolRounds: record.maxToolRounds,
    version: record.version,
    source: record.source,
    handoffs: [...record.handoffs],
    delegates: [...record.delegates],
    ...(record.outputSchema !== undefined ? { outputSchema: record.outputSchema } : {}),
  };
}

/** `support@3` → `{ name: 'support', version: 3 }`; undefined when malformed. */
export function parseAgentRef(ref: string): { name: string; version?: number } | undefined {
  const m = AGENT_REF_RE.exec(ref);
  if (!m) return undefined;
  return m[2] !== undefined ? { name: m[1]!, version: Number(m[2]) } : { name: m[1]! };
}

/** The tool that transfers the conversation to `agent`. */
export const handoffToolName = (agent: string): string => `transfer_to_${agent}`;
/** The tool that asks `agent` (a delegate) to do a task. */
export const delegateToolName = (agent: string): string => `ask_${agent}`;

/** What the graph checks see of an agent: its name and its edges. */
export interface AgentGraphNode {
  name: string;
  handoffs: readonly string[];
  delegates: readonly string[];
}

/** Why an agent's references are refused: the field and the message (naming the bad entry). */
export interface AgentGraphProblem {
  field: string;
  message: string;
}

/**
 * Checks `agent` against the agents it may reference (`known`, which may include an
 * older version of `agent` itself; `agent` wins): every handoff and delegate names a
 * known agent, an agent neither hands off nor delegates to itself, and the delegation
 * graph stays acyclic (a delegate's delegate may never come back).
 */
export function checkAgentGraph(agent: AgentGraphNode, known: readonly AgentGraphNode[]): AgentGraphProblem | undefined {
  const nodes = new Map<string, AgentGraphNode>();
  for (const n of known) nodes.set(n.name, n);
  nodes.set(agent.name, agent);
  for (const field of ['handoffs', 'delegates'] as const) {
    for (const [i, ref] of agent[field].entries()) {
      if (ref === agent.name) return { field: `${field}[${i}]`, message: `agent '${agent.name}' cannot name itself in ${field}` };
      if (!nodes.has(ref)) return { field: `${field}[${i}]`, message: `unknown agent '${ref}'` };
    }
  }
  // A cycle through `agent` (the others were acyclic when they were stored): depth-first from its delegates.
  const path: string[] = [agent.name];
  const seen = new Set<string>();
  const visit = (name: string): string[] | undefined => {
    if (name === agent.name) return [...path, name];
    if (seen.has(name)) return undefined;
    seen.add(name);
    path.push(name);
    for (const next of nodes.get(name)?.delegates ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    return undefined;
  };
  for (const [i, d] of agent.delegates.entries()) {
    const cycle = visit(d);
    if (cycle) return { field: `delegates[${i}]`, message: `delegation cycle: ${cycle.join(' -> ')}` };
  }
  return undefined;
}

/**
 * The team of `root`: it and every agent reachable through handoffs and delegates,
 * breadth first (`lookup` gives each one's pinned profile). Undefined entries of
 * `lookup` are reported as missing; more than `maxSize` agents is an error.
 */
export function resolveTeam(
  root: AgentProfile,
  lookup: (name: string) => AgentProfile | undefined,
  maxSize: number = AGENT_LIMITS.maxTeamSize,
): { ok: true; team: AgentProfile[] } | { ok: false; message: string } {
  const team = new Map<string, AgentProfile>([[root.name, root]]);
  const queue: AgentProfile[] = [root];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const name of [...(p.handoffs ?? []), ...(p.delegates ?? [])]) {
      if (team.has(name)) continue;
      const found = lookup(name);
      if (!found) return { ok: false, message: `agent '${p.name}' names unknown agent '${name}'` };
      if (team.size >= maxSize) return { ok: false, message: `the team of '${root.name}' has more than ${maxSize} agents` };
      team.set(name, found);
      queue.push(found);
    }
  }
  return { ok: true, team: [...team.values()] };
}

/** A tool as the model sees it (OpenAI function-calling shape) plus hub metadata. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  requiresApproval: boolean;
  /**
   * Undo of this tool's side effect (hub config `compensations`): registered before the call runs and executed
   * if the turn then fails or is cancelled. `tool` is the hub name (`server__tool`); `args` maps from the call.
   */
  compensation?: { tool: string; args: Record<string, unknown> };
  /** Per-call limits (MCP servers may set them); the workflow applies them to the tool's activity. */
  timeouts?: { callMs?: number; heartbeatMs?: number };
}

/** Input of the `llmComplete` activity. */
export interface LlmRequest {
  /** Alias, model id, or aliases tried in order on retryable provider errors (hub.config.json `models`). */
  model?: ModelRoute;
  /** The agent making the call (usage and cost are reported per agent). */
  agent?: string;
  temperature: number;
  systemPrompt: string;
  messages: ChatMessage[];
  /** Tools to offer the model, as given. */
  tools: ToolSpec[];
  /**
   * Offer the model the tools of the worker's catalogue that match these
   * allowlists (added to `tools`). The activity reports what it offered in
   * `LlmResponse.offeredTools`, so the workflow sees exactly what the model saw.
   */
  toolAllow?: ListToolsRequest;
  /** The workflow the tenant's ledger wakes when this call finds the budget spent (default: the calling workflow). */
  wake?: string;
  /** false: the caller fails rather than waits when the budget is spent (the ledger does not count it as waiting). */
  budgetWait?: boolean;
  /** Stream token deltas to the calling workflow's event stream under this turn id. */
  stream?: { turnId: string; round: number } & Partial<StreamTarget>;
  /** Ask for a JSON object matching this schema (structured output). */
  responseFormat?: { name: string; schema: Record<string, unknown> };
  /** `max_tokens` of this call; the worker's default (8192) when unset. */
  maxTokens?: number;
}

/** Output of the `llmComplete` activity. */
export interface LlmResponse {
  content: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  finishReason: string;
  model: string;
  /** Which route entry and provider answered (set when hub.config.json has `models`/`providers`). */
  served?: ModelServed;
  /** Route entries passed over before `served`, with why. */
  fallbacks?: ModelFallback[];
  /** The tools offered to the model (`tools` plus those resolved from `toolAllow`). */
  offeredTools?: ToolSpec[];
}

/**
 * Where a delegated agent's activities publish their events: the root session's stream
 * (not the child workflow's), each event tagged with the delegation id.
 */
export interface StreamTarget {
  workflowId: string;
  delegationId: string;
}

/** Input of the `executeTool` activity. */
export interface ToolRequest {
  name: string;
  /** JSON-encoded arguments from the model. */
  arguments: string;
  sessionId: string;
  /** Where the call comes from, for progress events on the session's stream. */
  turnId?: string;
  toolCallId?: string;
  /** Publish progress to this workflow's stream, tagged (a delegated agent's tool). */
  streamTo?: StreamTarget;
}

/** Output of the `executeTool` activity. `ok: false` is a tool error reported to the model, not a retry. */
export interface ToolResult {
  ok: boolean;
  content: string;
  truncated?: boolean;
}

/** Input of the `listTools` activity. */
export interface ListToolsRequest {
  /** Names or globs (the agent profile's allowlist); the result is limited to these. */
  allow: string[];
  /** A second allowlist (the session's), when set a tool must match both. */
  alsoAllow?: string[];
  /** Tenant whose tool servers to include (MCP servers registered at runtime are per tenant). */
  tenant?: string;
}

/** Input of the `summarizeConversation` activity (used when history is compacted). */
export interface SummarizeRequest {
  model?: ModelRoute;
  previousSummary?: string;
  messages: ChatMessage[];
}

/**
 * The activities an agent turn calls, by name (sessions, research agents and
 * tasks). Implemented in `@hub/agents` (LLM) and `@hub/tools` (tools); the
 * workflows see only this interface (`import type`).
 */
export interface SessionActivities {
  llmComplete(req: LlmRequest): Promise<LlmResponse>;
  summarizeConversation(req: SummarizeRequest): Promise<{ text: string; usage: TokenUsage }>;
  listTools(req: ListToolsRequest): Promise<ToolSpec[]>;
  executeTool(req: ToolRequest): Promise<ToolResult>;
}

export const ZERO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const sum: TokenUsage = {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
  const cost = addCost(a.costUsd, b.costUsd);
  if (cost !== undefined) sum.costUsd = cost;
  return sum;
}

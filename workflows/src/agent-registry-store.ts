/**
 * The agent registry's state and rules as plain code (no Temporal calls, so they are unit-tested
 * directly): a tenant's stored agents with their kept versions and its remote A2A agents, one
 * namespace of names; what a put or a delete is refused for; the byte budget of what is carried.
 */
import { AGENT_LIMITS, checkAgentGraph, type AgentDefinition, type AgentGraphNode, type AgentRecord } from '@hub/contracts/agent/wire';
import {
  AGENT_REGISTRY_BUDGET,
  AGENT_REGISTRY_FAILURES,
  agentsNaming,
  outputSchemaProblem,
  type PutAgentInput,
  type StoredAgent,
} from '@hub/contracts/agent-registry/wire';
import type { StoredRemoteAgent } from '@hub/contracts/a2a/wire';
import { jsonBytes } from './carry-budget';

/** Why a change is refused: the failure type, the message, and for bad input the field. */
export interface Refusal {
  type: (typeof AGENT_REGISTRY_FAILURES)[keyof typeof AGENT_REGISTRY_FAILURES];
  message: string;
  issues?: { path: string; message: string }[];
}

const invalid = (path: string, message: string): Refusal => ({
  type: AGENT_REGISTRY_FAILURES.invalid,
  message: `${path}: ${message}`,
  issues: [{ path, message }],
});

/** The definition fields in a fixed order (what two versions are compared on). */
const definitionKey = (d: AgentDefinition): string =>
  JSON.stringify([d.name, d.description, d.instructions, d.model ?? null, d.temperature, d.tools, d.maxToolRounds, d.handoffs, d.delegates, d.outputSchema ?? null]);
const sameDefinition = (a: AgentDefinition, b: AgentDefinition): boolean => definitionKey(a) === definitionKey(b);

export class AgentStore {
  readonly agents: Map<string, AgentRecord[]>;
  readonly remotes: Map<string, StoredRemoteAgent>;

  constructor(agents: StoredAgent[] = [], remotes: StoredRemoteAgent[] = []) {
    this.agents = new Map(agents.filter((a) => a.versions.length > 0).map((a) => [a.name, [...a.versions]]));
    this.remotes = new Map(remotes.map((r) => [r.name, r]));
  }

  latest(name: string): AgentRecord | undefined {
    return this.agents.get(name)?.at(-1);
  }

  latestAll(): AgentRecord[] {
    return [...this.agents.values()].map((v) => v.at(-1)!);
  }

  version(name: string, version: number): AgentRecord | undefined {
    return this.agents.get(name)?.find((r) => r.version === version);
  }

  /** Names taken in the tenant's namespace (agents and remotes). */
  has(name: string): boolean {
    return this.agents.has(name) || this.remotes.has(name);
  }

  get size(): number {
    return this.agents.size + this.remotes.size;
  }

  /** The stored agents (latest versions) that name `name` in handoffs or delegates. */
  namedBy(name: string): string[] {
    return agentsNaming(name, this.latestAll());
  }

  /** Why `put` would be refused (after the schema check), or undefined. */
  refusePut({ definition: def, mode, fixed }: PutAgentInput): Refusal | undefined {
    const schemaProblem = outputSchemaProblem(def.outputSchema);
    if (schemaProblem) return invalid('outputSchema', schemaProblem.replace(/^outputSchema /, ''));
    if (fixed.some((f) => f.name === def.name)) {
      return { type: AGENT_REGISTRY_FAILURES.reserved, message: `'${def.name}' is a built-in or hub.config agent (read-only); choose another name` };
    }
    if (this.remotes.has(def.name)) {
      return { type: AGENT_REGISTRY_FAILURES.exists, message: `a remote A2A agent named '${def.name}' exists; agents and remote agents share one namespace` };
    }
    if (mode === 'create' && this.agents.has(def.name)) {
      return { type: AGENT_REGISTRY_FAILURES.exists, message: `an agent named '${def.name}' already exists (PUT /v1/agents/${def.name} stores a new version)` };
    }
    if (mode === 'update' && !this.agents.has(def.name)) return { type: AGENT_REGISTRY_FAILURES.notFound, message: `no agent named '${def.name}'` };
    if (mode === 'create' && this.size >= AGENT_LIMITS.maxAgentsPerTenant) {
      return { type: AGENT_REGISTRY_FAILURES.limit, message: `a tenant may define at most ${AGENT_LIMITS.maxAgentsPerTenant} agents (remote agents included)` };
    }
    for (const [i, h] of def.handoffs.entries()) {
      if (this.remotes.has(h)) return invalid(`handoffs[${i}]`, `'${h}' is a remote A2A agent: remote agents can only be delegates`);
    }
    const known: AgentGraphNode[] = [
      ...fixed,
      ...this.latestAll().filter((r) => r.name !== def.name),
      ...[...this.remotes.keys()].map((name) => ({ name, handoffs: [], delegates: [] })),
    ];
    const problem = checkAgentGraph(def, known);
    if (problem) return invalid(problem.field, problem.message);
    const latestBytes = jsonBytes(this.latestAll().filter((r) => r.name !== def.name)) + jsonBytes(def) + jsonBytes([...this.remotes.values()]);
    if (latestBytes > AGENT_REGISTRY_BUDGET.latestBytes) {
      return { type: AGENT_REGISTRY_FAILURES.limit, message: `the tenant's agents would take more than ${AGENT_REGISTRY_BUDGET.latestBytes} bytes` };
    }
    return undefined;
  }

  /**
   * Stores `def` as version 1 or the next version (checked by {@link refusePut}); keeps the versions within
   * limits. A definition equal to the latest version's is that version (a repeated PUT stores nothing new).
   */
  put(def: AgentDefinition, at: string): AgentRecord {
    const versions = this.agents.get(def.name) ?? [];
    const prev = versions.at(-1);
    if (prev && sameDefinition(prev, def)) return prev;
    const record: AgentRecord = {
      ...def,
      version: prev ? prev.version + 1 : 1,
      source: 'api',
      createdAt: prev?.createdAt ?? at,
      updatedAt: at,
    };
    versions.push(record);
    while (versions.length > AGENT_LIMITS.maxVersionsKept) versions.shift();
    this.agents.set(def.name, versions);
    this.fitBudget();
    return record;
  }

  refuseDelete(name: string): Refusal | undefined {
    if (!this.agents.has(name)) return { type: AGENT_REGISTRY_FAILURES.notFound, message: `no agent named '${name}'` };
    const naming = this.namedBy(name);
    if (naming.length > 0) {
      return {
        type: AGENT_REGISTRY_FAILURES.inUse,
        message: `agent '${name}' is still named by ${naming.map((n) => `'${n}'`).join(', ')} (in handoffs or delegates); change those first`,
      };
    }
    return undefined;
  }

  delete(name: string): AgentRecord {
    const removed = this.latest(name)!;
    this.agents.delete(name);
    return removed;
  }

  /** Drops the oldest non-latest versions (across agents) until everything fits AGENT_REGISTRY_BUDGET.totalBytes. */
  fitBudget(budget: number = AGENT_REGISTRY_BUDGET.totalBytes): void {
    let total = jsonBytes(this.carried());
    while (total > budget) {
      let oldest: { list: AgentRecord[]; at: string } | undefined;
      for (const list of this.agents.values()) {
        if (list.length > 1 && (!oldest || list[0]!.updatedAt < oldest.at)) oldest = { list, at: list[0]!.updatedAt };
      }
      if (!oldest) return;
      total -= jsonBytes(oldest.list.shift());
    }
  }

  /** What continue-as-new carries. */
  carried(): { agents: StoredAgent[]; remotes: StoredRemoteAgent[] } {
    return {
      agents: [...this.agents.entries()].map(([name, versions]) => ({ name, versions })),
      remotes: [...this.remotes.values()],
    };
  }
}

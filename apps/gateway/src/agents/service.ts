/**
 * The agent service: the agents a tenant may use are the built-in ones, the operator's
 * (hub.config.json `agents`, read-only) and the tenant's own, which live with their versions in
 * the tenant's agent registry workflow (shared by every worker and gateway). Changes are the
 * registry's Updates: their validators check the definition and its references against the
 * fixed agents passed along and the stored ones, atomically. `resolve` turns a reference
 * (`support`, `support@3`) into the pinned profile a workflow runs and its team.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  AGENT_REGISTRY_FAILURES,
  AgentDefinitionSchema,
  formatIssues,
  issuePath,
  agentVersionsQuery,
  deleteAgentUpdate,
  getAgentQuery,
  listAgentsQuery,
  parseAgentRef,
  profileOf,
  putAgentUpdate,
  remoteAgentRecordOf,
  remoteAgentsQuery,
  type AgentDefinition,
  type AgentDefinitionInput,
  type AgentProfile,
  type AgentRecord,
  type HubConfig,
  type PutAgentInput,
} from '@hub/contracts';
import { ApiError } from '../http/errors';
import { idempotentUpdateId, requestFingerprint } from '../http/idempotency';
import type { ProfileSource } from '../profiles';
import type { RequestContext } from '../request-context';
import { shortCalls } from '../temporal/deadlines';
import { withApiErrors } from '../temporal/failures';
import { agentRegistryOf, registryError } from './registry';
import { fixedAgents, teamOf, unknownAgent, type FixedAgents } from './catalog';

export interface AgentService {
  list(ctx: RequestContext): Promise<AgentRecord[]>;
  get(ctx: RequestContext, name: string, version?: number): Promise<AgentRecord>; // 404 'agent_not_found'
  versions(ctx: RequestContext, name: string): Promise<AgentRecord[]>;
  create(ctx: RequestContext, def: AgentDefinitionInput, idempotencyKey?: string): Promise<AgentRecord>;
  update(ctx: RequestContext, name: string, def: AgentDefinitionInput): Promise<AgentRecord>;
  remove(ctx: RequestContext, name: string): Promise<void>;
  /** `ref` = 'name' or 'name@3'; 400 invalid_request naming `field` (default 'agent') when unknown/malformed. */
  resolve(ctx: RequestContext, ref: string, field?: string): Promise<{ profile: AgentProfile; team: AgentProfile[] }>;
  /** The built-in and config agents' profiles (the same for every tenant; no Temporal call). */
  readonly fixed: ProfileSource;
}

export interface AgentServiceOptions {
  client: Client;
  taskQueue: string;
  /** The built-in agents (production: `@hub/agents`' definitions; tests: fixtures). */
  builtin: ProfileSource;
  /** Its `agents` are the operator's (checked here: a bad one throws, naming the agent and field). */
  hubConfig: HubConfig;
  rpcTimeoutMs?: number | undefined;
}

export const CREATE_AGENT_ROUTE = 'POST /v1/agents';

const notFound = (name: string, version?: number) =>
  new ApiError(404, 'agent_not_found', version === undefined ? `no agent named '${name}'` : `agent '${name}' has no version ${version}`, {
    agent: name,
    ...(version !== undefined ? { version } : {}),
  });

/** The definition part of a record (what a repeat of a create is compared on). */
const definitionOf = (r: AgentDefinition): AgentDefinition => {
  const { name, description, instructions, model, temperature, tools, maxToolRounds, handoffs, delegates, outputSchema } = r;
  return { name, description, instructions, model, temperature, tools, maxToolRounds, handoffs, delegates, outputSchema };
};

export function createAgentService(opts: AgentServiceOptions): AgentService {
  const { client, taskQueue } = opts;
  const fixed: FixedAgents = fixedAgents(opts.builtin, opts.hubConfig);
  const short = shortCalls(client, opts.rpcTimeoutMs);
  const { handle: registry, startOp } = agentRegistryOf(client, taskQueue);
  /** A query of the tenant's registry; `empty` when the tenant never stored an agent (no registry yet). */
  const query = async <R>(tenant: string, run: (h: ReturnType<typeof registry>) => Promise<R>, empty: R): Promise<R> => {
    try {
      return await short(() => run(registry(tenant)));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return empty;
      throw err;
    }
  };
  const stored = (tenant: string) => query(tenant, (h) => h.query(listAgentsQuery), [] as AgentRecord[]);
  const readOnly = (name: string, what: string) => {
    const f = fixed.byName.get(name);
    if (f) throw new ApiError(403, 'forbidden', `agent '${name}' is ${f.source === 'config' ? 'defined in hub.config.json' : 'built in'} and read-only; ${what}`);
  };
  const put = (tenant: string, definition: AgentDefinition, mode: PutAgentInput['mode'], updateId?: string) =>
    client.workflow.executeUpdateWithStart(putAgentUpdate, {
      args: [{ definition, mode, fixed: fixed.nodes }],
      startWorkflowOperation: startOp(tenant),
      ...(updateId !== undefined ? { updateId } : {}),
    });
  const parse = (def: AgentDefinitionInput): AgentDefinition => {
    const parsed = AgentDefinitionSchema.safeParse(def);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message, code: i.code }));
      throw new ApiError(400, 'invalid_request', `invalid agent: ${formatIssues(parsed.error.issues)}`, { target: 'body', issues });
    }
    return parsed.data;
  };

  return withApiErrors<AgentService>({
    fixed: fixed.profiles,

    async list(ctx) {
      return [...fixed.byName.values(), ...(await stored(ctx.tenant)).filter((r) => !fixed.byName.has(r.name))];
    },

    async get(ctx, name, version) {
      const f = fixed.byName.get(name);
      if (f) {
        if (version !== undefined && version !== f.version) throw notFound(name, version);
        return f;
      }
      const record = await query(ctx.tenant, (h) => h.query(getAgentQuery, version !== undefined ? { name, version } : { name }), undefined);
      if (!record) throw notFound(name, version);
      return record;
    },

    async versions(ctx, name) {
      const f = fixed.byName.get(name);
      if (f) return [f];
      const list = await query(ctx.tenant, (h) => h.query(agentVersionsQuery, { name }), undefined);
      if (!list) throw notFound(name);
      return list;
    },

    async create(ctx, input, key) {
      const def = parse(input);
      if (fixed.byName.has(def.name)) {
        throw new ApiError(409, 'conflict', `an agent named '${def.name}' already exists (${fixed.byName.get(def.name)!.source}, read-only); choose another name`);
      }
      const updateId = key !== undefined ? idempotentUpdateId(ctx.tenant, CREATE_AGENT_ROUTE, key) : undefined;
      const same = (r: AgentRecord) => requestFingerprint(definitionOf(r)) === requestFingerprint(definitionOf(def));
      let record: AgentRecord;
      try {
        // Temporal answers a repeated update id (within the registry's run) with the original result.
        record = await put(ctx.tenant, def, 'create', updateId);
      } catch (err) {
        // A repeat that reached a later run of the registry: the same definition is stored already.
        if (key !== undefined && (err as { cause?: { type?: string } }).cause?.type === AGENT_REGISTRY_FAILURES.exists) {
          const latest = (await stored(ctx.tenant)).find((r) => r.name === def.name);
          if (latest && latest.version === 1 && same(latest)) return latest;
        }
        return registryError(err);
      }
      if (key !== undefined && !same(record)) {
        throw new ApiError(409, 'conflict', `Idempotency-Key was used for another agent definition ('${record.name}')`);
      }
      ctx.log.info('agent created', { agent: record.name, version: record.version });
      return record;
    },

    async update(ctx, name, input) {
      const def = parse({ ...input, name: input.name ?? name });
      if (def.name !== name) {
        throw new ApiError(400, 'invalid_request', `name: the body names '${def.name}' but the path '${name}'`, {
          target: 'body',
          field: 'name',
          issues: [{ path: 'name', message: `must be '${name}' (the path's) or left out`, code: 'custom' }],
        });
      }
      readOnly(name, 'define an agent of another name instead');
      const record = await put(ctx.tenant, def, 'update').catch(registryError);
      ctx.log.info('agent updated', { agent: record.name, version: record.version });
      return record;
    },

    async remove(ctx, name) {
      readOnly(name, 'it cannot be deleted through the API');
      try {
        await short(() => registry(ctx.tenant).executeUpdate(deleteAgentUpdate, { args: [{ name }] }));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound(name);
        registryError(err);
      }
      ctx.log.info('agent deleted', { agent: name });
    },

    async resolve(ctx, ref, field = 'agent') {
      const parsed = parseAgentRef(ref);
      if (!parsed) throw new ApiError(400, 'invalid_request', `${field}: an agent reference is a name, optionally with a version: "support" or "support@3"`, { field });
      const { name, version } = parsed;
      const f = fixed.byName.get(name);
      if (f) {
        if (version !== undefined && version !== f.version) {
          throw new ApiError(400, 'invalid_request', `${field}: agent '${name}' has only version ${f.version} (built-in and config agents are not versioned)`, { field });
        }
        const profile = profileOf(f);
        // Fixed agents name only fixed agents: no registry call.
        return { profile, team: teamOf(profile, fixed, [], [], field) };
      }
      const [latest, pinned, remotes] = await Promise.all([
        stored(ctx.tenant),
        version !== undefined ? query(ctx.tenant, (h) => h.query(getAgentQuery, { name, version }), undefined) : Promise.resolve(undefined),
        query(ctx.tenant, (h) => h.query(remoteAgentsQuery), []),
      ]);
      const record = version !== undefined ? pinned : latest.find((r) => r.name === name);
      if (!record) {
        if (version !== undefined && latest.some((r) => r.name === name)) {
          throw new ApiError(400, 'invalid_request', `${field}: agent '${name}' has no version ${version}`, { field });
        }
        throw unknownAgent(field, ref, [...fixed.byName.keys(), ...latest.map((r) => r.name)]);
      }
      const profile = profileOf(record);
      return { profile, team: teamOf(profile, fixed, latest, remotes.map(remoteAgentRecordOf), field) };
    },
  });
}

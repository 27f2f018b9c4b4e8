/**
 * The agent registry of one tenant: an entity workflow, so the agents a tenant defines (with
 * their versions) and the remote A2A agents it registers are durable and shared by every worker
 * and gateway. Changes are Updates whose validators refuse bad input before anything is
 * written (the definition's shape, the graph check against the built-in and hub.config agents
 * the gateway passes plus the stored ones, names in use, limits), so a refused change leaves no
 * trace in the history. Queries read the latest records, one version, or the kept versions.
 * It continues as new after AGENT_REGISTRY_BUDGET.changesPerRun changes (or when Temporal
 * suggests it), carrying its records within AGENT_REGISTRY_BUDGET.totalBytes.
 */
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { AGENT_LIMITS } from '@hub/contracts/agent/wire';
import {
  AGENT_REGISTRY_BUDGET,
  AGENT_REGISTRY_FAILURES,
  agentDefinitionCheckSchema,
  agentVersionsQuery,
  deleteAgentUpdate,
  getAgentQuery,
  listAgentsQuery,
  putAgentUpdate,
  type AgentRegistryInput,
} from '@hub/contracts/agent-registry/wire';
import {
  registerRemoteAgentUpdate,
  remoteAgentRecordOf,
  remoteAgentSchemas,
  remoteAgentsQuery,
  removeRemoteAgentUpdate,
} from '@hub/contracts/a2a/wire';
import { AgentStore, type Refusal } from './agent-registry-store';
import { nowIso } from './util';
import { check, withZod } from './validators';

const definitionSchema = withZod((z) => agentDefinitionCheckSchema(z));
const remoteRegistration = withZod((z) => remoteAgentSchemas(z).registration);

function refuse(r: Refusal): never {
  throw ApplicationFailure.create({
    type: r.type,
    message: r.message,
    nonRetryable: true,
    ...(r.issues ? { details: [{ issues: r.issues }] } : {}),
  });
}

/** A schema check's failure as an InvalidInput refusal (`formatIssues` names each field: `handoffs[0]: …`). */
function refuseInvalid(error: string): never {
  const issues = error.split('; ').map((part) => {
    const at = part.indexOf(': ');
    return at > 0 ? { path: part.slice(0, at), message: part.slice(at + 2) } : { path: '', message: part };
  });
  return refuse({ type: AGENT_REGISTRY_FAILURES.invalid, message: error, issues });
}

export async function agentRegistry(input: AgentRegistryInput): Promise<void> {
  const store = new AgentStore(input.agents, input.remotes);
  let changes = 0;

  setHandler(listAgentsQuery, () => store.latestAll());
  setHandler(getAgentQuery, ({ name, version }) => (version === undefined ? store.latest(name) : store.version(name, version)));
  setHandler(agentVersionsQuery, ({ name }) => store.agents.get(name)?.slice().reverse());
  setHandler(remoteAgentsQuery, () => [...store.remotes.values()]);

  setHandler(
    putAgentUpdate,
    (put) => {
      changes++;
      return store.put(put.definition, nowIso());
    },
    {
      validator: (put) => {
        if (put.mode !== 'create' && put.mode !== 'update') refuseInvalid(`mode: must be 'create' or 'update'`);
        const checked = check(definitionSchema(), put.definition, 'definition');
        if (!checked.ok) refuseInvalid(checked.error);
        const refusal = store.refusePut({ ...put, fixed: Array.isArray(put.fixed) ? put.fixed : [] });
        if (refusal) refuse(refusal);
      },
    },
  );

  setHandler(
    deleteAgentUpdate,
    ({ name }) => {
      changes++;
      return store.delete(name);
    },
    {
      validator: ({ name }) => {
        const refusal = store.refuseDelete(name);
        if (refusal) refuse(refusal);
      },
    },
  );

  setHandler(
    registerRemoteAgentUpdate,
    ({ registration, card }) => {
      const at = nowIso();
      const stored = {
        ...card,
        name: registration.name,
        cardUrl: registration.cardUrl,
        source: 'remote' as const,
        headers: registration.headers ?? {},
        headerNames: Object.keys(registration.headers ?? {}).sort(),
        createdAt: at,
        updatedAt: at,
      };
      store.remotes.set(registration.name, stored);
      changes++;
      return remoteAgentRecordOf(stored);
    },
    {
      validator: ({ registration, card }) => {
        const checked = check(remoteRegistration(), registration, 'registration');
        if (!checked.ok) refuseInvalid(checked.error);
        if (typeof card?.url !== 'string' || card.url.length === 0) refuseInvalid('card.url: the agent card has no JSON-RPC endpoint');
        if (store.has(registration.name)) {
          refuse({ type: AGENT_REGISTRY_FAILURES.exists, message: `an agent or remote agent named '${registration.name}' already exists` });
        }
        if (store.size >= AGENT_LIMITS.maxAgentsPerTenant) {
          refuse({ type: AGENT_REGISTRY_FAILURES.limit, message: `a tenant may define at most ${AGENT_LIMITS.maxAgentsPerTenant} agents (remote agents included)` });
        }
      },
    },
  );

  setHandler(
    removeRemoteAgentUpdate,
    ({ name }) => {
      const removed = store.remotes.get(name)!;
      store.remotes.delete(name);
      changes++;
      return remoteAgentRecordOf(removed);
    },
    {
      validator: ({ name }) => {
        if (!store.remotes.has(name)) refuse({ type: AGENT_REGISTRY_FAILURES.remoteNotFound, message: `no remote agent named '${name}'` });
        const naming = store.namedBy(name);
        if (naming.length > 0) {
          refuse({
            type: AGENT_REGISTRY_FAILURES.inUse,
            message: `remote agent '${name}' is still named by ${naming.map((n) => `'${n}'`).join(', ')} (in delegates); change those first`,
          });
        }
      },
    },
  );

  // An entity that lives forever: roll over to a fresh history now and then, within the byte budget.
  await condition(() => workflowInfo().continueAsNewSuggested || changes >= AGENT_REGISTRY_BUDGET.changesPerRun);
  await condition(allHandlersFinished);
  store.fitBudget();
  await continueAsNew<typeof agentRegistry>({ tenant: input.tenant, ...store.carried() });
}

/**
 * Remote A2A agents of a tenant (`/v1/a2a/remotes`): agents of other hubs or services that the
 * tenant's agents may use as delegates (`ask_<name>`). They live in the tenant's agent registry
 * workflow, beside its agents (one namespace of names), and are checked here before anything is
 * stored, as HTTP MCP servers are: the card URL may not point at a private, loopback or link-local
 * address (after DNS resolution) unless `security.allowPrivateHosts` lists it; the card is then
 * fetched through the same guard (bounded in size and time), validated, and its JSON-RPC endpoint
 * checked too. Header values may be secrets: the registry keeps them (in Temporal payloads, which
 * the hub's codec encrypts with `HUB_PAYLOAD_KEYS`), and nothing this service returns carries them
 * (records name the headers only). The worker reads them from the registry when it calls the remote.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  AGENT_REGISTRY_FAILURES,
  registerRemoteAgentUpdate,
  remoteAgentRecordOf,
  remoteAgentsQuery,
  removeRemoteAgentUpdate,
  type HubConfig,
  type RemoteAgentCardSummary,
  type RemoteAgentRecord,
  type RemoteAgentRegistration,
  type StoredRemoteAgent,
} from '@hub/contracts';
import { RemoteAgentError, fetchRemoteAgentCard } from '@hub/agents';
import { ApiError } from '../http/errors';
import { agentRegistryOf, registryError } from '../agents/registry';
import { idempotentUpdateId, requestFingerprint } from '../http/idempotency';
import type { RequestContext } from '../request-context';
import { shortCalls } from '../temporal/deadlines';
import { withApiErrors } from '../temporal/failures';

export interface RemoteAgentService {
  /** Checks the card URL, fetches and validates the card, stores the remote; a repeat with the same idempotency key answers the stored one. */
  register(ctx: RequestContext, registration: RemoteAgentRegistration, idempotencyKey?: string): Promise<RemoteAgentRecord>;
  list(ctx: RequestContext): Promise<RemoteAgentRecord[]>;
  get(ctx: RequestContext, name: string): Promise<RemoteAgentRecord>;
  /** Refused (409) while one of the tenant's agents names it in `delegates`. */
  remove(ctx: RequestContext, name: string, idempotencyKey?: string): Promise<RemoteAgentRecord>;
}

export interface RemoteAgentServiceOptions {
  client: Client;
  taskQueue: string;
  hubConfig: HubConfig;
  /** Whether `name` is a built-in or hub.config agent (those names are not available). */
  isFixedAgent: (name: string) => boolean;
  /** Throws when the card URL is not allowed (default: the DNS-resolving check of @hub/tools, as for MCP HTTP servers). */
  checkUrl: (url: string, allowPrivateHosts: string[]) => Promise<void>;
  /** Fetches and summarises a card (default: `fetchRemoteAgentCard` of @hub/agents, the inspect activity's code). */
  inspectCard?: (cardUrl: string, headers: Record<string, string> | undefined, allowPrivateHosts: string[]) => Promise<RemoteAgentCardSummary>;
  rpcTimeoutMs?: number | undefined;
}

export const REGISTER_REMOTE_ROUTE = 'POST /v1/a2a/remotes';

const notFound = (name: string) => new ApiError(404, 'agent_not_found', `no remote A2A agent named '${name}'`, { agent: name });

/** A 400 naming `cardUrl` (the card could not be read or is not a usable A2A card). */
const badCard = (message: string) =>
  new ApiError(400, 'invalid_request', `cardUrl: ${message}`, { target: 'body', field: 'cardUrl', issues: [{ path: 'cardUrl', message, code: 'custom' }] });

/** Whether a stored remote is this registration (name, card URL and headers). */
const sameRegistration = (s: StoredRemoteAgent, reg: RemoteAgentRegistration) =>
  s.name === reg.name && s.cardUrl === reg.cardUrl && requestFingerprint(s.headers) === requestFingerprint(reg.headers ?? {});

export function createRemoteAgentService(opts: RemoteAgentServiceOptions): RemoteAgentService {
  const { client, taskQueue, hubConfig } = opts;
  const allowPrivateHosts = hubConfig.security.allowPrivateHosts;
  const short = shortCalls(client, opts.rpcTimeoutMs);
  const inspectCard = opts.inspectCard ?? ((url, headers, allow) => fetchRemoteAgentCard(url, headers, { allowPrivateHosts: allow }));
  const { handle: registry, startOp } = agentRegistryOf(client, taskQueue);
  const stored = async (tenant: string): Promise<StoredRemoteAgent[]> => {
    try {
      return await short(() => registry(tenant).query(remoteAgentsQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [];
      throw err;
    }
  };

  return withApiErrors<RemoteAgentService>({
    async register(ctx, reg, key) {
      if (opts.isFixedAgent(reg.name)) throw new ApiError(409, 'conflict', `an agent named '${reg.name}' already exists (built in or in hub.config.json); choose another name`);
      try {
        await opts.checkUrl(reg.cardUrl, allowPrivateHosts);
      } catch (err) {
        throw new ApiError(403, 'forbidden', err instanceof Error ? err.message : String(err));
      }
      let card: RemoteAgentCardSummary;
      try {
        card = await inspectCard(reg.cardUrl, reg.headers, allowPrivateHosts);
      } catch (err) {
        if (err instanceof RemoteAgentError && err.kind === 'refused') throw new ApiError(403, 'forbidden', err.message);
        throw badCard(err instanceof Error ? err.message : String(err));
      }
      const updateId = key !== undefined ? idempotentUpdateId(ctx.tenant, REGISTER_REMOTE_ROUTE, key) : undefined;
      try {
        // Temporal answers a repeated update id (within the registry's run) with the original result.
        return await client.workflow.executeUpdateWithStart(registerRemoteAgentUpdate, {
          args: [{ registration: reg, card }],
          startWorkflowOperation: startOp(ctx.tenant),
          ...(updateId !== undefined ? { updateId } : {}),
        });
      } catch (err) {
        // A repeat that reached a later run of the registry: the same registration is already there.
        const cause = (err as { cause?: { type?: string } }).cause;
        if (key !== undefined && cause?.type === AGENT_REGISTRY_FAILURES.exists) {
          const same = (await stored(ctx.tenant)).find((s) => sameRegistration(s, reg));
          if (same) return remoteAgentRecordOf(same);
        }
        return registryError(err);
      }
    },

    async list(ctx) {
      return (await stored(ctx.tenant)).map(remoteAgentRecordOf);
    },

    async get(ctx, name) {
      const found = (await stored(ctx.tenant)).find((s) => s.name === name);
      if (!found) throw notFound(name);
      return remoteAgentRecordOf(found);
    },

    async remove(ctx, name, key) {
      try {
        return await short(() =>
          registry(ctx.tenant).executeUpdate(removeRemoteAgentUpdate, {
            args: [{ name }],
            ...(key !== undefined ? { updateId: idempotentUpdateId(ctx.tenant, `DELETE /v1/a2a/remotes/${name}`, key) } : {}),
          }),
        );
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound(name);
        return registryError(err);
      }
    },
  });
}

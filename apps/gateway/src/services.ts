/**
 * The gateway's services, built once from a Temporal client: each talks to Temporal for one
 * resource and throws ApiErrors; `createApp` puts HTTP routes (and the MCP tools) in front of them.
 */
import type { Client } from '@temporalio/client';
import { HubConfigSchema, type HubConfig } from '@hub/contracts';
import { getProfile, listProfiles } from '@hub/agents/profiles';
import { assertUrlAllowed } from '@hub/tools';
import { createAgentService, type AgentService } from './agents/service';
import { createBudgetService, type BudgetService } from './budgets/service';
import { createA2aService, type A2aService } from './a2a/service';
import { createRemoteAgentService, type RemoteAgentService } from './a2a-remotes/service';
import { createMcpRegistryService, type McpRegistryService, type McpRegistryServiceOptions } from './mcp-registry/service';
import { createOpsService, type OpsService } from './ops/service';
import type { ProfileSource } from './profiles';
import { createResearchService, type ResearchService } from './research/service';
import { createSessionService, type SessionDefaults, type SessionService } from './sessions/service';
import { createTaskService, type TaskService } from './tasks/service';
import { createUsageService, type UsageService } from './usage/service';
import type { Logger } from './log';
import { guardService, type GuardStats } from './temporal/guard';
import type { Reachability } from './temporal/reachability';
import type { OpenStream } from './temporal/streams';

export interface GatewayServices {
  sessions: SessionService;
  agents: AgentService;
  research: ResearchService;
  tasks: TaskService;
  mcpRegistry: McpRegistryService;
  ops: OpsService;
  /** Every agent over A2A (a2a/); optional so stand-in services may leave it out. */
  a2a?: A2aService | undefined;
  /** Remote A2A agents usable as delegates (a2a-remotes/); optional so stand-in services may leave it out. */
  remoteAgents?: RemoteAgentService | undefined;
  /** Usage from the tenants' budget ledgers (usage/); optional so stand-in services may leave it out. */
  usage?: UsageService | undefined;
  /** Budgets, limits and top-ups of the tenants' ledgers (budgets/); optional so stand-in services may leave it out. */
  budgets?: BudgetService | undefined;
}

export interface ServicesConfig {
  /** The task queue the hub's workers poll (workflows are started on it). */
  taskQueue: string;
  /** The built-in agents (default: `@hub/agents`' definitions); hub.config `agents` and each tenant's are added to them. */
  profiles?: ProfileSource | undefined;
  /** Options of new sessions (default: `DEFAULTS` of @hub/contracts). */
  sessionDefaults?: Partial<SessionDefaults> | undefined;
  /** Deadline for short Temporal calls (describe, query, list, start). Default 10 s. */
  rpcTimeoutMs?: number | undefined;
  /** The hub config file (MCP servers from config, security settings); default: no servers, nothing allowlisted. */
  hubConfig?: HubConfig | undefined;
  /** Check of HTTP MCP server URLs at registration (default: `assertUrlAllowed` from @hub/tools, DNS-resolving). */
  checkMcpUrl?: McpRegistryServiceOptions['checkUrl'] | undefined;
  /** Opens a workflow's event subscription (sessions, research jobs, tasks). Default: the workflow-streams client. */
  openStream?: OpenStream | undefined;
  /** Temporal's reachability (a background probe): while it is down, calls fail at once with 503. */
  reachability?: Reachability | undefined;
  /** Deadline of a route's Temporal calls (default 15 s; short calls keep `rpcTimeoutMs` within it). */
  routeDeadlineMs?: number | undefined;
  /** Deadline of the calls that wait for a turn (a message with wait, a session created with one). Default 10 min. */
  turnDeadlineMs?: number | undefined;
  /** Logs calls cancelled because their client went away. */
  log?: Logger | undefined;
  /** Counters of the guard (aborted by the client, failed fast); tests read them. */
  guardStats?: GuardStats | undefined;
}

/** What every service's calls get (temporal/guard.ts): fail fast, a deadline, cancelled when the client leaves. */
function guarded<S extends object>(client: Client, config: ServicesConfig, name: string, service: S, long: string[] = [], longDeadlineMs?: number): S {
  return guardService(service, {
    client,
    name,
    reachability: config.reachability,
    deadlineMs: config.routeDeadlineMs,
    long,
    longDeadlineMs: longDeadlineMs ?? config.turnDeadlineMs,
    log: config.log,
    stats: config.guardStats,
  });
}

const MCP_REGISTER_DEADLINE_MS = 60_000;

export function createServices(client: Client, config: ServicesConfig): GatewayServices {
  const { taskQueue, profiles, rpcTimeoutMs, openStream } = config;
  const hubConfig = config.hubConfig ?? HubConfigSchema.parse({});
  // Checks the built-in and hub.config agents: a bad one throws here (startup), naming the agent and field.
  const agents = createAgentService({ client, taskQueue, builtin: profiles ?? { get: getProfile, list: listProfiles }, hubConfig, rpcTimeoutMs });
  const sessions = createSessionService({ client, taskQueue, profiles: agents.fixed, agents, defaults: config.sessionDefaults, rpcTimeoutMs, openStream });
  const mcpRegistry = createMcpRegistryService({
    client,
    taskQueue,
    hubConfig,
    checkUrl: config.checkMcpUrl ?? (async (url, allow) => void (await assertUrlAllowed(url, allow))),
    rpcTimeoutMs,
  });
  const guardedSessions = guarded(client, config, 'sessions', sessions, ['start', 'create', 'send']);
  const guardedAgents = guarded(client, config, 'agents', agents);
  return {
    sessions: guardedSessions,
    agents: guardedAgents,
    research: guarded(client, config, 'research', createResearchService({ client, taskQueue, profiles: agents.fixed, agents, rpcTimeoutMs, openStream, log: config.log })),
    tasks: guarded(
      client,
      config,
      'tasks',
      createTaskService({ client, taskQueue, rpcTimeoutMs, openStream, approvalTimeoutMs: config.sessionDefaults?.approvalTimeoutMs }),
    ),
    // Registering inspects the server (connects, lists its tools): more than a route's usual deadline.
    mcpRegistry: guarded(client, config, 'mcpRegistry', mcpRegistry, ['register'], MCP_REGISTER_DEADLINE_MS),
    ops: createOpsService(client),
    // Registering reads the remote's card (SSRF-guarded, bounded): the MCP registration's deadline.
    remoteAgents: guarded(
      client,
      config,
      'remoteAgents',
      createRemoteAgentService({
        client,
        taskQueue,
        hubConfig,
        isFixedAgent: (name) => agents.fixed.get(name) !== undefined,
        checkUrl: config.checkMcpUrl ?? (async (url, allow) => void (await assertUrlAllowed(url, allow))),
        rpcTimeoutMs,
      }),
      ['register'],
      MCP_REGISTER_DEADLINE_MS,
    ),
    a2a: createA2aService({ client, sessions: guardedSessions, agents: guardedAgents }),
    usage: guarded(client, config, 'usage', createUsageService({ client, rpcTimeoutMs })),
    budgets: guarded(client, config, 'budgets', createBudgetService({ client, taskQueue, hubConfig, rpcTimeoutMs })),
  };
}

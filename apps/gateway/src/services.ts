/**
 * The gateway's services, built once from a Temporal client: each talks to Temporal for one
 * resource and throws ApiErrors; `createApp` puts HTTP routes (and the MCP tools) in front of them.
 */
import type { Client } from '@temporalio/client';
import { HubConfigSchema, type HubConfig } from '@hub/contracts';
import { assertUrlAllowed } from '@hub/tools';
import { createMcpRegistryService, type McpRegistryService, type McpRegistryServiceOptions } from './mcp-registry/service';
import { createOpsService, type OpsService } from './ops/service';
import type { ProfileSource } from './profiles';
import { createResearchService, type ResearchService } from './research/service';
import { createSessionService, type SessionDefaults, type SessionService } from './sessions/service';
import { createTaskService, type TaskService } from './tasks/service';
import type { OpenStream } from './temporal/streams';

export interface GatewayServices {
  sessions: SessionService;
  research: ResearchService;
  tasks: TaskService;
  mcpRegistry: McpRegistryService;
  ops: OpsService;
}

export interface ServicesConfig {
  /** The task queue the hub's workers poll (workflows are started on it). */
  taskQueue: string;
  profiles: ProfileSource;
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
}

export function createServices(client: Client, config: ServicesConfig): GatewayServices {
  const { taskQueue, profiles, rpcTimeoutMs, openStream } = config;
  return {
    sessions: createSessionService({ client, taskQueue, profiles, defaults: config.sessionDefaults, rpcTimeoutMs, openStream }),
    research: createResearchService({ client, taskQueue, profiles, rpcTimeoutMs, openStream }),
    tasks: createTaskService({ client, taskQueue, rpcTimeoutMs, openStream }),
    mcpRegistry: createMcpRegistryService({
      client,
      taskQueue,
      hubConfig: config.hubConfig ?? HubConfigSchema.parse({}),
      checkUrl: config.checkMcpUrl ?? (async (url, allow) => void (await assertUrlAllowed(url, allow))),
      rpcTimeoutMs,
    }),
    ops: createOpsService(client),
  };
}

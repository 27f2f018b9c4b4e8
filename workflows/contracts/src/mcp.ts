/**
 * MCP servers plugged into the hub: the config/API shapes (the same
 * `mcpServers` shape Claude Desktop and Cursor use, plus hub options), and
 * the state of the per-tenant registry workflow.
 */
import { z } from 'zod';
import { TaskCompensationSchema, TaskToolNameSchema } from './tasks';
import { McpServerConfigSchema, McpServerNameSchema, type McpServerConfig } from './mcp-config';


/** `hub.config.json` (path: HUB_CONFIG, default `<repo>/hub.config.json`). */
export const HubConfigSchema = z
  .object({
    mcpServers: z.record(McpServerNameSchema, McpServerConfigSchema).default({}),
    security: z
      .object({
        /** Commands that runtime-registered stdio servers may run (exact `command` values). */
        stdioCommandAllowlist: z.array(z.string().min(1)).default([]),
        /** Hosts or addresses (exact, or CIDR ranges) that HTTP servers may use even though they are private/loopback. */
        allowPrivateHosts: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ stdioCommandAllowlist: [], allowPrivateHosts: [] }),
    /**
     * Compensations of side-effecting tools, by tool (`"server/create_x"`): when a session turn that called
     * the tool fails or is cancelled, the compensation runs (in reverse order of the calls) with its args
     * mapped from the call's args and result (`$args.<path>`, `$result.<path>`, as in saga tasks).
     */
    compensations: z.record(TaskToolNameSchema, TaskCompensationSchema).default({}),
  })
  .strict();
export type HubConfig = z.infer<typeof HubConfigSchema>;

/** A tool as the server describes it, with the hash it is pinned by. */
export const McpToolDefinitionSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
  /** sha256 of the canonical JSON of {name, description, inputSchema}. */
  hash: z.string(),
});
export type McpToolDefinition = z.infer<typeof McpToolDefinitionSchema>;

export const McpToolStateSchema = McpToolDefinitionSchema.extend({
  /** The hash approved when first seen (or re-approved). */
  pinnedHash: z.string(),
  status: z.enum(['enabled', 'flagged']),
  /** Why it is flagged (definition changed since it was pinned). */
  flaggedReason: z.string().optional(),
});
export type McpToolState = z.infer<typeof McpToolStateSchema>;

export const McpServerStatusSchema = z.object({
  state: z.enum(['unknown', 'connected', 'error']),
  error: z.string().optional(),
  checkedAt: z.string().optional(),
});
export type McpServerStatus = z.infer<typeof McpServerStatusSchema>;

export const McpServerStateSchema = z.object({
  name: z.string(),
  source: z.enum(['config', 'api']),
  config: McpServerConfigSchema,
  status: McpServerStatusSchema,
  tools: z.array(McpToolStateSchema),
});
export type McpServerState = z.infer<typeof McpServerStateSchema>;

/** State of a tenant's registry workflow. Config-file servers appear with `source: 'config'` once observed. */
export const McpRegistryStateSchema = z.object({
  tenant: z.string(),
  servers: z.array(McpServerStateSchema),
});
export type McpRegistryState = z.infer<typeof McpRegistryStateSchema>;

/** What a process reports after listing a server's tools. */
export interface McpObservation {
  server: string;
  source: 'config' | 'api';
  config: McpServerConfig;
  status: McpServerStatus;
  /** Present when the listing succeeded. */
  tools?: McpToolDefinition[];
}

export function mcpRegistryWorkflowId(tenant: string): string {
  return `mcp-registry/${tenant}`;
}

/** Activities the registry workflow calls (implemented by the worker). */
export interface McpActivities {
  /** Connect to the server (through the worker's connection manager) and list its tools. */
  inspectMcpServer(req: { tenant: string; server: string; source: 'config' | 'api'; config: McpServerConfig }): Promise<McpObservation>;
}

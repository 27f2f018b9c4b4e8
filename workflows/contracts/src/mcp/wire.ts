/**
 * The zod-free half of MCP servers plugged into the hub: tool naming, the
 * registry workflow's id and messages, the plain types of its state, and the
 * activity it calls. Workflow code imports this at runtime; the API schemas
 * are in `./schemas`.
 *
 * `mcpServerSchemas` is the schema the registry workflow validates
 * registrations with (its `registerMcpServer` Update validator): written here
 * as a function of zod, so this module stays free of zod at runtime.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type { ZodBuilders } from '../common/wire';

/** Separator of namespaced tool names: `server__tool`. */
export const MCP_TOOL_SEPARATOR = '__';

/** Server names end up in tool names (`server__tool`, at most 64 characters). */
export const MCP_SERVER_NAME_RE = /^[a-zA-Z0-9_-]{1,32}$/;

export function mcpRegistryWorkflowId(tenant: string): string {
  return `mcp-registry/${tenant}`;
}

// ---- how a server is declared ------------------------------------------------------

/**
 * How an MCP server is declared, built with the zod the caller passes: the
 * `mcpServers` entry shape (Claude Desktop / Cursor) plus hub options, and the
 * runtime registration body (`POST /v1/mcp/servers`).
 */
export function mcpServerSchemas(zod: ZodBuilders) {
  const name = zod.string().regex(MCP_SERVER_NAME_RE, { message: 'server name must be 1-32 characters of letters, digits, _ or -' });

  /** Hub options that any server entry may carry besides the transport fields. */
  const hubServerOptions = {
    /** `true`: every tool of this server needs approval; a list: these tools (exact names or globs). */
    requiresApproval: zod.union([zod.boolean(), zod.array(zod.string().min(1))]).optional(),
    /** Per-call limits for this server's tools (override the hub defaults). */
    timeouts: zod
      .object({
        /** Start-to-close timeout of one tool call (ms). */
        callMs: zod.number().int().positive().max(3_600_000).optional(),
        /** Heartbeat timeout while a call runs (ms). */
        heartbeatMs: zod.number().int().positive().max(600_000).optional(),
      })
      .strict()
      .optional(),
    /** Keep the entry but offer none of its tools. */
    disabled: zod.boolean().optional(),
  };

  const stdio = zod
    .object({
      command: zod.string().min(1, { message: 'command must not be empty' }),
      args: zod.array(zod.string()).optional(),
      env: zod.record(zod.string(), zod.string()).optional(),
      cwd: zod.string().min(1).optional(),
      ...hubServerOptions,
    })
    .strict();

  const http = zod
    .object({
      url: zod.url({ protocol: /^https?$/, message: 'url must be an http(s) URL' }),
      headers: zod.record(zod.string(), zod.string()).optional(),
      ...hubServerOptions,
    })
    .strict();

  /** One `mcpServers` entry: stdio (`command`) or Streamable HTTP with legacy SSE fallback (`url`). */
  const config = zod.union([stdio, http], {
    error: () => 'a server needs either `command` (stdio) or `url` (Streamable HTTP / SSE)',
  });

  /** Body of `POST /v1/mcp/servers`. */
  const registration = zod.union([stdio.extend({ name }), http.extend({ name })]);

  return { name, stdio, http, config, registration };
}
type McpServerSchemas = ReturnType<typeof mcpServerSchemas>;
export type McpStdioServerConfig = z.infer<McpServerSchemas['stdio']>;
export type McpHttpServerConfig = z.infer<McpServerSchemas['http']>;
export type McpServerConfig = z.infer<McpServerSchemas['config']>;
export type McpServerRegistration = z.infer<McpServerSchemas['registration']>;

export const isStdioServer = (c: McpServerConfig): c is McpStdioServerConfig => 'command' in c;

// ---- the registry's state -------------------------------------------------------------

/** A tool as the server describes it, with the hash it is pinned by. */
export interface McpToolDefinition {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  /** sha256 of the canonical JSON of {name, description, inputSchema}. */
  hash: string;
}

export interface McpToolState extends McpToolDefinition {
  /** The hash approved when first seen (or re-approved). */
  pinnedHash: string;
  status: 'enabled' | 'flagged';
  /** Why it is flagged (definition changed since it was pinned). */
  flaggedReason?: string;
}

export interface McpServerStatus {
  state: 'unknown' | 'connected' | 'error';
  error?: string;
  checkedAt?: string;
}

export interface McpServerState {
  name: string;
  source: 'config' | 'api';
  config: McpServerConfig;
  status: McpServerStatus;
  tools: McpToolState[];
}

/** State of a tenant's registry workflow. Config-file servers appear with `source: 'config'` once observed. */
export interface McpRegistryState {
  tenant: string;
  servers: McpServerState[];
}

/** What a process reports after listing a server's tools. */
export interface McpObservation {
  server: string;
  source: 'config' | 'api';
  config: McpServerConfig;
  status: McpServerStatus;
  /** Present when the listing succeeded. */
  tools?: McpToolDefinition[];
}

/** Activities the registry workflow calls (implemented by the worker). */
export interface McpActivities {
  /** Connect to the server (through the worker's connection manager) and list its tools. */
  inspectMcpServer(req: { tenant: string; server: string; source: 'config' | 'api'; config: McpServerConfig }): Promise<McpObservation>;
}

// ---- Temporal messages of the registry (one workflow per tenant, id `mcpRegistryWorkflowId(tenant)`) ----

export const registerMcpServerUpdate = defineUpdate<McpServerState, [McpServerRegistration]>('registerMcpServer');
export const removeMcpServerUpdate = defineUpdate<McpServerState, [{ name: string }]>('removeMcpServer');
/** Inspect a server again; `config` adds a config-file server the registry has not seen yet. */
export const refreshMcpServerUpdate = defineUpdate<McpServerState, [{ name: string; config?: McpServerConfig }]>('refreshMcpServer');
export const approveMcpToolUpdate = defineUpdate<McpServerState, [{ server: string; tool: string }]>('approveMcpTool');
export const observeMcpToolsSignal = defineSignal<[McpObservation]>('observeMcpTools');
export const mcpRegistryStateQuery = defineQuery<McpRegistryState>('mcpRegistryState');

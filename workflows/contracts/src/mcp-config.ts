/**
 * How an MCP server is declared: the `mcpServers` entry shape (Claude Desktop
 * / Cursor) plus hub options, and the runtime registration body. Kept apart
 * from the registry's state schemas because the registry workflow validates
 * registrations at runtime.
 */
import { z } from 'zod';

/** Server names end up in tool names (`server__tool`, at most 64 characters). */
export const MCP_SERVER_NAME_RE = /^[a-zA-Z0-9_-]{1,32}$/;
export const McpServerNameSchema = z
  .string()
  .regex(MCP_SERVER_NAME_RE, { message: 'server name must be 1-32 characters of letters, digits, _ or -' });

/** Hub options that any server entry may carry besides the transport fields. */
const HubServerOptions = {
  /** `true`: every tool of this server needs approval; a list: these tools (exact names or globs). */
  requiresApproval: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
  /** Per-call limits for this server's tools (override the hub defaults). */
  timeouts: z
    .object({
      /** Start-to-close timeout of one tool call (ms). */
      callMs: z.number().int().positive().max(3_600_000).optional(),
      /** Heartbeat timeout while a call runs (ms). */
      heartbeatMs: z.number().int().positive().max(600_000).optional(),
    })
    .strict()
    .optional(),
  /** Keep the entry but offer none of its tools. */
  disabled: z.boolean().optional(),
};

export const McpStdioServerSchema = z
  .object({
    command: z.string().min(1, { message: 'command must not be empty' }),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
    ...HubServerOptions,
  })
  .strict();

export const McpHttpServerSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, message: 'url must be an http(s) URL' }),
    headers: z.record(z.string(), z.string()).optional(),
    ...HubServerOptions,
  })
  .strict();

/** One `mcpServers` entry: stdio (`command`) or Streamable HTTP with legacy SSE fallback (`url`). */
export const McpServerConfigSchema = z.union([McpStdioServerSchema, McpHttpServerSchema], {
  error: () => 'a server needs either `command` (stdio) or `url` (Streamable HTTP / SSE)',
});
export type McpStdioServerConfig = z.infer<typeof McpStdioServerSchema>;
export type McpHttpServerConfig = z.infer<typeof McpHttpServerSchema>;
export type McpServerConfig = z.infer<typeof McpServerConfigSchema>;
export const isStdioServer = (c: McpServerConfig): c is McpStdioServerConfig => 'command' in c;

/** Body of `POST /v1/mcp/servers`. */
export const McpServerRegistrationSchema = z.union([
  McpStdioServerSchema.extend({ name: McpServerNameSchema }),
  McpHttpServerSchema.extend({ name: McpServerNameSchema }),
]);
export type McpServerRegistration = z.infer<typeof McpServerRegistrationSchema>;

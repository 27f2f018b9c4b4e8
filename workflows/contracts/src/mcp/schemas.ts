/**
 * Schemas of MCP servers: the `hub.config.json` file, the server entry and
 * registration shapes (built by `mcpServerSchemas` in `./wire`, which the
 * registry workflow validates with), and the registry's state (the shapes in
 * `./wire`, checked below).
 */
import { AgentDefinitionFieldsSchema, AgentNameSchema } from '../agent/schemas';
import { z } from 'zod';
import { LimitsSchema } from '../common/limits';
import type { Expect, Same } from '../common/schemas';
import { TaskCompensationSchema, TaskToolNameSchema } from '../task/schemas';
import { ModelsConfigSchema, ProvidersConfigSchema } from '../models/schemas';
import { BudgetsConfigSchema } from '../budget/schemas';
import { DEFAULT_PROVIDER } from '../models/wire';
import {
  isNormalAbsolutePath,
  mcpServerSchemas,
  type StdioAllowEntry,
  type McpRegistryState,
  type McpServerState,
  type McpServerStatus,
  type McpToolDefinition,
  type McpToolState,
} from './wire';

const servers = mcpServerSchemas(z);
export const McpServerNameSchema = servers.name;
export const McpStdioServerSchema = servers.stdio;
export const McpHttpServerSchema = servers.http;
/** One `mcpServers` entry: stdio (`command`) or Streamable HTTP with legacy SSE fallback (`url`). */
export const McpServerConfigSchema = servers.config;
/** Body of `POST /v1/mcp/servers`. */
export const McpServerRegistrationSchema = servers.registration;

/** A full `security.stdioCommandAllowlist` entry (see `StdioAllowEntry`). */
export const StdioAllowEntrySchema = z
  .object({
    command: z.string().min(1),
    args: z.array(z.string().min(1)).optional(),
    env: z.array(z.string().min(1)).optional(),
  })
  .strict();

export * from '../common/limits';

/** `hub.config.json` (path: HUB_CONFIG, default `<repo>/hub.config.json`). */
export const HubConfigSchema = z
  .object({
    mcpServers: z.record(McpServerNameSchema, McpServerConfigSchema).default({}),
    /**
     * Operator-defined agents by name (read-only through the API; every tenant may use them). They are
     * added to the built-in agents; a name of a built-in agent replaces it.
     */
    agents: z.record(AgentNameSchema, AgentDefinitionFieldsSchema).default({}),
    security: z
      .object({
        /**
         * The stdio invocations that runtime-registered servers may run: a plain string is that exact
         * command with no arguments; `{command, args, env}` adds argument patterns and the environment
         * variables a registration may set (see `StdioAllowEntry`).
         */
        stdioCommandAllowlist: z.array(z.union([z.string().min(1), StdioAllowEntrySchema])).default([]),
        /** Absolute directory that a runtime stdio server's `cwd` must lie in; without it, `cwd` is refused. */
        stdioCwdRoot: z
          .string()
          .refine(isNormalAbsolutePath, { error: 'stdioCwdRoot must be an absolute path without "." or ".." segments' })
          .optional(),
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
    /** Per-tenant quotas and rate limits (common/limits.ts). */
    limits: LimitsSchema.default({ defaults: {}, tenants: {} }),
    /**
     * OpenAI-compatible endpoints by name. `default` (OPENAI_BASE_URL / OPENAI_API_KEY; the local model under
     * `npm start`) needs no entry; an entry of that name replaces it.
     */
    providers: ProvidersConfigSchema.default({}),
    /** Model aliases: provider, the provider's model id, limits and prices. Agents name them in `model`. */
    models: ModelsConfigSchema.default({}),
    /**
     * Spending budgets and rate limits by tenant. With this section (even `{}`) every LLM call takes a lease
     * from its tenant's ledger first; a tenant without an entry has no limits unless an admin sets some.
     */
    budgets: BudgetsConfigSchema.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const [alias, m] of Object.entries(cfg.models)) {
      if (m.provider !== DEFAULT_PROVIDER && !(m.provider in cfg.providers)) {
        ctx.addIssue({ code: 'custom', path: ['models', alias, 'provider'], message: `unknown provider '${m.provider}' (define it in providers, or use '${DEFAULT_PROVIDER}')` });
      }
    }
    for (const [name, agent] of Object.entries(cfg.agents)) {
      if (!Array.isArray(agent.model)) continue;
      agent.model.forEach((alias, i) => {
        if (!(alias in cfg.models)) ctx.addIssue({ code: 'custom', path: ['agents', name, 'model', i], message: `a model list names aliases of models; '${alias}' is not one` });
      });
    }
  });
export type HubConfig = z.infer<typeof HubConfigSchema>;

/** A tool as the server describes it, with the hash it is pinned by. */
export const McpToolDefinitionSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
  /** sha256 of the canonical JSON of {name, description, inputSchema}. */
  hash: z.string(),
});

export const McpToolStateSchema = McpToolDefinitionSchema.extend({
  /** The hash approved when first seen (or re-approved). */
  pinnedHash: z.string(),
  status: z.enum(['enabled', 'flagged']),
  /** Why it is flagged (definition changed since it was pinned, or a new tool on a known server). */
  flaggedReason: z.string().optional(),
  /** The latest listing did not have it; its pin is kept (a tool that comes back changed is flagged). */
  missing: z.boolean().optional(),
});

export const McpServerStatusSchema = z.object({
  state: z.enum(['unknown', 'connected', 'error']),
  error: z.string().optional(),
  checkedAt: z.string().optional(),
});

export const McpServerStateSchema = z.object({
  name: z.string(),
  source: z.enum(['config', 'api']),
  config: McpServerConfigSchema,
  status: McpServerStatusSchema,
  tools: z.array(McpToolStateSchema),
  /** When the first listing was pinned; tools that appear later wait for approval unless `trustNewTools`. */
  pinnedAt: z.string().optional(),
});

/** State of a tenant's registry workflow. Config-file servers appear with `source: 'config'` once observed. */
export const McpRegistryStateSchema = z.object({
  tenant: z.string(),
  servers: z.array(McpServerStateSchema),
});

type _Proofs = [
  Expect<Same<z.infer<typeof StdioAllowEntrySchema>, StdioAllowEntry>>,
  Expect<Same<z.infer<typeof McpToolDefinitionSchema>, McpToolDefinition>>,
  Expect<Same<z.infer<typeof McpToolStateSchema>, McpToolState>>,
  Expect<Same<z.infer<typeof McpServerStatusSchema>, McpServerStatus>>,
  Expect<Same<z.infer<typeof McpServerStateSchema>, McpServerState>>,
  Expect<Same<z.infer<typeof McpRegistryStateSchema>, McpRegistryState>>,
];

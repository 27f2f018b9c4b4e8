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
 * Environment variables a runtime-registered stdio server may never set
 * (case-insensitive): loader and interpreter hooks that run code of the
 * caller's choosing in any child (`NODE_OPTIONS=--require …`, `LD_PRELOAD`,
 * `PYTHONSTARTUP`, `BASH_ENV`, …), package-manager settings that make
 * `npx`/`uvx`/`pip` fetch code from elsewhere (`npm_config_registry`,
 * `PIP_INDEX_URL`, `UV_INDEX_URL`), and the variables the worker itself
 * provides (`PATH`, `HOME`, `XDG_*`: where commands and dotfiles come from).
 * Servers of the config file (written by the operator) are not limited.
 */
export const RUNTIME_STDIO_ENV_DENYLIST: readonly RegExp[] = [
  /^NODE_/i, /^ELECTRON_/i, /^TS_NODE_/i, /^TSX_/i, /^DENO_/i, /^BUN_/i,
  /^(npm|yarn|pnpm|corepack)_/i,
  /^LD_/i, /^DYLD_/i, /^GCONV_PATH$/i, /^GLIBC_TUNABLES$/i, /^MALLOC_/i, /^LOCPATH$/i, /^NLSPATH$/i, /^HOSTALIASES$/i,
  /^PYTHON/i, /^PIP_/i, /^UV_/i, /^VIRTUAL_ENV$/i, /^CONDA/i,
  /^PERL5/i, /^PERLLIB$/i, /^PERLIO/i, /^PERL_/i,
  /^RUBY/i, /^GEM_/i, /^BUNDLE_/i,
  /^LUA_/i, /^PHPRC$/i, /^PHP_INI_SCAN_DIR$/i, /^R_PROFILE/i, /^R_ENVIRON/i, /^TCL/i,
  /^JAVA_TOOL_OPTIONS$/i, /^_JAVA_OPTIONS$/i, /^JDK_JAVA_OPTIONS$/i, /^JAVA_OPTS$/i, /^CLASSPATH$/i, /^DOTNET_/i, /^CORECLR_/i, /^COMPlus_/i,
  /^BASH_ENV$/i, /^ENV$/i, /^BASH_FUNC_/i, /^SHELLOPTS$/i, /^BASHOPTS$/i, /^PS4$/i, /^PROMPT_COMMAND$/i, /^IFS$/i, /^CDPATH$/i, /^SHELL$/i,
  /^GIT_/i, /^SSH_/i, /^EDITOR$/i, /^VISUAL$/i, /^PAGER$/i,
  /^PATH$/i, /^HOME$/i, /^XDG_/i, /^TMPDIR$/i,
];

/** Whether a runtime stdio registration may set the environment variable `name` (see `RUNTIME_STDIO_ENV_DENYLIST`). */
export const isDeniedRuntimeEnv = (name: string): boolean => RUNTIME_STDIO_ENV_DENYLIST.some((re) => re.test(name));

/** An absolute, normalised POSIX path: starts with `/`, no `.`/`..`/empty segments, no NUL. */
export const isNormalAbsolutePath = (p: string): boolean =>
  p.startsWith('/') && !p.includes('\u0000') && (p === '/' || p.slice(1).split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'));

/**
 * One `security.stdioCommandAllowlist` entry in its full form: a whole
 * invocation that tenants may register at runtime. A plain string entry
 * `"npx"` means `{ "command": "npx" }`: that command with no arguments.
 */
export interface StdioAllowEntry {
  /** The exact `command` (no PATH lookup equivalence: `npx` does not allow `/usr/bin/npx`). */
  command: string;
  /**
   * One pattern per argument: a registration must pass exactly this many
   * arguments, each equal to its pattern or matching it as a glob
   * (picomatch: `*` within a path segment, `**` across segments, `{a,b}`,
   * `?`). A glob never matches an argument that starts with `-` (unless the
   * pattern does too) nor one with a `..` path segment. Default: none.
   */
  args?: string[];
  /** Names (exact or globs) of environment variables a registration may set. Default: none. */
  env?: string[];
}

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
    /**
     * Tools that appear on this server after its first listing are enabled at
     * once (pinned as first seen). Default: they are flagged until approved.
     */
    trustNewTools: zod.boolean().optional(),
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

  /**
   * A runtime registration's stdio fields: no loader/interpreter variable in
   * `env` (the refusal names it), `cwd` absolute and normalised (the worker
   * also confines it to `security.stdioCwdRoot`).
   */
  const deniedIn = (env: unknown): string[] => Object.keys((env ?? {}) as Record<string, string>).filter(isDeniedRuntimeEnv);
  const runtimeEnv = zod.record(zod.string(), zod.string()).refine((env) => deniedIn(env).length === 0, {
    error: (issue) =>
      `environment variable ${deniedIn(issue.input).join(', ')} is not allowed for runtime-registered servers ` +
      `(loader, interpreter, package-manager or hub-provided variable)`,
  });
  const runtimeStdio = stdio.extend({
    env: runtimeEnv.optional(),
    cwd: zod
      .string()
      .min(1)
      .refine(isNormalAbsolutePath, { error: 'cwd must be an absolute path without "." or ".." segments' })
      .optional(),
  });

  /** Body of `POST /v1/mcp/servers`. */
  const registration = zod.union([runtimeStdio.extend({ name }), http.extend({ name })]);

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
  /** Why it is flagged (definition changed since it was pinned, or a new tool on a known server). */
  flaggedReason?: string;
  /**
   * The server's latest listing did not have it. Its pin is kept, so a tool
   * that vanishes and comes back changed is flagged, not pinned afresh.
   */
  missing?: boolean;
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
  /**
   * When the server's first listing was pinned. Tools that appear after it
   * wait for approval (flagged) unless the server sets `trustNewTools`.
   */
  pinnedAt?: string;
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

import type { ToolResult, ToolSpec } from '@hub/contracts';

/** What a tool handler gets besides its arguments. */
export interface ToolContext {
  /**
   * Stable across retries of the same activity execution (see
   * `idempotencyKeyFromInfo`); side-effecting tools use it to make their
   * effect happen at most once.
   */
  readonly idempotencyKey: string;
  /** Aborted when the activity is cancelled (the activity must heartbeat to notice). */
  readonly signal: AbortSignal;
  /** Records an activity heartbeat; long-running tools should call it periodically. */
  readonly heartbeat: (details?: unknown) => void;
  /** Session the call belongs to (from the `ToolRequest`). */
  readonly sessionId?: string;
  /** Tenant of the calling session, when the workflow id is a session workflow id. */
  readonly tenant?: string;
  /**
   * Progress of a long-running call (e.g. MCP progress notifications). The
   * `executeTool` activity publishes them as `tool.progress` session events.
   */
  readonly onProgress?: (p: ToolProgress) => void;
}

/** A progress report of a running tool call. */
export interface ToolProgress {
  progress: number;
  total?: number;
  message?: string;
}

/** What `listTools` may depend on: whose tools (MCP servers registered at runtime are per tenant). */
export interface ToolListContext {
  tenant?: string;
  /** Told of every tool source (an MCP server) that was slow or failed in this listing. */
  onUnavailable?: (u: ToolSourceUnavailable) => void;
}

/** A tool source left out of a listing (`cached: false`) or served from its last good catalogue (`cached: true`). */
export interface ToolSourceUnavailable {
  server: string;
  error: string;
  cached: boolean;
}

/**
 * A source of tools: the built-ins now, MCP servers later. Providers are
 * combined by `ToolRegistry`.
 */
export interface ToolProvider {
  /** For diagnostics only (e.g. `builtin`, `mcp:github`). */
  readonly id?: string;
  /** The tools this provider offers right now (for `ctx.tenant`). Called often: cache if it is expensive. */
  listTools(ctx?: ToolListContext): Promise<ToolSpec[]>;
  /**
   * Runs a tool. `args` is the already JSON-decoded arguments value, not yet
   * validated: the provider validates it (throw `ToolInputError` when it is
   * wrong). Throw `ToolError` for failures the model should see
   * (`ok: false`); any other error fails the activity attempt so Temporal
   * retries it.
   */
  call(name: string, args: unknown, ctx: ToolContext): Promise<ToolResult>;
  /**
   * Optional: whether `name` is this provider's although `listTools` does not
   * offer it right now (e.g. its MCP server is down), so that a call goes to
   * `call` and fails retryably instead of as an unknown tool.
   */
  claims?(name: string, ctx?: ToolListContext): Promise<boolean>;
}

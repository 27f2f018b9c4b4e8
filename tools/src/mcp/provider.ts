import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  MCP_TOOL_SEPARATOR,
  isStdioServer,
  type McpObservation,
  type McpServerConfig,
  type McpToolDefinition,
  type ToolResult,
  type ToolSpec,
} from '@hub/contracts';
import { ToolError, ToolInputError, UnknownToolError, errorMessage } from '../errors';
import { matchesAllowlist } from '../registry';
import type { ToolContext, ToolListContext, ToolProgress, ToolProvider } from '../types';
import type { CallToolResult, McpConnection, McpTool } from './connection';
import type { McpConnectionManager } from './connection-manager';
import { qualifyServerTools } from './naming';
import { canonicalJson, toDefinition } from './pinning';
import { assertStdioAllowed } from './safety';
import { traceMcpCall } from './tracing';
import { formatAjvErrors, validatorFor } from './validate';

/** A server as the hub resolved it for one tenant (from the config file and the registry workflow). */
export interface ResolvedMcpServer {
  name: string;
  source: 'config' | 'api';
  config: McpServerConfig;
  /** `HubConfig.security.allowPrivateHosts` (plus anything the hub adds for this server). */
  allowPrivateHosts: string[];
  /** Approved definition hash per ORIGINAL tool name. A tool without a pin is new (offered, then pinned by the registry). */
  pins: Record<string, string>;
  /** Tools (original names) an operator must re-approve; never offered. */
  flagged: Set<string>;
}

export interface McpToolProviderOptions {
  manager: McpConnectionManager;
  /** The servers of a tenant (config-file servers and the tenant's registered ones). */
  servers: (ctx: { tenant?: string }) => Promise<ResolvedMcpServer[]>;
  /**
   * What `listTools` saw of each server (status and tool definitions with
   * hashes), for the registry to pin new tools and flag changed ones. Called
   * when something changed since the last report for that server, and at
   * least every `observeRepeatMs`. Errors are swallowed (reported again next
   * time). The second argument says whose listing it was.
   */
  onObserved?: (obs: McpObservation, ctx: { tenant?: string }) => void | Promise<void>;
  /** When set, stdio servers with `source: 'api'` must use one of these commands (defence in depth; the hub checks at registration). */
  stdioCommandAllowlist?: readonly string[];
  /** Default request timeout of a call when the server sets no `timeouts.callMs` (default 120 s, the tool activity's). */
  defaultCallTimeoutMs?: number;
  /** Re-report unchanged observations after this long (default 5 min; 0 = report every listing). */
  observeRepeatMs?: number;
  /**
   * Longest wait for one server's tool list in `listTools` (default 2.5 s; servers are listed concurrently). A
   * slower or failing server is served from its last good catalogue, or left out of that listing, and
   * `ToolListContext.onUnavailable` is told either way; its listing goes on in the background.
   */
  listTimeoutMs?: number;
}

const DEFAULT_CALL_TIMEOUT_MS = 120_000;
/** Heartbeat interval while a call runs (shorter when the server's `timeouts.heartbeatMs` needs it); Temporal throttles them. */
const HEARTBEAT_EVERY_MS = 1_000;
const DEFAULT_LIST_TIMEOUT_MS = 2_500;

function sanitizedPrefix(server: string): string {
  return `${server}${MCP_TOOL_SEPARATOR}`.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/** Whether the server's `requiresApproval` covers this tool (original or qualified name). */
function needsApproval(config: McpServerConfig, tool: string, qualified: string): boolean {
  const ra = config.requiresApproval;
  if (ra === true) return true;
  if (!ra) return false;
  return matchesAllowlist(tool, ra) || matchesAllowlist(qualified, ra);
}

/** Why a tool is not offered, or undefined when it is. */
function exclusion(server: ResolvedMcpServer, def: McpToolDefinition): string | undefined {
  if (server.flagged.has(def.name)) return 'it is flagged: its definition changed since it was approved';
  const pin = server.pins[def.name];
  if (pin !== undefined && pin !== def.hash) return 'its definition changed since it was approved';
  return undefined;
}

/** The text of a result's content for the model. Non-text parts are summarised. */
export function formatCallResult(result: CallToolResult): string {
  const parts: string[] = [];
  let hasText = false;
  for (const item of result.content ?? []) {
    switch (item.type) {
      case 'text':
        parts.push(item.text);
        hasText = true;
        break;
      case 'image':
      case 'audio':
        parts.push(`[${item.type} ${item.mimeType}, ${Buffer.byteLength(item.data, 'base64')} bytes]`);
        break;
      case 'resource': {
        const r = item.resource;
        if ('text' in r && typeof r.text === 'string') {
          parts.push(`[resource ${r.uri}${r.mimeType ? ` ${r.mimeType}` : ''}]\n${r.text}`);
          hasText = true;
        } else if ('blob' in r && typeof r.blob === 'string') {
          parts.push(`[resource ${r.uri}${r.mimeType ? ` ${r.mimeType}` : ''}, ${Buffer.byteLength(r.blob, 'base64')} bytes]`);
        }
        break;
      }
      case 'resource_link':
        parts.push(`[resource link ${item.name}: ${item.uri}${item.mimeType ? ` (${item.mimeType})` : ''}]`);
        break;
      default:
        parts.push(`[${(item as { type: string }).type} content]`);
    }
  }
  if (!hasText && result.structuredContent !== undefined) parts.unshift(JSON.stringify(result.structuredContent));
  return parts.join('\n');
}

/** JSON-RPC errors that are the server's answer to this call (shown to the model) rather than a failure to retry. */
function isServerRefusal(err: unknown): err is McpError {
  if (!(err instanceof McpError)) return false;
  const retryable: number[] = [ErrorCode.ConnectionClosed, ErrorCode.RequestTimeout, ErrorCode.InternalError, ErrorCode.ParseError];
  return !retryable.includes(err.code);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The tools of MCP servers as a `ToolProvider`: names `server__tool`,
 * pinned definitions (a tool whose definition changed is not offered nor
 * run), arguments validated against the tool's JSON Schema, progress and
 * heartbeats while a call runs, idempotency key in `_meta`.
 */
export class McpToolProvider implements ToolProvider {
  readonly id = 'mcp';
  readonly #opts: McpToolProviderOptions;
  readonly #observed = new Map<string, { fingerprint: string; at: number }>();
  /** Last good tool list per server (and scope), with the config it was listed under. */
  readonly #catalogue = new Map<string, { config: string; tools: McpTool[] }>();
  /** Listings that missed their deadline and are still running: later listings do not wait for them again. */
  readonly #overdue = new Map<string, { config: string; since: number }>();

  constructor(opts: McpToolProviderOptions) {
    this.#opts = opts;
  }

  async listTools(ctx: ToolListContext = {}): Promise<ToolSpec[]> {
    const servers = (await this.#opts.servers(ctx)).filter((s) => !s.config.disabled);
    const lists = await Promise.all(servers.map((s) => this.#listServer(s, ctx)));
    return lists.flat();
  }

  /** Names with the prefix of one of the tenant's enabled servers: a call to a server that is down is retried, not unknown. */
  async claims(name: string, ctx: ToolListContext = {}): Promise<boolean> {
    const servers = await this.#opts.servers(ctx);
    return servers.some((s) => !s.config.disabled && name.startsWith(sanitizedPrefix(s.name)));
  }

  async call(name: string, args: unknown, ctx: ToolContext): Promise<ToolResult> {
    return traceMcpCall(name, ctx.signal, (found) => this.#call(name, args, ctx, found)); // a span per call (./tracing)
  }

  async #call(name: string, args: unknown, ctx: ToolContext, traced: (server: string, tool: string) => void): Promise<ToolResult> {
    // Heartbeat from the start: connecting (e.g. spawning a stdio server) may take a while too.
    ctx.heartbeat();
    let hb = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
    hb.unref();
    try {
      const listCtx: ToolListContext = ctx.tenant !== undefined ? { tenant: ctx.tenant } : {};
      const found = await this.#find(name, listCtx);
      if (!found) throw new UnknownToolError(name);
      const { server, conn, tool } = found;
      traced(server.name, tool.name);

      const def = toDefinition(tool);
      const excluded = exclusion(server, def);
      if (excluded) throw new ToolError(`Tool ${name} is disabled: ${excluded}; an operator must re-approve it`);

      if (!isPlainObject(args)) throw new ToolInputError(name, 'arguments must be a JSON object');
      const validate = validatorFor(def.hash, def.inputSchema);
      if (validate && !validate(args)) throw new ToolInputError(name, formatAjvErrors(validate.errors));

      const timeouts = server.config.timeouts;
      if (timeouts?.heartbeatMs !== undefined && timeouts.heartbeatMs / 3 < HEARTBEAT_EVERY_MS) {
        clearInterval(hb);
        hb = setInterval(() => ctx.heartbeat(), Math.max(100, Math.floor(timeouts.heartbeatMs / 3)));
        hb.unref();
      }
      try {
        const result = await conn.callTool(tool.name, args, {
          signal: ctx.signal,
          timeoutMs: timeouts?.callMs ?? this.#opts.defaultCallTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
          meta: { idempotencyKey: ctx.idempotencyKey, 'io.agenthub/idempotency-key': ctx.idempotencyKey },
          onProgress: (p: ToolProgress) => {
            ctx.heartbeat({ progress: p.progress, total: p.total });
            ctx.onProgress?.(p);
          },
        });
        const content = formatCallResult(result);
        if (result.isError) throw new ToolError(content || `Tool ${name} reported an error`);
        return { ok: true, content };
      } catch (err) {
        if (isServerRefusal(err)) throw new ToolError(`MCP server "${server.name}" refused the call: ${err.message}`, { cause: err });
        throw err;
      }
    } catch (err) {
      // Cancellation of the activity: throw its reason (Temporal's CancelledFailure), not the SDK's error.
      if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
      throw err;
    } finally {
      clearInterval(hb);
    }
  }

  // -- internals ------------------------------------------------------------

  #scope(server: ResolvedMcpServer, ctx: ToolListContext): string | undefined {
    return server.source === 'api' ? `tenant:${ctx.tenant ?? ''}` : undefined;
  }

  async #connection(server: ResolvedMcpServer, ctx: ToolListContext): Promise<McpConnection> {
    if (server.source === 'api' && this.#opts.stdioCommandAllowlist && isStdioServer(server.config)) {
      assertStdioAllowed(server.config.command, this.#opts.stdioCommandAllowlist);
    }
    const scope = this.#scope(server, ctx);
    return this.#opts.manager.get(server.name, server.config, {
      allowPrivateHosts: server.allowPrivateHosts,
      ...(scope !== undefined ? { scope } : {}),
    });
  }

  async #listServer(server: ResolvedMcpServer, ctx: ToolListContext): Promise<ToolSpec[]> {
    const key = `${this.#scope(server, ctx) ?? ''}\u0000${server.name}`;
    const config = canonicalJson(server.config);
    const limit = this.#opts.listTimeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;
    const overdue = this.#overdue.get(key)?.config === config ? this.#overdue.get(key) : undefined;
    let tools: McpTool[];
    let timer: NodeJS.Timeout | undefined;
    try {
      // A server that already missed a deadline and still has not answered costs no more waiting.
      if (overdue) throw new Error(`MCP server "${server.name}" has not answered its tool listing for ${Date.now() - overdue.since} ms`);
      const listing = this.#connection(server, ctx).then((conn) => conn.listTools());
      // A listing that lands after the deadline still refreshes the catalogue for the next turn.
      listing.then(
        (listed) => this.#catalogue.set(key, { config, tools: listed }),
        () => undefined,
      );
      // A slow server (e.g. a stdio server still starting, a host that does not answer) does not hold up the turn.
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const mark = { config, since: Date.now() - limit };
          this.#overdue.set(key, mark);
          const clear = () => {
            if (this.#overdue.get(key) === mark) this.#overdue.delete(key);
          };
          void listing.then(clear, clear);
          reject(new Error(`listing the tools of MCP server "${server.name}" took longer than ${limit} ms`));
        }, limit);
      });
      tools = await Promise.race([listing, timeout]);
    } catch (err) {
      const error = errorMessage(err);
      await this.#observe(server, ctx, { state: 'error', error, checkedAt: new Date().toISOString() });
      const cached = this.#catalogue.get(key);
      const usable = cached?.config === config ? cached.tools : undefined;
      try {
        ctx.onUnavailable?.({ server: server.name, error, cached: usable !== undefined });
      } catch {
        // the listener's problem is not the listing's
      }
      return usable ? this.#specs(server, usable) : [];
    } finally {
      clearTimeout(timer);
    }
    const defs = tools.map((t) => toDefinition(t));
    await this.#observe(server, ctx, { state: 'connected', checkedAt: new Date().toISOString() }, defs);
    return this.#specs(server, tools);
  }

  /** The specs of a server's listed tools that are offered (pins checked; task-only tools left out). */
  #specs(server: ResolvedMcpServer, tools: McpTool[]): ToolSpec[] {
    const defs = tools.map((t) => toDefinition(t));
    const byName = new Map(defs.map((d) => [d.name, d]));
    // Tools that only run as MCP tasks (call-now, fetch-later) cannot be called by this provider.
    const taskOnly = new Set(tools.filter((t) => t.execution?.taskSupport === 'required').map((t) => t.name));
    const specs: ToolSpec[] = [];
    for (const [qualified, original] of qualifyServerTools(server.name, byName.keys())) {
      const def = byName.get(original)!;
      if (exclusion(server, def) || taskOnly.has(original)) continue;
      const spec: ToolSpec = {
        name: qualified,
        description: `[${server.name}] ${def.description ?? original}`,
        parameters: def.inputSchema,
        requiresApproval: needsApproval(server.config, original, qualified),
      };
      const t = server.config.timeouts;
      if (t && (t.callMs !== undefined || t.heartbeatMs !== undefined)) {
        spec.timeouts = {};
        if (t.callMs !== undefined) spec.timeouts.callMs = t.callMs;
        if (t.heartbeatMs !== undefined) spec.timeouts.heartbeatMs = t.heartbeatMs;
      }
      specs.push(spec);
    }
    return specs;
  }

  /** The server and ORIGINAL tool a qualified name stands for (connecting to candidate servers). */
  async #find(
    name: string,
    ctx: ToolListContext,
  ): Promise<{ server: ResolvedMcpServer; conn: McpConnection; tool: McpTool } | undefined> {
    const servers = (await this.#opts.servers(ctx)).filter((s) => !s.config.disabled);
    for (const server of servers) {
      const prefix = sanitizedPrefix(server.name);
      if (prefix.length < 55 && !name.startsWith(prefix)) continue;
      const conn = await this.#connection(server, ctx);
      const tools = await conn.listTools();
      const original = qualifyServerTools(
        server.name,
        tools.map((t) => t.name),
      ).get(name);
      if (original === undefined) continue;
      const tool = tools.find((t) => t.name === original)!;
      return { server, conn, tool };
    }
    return undefined;
  }

  async #observe(
    server: ResolvedMcpServer,
    ctx: ToolListContext,
    status: McpObservation['status'],
    tools?: McpToolDefinition[],
  ): Promise<void> {
    const onObserved = this.#opts.onObserved;
    if (!onObserved) return;
    const key = `${this.#scope(server, ctx) ?? ''}\u0000${server.name}`;
    const fingerprint = canonicalJson({
      config: server.config,
      state: status.state,
      tools: tools?.map((t) => [t.name, t.hash]),
    });
    const last = this.#observed.get(key);
    const repeat = this.#opts.observeRepeatMs ?? 300_000;
    if (last && last.fingerprint === fingerprint && Date.now() - last.at < repeat) return;
    const obs: McpObservation = { server: server.name, source: server.source, config: server.config, status };
    if (tools) obs.tools = tools;
    try {
      await onObserved(obs, ctx.tenant !== undefined ? { tenant: ctx.tenant } : {});
      this.#observed.set(key, { fingerprint, at: Date.now() });
    } catch {
      // Reported again on the next listing.
    }
  }
}

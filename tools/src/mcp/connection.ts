/**
 * One MCP server's connection, as `McpConnectionManager` keeps it.
 *
 * A connection is opened on first use (the transport comes from
 * `openTransport`) and kept: stdio servers run as child processes of the
 * worker, HTTP servers keep their session. When the transport closes (a stdio
 * server exits, an HTTP session fails) the next use reconnects at once, and a
 * background reconnect with exponential backoff (0.5 s doubling up to 30 s)
 * restores it meanwhile. After a failed attempt, uses within the backoff
 * window fail fast with `McpUnavailableError` instead of hammering the server.
 *
 * Errors are thrown as they come (so the calling activity is retried by
 * Temporal); only `McpSafetyError` (a refused command or host) is a
 * `ToolError`.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolResultSchema, ToolListChangedNotificationSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig, McpServerStatus } from '@hub/contracts';
import { errorMessage } from '../errors';
import { McpUnavailableError, isTransportFailure } from './failures';
import { isMcpSafetyError, type GuardedFetch, type LookupAll } from './safety';
import { StderrLog, openTransport, transportKind, transportPid, type McpTransportFactory, type McpTransportKind } from './transports';

/** A tool as an MCP server lists it (SDK type). */
export type McpTool = Tool;
export type { CallToolResult };

/** A progress notification of a running call. */
export interface McpProgress {
  progress: number;
  total?: number;
  message?: string;
}

export interface McpCallOptions {
  /** Aborting it cancels the call (the SDK sends `notifications/cancelled`). */
  signal?: AbortSignal;
  /** Progress notifications of this call (asks the server for them via `_meta.progressToken`). */
  onProgress?: (p: McpProgress) => void;
  /** Request timeout (default 120 s). */
  timeoutMs?: number;
  /** `_meta` of the `tools/call` request (e.g. idempotency keys). */
  meta?: Record<string, unknown>;
}

export interface McpConnectionManagerOptions {
  /** How the hub introduces itself to servers. */
  clientInfo?: { name: string; version: string };
  /**
   * Replaces the transports (tests: `InMemoryTransport`). Called for every
   * connection attempt; the safety checks are the factory's business then.
   */
  createTransport?: McpTransportFactory;
  /** DNS lookup for the private-host checks (tests inject one). */
  lookup?: LookupAll;
  /** Timeout of the initialize handshake (default 60 s: `npx -y …` servers may download first). */
  connectTimeoutMs?: number;
  /** Timeout of one `tools/list` page (default 15 s). */
  listTimeoutMs?: number;
  /** Reconnect backoff: first delay and cap (default 500 ms → 30 s, doubling). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Background reconnect attempts after a connection is lost before waiting for the next use (default 10). */
  maxBackgroundRetries?: number;
  /** Lines a stdio server writes to stderr (they are also kept, last ~4 KB, for error messages). */
  onStderr?: (server: string, line: string) => void;
}

const DEFAULT_CALL_TIMEOUT_MS = 120_000;
const MAX_LIST_PAGES = 100;

type State = 'unknown' | 'connected' | 'error';

/** One server's connection; get it from `McpConnectionManager.get`. */
export class McpConnection {
  #client: Client | undefined;
  #transport: Transport | undefined;
  #fetch: GuardedFetch | undefined;
  #connecting: Promise<Client> | undefined;
  #closed = false;
  #everConnected = false;
  #failures = 0;
  #backgroundRetries = 0;
  #nextAttemptAt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #state: State = 'unknown';
  #error: string | undefined;
  #checkedAt: string | undefined;
  #tools: Promise<McpTool[]> | undefined;
  readonly #toolsListeners = new Set<() => void>();
  readonly #stderr: StderrLog;

  constructor(
    readonly name: string,
    readonly config: McpServerConfig,
    readonly allowPrivateHosts: readonly string[],
    readonly configHash: string,
    private readonly opts: McpConnectionManagerOptions,
  ) {
    this.#stderr = new StderrLog(name, opts);
  }

  /** `connected`, `error` (with the last error) or `unknown` (never tried). */
  status(): McpServerStatus {
    const s: McpServerStatus = { state: this.#state };
    if (this.#error !== undefined && this.#state === 'error') s.error = this.#error;
    if (this.#checkedAt !== undefined) s.checkedAt = this.#checkedAt;
    return s;
  }

  get connected(): boolean {
    return this.#client !== undefined;
  }

  /** The stdio server's process id while it runs. */
  get pid(): number | undefined {
    return this.#transport ? transportPid(this.#transport) : undefined;
  }

  /** Which transport is in use: `stdio`, `streamable-http`, `sse` or `custom`. */
  get transportKind(): McpTransportKind | undefined {
    return this.#transport ? transportKind(this.#transport) : undefined;
  }

  /** Called when the server says its tool list changed (and on reconnect). Returns an unsubscribe function. */
  onToolsChanged(listener: () => void): () => void {
    this.#toolsListeners.add(listener);
    return () => this.#toolsListeners.delete(listener);
  }

  /** Connects unless connected (shared by concurrent callers). */
  async connect(): Promise<void> {
    await this.#ensureClient();
  }

  /** All tools of the server (every page), cached until `tools/list_changed` or a reconnect. */
  async listTools(): Promise<McpTool[]> {
    const client = await this.#ensureClient();
    if (this.#tools) return this.#tools;
    const listing = (async () => {
      const all: McpTool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const res = await client.listTools(cursor !== undefined ? { cursor } : undefined, {
          timeout: this.opts.listTimeoutMs ?? 15_000,
        });
        all.push(...res.tools);
        cursor = res.nextCursor;
        if (!cursor) break;
      }
      return all;
    })();
    this.#tools = listing;
    try {
      return await listing;
    } catch (err) {
      if (this.#tools === listing) this.#tools = undefined;
      this.#onUseFailed(client, err);
      throw err;
    }
  }

  /**
   * Calls a tool. Resolves with the server's result (also when `isError`);
   * throws on transport failures (the connection is dropped and the next
   * use reconnects), timeouts, cancellation and JSON-RPC errors (`McpError`).
   */
  async callTool(tool: string, args: Record<string, unknown>, opts: McpCallOptions = {}): Promise<CallToolResult> {
    opts.signal?.throwIfAborted();
    const client = await this.#ensureClient();
    const onProgress = opts.onProgress;
    try {
      const res = await client.callTool(
        { name: tool, arguments: args, ...(opts.meta ? { _meta: opts.meta } : {}) },
        CallToolResultSchema,
        {
          ...(opts.signal ? { signal: opts.signal } : {}),
          timeout: opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
          ...(onProgress
            ? {
                onprogress: (p: { progress: number; total?: number; message?: string }) => {
                  const ev: McpProgress = { progress: p.progress };
                  if (p.total !== undefined) ev.total = p.total;
                  if (p.message !== undefined) ev.message = p.message;
                  onProgress(ev);
                },
              }
            : {}),
        },
      );
      return res as CallToolResult;
    } catch (err) {
      this.#onUseFailed(client, err);
      throw err;
    }
  }

  /** Closes the connection for good (kills a stdio server). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    // A connect in flight loses its transport here (a starting stdio server is stopped) and
    // then fails; should it complete anyway, #connect sees #closed and closes what it opened.
    await this.#drop();
  }

  // -- internals ------------------------------------------------------------

  #ensureClient(): Promise<Client> {
    if (this.#closed) return Promise.reject(new McpUnavailableError(`MCP connection "${this.name}" is closed`));
    if (this.#client) return Promise.resolve(this.#client);
    if (this.#connecting) return this.#connecting;
    const wait = this.#nextAttemptAt - Date.now();
    if (wait > 0) {
      return Promise.reject(
        new McpUnavailableError(
          `MCP server "${this.name}" is unavailable (${this.#error ?? 'connection failed'}); next connection attempt in ${Math.ceil(wait / 1000)} s`,
        ),
      );
    }
    const p = this.#connect().finally(() => {
      if (this.#connecting === p) this.#connecting = undefined;
    });
    this.#connecting = p;
    return p;
  }

  async #connect(): Promise<Client> {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    try {
      const client = await this.#open();
      if (this.#closed) {
        await client.close().catch(() => undefined);
        throw new McpUnavailableError(`MCP connection "${this.name}" is closed`);
      }
      this.#client = client;
      this.#failures = 0;
      this.#backgroundRetries = 0;
      this.#nextAttemptAt = 0;
      this.#everConnected = true;
      this.#setState('connected');
      this.#invalidateTools();
      return client;
    } catch (err) {
      await this.#drop();
      this.#failures += 1;
      const delay = this.#backoff(this.#failures);
      this.#nextAttemptAt = Date.now() + delay;
      this.#setState('error', errorMessage(err));
      if (this.#everConnected && !this.#closed && !isMcpSafetyError(err)) this.#scheduleReconnect(delay);
      throw err;
    }
  }

  #backoff(failures: number): number {
    const initial = this.opts.backoff?.initialMs ?? 500;
    const max = this.opts.backoff?.maxMs ?? 30_000;
    return Math.min(max, initial * 2 ** Math.max(0, failures - 1));
  }

  #scheduleReconnect(delay: number): void {
    if (this.#closed || this.#reconnectTimer) return;
    if (this.#backgroundRetries >= (this.opts.maxBackgroundRetries ?? 10)) return;
    this.#backgroundRetries += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#closed || this.#client || this.#connecting) return;
      this.#nextAttemptAt = 0;
      this.#ensureClient().catch(() => undefined); // #connect schedules the next attempt
    }, delay);
    this.#reconnectTimer.unref();
  }

  #newClient(): Client {
    const client = new Client(this.opts.clientInfo ?? { name: 'agent-hub', version: '0.1.0' }, { capabilities: {} });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      if (this.#client === client) this.#invalidateTools();
    });
    // Transport errors (e.g. an SSE stream dropping) are reported here; failures of calls are thrown to the caller.
    client.onerror = (err) => {
      this.#error = errorMessage(err);
    };
    return client;
  }

  /** Opens a transport and completes the initialize handshake. */
  #open(): Promise<Client> {
    const timeout = this.opts.connectTimeoutMs ?? 60_000;
    return openTransport({
      name: this.name,
      config: this.config,
      allowPrivateHosts: this.allowPrivateHosts,
      lookup: this.opts.lookup,
      createTransport: this.opts.createTransport,
      handshake: (transport) => this.#handshake(this.#newClient(), transport, timeout),
      stderr: this.#stderr,
      onFetch: (fetch) => {
        this.#fetch = fetch;
      },
    });
  }

  async #handshake(client: Client, transport: Transport, timeout: number): Promise<Client> {
    this.#transport = transport;
    client.onclose = () => this.#onClosed(client);
    try {
      await client.connect(transport, { timeout });
    } catch (err) {
      client.onclose = undefined;
      await client.close().catch(() => undefined);
      if (this.#transport === transport) this.#transport = undefined;
      throw err;
    }
    return client;
  }

  /** The transport closed (stdio process exit, HTTP session closed, or our own close). */
  #onClosed(client: Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#transport = undefined;
    this.#invalidateTools();
    if (this.#closed) return;
    const tail = this.#stderr.tail.trim();
    this.#setState('error', `connection closed${tail ? ` (stderr: ${tail.slice(-300)})` : ''}`);
    this.#scheduleReconnect(this.opts.backoff?.initialMs ?? 500);
  }

  /** A use failed: when the connection itself broke, drop it so the next use reconnects. */
  #onUseFailed(client: Client, err: unknown): void {
    if (this.#client !== client || !isTransportFailure(err)) return;
    this.#setState('error', errorMessage(err));
    void this.#drop().then(() => {
      if (!this.#closed) this.#scheduleReconnect(this.opts.backoff?.initialMs ?? 500);
    });
  }

  /** Closes the current client/transport, if any. */
  async #drop(): Promise<void> {
    const client = this.#client;
    const transport = this.#transport;
    const fetch = this.#fetch;
    this.#client = undefined;
    this.#transport = undefined;
    this.#fetch = undefined;
    this.#invalidateTools();
    if (client) {
      client.onclose = undefined;
      await client.close().catch(() => undefined);
    } else if (transport) {
      await transport.close().catch(() => undefined); // a handshake in flight
    }
    if (fetch) await fetch.close().catch(() => undefined);
  }

  #invalidateTools(): void {
    this.#tools = undefined;
    for (const l of this.#toolsListeners) {
      try {
        l();
      } catch {
        // a listener's problem is not the connection's
      }
    }
  }

  #setState(state: State, error?: string): void {
    this.#state = state;
    this.#error = error;
    this.#checkedAt = new Date().toISOString();
  }
}

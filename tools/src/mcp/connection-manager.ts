/**
 * The worker's MCP connections (`McpConnectionManager`): one `McpConnection`
 * per server and scope, replaced when the server's transport config changes.
 */
import type { McpServerConfig, McpServerStatus } from '@hub/contracts';
import { McpConnection, type McpConnectionManagerOptions } from './connection';
import { connectionConfigHash } from './transports';

export interface McpGetOptions {
  /** Hosts/addresses/CIDR ranges an HTTP server may use although private (`HubConfig.security.allowPrivateHosts`). */
  allowPrivateHosts: readonly string[];
  /**
   * Name space of `name`: servers of the config file are shared by all
   * tenants (no scope), runtime-registered ones are per tenant (scope
   * `tenant:<id>`), so two tenants may each have a server called `github`.
   */
  scope?: string;
}

/**
 * The worker's MCP connections: one per server (per scope), reused by every
 * activity. Create one per process and `closeAll()` it at shutdown.
 */
export class McpConnectionManager {
  readonly #conns = new Map<string, McpConnection>();

  constructor(private readonly opts: McpConnectionManagerOptions = {}) {}

  static #key(name: string, scope: string | undefined): string {
    return `${scope ?? ''}\u0000${name}`;
  }

  /**
   * The connection for `name`, connected (lazily, on first use). When the
   * transport-relevant config (command/args/env/cwd or url/headers, and the
   * allowlist) changed since the last call, the old connection is closed and
   * a new one opened. Throws when it cannot connect.
   */
  async get(name: string, config: McpServerConfig, opts: McpGetOptions): Promise<McpConnection> {
    const conn = await this.connection(name, config, opts);
    await conn.connect();
    return conn;
  }

  /** Like `get`, without connecting. */
  async connection(name: string, config: McpServerConfig, opts: McpGetOptions): Promise<McpConnection> {
    const key = McpConnectionManager.#key(name, opts.scope);
    const hash = connectionConfigHash(config, opts.allowPrivateHosts);
    let conn = this.#conns.get(key);
    if (conn && conn.configHash !== hash) {
      this.#conns.delete(key);
      await conn.close();
      conn = undefined;
    }
    if (!conn) {
      conn = new McpConnection(name, config, [...opts.allowPrivateHosts], hash, this.opts);
      this.#conns.set(key, conn);
    }
    return conn;
  }

  /** Status of a server's connection; `unknown` when it was never used. */
  status(name: string, scope?: string): McpServerStatus {
    return this.#conns.get(McpConnectionManager.#key(name, scope))?.status() ?? { state: 'unknown' };
  }

  /** Closes one server's connection (e.g. when it is removed). */
  async close(name: string, scope?: string): Promise<void> {
    const key = McpConnectionManager.#key(name, scope);
    const conn = this.#conns.get(key);
    this.#conns.delete(key);
    await conn?.close();
  }

  /** Closes every connection (stdio servers are stopped). For worker shutdown. */
  async closeAll(): Promise<void> {
    const conns = [...this.#conns.values()];
    this.#conns.clear();
    await Promise.allSettled(conns.map((c) => c.close()));
  }
}

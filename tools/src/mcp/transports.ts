/**
 * Transport selection for MCP connections: which transport a server's config
 * asks for and how it is created — a stdio child process (with a minimal
 * environment, see `stdioEnvironment`), Streamable HTTP through the
 * private-host-guarded fetch, falling back to the legacy HTTP+SSE transport
 * when the server rejects the initialize POST with a 4xx — and how a failure
 * to connect is worded.
 */
import { createHash } from 'node:crypto';
import type { Stream } from 'node:stream';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isStdioServer, type McpServerConfig } from '@hub/contracts';
import { errorMessage } from '../errors';
import { canonicalJson } from './pinning';
import { assertUrlAllowed, guardedFetch, isMcpSafetyError, type GuardedFetch, type LookupAll } from './safety';

/** Creates the transport of a connection attempt in place of the built-in ones (tests: `InMemoryTransport`). */
export type McpTransportFactory = (name: string, config: McpServerConfig) => Transport | Promise<Transport>;

/** Which transport is in use: `stdio`, `streamable-http`, `sse` or `custom` (a factory's). */
export type McpTransportKind = 'stdio' | 'streamable-http' | 'sse' | 'custom';

/** Hash of what a connection depends on (transport fields and the allowlist, not the hub options). */
export function connectionConfigHash(config: McpServerConfig, allowPrivateHosts: readonly string[]): string {
  const transport = isStdioServer(config)
    ? { command: config.command, args: config.args ?? [], env: config.env ?? {}, cwd: config.cwd }
    : { url: config.url, headers: config.headers ?? {} };
  const data = { transport, allowPrivateHosts: [...allowPrivateHosts].sort() };
  return createHash('sha256').update(canonicalJson(data)).digest('hex');
}

export function transportKind(transport: Transport): McpTransportKind {
  if (transport instanceof StdioClientTransport) return 'stdio';
  if (transport instanceof StreamableHTTPClientTransport) return 'streamable-http';
  if (transport instanceof SSEClientTransport) return 'sse';
  return 'custom';
}

/** The process id of a running stdio server; undefined for other transports. */
export function transportPid(transport: Transport): number | undefined {
  return transport instanceof StdioClientTransport ? (transport.pid ?? undefined) : undefined;
}

/**
 * The environment of a stdio server: `PATH` and `HOME` of the worker plus
 * the entry's own `env`, never the rest of the worker's environment (API
 * keys, `HUB_*`, `OPENAI_API_KEY`, Temporal credentials). The SDK adds its
 * sudo-like defaults (`HOME`, `LOGNAME`, `PATH`, `SHELL`, `TERM`, `USER`)
 * under these; none of them is a secret.
 */
export function stdioEnvironment(config: { env?: Record<string, string> | undefined }, parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME']) {
    const value = parent[key];
    if (value !== undefined && !value.startsWith('()')) env[key] = value;
  }
  return { ...env, ...(config.env ?? {}) };
}

const STDERR_TAIL = 4_000;

/**
 * What a stdio server writes to stderr: the last ~4 KB are kept (for error
 * messages), and each line goes to `onStderr` when the options have one.
 */
export class StderrLog {
  #tail = '';

  constructor(
    private readonly server: string,
    private readonly opts: { onStderr?: (server: string, line: string) => void },
  ) {}

  /** The last ~4 KB written since the current server started. */
  get tail(): string {
    return this.#tail;
  }

  /** Starts over with a new server's stderr. */
  watch(stream: Stream | null): void {
    this.#tail = '';
    if (!stream) return;
    let partial = '';
    stream.on('data', (chunk: Buffer | string) => {
      const text = chunk.toString();
      this.#tail = (this.#tail + text).slice(-STDERR_TAIL);
      const onStderr = this.opts.onStderr;
      if (!onStderr) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onStderr(this.server, line);
    });
  }
}

export interface OpenTransportOptions {
  /** The server's name, for error messages. */
  name: string;
  config: McpServerConfig;
  /** Hosts/addresses/CIDR ranges an HTTP server may use although private. */
  allowPrivateHosts: readonly string[];
  /** DNS lookup for the private-host checks. */
  lookup?: LookupAll;
  /** Replaces the built-in transports; the safety checks are the factory's business then. */
  createTransport?: McpTransportFactory;
  /** Connects a new client over `transport` (the initialize handshake); rejects when that fails. */
  handshake: (transport: Transport) => Promise<Client>;
  /** Where a stdio server's stderr goes (its tail also words the failure). */
  stderr: StderrLog;
  /** The guarded fetch of an HTTP connection, before it is used; the caller closes it with the connection. */
  onFetch: (fetch: GuardedFetch) => void;
}

/**
 * Opens the transport the server's config asks for and completes the
 * handshake over it. Failures are rethrown naming the server (its command or
 * URL, the HTTP status, a stdio server's last stderr); `McpSafetyError`s (a
 * refused host) pass through unchanged.
 */
export async function openTransport(o: OpenTransportOptions): Promise<Client> {
  const { name, config } = o;

  if (o.createTransport) return o.handshake(await o.createTransport(name, config));

  if (isStdioServer(config)) {
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args ?? [],
      env: stdioEnvironment(config),
      ...(config.cwd !== undefined ? { cwd: config.cwd } : {}),
      stderr: 'pipe',
    });
    o.stderr.watch(transport.stderr);
    try {
      return await o.handshake(transport);
    } catch (err) {
      const tail = o.stderr.tail.trim();
      throw new Error(
        `MCP server "${name}" (stdio: ${config.command}) failed to start: ${errorMessage(err)}${tail ? `; stderr: ${tail.slice(-1000)}` : ''}`,
        { cause: err },
      );
    }
  }

  const url = new URL(config.url);
  const lookup = o.lookup;
  await assertUrlAllowed(url, o.allowPrivateHosts, lookup);
  const fetch = guardedFetch(o.allowPrivateHosts, lookup ? { lookup } : {});
  o.onFetch(fetch);
  const requestInit: RequestInit = { headers: { ...(config.headers ?? {}) } };
  try {
    return await o.handshake(new StreamableHTTPClientTransport(url, { requestInit, fetch }));
  } catch (err) {
    // The documented backwards-compatibility pattern: a server that answers the
    // initialize POST with a 4xx (404/405/400) speaks the legacy HTTP+SSE transport.
    const status = err instanceof StreamableHTTPError ? err.code : undefined;
    if (status === undefined || status < 400 || status >= 500 || status === 401 || status === 403) {
      if (isMcpSafetyError(err)) throw err;
      throw new Error(
        `MCP server "${name}" at ${url.origin}${url.pathname} failed to connect: ${status !== undefined && status > 0 ? `HTTP ${status}: ` : ''}${errorMessage(err)}`,
        { cause: err },
      );
    }
    try {
      return await o.handshake(new SSEClientTransport(url, { requestInit, fetch }));
    } catch (sseErr) {
      if (isMcpSafetyError(sseErr)) throw sseErr;
      throw new Error(
        `MCP server "${name}" at ${url.origin}${url.pathname}: Streamable HTTP failed (${errorMessage(err)}) and the SSE fallback failed too (${errorMessage(sseErr)})`,
        { cause: sseErr },
      );
    }
  }
}

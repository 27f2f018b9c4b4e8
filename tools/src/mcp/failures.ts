/**
 * How a failure of an MCP connection is told apart: the connection is
 * unavailable for now (closed, or in its reconnect backoff window), the
 * transport itself broke (drop the client, reconnect on the next use), or the
 * server answered (the connection stays).
 */
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { isMcpSafetyError } from './safety';

/** The server is in its reconnect backoff window, or the connection is closed. Retryable. */
export class McpUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'McpUnavailableError';
  }
}

/**
 * True for failures of the connection itself (closed, HTTP errors, network
 * errors), after which the client is dropped and the next use reconnects.
 * False for answers of the server (JSON-RPC errors), timeouts and
 * cancellations, which leave a working connection.
 */
export function isTransportFailure(err: unknown): boolean {
  if (err instanceof McpError) return err.code === ErrorCode.ConnectionClosed;
  if (isMcpSafetyError(err)) return true;
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'ZodError')) return false;
  return true;
}

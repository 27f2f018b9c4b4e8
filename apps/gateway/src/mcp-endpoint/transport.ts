/**
 * The HTTP plumbing of `/mcp`: one stateless Streamable HTTP transport per request, released
 * (closing the request's MCP server) once its response has been sent or abandoned.
 *
 * Stateless: every POST gets a fresh `McpServer` + transport (`sessionIdGenerator: undefined`),
 * closed when its response ends. The hub's state lives in Temporal, not in the gateway, so any
 * gateway instance can answer any request — no sticky routing, nothing lost when a gateway
 * restarts. The cost is what needs a server-held connection: server-initiated requests and the
 * standalone GET stream (GET and DELETE answer 405). Responses are SSE streams (the SDK default)
 * rather than single JSON bodies: a `chat` call lasts as long as the agent's turn, and the SSE
 * keep-alive comments hold idle proxies off meanwhile.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { LIMITS } from '@hub/contracts';
import type { Logger } from '../log';

/** A JSON-RPC error response of the transport's kind (no request id). */
export function jsonRpcError(status: 403 | 405 | 415, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Passes `res` through, calling `release` once its body has been sent or abandoned (or at once without a body). */
function releaseWhenDone(res: Response, release: () => void): Response {
  if (!res.body) {
    release();
    return res;
  }
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const r = await reader.read();
        if (r.done) {
          controller.close();
          release();
        } else {
          controller.enqueue(r.value);
        }
      } catch (err) {
        controller.error(err);
        release();
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** Answers one MCP request with `server` (the request's own server, closed when the response is done). */
export async function serveMcpRequest(server: McpServer, request: Request, log: Logger): Promise<Response> {
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    maxRequestBodySize: LIMITS.maxBodyBytes,
  });
  server.server.onerror = (err) => log.debug('mcp transport error', { err: err.message });
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    // Closing aborts the signals of tool calls still running (the client went away): they stop waiting.
    server.close().catch((err: unknown) => log.debug('closing the mcp server failed', { err }));
  };
  request.signal.addEventListener('abort', release, { once: true });
  await server.connect(transport);
  try {
    return releaseWhenDone(await transport.handleRequest(request), release);
  } catch (err) {
    release();
    throw err;
  }
}

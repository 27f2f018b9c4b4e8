/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/** The gateway served over real HTTP for the MCP tests: the official MCP client, raw requests, JSON-RPC bodies. */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { GatewayApp } from '../src/app';

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
export const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** The JSON-RPC message of a response that is either JSON or a one-message SSE stream. */
export function rpcBody(text: string): any {
  const data = text
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trim())
    .join('');
  return JSON.parse(data || text);
}

export interface ServedApp {
  port: number;
  /** An MCP client connected to /mcp (with `key` as bearer, when given); closed by {@link ServedApp.close}. */
  connectMcp(key: string | undefined, headers?: Record<string, string>): Promise<McpClient>;
  /** A raw HTTP request to /mcp with full control over the headers (Host included). */
  raw(
    method: string,
    body: string | Buffer | undefined,
    headers: Record<string, string>,
    opts?: { chunked?: boolean },
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>;
  close(): Promise<void>;
}

/** Serves `app` on a free loopback port. */
export async function serveApp(app: GatewayApp): Promise<ServedApp> {
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const clients: McpClient[] = [];

  const connectMcp = async (key: string | undefined, headers: Record<string, string> = {}): Promise<McpClient> => {
    const mcp = new McpClient({ name: 'gateway-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
      requestInit: { headers: { ...(key !== undefined ? bearer(key) : {}), ...headers } },
    });
    await mcp.connect(transport);
    clients.push(mcp);
    return mcp;
  };

  const raw: ServedApp['raw'] = (method, body, headers, opts = {}) =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/mcp',
          method,
          // A fresh connection each: after a 413 the server may close a connection whose body it did not read.
          agent: false,
          headers: {
            ...(body !== undefined && !opts.chunked ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      req.on('error', reject);
      if (body !== undefined && opts.chunked) {
        const buf = Buffer.from(body);
        for (let i = 0; i < buf.length; i += 64 * 1024) req.write(buf.subarray(i, i + 64 * 1024));
      } else if (body !== undefined) {
        req.write(body);
      }
      req.end();
    });

  const close = async (): Promise<void> => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return { port, connectMcp, raw, close };
}

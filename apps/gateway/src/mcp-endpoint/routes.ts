/**
 * The hub as an MCP server: Streamable HTTP at `/mcp`, so any MCP client (the MCP Inspector,
 * Cursor, Claude Desktop through `mcp-remote`) can chat with sessions and run research jobs.
 * The tools are in tools.ts, the per-request transport in transport.ts, the OpenAPI entry in
 * openapi.ts.
 *
 * Cross-cutting concerns are the REST API's: the bearer API key (app middleware) picks the
 * tenant that scopes every tool, the body limit applies (413), and the app's Host/Origin guard
 * (http/host-guard.ts) its DNS-rebinding protection (403, answered here as a JSON-RPC error).
 */
import type { Context } from 'hono';
import type { GatewayApp, GatewayEnv } from '../http/env';
import { requestContext } from '../http/env';
import { createRouter } from '../http/router';
import type { Admission } from '../quotas/admission';
import type { ResearchService } from '../research/service';
import type { SessionService } from '../sessions/service';
import { MCP_PATH, mcpRoute } from './openapi';
import { createHubMcpServer, type AgentLister } from './tools';
import { jsonRpcError, serveMcpRequest } from './transport';

export { MCP_PATH };

/** The DNS-rebinding settings of every route (kept under this name: they were /mcp's first). */
export interface McpOptions {
  /**
   * Extra `Host` values accepted (HUB_ALLOWED_HOSTS): `name` (any port) or `name:port`.
   * Loopback names (localhost, 127.0.0.0/8, [::1]) are always accepted.
   */
  allowedHosts?: string[] | undefined;
  /** Browser origins accepted besides the hub's own (HUB_ALLOWED_ORIGINS), e.g. `http://localhost:6274`. */
  allowedOrigins?: string[] | undefined;
}

export interface McpEndpointDeps {
  sessions: SessionService;
  research: ResearchService;
  /** The tenant's limits, asked before `chat` starts a session and before `start_research` (unset: none). */
  admission?: Admission | undefined;
  /** The agent service (`list_agents`; unset: the tool is not offered). */
  agents?: AgentLister | undefined;
}

/** `/mcp` (mounted after the app's auth and body-limit middleware), documented in the OpenAPI document. */
export function mcpEndpointRoutes(deps: McpEndpointDeps): GatewayApp {
  const { sessions, research, admission, agents } = deps;
  const app = createRouter();

  /** Hands a web Response to Hono so the headers set by middleware (X-Request-Id) are added. */
  const respond = (c: Context<GatewayEnv>, res: Response): Response => c.newResponse(res.body, res);

  app.openAPIRegistry.registerPath(mcpRoute);

  app.post(MCP_PATH, async (c) => {
    const ctx = requestContext(c);
    return respond(c, await serveMcpRequest(createHubMcpServer(sessions, research, ctx, admission, agents), c.req.raw, ctx.log));
  });

  // Stateless: no standalone SSE stream (GET) and no session to end (DELETE).
  app.all(MCP_PATH, (c) => respond(c, jsonRpcError(405, 'Method not allowed.', { allow: 'POST' })));

  return app;
}

/** A refusal of the app's Host/Origin guard on /mcp, as the JSON-RPC error MCP clients expect. */
export function mcpRefusal(c: Context<GatewayEnv>, status: 403 | 415, reason: string): Response | undefined {
  if (c.req.path !== MCP_PATH) return undefined;
  const res = jsonRpcError(status, reason);
  return c.newResponse(res.body, res);
}

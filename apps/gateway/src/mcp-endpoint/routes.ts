/**
 * The hub as an MCP server: Streamable HTTP at `/mcp`, so any MCP client (the MCP Inspector,
 * Cursor, Claude Desktop through `mcp-remote`) can chat with sessions and run research jobs.
 * The tools are in tools.ts, the per-request transport in transport.ts, the OpenAPI entry in
 * openapi.ts.
 *
 * Cross-cutting concerns are the REST API's: the bearer API key (app middleware) picks the
 * tenant that scopes every tool, the body limit applies (413), and {@link createOriginGuard}
 * adds DNS-rebinding protection (403).
 */
import type { Context } from 'hono';
import type { GatewayApp, GatewayEnv } from '../http/env';
import { requestContext } from '../http/env';
import { createRouter } from '../http/router';
import type { ResearchService } from '../research/service';
import type { SessionService } from '../sessions/service';
import { MCP_PATH, mcpRoute } from './openapi';
import { createOriginGuard } from './origin-guard';
import { createHubMcpServer } from './tools';
import { jsonRpcError, serveMcpRequest } from './transport';

export { MCP_PATH };

export interface McpOptions {
  /**
   * Extra `Host` values accepted on /mcp (HUB_MCP_ALLOWED_HOSTS): `name` (any port) or `name:port`.
   * Loopback names (localhost, 127.0.0.0/8, [::1]) are always accepted.
   */
  allowedHosts?: string[] | undefined;
  /** Browser origins accepted on /mcp besides the hub's own (HUB_MCP_ALLOWED_ORIGINS), e.g. `http://localhost:6274`. */
  allowedOrigins?: string[] | undefined;
}

export interface McpEndpointDeps {
  sessions: SessionService;
  research: ResearchService;
  options?: McpOptions | undefined;
}

/** `/mcp` (mounted after the app's auth and body-limit middleware), documented in the OpenAPI document. */
export function mcpEndpointRoutes(deps: McpEndpointDeps): GatewayApp {
  const { sessions, research } = deps;
  const guard = createOriginGuard(deps.options);
  const app = createRouter();

  /** Hands a web Response to Hono so the headers set by middleware (X-Request-Id) are added. */
  const respond = (c: Context<GatewayEnv>, res: Response): Response => c.newResponse(res.body, res);

  const rejectForeign = (c: Context<GatewayEnv>): Response | undefined => {
    const reason = guard.check(c.req.header('host') ?? new URL(c.req.url).host, c.req.header('origin'));
    if (reason === undefined) return undefined;
    c.get('log').warn('mcp request rejected', { reason });
    return respond(c, jsonRpcError(403, reason));
  };

  app.openAPIRegistry.registerPath(mcpRoute);

  app.post(MCP_PATH, async (c) => {
    const rejected = rejectForeign(c);
    if (rejected) return rejected;
    const ctx = requestContext(c);
    return respond(c, await serveMcpRequest(createHubMcpServer(sessions, research, ctx), c.req.raw, ctx.log));
  });

  // Stateless: no standalone SSE stream (GET) and no session to end (DELETE).
  app.all(MCP_PATH, (c) => rejectForeign(c) ?? respond(c, jsonRpcError(405, 'Method not allowed.', { allow: 'POST' })));

  return app;
}

export { createApp, type CreateAppOptions, type GatewayApp, type GatewayEnv } from './app';
export { createServices, type GatewayServices, type ServicesConfig } from './services';
export type { ProfileSource } from './profiles';
export type { Readiness, OpsService } from './ops/service';
export { parseApiKeys, DEFAULT_TENANT } from './http/auth';
export { ApiError, ERROR_CODES, type ErrorCode, type ErrorResponse } from './http/errors';
export { ErrorResponseSchema } from './http/error-responses';
export type { OpenStream, StreamItem } from './temporal/streams';
export type { Logger } from './log';
export { loadGatewayConfig, isLoopback, parsePort, type GatewayConfig } from './config';
export {
  createSessionService,
  type SessionDefaults,
  type SessionService,
  type SessionContext,
  type StartSessionInput,
} from './sessions/service';
export type { ResearchService } from './research/service';
export type { TaskService } from './tasks/service';
export type { McpRegistryService } from './mcp-registry/service';
export { MCP_PATH, mcpEndpointRoutes, type McpOptions } from './mcp-endpoint/routes';
export { createHubMcpServer } from './mcp-endpoint/tools';

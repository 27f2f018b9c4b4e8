export { createApp, type CreateAppOptions, type GatewayApp, type GatewayEnv, type ProfileSource, type Readiness, type SessionDefaults } from './app';
export { parseApiKeys, DEFAULT_TENANT } from './auth';
export { ApiError, ErrorResponseSchema, ERROR_CODES, type ErrorCode, type ErrorResponse } from './errors';
export type { OpenStream, StreamItem } from './events';
export type { Logger } from './log';
export { loadGatewayConfig, isLoopback, parsePort, type GatewayConfig } from './config';
export { createSessionService, type SessionService, type SessionContext, type StartSessionInput } from './sessions';
export { MCP_PATH, createHubMcpServer, mountMcpEndpoint, type McpOptions } from './mcp-endpoint';

/**
 * Temporal message definitions for the session entity workflow. The
 * definitions are pure values, safe to import from clients as well as from
 * workflow code.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { McpObservation, McpRegistryState, McpServerState } from './mcp';
import type { McpServerConfig, McpServerRegistration } from './mcp-config';
import type { ApprovalUpdateInput, SessionState, TurnResult } from './session';
import type { SendMessageInput } from './inputs';

export const sendMessageUpdate = defineUpdate<TurnResult, [SendMessageInput]>('sendMessage');
export const approveToolUpdate = defineUpdate<{ accepted: true }, [ApprovalUpdateInput]>('approveTool');
export const closeSessionUpdate = defineUpdate<SessionState, [{ reason?: string }]>('closeSession');
export const sessionStateQuery = defineQuery<SessionState>('sessionState');
/** Fire-and-forget form of close, for callers that cannot wait. */
export const closeSessionSignal = defineSignal<[{ reason?: string }]>('closeSessionSignal');

// ---- MCP registry (one workflow per tenant, id `mcpRegistryWorkflowId(tenant)`) ----
export const registerMcpServerUpdate = defineUpdate<McpServerState, [McpServerRegistration]>('registerMcpServer');
export const removeMcpServerUpdate = defineUpdate<McpServerState, [{ name: string }]>('removeMcpServer');
/** Inspect a server again; `config` adds a config-file server the registry has not seen yet. */
export const refreshMcpServerUpdate = defineUpdate<McpServerState, [{ name: string; config?: McpServerConfig }]>('refreshMcpServer');
export const approveMcpToolUpdate = defineUpdate<McpServerState, [{ server: string; tool: string }]>('approveMcpTool');
export const observeMcpToolsSignal = defineSignal<[McpObservation]>('observeMcpTools');
export const mcpRegistryStateQuery = defineQuery<McpRegistryState>('mcpRegistryState');

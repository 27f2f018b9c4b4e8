/**
 * Names of workflows, messages and activities: the wire contract between the
 * gateway (client side), the worker and the workflow code.
 */
export const WORKFLOW_TYPES = {
  session: 'agentSession',
  mcpRegistry: 'mcpRegistry',
} as const;

export const ACTIVITY_TYPES = {
  llmComplete: 'llmComplete',
  summarize: 'summarizeConversation',
  listTools: 'listTools',
  executeTool: 'executeTool',
  inspectMcpServer: 'inspectMcpServer',
} as const;

/** Session workflow ids embed the tenant so tenants can never address each other's sessions. */
export function sessionWorkflowId(tenant: string, sessionId: string): string {
  return `session/${tenant}/${sessionId}`;
}
export function sessionWorkflowIdPrefix(tenant: string): string {
  return `session/${tenant}/`;
}
export function parseSessionWorkflowId(workflowId: string): { tenant: string; sessionId: string } | undefined {
  const m = /^session\/([^/]+)\/([^/]+)$/.exec(workflowId);
  return m ? { tenant: m[1]!, sessionId: m[2]! } : undefined;
}

/** Topic of the session's durable event stream. */
export const SESSION_EVENTS_TOPIC = 'events';

/** Separator of namespaced tool names: `server__tool`. */
export const MCP_TOOL_SEPARATOR = '__';

/** The tenant a hub workflow belongs to (sessions, tasks, research jobs and their agents embed it in their ids). */
export function tenantOfWorkflowId(workflowId: string): string | undefined {
  return /^(?:session|task|research)\/([^/]+)\//.exec(workflowId)?.[1];
}

export const TENANT_RE = /^[a-zA-Z0-9_-]{1,64}$/;
export const SESSION_ID_RE = /^[a-zA-Z0-9_-]{1,128}$/;

/**
 * The idempotency key an activity sends with its side effect (LLM request,
 * tool call): workflow id + activity id. Workflows give every activity an id
 * that is unique for the whole workflow id (across continue-as-new runs),
 * e.g. `turn-7/tool/<callId>`, so a retry carries the same key and nothing
 * else does.
 */
export function activityIdempotencyKey(info: { workflowExecution?: { workflowId: string }; activityId: string }): string {
  return `${info.workflowExecution?.workflowId ?? 'standalone'}/${info.activityId}`;
}

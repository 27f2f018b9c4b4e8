/**
 * The zod-free helpers every part of the hub shares: the task queue, the one
 * way to name a zod issue's field and to put issues in one line, and the one
 * map from a workflow's Temporal status to the status the API reports.
 * Workflow code imports this module at runtime (`@hub/contracts/common/wire`).
 */
import type { z } from 'zod';

/** The task queue the worker polls and the gateway starts workflows on, unless `HUB_TASK_QUEUE` says otherwise. */
export const DEFAULT_TASK_QUEUE = 'agent-hub';

/** A zod issue's path as one string: `a.b[0].c`; `(root)` for the empty path. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(root)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

/**
 * Validation issues in one line, naming each field: `a.b[0]: message; c: message`.
 * `root` names the empty path (default `(root)`, e.g. `body` or `arguments`);
 * with `root: ''` an issue of the whole value is just its message.
 */
export function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, root = '(root)'): string {
  return issues
    .map((i) => {
      const where = i.path.length === 0 ? root : issuePath(i.path);
      return where ? `${where}: ${i.message}` : i.message;
    })
    .join('; ');
}

/**
 * The part of zod that the schema builders of the `wire.ts` files use (`sendMessageSchemas`,
 * `mcpServerSchemas`, `researchPlanSchemas`). Their `schemas.ts` pass zod itself; workflow code passes
 * just these functions, so its bundle carries no more of zod than they need.
 */
export type ZodBuilders = Pick<typeof z, 'array' | 'boolean' | 'number' | 'object' | 'record' | 'string' | 'union' | 'url' | 'toJSONSchema'>;

/** The hub's workflow kinds that the API lists with a status. */
export type WorkflowKind = 'session' | 'research' | 'task';

const CLOSED_ALIKE = {
  RUNNING: 'running',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
} as const;

const API_STATUS = {
  /** A session ends by being closed; it continues-as-new to compact its history. */
  session: { ...CLOSED_ALIKE, COMPLETED: 'closed', CONTINUED_AS_NEW: 'continued_as_new' },
  research: { ...CLOSED_ALIKE, COMPLETED: 'finished' },
  task: { ...CLOSED_ALIKE, COMPLETED: 'finished' },
} as const satisfies Record<WorkflowKind, Record<string, string>>;

/** What the API reports for a workflow of kind `K` (`unknown` for a status it does not know). */
export type ApiStatus<K extends WorkflowKind> = (typeof API_STATUS)[K][keyof (typeof API_STATUS)[K]] | 'unknown';

/**
 * The API status of a workflow from its Temporal status name (`RUNNING`, `COMPLETED`, …):
 * `COMPLETED` is `closed` for a session and `finished` for a research job or a task; the
 * others are the lower-case names; anything else is `unknown`. Case-insensitive, so a
 * research job's own final status (`completed`, `failed`, `cancelled`) maps the same way.
 */
export function apiStatusOf<K extends WorkflowKind>(kind: K, temporalStatus: string): ApiStatus<K> {
  const map: Readonly<Record<string, string>> = API_STATUS[kind];
  const key = temporalStatus.toUpperCase();
  return (Object.prototype.hasOwnProperty.call(map, key) ? map[key] : 'unknown') as ApiStatus<K>;
}

/**
 * Every workflow type the hub runs: the names of the exported workflow functions in
 * `@hub/workflows`, persisted in every history (renaming one orphans running workflows).
 * The saga tasks of the API's `task` resource run as `sagaTask`.
 */
export const WORKFLOW_TYPES = {
  session: 'agentSession',
  mcpRegistry: 'mcpRegistry',
  task: 'sagaTask',
  researchJob: 'researchJob',
  researchBatch: 'researchBatch',
  researchAgent: 'researchAgent',
  /** An agent called as a tool by another (`ask_<name>`), a child of the session. */
  delegation: 'agentDelegation',
  /** A tenant's agent definitions (with versions) and remote A2A agents. */
  agentRegistry: 'agentRegistry',
  /** A tenant's spending ledger: leases before LLM calls, usage after them, rate limits, top-ups (id `budget/<tenant>`). */
  budgetLedger: 'budgetLedger',
  /** Provider cooldowns shared by every worker (id `providers/health`). */
  providerHealth: 'providerHealth',
} as const;

/** Every activity the worker registers, by name. */
export const ACTIVITY_TYPES = {
  llmComplete: 'llmComplete',
  summarize: 'summarizeConversation',
  listTools: 'listTools',
  executeTool: 'executeTool',
  inspectMcpServer: 'inspectMcpServer',
  /** Sends a task to a remote A2A agent and follows it to its end (resumes the same remote task after a crash). */
  callRemoteAgent: 'callRemoteAgent',
  /** Reads a remote A2A agent's card (at registration, SSRF-guarded). */
  inspectRemoteAgent: 'inspectRemoteAgent',
  /** Runs the first model call of up to 50 research sub-agents (recorded in its heartbeat details, so a retry skips finished ones). */
  researchAgentBatch: 'researchAgentBatch',
} as const;

/** Limits shared by the gateway, the workflows and the activities. */
export const LIMITS = {
  /** Longest user message accepted (characters). */
  maxMessageChars: 32_000,
  /** Largest request body the gateway accepts (bytes). */
  maxBodyBytes: 256 * 1024,
  /** Largest tool result handed back to the model (characters); longer ones are truncated with a note. */
  maxToolResultChars: 16_000,
  /** Serialized conversation above this size is compacted (summarised) on continue-as-new (characters). */
  maxCarriedChars: 200_000,
  /** Messages kept verbatim when the conversation is compacted. */
  keepRecentMessages: 20,
  /** Stream events kept after a turn ends, for clients that reconnect (older ones are truncated). */
  streamRetainEvents: 2_000,
} as const;

export const TENANT_RE = /^[a-zA-Z0-9_-]{1,64}$/;

/** The tenant a hub workflow belongs to (sessions, tasks, research jobs and their agents embed it in their ids). */
export function tenantOfWorkflowId(workflowId: string): string | undefined {
  return /^(?:session|task|research)\/([^/]+)\//.exec(workflowId)?.[1];
}

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

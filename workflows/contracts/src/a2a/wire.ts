/**
 * The zod-free half of remote A2A agents: agents of other hubs or services,
 * reached over the Agent2Agent protocol, that a tenant registers
 * (`POST /v1/a2a/remotes {name, cardUrl, headers?}`) and its agents then use
 * as delegates (`ask_<name>`). Workflow code imports this at runtime; the
 * API schemas are in `./schemas`.
 *
 * Where they live: in the tenant's agent registry workflow (`agentRegistry`),
 * beside the tenant's agents (one namespace: a remote's name is an agent
 * name). As with MCP HTTP servers, the registry's state keeps the header
 * values (they may be secrets: stored in Temporal payloads, which the hub's
 * codec encrypts when `HUB_PAYLOAD_KEYS` is set); API answers carry only the
 * header names; the worker reads the values from the registry at call time,
 * so they are never in a session's input or history.
 *
 * How a call is followed: `callRemoteAgent` sends one message with a
 * deterministic message id, heartbeats the remote task id as soon as it has
 * it, and a retry (after a worker crash) resumes following that task
 * (`tasks/get`) instead of sending again.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AgentProfile, StreamTarget, TokenUsage } from '../agent/wire';
import { AGENT_NAME_RE } from '../agent/wire';
import type { ZodBuilders } from '../common/wire';

export const REMOTE_AGENT_LIMITS = {
  /** Largest agent card read (bytes). */
  maxCardBytes: 256 * 1024,
  /** How long fetching a card may take (ms). */
  cardTimeoutMs: 10_000,
  /** Headers one registration may set. */
  maxHeaders: 32,
  /** Longest header value (characters). */
  maxHeaderValueChars: 8_192,
  /** Skills kept from a card (the rest are dropped). */
  maxSkills: 64,
  /** Longest remote reply handed back to the delegating model (characters; longer ones are truncated with a note). */
  maxReplyChars: 16_000,
  /** How often a followed task is polled (`tasks/get`) while it runs (ms). */
  pollIntervalMs: 500,
} as const;

/** An HTTP header name (RFC 9110 token). */
export const HTTP_HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;

/** Body of `POST /v1/a2a/remotes`. */
export interface RemoteAgentRegistration {
  /** The name agents use (`delegates: ["<name>"]`, tool `ask_<name>`); shares the namespace of the tenant's agents. */
  name: string;
  /** Where the agent card is (e.g. `https://host/a2a/support/.well-known/agent-card.json`). */
  cardUrl: string;
  /** Sent with every request to the remote (e.g. `Authorization`); values are secrets, never returned. */
  headers?: Record<string, string>;
}

export interface RemoteAgentSkill {
  id: string;
  name: string;
  description?: string;
}

/** What the hub keeps of a remote agent's card (the `inspectRemoteAgent` activity's result). */
export interface RemoteAgentCardSummary {
  /** The card's own name. */
  cardName: string;
  description: string;
  skills: RemoteAgentSkill[];
  /** The JSON-RPC endpoint (from the card's interfaces). */
  url: string;
  /** The A2A protocol version of that endpoint (`1.0`, `0.3`, …). */
  protocolVersion: string;
  /** The card says the agent streams (`message/stream`, resubscribe). */
  streaming: boolean;
  /** The card's `version`, when it has one. */
  version?: string;
}

/** A registered remote agent as the API shows it: header names, never values. */
export interface RemoteAgentRecord extends RemoteAgentCardSummary {
  name: string;
  cardUrl: string;
  source: 'remote';
  /** Names of the headers sent to the remote (values redacted). */
  headerNames: string[];
  createdAt: string;
  updatedAt: string;
}

/** A remote agent as the registry workflow stores it: with the header values (secrets). */
export interface StoredRemoteAgent extends RemoteAgentRecord {
  headers: Record<string, string>;
}

/** The API view of a stored remote: without header values. */
export function remoteAgentRecordOf(stored: StoredRemoteAgent): RemoteAgentRecord {
  const { headers, ...rest } = stored;
  return { ...rest, headerNames: Object.keys(headers).sort() };
}

/**
 * The profile a team carries for a remote agent (used only as a delegate): no
 * instructions, tools or rounds of its own here; `remote` says where it is.
 */
export function remoteAgentProfile(r: Pick<RemoteAgentRecord, 'name' | 'description' | 'url' | 'cardUrl'>): AgentProfile {
  return {
    name: r.name,
    description: r.description,
    systemPrompt: '',
    temperature: 0,
    tools: [],
    maxToolRounds: 0,
    source: 'remote',
    handoffs: [],
    delegates: [],
    remote: { url: r.url, cardUrl: r.cardUrl },
  };
}

/**
 * The registration body's schema, built with the zod the caller passes (the
 * gateway's route and the registry workflow's validator use the same one).
 */
export function remoteAgentSchemas(zod: ZodBuilders) {
  const name = zod.string().regex(AGENT_NAME_RE, {
    message: 'agent names are slugs: lowercase letters, digits and "-", starting with a letter or digit, at most 48 characters',
  });
  const headers = zod
    .record(
      zod.string().regex(HTTP_HEADER_NAME_RE, { message: 'header names are HTTP tokens (letters, digits and !#$%&\'*+.^_`|~-)' }),
      zod.string().max(REMOTE_AGENT_LIMITS.maxHeaderValueChars).refine((v) => !/[\r\n]/.test(v) && !v.includes('\u0000'), { message: 'header values may not contain CR, LF or NUL' }),
    )
    .refine((h) => Object.keys(h).length <= REMOTE_AGENT_LIMITS.maxHeaders, { message: `at most ${REMOTE_AGENT_LIMITS.maxHeaders} headers` });
  const registration = zod
    .object({
      name,
      cardUrl: zod.url({ protocol: /^https?$/, message: 'cardUrl must be an http(s) URL' }),
      headers: headers.optional(),
    })
    .strict();
  return { name, headers, registration };
}

// ---- activities (implemented in @hub/agents, registered by the worker) ----------------------------------

/** Input of `inspectRemoteAgent`: fetch a card (SSRF-guarded, bounded in size and time) and validate it. */
export interface InspectRemoteAgentRequest {
  tenant: string;
  cardUrl: string;
  headers?: Record<string, string>;
}

/** Input of `callRemoteAgent`: ask a registered remote agent to do a task and follow it to its end. */
export interface CallRemoteAgentRequest {
  tenant: string;
  /** The registered name: the activity reads the remote's headers (and checks its url) from the registry. */
  name: string;
  /** The JSON-RPC endpoint the team pinned (`AgentProfile.remote.url`). */
  url: string;
  /** What the delegating agent asked for. */
  task: string;
  /**
   * The A2A message id: the same on every attempt, so a resend is the same
   * remote message. Default: derived from the workflow id, run id and
   * activity id. `remoteMessageId(...)` makes one from a turn and tool call.
   */
  messageId?: string;
  /** Continue this remote context (a conversation), when set. */
  contextId?: string;
  /** Where the call comes from (events of the delegation). */
  sessionId?: string;
  turnId?: string;
  toolCallId?: string;
  delegationId?: string;
  /** Publish the remote task's state changes (`tool.progress` of the call) to this workflow's stream, tagged. */
  streamTo?: StreamTarget;
}

/** Output of `callRemoteAgent`. `ok: false` is the remote's refusal or failure, reported to the model, not retried. */
export interface CallRemoteAgentResult {
  ok: boolean;
  /** The remote's final answer (its last agent message or artifacts, as text; truncated at `maxReplyChars`). */
  reply: string;
  error?: string;
  /** Remote agents report no token usage: zero. */
  usage: TokenUsage;
  /** The remote task followed (absent when the remote answered with a message, not a task). */
  taskId?: string;
  contextId?: string;
  /** The task's final state (`completed`, `failed`, `canceled`, `rejected`, `input-required`, `auth-required`). */
  state?: string;
}

/** What `callRemoteAgent` records in its heartbeat details (a retry resumes following this task). */
export interface RemoteCallProgress {
  messageId: string;
  taskId?: string;
  contextId?: string;
}

export interface RemoteAgentActivities {
  inspectRemoteAgent(req: InspectRemoteAgentRequest): Promise<RemoteAgentCardSummary>;
  callRemoteAgent(req: CallRemoteAgentRequest): Promise<CallRemoteAgentResult>;
}

/** Failure types of the remote-agent activities that are not retried (the workflow's retry policy lists them). */
export const REMOTE_AGENT_NON_RETRYABLE = ['RemoteAgentRejected', 'PayloadsTooLarge'] as const;

/** A message id for the `ask_<remote>` call `toolCallId` of turn `turnId` in workflow `workflowId` (stable across retries and replays). */
export function remoteMessageId(workflowId: string, turnId: string, toolCallId: string): string {
  return `${workflowId}/${turnId}/${toolCallId}`.slice(-500);
}

// ---- Temporal messages of the agent registry (one workflow per tenant; the handlers are in workflows/src/agent-registry.ts) ----

/** Arguments of `registerRemoteAgent`: the registration and the card the gateway fetched and validated. */
export interface RegisterRemoteAgentArgs {
  registration: RemoteAgentRegistration;
  card: RemoteAgentCardSummary;
}

/**
 * Stores a remote agent. Refused (ApplicationFailure types): `InvalidInput` (400), `AgentExists` (409: an
 * agent or remote of that name exists), `AgentLimit` (409: `AGENT_LIMITS.maxAgentsPerTenant`).
 * Answers the record without header values.
 */
export const registerRemoteAgentUpdate = defineUpdate<RemoteAgentRecord, [RegisterRemoteAgentArgs]>('registerRemoteAgent');
/**
 * Removes a remote agent. Refused: `RemoteAgentNotFound` (404), `AgentInUse` (409: an agent names it in
 * `delegates`). Answers the removed record.
 */
export const removeRemoteAgentUpdate = defineUpdate<RemoteAgentRecord, [{ name: string }]>('removeRemoteAgent');
/** The tenant's remote agents with their header values (the gateway strips them; the worker sends them). */
export const remoteAgentsQuery = defineQuery<StoredRemoteAgent[]>('remoteAgents');

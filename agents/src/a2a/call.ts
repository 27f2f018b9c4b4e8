/**
 * Following one task of a remote A2A agent durably (the `callRemoteAgent`
 * activity's core):
 *
 * - The message id is the same on every attempt (given, or derived from the
 *   workflow id and activity id), so a resend is the same remote message.
 * - The message is sent non-blocking (`returnImmediately`): the remote
 *   answers with its task at once, and its id (with the message id) goes into
 *   the activity's heartbeat details before anything else happens.
 * - An attempt that finds a task id in the heartbeat details of the attempt
 *   before (whose worker died) does not send again: it follows THAT task
 *   (`tasks/get`), so a worker crash neither loses nor repeats the remote task.
 * - While the task runs it is polled (`tasks/get`) and the activity
 *   heartbeats; a cancelled activity cancels the remote task.
 *
 * The transport is the SDK's JSON-RPC client over the SSRF-guarded fetch of
 * @hub/tools (every request and redirect hop checked); the registered headers
 * are added to every request.
 */
import { ClientFactory, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';
import type { AgentCard, Message, Part, Task } from '@a2a-js/sdk';
import { REMOTE_AGENT_LIMITS, type CallRemoteAgentResult, type RemoteCallProgress, type StoredRemoteAgent } from '@hub/contracts';
import { guardedFetch, type GuardedFetch, type LookupAll } from '@hub/tools';

/** TaskState of the SDK's proto enums (numbers on the wire types). */
const STATE = { submitted: 1, working: 2, completed: 3, failed: 4, canceled: 5, inputRequired: 6, rejected: 7, authRequired: 8 } as const;
const STATE_NAMES: Record<number, string> = {
  1: 'submitted', 2: 'working', 3: 'completed', 4: 'failed', 5: 'canceled', 6: 'input-required', 7: 'rejected', 8: 'auth-required',
};
const FINAL = new Set<number>([STATE.completed, STATE.failed, STATE.canceled, STATE.inputRequired, STATE.rejected, STATE.authRequired]);

export const stateName = (state: number | undefined): string => STATE_NAMES[state ?? 0] ?? 'unknown';

/** A remote's client: the JSON-RPC transport of its endpoint over the guarded fetch, with its headers. */
export interface RemoteClient {
  client: Client;
  close(): Promise<void>;
}

export async function remoteClient(remote: Pick<StoredRemoteAgent, 'url' | 'protocolVersion' | 'cardName' | 'description' | 'streaming' | 'headers'>, opts: { allowPrivateHosts: readonly string[]; lookup?: LookupAll }): Promise<RemoteClient> {
  const guarded: GuardedFetch = guardedFetch(opts.allowPrivateHosts, opts.lookup ? { lookup: opts.lookup } : {});
  const fetchImpl = ((input: string | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(remote.headers)) if (!headers.has(k)) headers.set(k, v);
    return guarded(input instanceof URL ? input : String(input), { ...init, headers });
  }) as typeof fetch;
  // The card the hub pinned at registration: its one JSON-RPC interface picks the transport (v1.0, or v0.3 compat).
  const card = {
    name: remote.cardName,
    description: remote.description,
    supportedInterfaces: [{ url: remote.url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: remote.protocolVersion }],
    version: '',
    capabilities: { streaming: remote.streaming, extensions: [] },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [],
    signatures: [],
    provider: undefined,
  } satisfies AgentCard;
  const factory = new ClientFactory({
    transports: [new JsonRpcTransportFactory({ fetchImpl, legacyCompat: { enabled: true } })],
    clientConfig: { polling: true, acceptedOutputModes: ['text/plain', 'application/json'] },
  });
  const client = await factory.createFromAgentCard(card);
  return { client, close: () => guarded.close() };
}

const textOfParts = (parts: readonly Part[] | undefined): string =>
  (parts ?? [])
    .map((p) => {
      const c = p.content;
      if (!c) return '';
      if (c.$case === 'text') return c.value;
      if (c.$case === 'data') return JSON.stringify(c.value);
      if (c.$case === 'url') return c.value;
      return '';
    })
    .filter((s) => s !== '')
    .join('\n');

/** The text of a task's answer: its artifacts, else its status message, else its last agent message. */
export function replyOfTask(task: Task): string {
  const artifacts = (task.artifacts ?? []).map((a) => textOfParts(a.parts)).filter((s) => s !== '');
  if (artifacts.length > 0) return artifacts.join('\n\n');
  const status = textOfParts(task.status?.message?.parts);
  if (status) return status;
  const agentMessages = (task.history ?? []).filter((m) => m.role === 2);
  return textOfParts(agentMessages.at(-1)?.parts);
}

export const isTask = (r: Message | Task): r is Task => 'status' in r && !('messageId' in r && 'role' in r);
export const isFinal = (task: Task): boolean => FINAL.has(task.status?.state ?? 0);

function capReply(text: string): string {
  const max = REMOTE_AGENT_LIMITS.maxReplyChars;
  return text.length <= max ? text : `${text.slice(0, max)}\n[… truncated: the remote agent's answer had ${text.length} characters]`;
}

/** The activity's result for a task in a final state. */
export function resultOfTask(task: Task): CallRemoteAgentResult {
  const state = stateName(task.status?.state);
  const reply = capReply(replyOfTask(task));
  const base = { reply, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, taskId: task.id, contextId: task.contextId, state };
  if (task.status?.state === STATE.completed) return { ok: true, ...base };
  return { ok: false, ...base, error: `the remote agent's task ended ${state}${reply ? `: ${reply.slice(0, 500)}` : ''}` };
}

export function resultOfMessage(message: Message): CallRemoteAgentResult {
  return {
    ok: true,
    reply: capReply(textOfParts(message.parts)),
    usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    ...(message.contextId ? { contextId: message.contextId } : {}),
  };
}

export interface FollowHooks {
  /** Records progress (the activity heartbeats it). */
  progress(p: RemoteCallProgress): void;
  /** Aborted when the activity is cancelled. */
  signal: AbortSignal;
  pollIntervalMs: number;
  /** Called once the task id is recorded (tests crash the attempt here). */
  afterTaskKnown?: (p: RemoteCallProgress) => Promise<void>;
  /** Called with the task's state each time it changes (`submitted`, `working`, …, the final one). */
  onState?: (state: string, task: Task) => void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Sends `task` as message `messageId` (unless `resume` names the task an
 * earlier attempt started) and follows the remote task to a final state.
 */
export async function sendAndFollow(
  client: Client,
  req: { task: string; messageId: string; contextId?: string; resume?: RemoteCallProgress },
  hooks: FollowHooks,
): Promise<CallRemoteAgentResult> {
  const opts = { signal: hooks.signal };
  let task: Task;
  if (req.resume?.taskId) {
    task = await client.getTask({ tenant: '', id: req.resume.taskId }, opts);
  } else {
    const contextId = req.contextId ?? '';
    const first = await client.sendMessage(
      {
        tenant: '',
        message: {
          messageId: req.messageId,
          contextId,
          taskId: '',
          role: 1,
          parts: [{ content: { $case: 'text', value: req.task }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
          metadata: undefined,
          extensions: [],
          referenceTaskIds: [],
        },
        configuration: { acceptedOutputModes: ['text/plain', 'application/json'], taskPushNotificationConfig: undefined, returnImmediately: true },
        metadata: undefined,
      },
      opts,
    );
    if (!isTask(first)) return resultOfMessage(first);
    task = first;
  }
  const progress: RemoteCallProgress = { messageId: req.messageId, taskId: task.id, ...(task.contextId ? { contextId: task.contextId } : {}) };
  hooks.progress(progress);
  let state = stateName(task.status?.state);
  hooks.onState?.(state, task);
  await hooks.afterTaskKnown?.(progress);
  while (!isFinal(task)) {
    await sleep(hooks.pollIntervalMs, hooks.signal);
    task = await client.getTask({ tenant: '', id: task.id }, opts);
    const now = stateName(task.status?.state);
    if (now !== state) hooks.onState?.((state = now), task);
  }
  return resultOfTask(task);
}

/**
 * Agents as tools: an agent with `delegates: ["researcher"]` is offered
 * `ask_researcher({task})`. A call runs the delegate as a child workflow
 * (`agentDelegation`, ./agent-delegation.ts): a sub-conversation with the
 * delegate's own instructions, tools, model and round limit, whose final
 * answer is the tool's result. A remote A2A agent (a team member with
 * `remote`) is called through the `callRemoteAgent` activity instead, its
 * activity id derived from the turn and the call so a retry resumes the same
 * remote task.
 *
 * Around each call the delegating workflow publishes `delegation.started` and
 * `delegation.completed`; the child's own events reach the root session's
 * stream through ./delegation-relay.ts. Interrupting the turn cancels the
 * child (and its children), which rolls back its compensations. Depth is
 * limited (a delegate at `maxDepth` is offered no delegate tools) and an agent
 * already on the delegation path is refused (a cycle). The child's usage,
 * its own delegations' included, is counted through `onUsage`.
 */
import {
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  executeChild,
  isCancellation,
  proxyActivities,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { ZERO_USAGE, delegateToolName } from '@hub/contracts/agent/wire';
import { REMOTE_AGENT_NON_RETRYABLE, remoteMessageId } from '@hub/contracts/a2a/wire';
import { ACTIVITY_TYPES, WORKFLOW_TYPES } from '@hub/contracts/common/wire';
import { delegationWorkflowId } from '@hub/contracts/delegation/wire';
import type { AgentProfile, DelegationInput, DelegationResult, RemoteAgentActivities, TokenUsage, ToolCall, ToolSpec } from '@hub/contracts';
import { ACTIVITY_HEARTBEAT_TIMEOUT, RETRY_MAXIMUM_INTERVAL } from './activity-options';
import type { EventSink, WorkflowTool } from './agent-loop';
import { cut } from './research/agent';
import { describeFailure } from './util';

export { installDelegationRelay } from './delegation-relay';

export interface DelegationHost {
  /** The session workflow at the root of the tree (events and approvals go there). */
  rootWorkflowId: string;
  sessionId: string;
  tenant: string;
  /** The pinned team of the root session, by name. */
  team: ReadonlyMap<string, AgentProfile>;
  /** Agent names from the session's agent down to the agent that delegates (included). */
  path: string[];
  /** 0 for the session itself, 1 for its delegates, … */
  depth: number;
  maxDepth: number;
  /** Set inside a delegation: the delegation the delegating agent runs in. */
  parentDelegationId?: string;
  /** The root session's tool allowlist (passed down to every delegate). */
  toolAllowlist?: string[];
  approvalTimeoutMs: number;
  /** The session's `waitForBudget` (passed down to every delegate). */
  waitForBudget?: boolean;
  /** Where `delegation.started` / `delegation.completed` go. */
  events: EventSink;
  onUsage(u: TokenUsage): void;
}

/** Longest answer of a delegate kept in `delegation.completed` (the tool result carries it whole). */
const EVENT_REPLY_CHARS = 4_000;

/** A remote agent's task is followed (heartbeats carry its id) and resumed after a retry; its activity cancels it when cancelled. */
const remoteAgentActivityOptions: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '15 minutes',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: RETRY_MAXIMUM_INTERVAL, nonRetryableErrorTypes: [...REMOTE_AGENT_NON_RETRYABLE] },
};
const remote = (activityId: string) => proxyActivities<RemoteAgentActivities>({ ...remoteAgentActivityOptions, activityId });

function delegateSpec(member: AgentProfile): ToolSpec {
  return {
    name: delegateToolName(member.name),
    description: member.description || `Ask the agent '${member.name}' to do a task; its answer is the result.`,
    parameters: {
      type: 'object',
      properties: {
        task: { type: 'string', description: `What ${member.name} should do: a self-contained task with everything it needs to know` },
      },
      required: ['task'],
      additionalProperties: false,
    },
    requiresApproval: false,
  };
}

/** The `task` argument of an `ask_<agent>` call, or why the call is refused. */
function taskOf(call: ToolCall): { task: string } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(call.arguments);
  } catch {
    return { error: 'invalid arguments: not JSON' };
  }
  const task = (json as { task?: unknown } | null)?.task;
  if (typeof task !== 'string' || task.trim() === '') return { error: 'invalid arguments: task must be a non-empty string' };
  return { task };
}

/** The tool-call id as a part of a delegation id (unique within the root session: turn ids and call ids are). */
const idPart = (s: string) => s.replace(/[^a-zA-Z0-9_-]/g, '_');

/** The `ask_<name>` tools of `profile`'s delegates (none at the depth limit). */
export function delegateToolsFor(profile: AgentProfile, host: DelegationHost): WorkflowTool[] {
  if (host.depth >= host.maxDepth) return [];
  const tools: WorkflowTool[] = [];
  for (const name of profile.delegates ?? []) {
    const member = host.team.get(name);
    if (member) tools.push(delegateTool(member, host));
  }
  return tools;
}

function delegateTool(member: AgentProfile, host: DelegationHost): WorkflowTool {
  const name = member.name;
  return {
    spec: delegateSpec(member),
    async run(call, turnId) {
      const args = taskOf(call);
      if ('error' in args) return { ok: false, content: args.error };
      if (host.path.includes(name)) {
        return { ok: false, content: `delegation refused: '${name}' is already working on this (cycle ${[...host.path, name].join(' -> ')})` };
      }
      if (host.depth + 1 > host.maxDepth) return { ok: false, content: `delegation refused: the delegation depth limit (${host.maxDepth}) is reached` };
      const delegationId = `${host.parentDelegationId ?? turnId}.${idPart(call.id)}`;
      const where = {
        turnId,
        toolCallId: call.id,
        delegationId,
        ...(host.parentDelegationId !== undefined ? { parentDelegationId: host.parentDelegationId } : {}),
        agent: name,
      };
      host.events.publish({ type: 'delegation.started', ...where, task: args.task, depth: host.depth + 1 });
      let result: DelegationResult;
      try {
        result = member.remote
          ? await runRemote(member, host, { turnId, call, delegationId, task: args.task })
          : await runChild(member, host, { turnId, call, delegationId, task: args.task });
      } catch (err) {
        if (isCancellation(err)) {
          host.events.publish({ type: 'delegation.completed', ...where, ok: false, error: 'cancelled', usage: ZERO_USAGE });
          throw err; // the turn was interrupted: the child was cancelled with it
        }
        result = { ok: false, reply: '', error: describeFailure(err), usage: ZERO_USAGE };
      }
      host.onUsage(result.usage);
      host.events.publish({
        type: 'delegation.completed',
        ...where,
        ok: result.ok,
        ...(result.ok ? { reply: cut(result.reply, EVENT_REPLY_CHARS) } : { error: result.error ?? 'failed' }),
        usage: result.usage,
      });
      if (!result.ok) return { ok: false, content: `${name} failed: ${result.error ?? 'no answer'}` };
      return { ok: true, content: result.structured !== undefined ? JSON.stringify(result.structured) : result.reply };
    },
  };
}

interface CallSite {
  turnId: string;
  call: ToolCall;
  delegationId: string;
  task: string;
}

function runChild(member: AgentProfile, host: DelegationHost, site: CallSite): Promise<DelegationResult> {
  const parentWorkflowId = workflowInfo().workflowId;
  const input: DelegationInput = {
    rootWorkflowId: host.rootWorkflowId,
    parentWorkflowId,
    sessionId: host.sessionId,
    tenant: host.tenant,
    delegationId: site.delegationId,
    ...(host.parentDelegationId !== undefined ? { parentDelegationId: host.parentDelegationId } : {}),
    turnId: site.turnId,
    toolCallId: site.call.id,
    agent: member,
    team: [...host.team.values()],
    path: [...host.path, member.name],
    depth: host.depth + 1,
    maxDepth: host.maxDepth,
    task: site.task,
    ...(host.toolAllowlist ? { toolAllowlist: host.toolAllowlist } : {}),
    approvalTimeoutMs: host.approvalTimeoutMs,
    ...(host.waitForBudget === false ? { waitForBudget: false } : {}),
  };
  return executeChild<(i: DelegationInput) => Promise<DelegationResult>>(WORKFLOW_TYPES.delegation, {
    workflowId: delegationWorkflowId(parentWorkflowId, site.turnId, site.call.id),
    args: [input],
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
  });
}

/** A remote A2A agent: one activity, its id (and the A2A message id) derived from the turn and the call. */
async function runRemote(member: AgentProfile, host: DelegationHost, site: CallSite): Promise<DelegationResult> {
  const workflowId = workflowInfo().workflowId;
  const res = await remote(`${site.turnId}/remote/${site.call.id}`)[ACTIVITY_TYPES.callRemoteAgent]({
    tenant: host.tenant,
    name: member.name,
    url: member.remote!.url,
    task: site.task,
    messageId: remoteMessageId(workflowId, site.turnId, site.call.id),
    sessionId: host.sessionId,
    turnId: site.turnId,
    toolCallId: site.call.id,
    delegationId: site.delegationId,
    streamTo: { workflowId: host.rootWorkflowId, delegationId: site.delegationId },
  });
  return { ok: res.ok, reply: res.reply, usage: res.usage, ...(res.error !== undefined ? { error: res.error } : {}) };
}

/**
 * Helpers of the delegation tests: team profiles tagged for the scripted LLM's team responder, a session
 * started with a pinned team, and the session's event stream.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import {
  DEFAULTS,
  SESSION_EVENTS_TOPIC,
  WORKFLOW_TYPES,
  sendMessageUpdate,
  sessionStateQuery,
  sessionWorkflowId,
  type AgentProfile,
  type SessionEvent,
  type SessionOptions,
  type SessionState,
  type SessionWorkflowInput,
  type TurnResult,
} from '@hub/contracts';
import type { Harness } from './harness';

/** A team member: `[agent:<name>]` in its instructions tells the team responder whom a request is for. */
export function member(name: string, extra: Partial<AgentProfile> = {}): AgentProfile {
  return {
    name,
    description: `The ${name} agent: give it a task`,
    systemPrompt: `You are ${name}. [agent:${name}]`,
    temperature: 0,
    tools: [],
    maxToolRounds: 4,
    delegates: [],
    ...extra,
  };
}

/** Fixed usage per model call, so a turn's usage is a known sum. */
export const USAGE = { promptTokens: 10, completionTokens: 5 };
export const CALL_TOKENS = USAGE.promptTokens + USAGE.completionTokens;

export interface TeamSession {
  workflowId: string;
  send(text: string, interrupt?: boolean): Promise<TurnResult>;
  state(): Promise<SessionState>;
}

/** Starts a session of `team[0]` with the whole team pinned. */
export async function startTeamSession(h: Harness, team: AgentProfile[], opts: Partial<SessionOptions> = {}): Promise<TeamSession> {
  const sessionId = randomUUID();
  const workflowId = sessionWorkflowId('test', sessionId);
  const input: SessionWorkflowInput = {
    sessionId,
    tenant: 'test',
    profile: team[0]!,
    team,
    options: {
      idleTimeoutMs: DEFAULTS.idleTimeoutMs,
      approvalTimeoutMs: DEFAULTS.approvalTimeoutMs,
      maxTurnsPerRun: DEFAULTS.maxTurnsPerRun,
      ...opts,
    },
  };
  await h.client.workflow.start(WORKFLOW_TYPES.session, { workflowId, taskQueue: h.taskQueue, args: [input] });
  const handle = h.client.workflow.getHandle(workflowId);
  return {
    workflowId,
    send: (text, interrupt) => handle.executeUpdate(sendMessageUpdate, { args: [{ text, ...(interrupt ? { interrupt } : {}) }] }),
    state: () => handle.query(sessionStateQuery),
  };
}

/** The session's events from the start until `until` holds. */
export async function eventsUntil(h: Harness, workflowId: string, until: (e: SessionEvent, all: SessionEvent[]) => boolean): Promise<SessionEvent[]> {
  const stream = WorkflowStreamClient.create(h.client, workflowId);
  const out: SessionEvent[] = [];
  for await (const item of stream.subscribe<SessionEvent>([SESSION_EVENTS_TOPIC], 0, { resultType: true, pollCooldown: 10 })) {
    out.push(item.data);
    if (until(item.data, out)) break;
  }
  return out;
}

/** The `n`-th completed turn's events. */
export const turnsCompleted = (n: number) => (_e: SessionEvent, all: SessionEvent[]) =>
  all.filter((x) => x.type === 'turn.completed' || x.type === 'turn.interrupted' || x.type === 'turn.failed').length >= n;

const HISTORIES = fileURLToPath(new URL('./histories/', import.meta.url));

/**
 * With HUB_RECORD_HISTORIES=1: writes the workflows' histories as replay fixtures (workflows/test/histories)
 * and the ids they ran under (workflow-ids.map; re-read right before writing, other tests add theirs).
 */
export async function recordHistories(h: Harness, entries: Array<[workflowId: string, name: string]>): Promise<void> {
  if (process.env.HUB_RECORD_HISTORIES !== '1') return;
  for (const [workflowId, name] of entries) {
    const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
    writeFileSync(`${HISTORIES}${name}.json`, historyToJSON(history) + '\n');
    const idsFile = `${HISTORIES}workflow-ids.map`;
    const ids = existsSync(idsFile) ? (JSON.parse(readFileSync(idsFile, 'utf8')) as Record<string, string>) : {};
    ids[name] = workflowId;
    writeFileSync(idsFile, JSON.stringify(Object.fromEntries(Object.entries(ids).sort()), null, 2) + '\n');
  }
}

/**
 * A second hub as a remote A2A delegate: hub B (its own worker, scripted LLM and gateway serving its
 * agents over A2A, apps/gateway/test/a2a-hub.ts) is registered on hub A (`POST /v1/a2a/remotes`, with
 * B's bearer key as the header); an agent of hub A names it in `delegates` and calls `ask_hub-b` in a
 * session turn. Hub A's worker runs the real workflows and the real `callRemoteAgent` activity (which
 * reads the header from A's registry at call time). With HUB_RECORD_HISTORIES=1 the session's history is
 * recorded as the replay fixture `session-a2a-remote-delegate`. Then the first attempt of a call dies once
 * Temporal has recorded the remote task id in its heartbeat details: the retry follows that task, and hub B
 * ran it once.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Client, Connection } from '@temporalio/client';
import { HubConfigSchema, sessionWorkflowId } from '@hub/contracts';
import { createLlmActivities, createRemoteAgentActivities } from '@hub/agents';
import { createToolActivities } from '@hub/tools';
import { testTemporalAddress } from '@hub/testing';
import { lastUserMessage, offeredToolNames, startScriptedLlmServer, toolResultsOf, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { parseApiKeys } from '../src/http/auth';
import type { GatewayApp } from '../src/app';
import { startA2aHub, type A2aHub } from './a2a-hub';
import { connectTestClient, json, makeApp, post } from './helpers';

const require = createRequire(import.meta.url);
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
const KEY = 'key-hub-a-tenant-0123456789';
const auth = { authorization: `Bearer ${KEY}` };
const TASK = 'What is the capital of France?';
/** What the boss asks hub B for a user message (the first test's message asks about France). */
const taskFor = (userText: string) => (userText.includes('France') ? TASK : `Remote task: ${userText}`);
/** Set by a test: the next call's first attempt dies once Temporal has its remote task id (then cleared). */
let crashNextCall = false;
const crashes: { workflowId: string; taskId: string }[] = [];

/** Waits until the server has this activity's heartbeat details with the remote task id (what a dead worker leaves behind). */
async function heartbeatRecorded(workflowId: string, activityId: string, taskId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { raw } = await client.workflow.getHandle(workflowId).describe();
    const pending = raw.pendingActivities?.find((a) => a.activityId === activityId);
    const data = pending?.heartbeatDetails?.payloads?.[0]?.data;
    if (data && Buffer.from(data).toString('utf8').includes(taskId)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the remote task id never reached the heartbeat details');
}

let hubB: A2aHub;
let client: Client;
let connection: Connection;
let llmA: ScriptedLlmServer;
let workerA: Worker;
let runningA: Promise<void>;
let nativeA: NativeConnection;
let appA: GatewayApp;
const tenant = `ha${randomUUID().slice(0, 8)}`;

/** Hub A's worker: the hub's workflows, the LLM and tool activities and the remote A2A ones (loopback allowed). */
async function startHubAWorker(taskQueue: string) {
  nativeA = await NativeConnection.connect({ address: testTemporalAddress() });
  const openai = new OpenAI({ baseURL: llmA.url, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
  const tools = createToolActivities();
  workerA = await Worker.create({
    connection: nativeA,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('@hub/workflows'), logger: silent }),
    activities: {
      ...createLlmActivities({ openai, defaultModel: 'scripted-model', listTools: tools.listTools }),
      ...tools,
      ...createRemoteAgentActivities({
        hubConfig: HubConfigSchema.parse({ security: { allowPrivateHosts: ['127.0.0.1'] } }),
        afterTaskKnown: async (progress, attempt) => {
          if (!crashNextCall || attempt !== 1) return;
          crashNextCall = false;
          const { activityId, workflowExecution } = Context.current().info;
          const workflowId = workflowExecution?.workflowId ?? '';
          await heartbeatRecorded(workflowId, activityId, progress.taskId!);
          crashes.push({ workflowId, taskId: progress.taskId! });
          throw new Error('worker died mid-call (test)');
        },
      }),
    },
  });
  runningA = workerA.run();
}

/** The decoded text of every payload in a history (or part of one): `data` fields, bytes or base64. */
function payloadTexts(node: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v instanceof Uint8Array) return;
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'data' && x instanceof Uint8Array) out.push(Buffer.from(x).toString('utf8'));
      else if (k === 'data' && typeof x === 'string') out.push(Buffer.from(x, 'base64').toString('utf8'));
      else walk(x);
    }
  };
  walk(node);
  return out;
}

async function recordHistory(workflowId: string, name: string): Promise<void> {
  if (process.env.HUB_RECORD_HISTORIES !== '1') return;
  const dir = fileURLToPath(new URL('../../../workflows/test/histories/', import.meta.url));
  writeFileSync(`${dir}${name}.json`, historyToJSON(await client.workflow.getHandle(workflowId).fetchHistory()) + '\n');
  const ids = JSON.parse(readFileSync(`${dir}workflow-ids.map`, 'utf8')) as Record<string, string>;
  ids[name] = workflowId;
  writeFileSync(`${dir}workflow-ids.map`, JSON.stringify(Object.fromEntries(Object.entries(ids).sort()), null, 2) + '\n');
}

beforeAll(async () => {
  hubB = await startA2aHub();
  ({ client, connection } = await connectTestClient());
  // Hub A's model: the boss asks hub B once, then answers with what it said.
  llmA = await startScriptedLlmServer({
    responder: (req) => {
      const result = toolResultsOf(req).find((r) => r.name === 'ask_hub-b');
      if (result) return { reply: `Boss says: ${result.content}` };
      const task = taskFor(lastUserMessage(req));
      if (offeredToolNames(req).includes('ask_hub-b')) return { toolCalls: [{ id: 'call-remote-1', name: 'ask_hub-b', arguments: JSON.stringify({ task }) }] };
      return { reply: 'no delegate offered' };
    },
  });
  const taskQueue = `hub-a-${randomUUID()}`;
  await startHubAWorker(taskQueue);
  ({ app: appA } = makeApp(client, {
    taskQueue,
    rpcTimeoutMs: 5_000,
    apiKeys: parseApiKeys(`${KEY}:${tenant}`),
    hubConfig: HubConfigSchema.parse({ security: { allowPrivateHosts: ['127.0.0.1'] } }),
  }));
}, 180_000);

afterAll(async () => {
  workerA?.shutdown();
  await runningA?.catch(() => undefined);
  await nativeA?.close();
  await llmA?.close();
  await connection?.close();
  await hubB?.close();
});

describe('a second hub as a remote A2A delegate', () => {
  it("registers hub B's agent on hub A, and an agent of hub A delegates to it in a session turn", async () => {
    const cardUrl = `${hubB.agentUrl('assistant')}.well-known/agent-card.json`;
    const reg = await appA.request('/v1/a2a/remotes', post({ name: 'hub-b', cardUrl, headers: { Authorization: 'Bearer key-a' } }, auth));
    expect(reg.status).toBe(201);
    expect(await json(reg)).toMatchObject({ name: 'hub-b', cardName: 'assistant', url: `${hubB.origin}/a2a/assistant`, headerNames: ['Authorization'] });

    const agent = await appA.request(
      '/v1/agents',
      post({ name: 'boss', description: 'Delegates to the other hub', instructions: 'Ask hub-b, then answer.', delegates: ['hub-b'] }, auth),
    );
    expect(agent.status).toBe(201);

    const sessionId = `remote-${randomUUID()}`;
    const res = await appA.request('/v1/sessions', post({ id: sessionId, agent: 'boss', message: 'Ask the other hub about France.' }, auth));
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.reply).toMatchObject({ status: 'completed', reply: `Boss says: You said: ${TASK}` });

    // Hub B ran the task once, as a turn of its own session (its model saw the task).
    const seenByB = hubB.worker.llm.chatRequests().filter((r) => JSON.stringify(r.body?.messages ?? []).includes(TASK));
    expect(seenByB).toHaveLength(1);
    // Hub A's model got hub B's answer as the ask_hub-b result.
    const results = llmA.chatRequests().flatMap((r) => toolResultsOf(r)).filter((r) => r.name === 'ask_hub-b');
    expect(results.at(-1)?.content).toContain(`You said: ${TASK}`);

    // The session's history: the A2A call is one callRemoteAgent activity (its input carries no header values).
    const workflowId = sessionWorkflowId(tenant, sessionId);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'callRemoteAgent');
    expect(scheduled).toHaveLength(1);
    const input = payloadTexts(scheduled[0]!.activityTaskScheduledEventAttributes);
    expect(input.join('\n')).toContain(TASK);
    const everything = payloadTexts(JSON.parse(historyToJSON(history))).join('\n');
    expect(everything).toContain('You said: What is the capital of France?');
    expect(everything).not.toContain('Bearer key-a');
    await recordHistory(workflowId, 'session-a2a-remote-delegate');
  });

  it('a call whose first attempt dies after Temporal has the remote task id resumes that task: hub B runs it once', async () => {
    const text = `crash-${randomUUID().slice(0, 8)}`;
    const task = taskFor(text);
    // Hub B takes a while, so the task is still running when the attempt dies.
    hubB.worker.llm.setResponder((req) => (JSON.stringify(req.body?.messages ?? []).includes(task) ? { delayMs: 2_500 } : { delayMs: 0 }));
    crashNextCall = true;
    try {
      const sessionId = `remote-crash-${randomUUID()}`;
      const res = await appA.request('/v1/sessions', post({ id: sessionId, agent: 'boss', message: text }, auth));
      expect(res.status).toBe(201);
      expect((await json(res)).reply).toMatchObject({ status: 'completed', reply: `Boss says: You said: ${task}` });
      const workflowId = sessionWorkflowId(tenant, sessionId);
      expect(crashes.filter((c) => c.workflowId === workflowId)).toHaveLength(1);

      // Two attempts of one activity, one remote task: hub B's model saw the task once.
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      const started = (history.events ?? []).find((e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt === 2);
      expect(started).toBeDefined();
      expect(hubB.worker.llm.chatRequests().filter((r) => JSON.stringify(r.body?.messages ?? []).includes(task))).toHaveLength(1);
    } finally {
      crashNextCall = false;
      hubB.worker.llm.setResponder(undefined);
    }
  });
});

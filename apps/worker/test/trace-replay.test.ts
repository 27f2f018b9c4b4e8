/**
 * Traces are replay-safe: a workflow's spans leave the sandbox through the `exporter` sink, which the
 * worker does not call while a workflow task replays history. A real worker (the hub's activities and
 * prebuilt bundle, with its telemetry interceptors) with its workflow cache off replays each session's whole
 * history on every workflow task; a two-turn session still exports every span exactly once, and replaying the
 * finished history (Worker.runReplayHistories, with the same sink) exports none.
 */
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  DEFAULTS,
  WORKFLOW_TYPES,
  closeSessionUpdate,
  sendMessageUpdate,
  sessionWorkflowId,
  type AgentProfile,
  type SessionWorkflowInput,
} from '@hub/contracts';
import { parseHubConfig } from '@hub/runtime';
import { InMemorySpanExporter, startTelemetry, temporalClientInterceptors, type ReadableSpan, type Telemetry } from '@hub/runtime/telemetry';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { hubWorkflowBundle } from '@hub/testing/workflow-bundle';
import { createHubActivities, createHubWorker } from '../src/worker';
import { workflowSpanSinks } from '../src/telemetry';

const profile: AgentProfile = { name: 'trace-agent', description: 'replay test', systemPrompt: 'You test traces.', temperature: 0, tools: ['calculator'], maxToolRounds: 4 };

let llm: ScriptedLlmServer;
let telemetry: Telemetry;
const exporter = new InMemorySpanExporter();
/** The ended spans the batch processor has handed over so far. */
const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
let nativeConnection: NativeConnection;
let connection: Connection;
let client: Client;
let worker: Worker;
let running: Promise<void>;
let close: () => Promise<void>;
const taskQueue = `trace-replay-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  telemetry = startTelemetry('hub-worker-test', { exporter });
  nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  const hub = createHubActivities({
    hubConfig: parseHubConfig('{}'),
    taskQueue,
    llm: { openai: new OpenAI({ baseURL: llm.url, apiKey: 'test', maxRetries: 0 }), defaultModel: 'scripted-model' },
  });
  close = hub.close;
  worker = await createHubWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: hub.activities,
    workflowBundle: await hubWorkflowBundle(),
    maxCachedWorkflows: 0, // every workflow task replays the history so far
    telemetry,
  });
  running = worker.run();
  connection = await Connection.connect({ address: testTemporalAddress() });
  client = new Client({ connection, interceptors: temporalClientInterceptors(telemetry) });
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await close?.();
  await nativeConnection?.close();
  await connection?.close();
  await telemetry?.shutdown();
  await llm?.close();
});

const names = (spans: ReadableSpan[]) => spans.map((s) => s.name);
const count = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name).length;

describe('traces on replay', () => {
  it('exports each span of a session once although every workflow task replays its history, and a replay exports none', async () => {
    const sessionId = randomUUID();
    const workflowId = sessionWorkflowId('default', sessionId);
    const input: SessionWorkflowInput = {
      sessionId,
      tenant: 'default',
      profile,
      options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
    };
    // Two turns, each a calculator call and a reply: two model calls and one tool call per turn.
    llm.script(
      { toolCalls: [{ name: 'calculator', arguments: { expression: '6*7' } }] },
      { reply: 'It is 42.' },
      { toolCalls: [{ name: 'calculator', arguments: { expression: '2+2' } }] },
      { reply: 'It is 4.' },
    );
    const first = await client.workflow.executeUpdateWithStart(sendMessageUpdate, {
      args: [{ text: 'what is 6*7?' }],
      startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.session, { workflowId, taskQueue, args: [input], workflowIdConflictPolicy: 'FAIL' }),
    });
    expect(first.reply).toBe('It is 42.');
    const handle = client.workflow.getHandle(workflowId);
    expect((await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'and 2+2?' }] })).reply).toBe('It is 4.');
    await handle.executeUpdate(closeSessionUpdate, { args: [{ reason: 'done' }] });
    await handle.result();
    await telemetry.provider!.forceFlush();

    const workflowSpans = spans().filter((s) => s.attributes['workflowId'] === workflowId || s.attributes['temporalWorkflowId'] === workflowId);
    // The sandbox's spans came through the sink (the sink adds the workflow's info to their attributes).
    expect(names(workflowSpans)).toEqual(expect.arrayContaining(['RunWorkflow:agentSession', 'HandleUpdate:sendMessage', 'StartActivity:llmComplete', 'StartActivity:executeTool']));
    // Once each, whatever the replays: 4 model calls, 2 tool calls, 3 updates (two messages and the close), one run.
    expect(count(workflowSpans, 'RunWorkflow:agentSession')).toBe(1);
    expect(count(workflowSpans, 'HandleUpdate:sendMessage')).toBe(2);
    expect(count(workflowSpans, 'HandleUpdate:closeSession')).toBe(1);
    expect(count(workflowSpans, 'StartActivity:llmComplete')).toBe(4);
    expect(count(workflowSpans, 'StartActivity:executeTool')).toBe(2);
    expect(count(spans(), 'RunActivity:llmComplete')).toBeGreaterThanOrEqual(4);
    expect(count(spans(), 'llm.call')).toBe(4);
    const ids = spans().map((s) => s.spanContext().spanId);
    const dupes = spans().filter((s) => ids.filter((i) => i === s.spanContext().spanId).length > 1).map((s) => `${s.name} ${s.spanContext().spanId} ${s.parentSpanId}`);
    expect(dupes).toEqual([]);

    // Each turn is one trace: the client's update span → HandleUpdate → the turn's activities → the LLM call.
    const byId = new Map(spans().map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => byId.get(s.parentSpanId ?? '');
    const chain = (s: ReadableSpan): string[] => {
      const p = parentOf(s);
      return p ? [...chain(p), s.name] : [s.name];
    };
    const llmCalls = spans().filter((s) => s.name === 'llm.call');
    const chains = new Set(llmCalls.map((s) => chain(s).join(' > ')));
    expect([...chains].sort()).toEqual([
      'StartWorkflowUpdate:sendMessage > HandleUpdate:sendMessage > StartActivity:llmComplete > RunActivity:llmComplete > llm.call',
      'UpdateWithStartWorkflow:sendMessage > HandleUpdate:sendMessage > StartActivity:llmComplete > RunActivity:llmComplete > llm.call',
    ]);
    const tools = spans().filter((s) => s.name === 'RunActivity:executeTool');
    expect(new Set(tools.map((s) => chain(s).slice(1).join(' > ')))).toEqual(new Set(['HandleUpdate:sendMessage > StartActivity:executeTool > RunActivity:executeTool']));
    // Two turns, two traces, each with its two model calls and its tool call.
    const traces = new Set([...llmCalls, ...tools].map((s) => s.spanContext().traceId));
    expect(traces.size).toBe(2);
    for (const t of traces) expect([...llmCalls, ...tools].filter((s) => s.spanContext().traceId === t).map((s) => s.name).sort()).toEqual(['RunActivity:executeTool', 'llm.call', 'llm.call']);
    expect(llmCalls.every((s) => s.attributes['gen_ai.usage.input_tokens'] !== undefined && s.attributes['hub.llm.provider'] !== undefined)).toBe(true);

    // Replaying the whole history with the interceptors and the same sink exports nothing.
    const before = spans().length;
    const history = await handle.fetchHistory();
    const replays: { error?: unknown }[] = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: await hubWorkflowBundle(), sinks: workflowSpanSinks(telemetry) }, [{ workflowId, history }])) replays.push(r);
    expect(replays.map((r) => r.error)).toEqual([undefined]);
    await telemetry.provider!.forceFlush();
    expect(spans().length).toBe(before);
  });
});

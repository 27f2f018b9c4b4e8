/**
 * A parallel batch whose call fails without an answer (a non-retryable activity failure): the calls still
 * running are cancelled at once (not waited for), the batch settles, the turn fails with that error, and
 * its side effects are rolled back, the cancelled call's included (real bookings MCP server; a tool
 * provider that throws stands in for a broken tool).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { ApplicationFailure, Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createLlmActivities } from '@hub/agents';
import { McpConnectionManager, McpToolProvider, createDefaultRegistry, createToolActivities, type ToolProvider } from '@hub/tools';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import {
  DEFAULTS,
  WORKFLOW_TYPES,
  sendMessageUpdate,
  sessionStateQuery,
  sessionWorkflowId,
  type SessionWorkflowInput,
  type TurnResult,
} from '@hub/contracts';
import { BOOKING_COMPENSATIONS_BY_KEY, bookingsServer, type BookingEffect } from './compensation-harness';
import { testProfile, workflowBundle } from './harness';

/** `broken__fail`: waits a moment, then fails the activity for good. */
const broken: ToolProvider = {
  id: 'broken',
  listTools: async () => [
    { name: 'broken__fail', description: 'Always fails', parameters: { type: 'object', properties: {} }, requiresApproval: false },
  ],
  async call() {
    await new Promise((r) => setTimeout(r, 500));
    throw ApplicationFailure.create({ type: 'ToolRejected', message: 'the broken tool broke', nonRetryable: true });
  },
};

describe('a parallel batch with a failing call', () => {
  const taskQueue = `parallel-failure-${randomUUID()}`;
  const bookingsFile = join(mkdtempSync(join(tmpdir(), 'hub-bookings-')), 'bookings.json');
  const manager = new McpConnectionManager();
  let llm: ScriptedLlmServer;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    llm = await startScriptedLlmServer();
    const mcp = new McpToolProvider({ manager, servers: async () => [bookingsServer(bookingsFile)] });
    const tools = createToolActivities({ registry: createDefaultRegistry().addProvider(mcp).addProvider(broken), compensations: BOOKING_COMPENSATIONS_BY_KEY });
    const openai = new OpenAI({ baseURL: llm.url, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
    nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: { ...createLlmActivities({ openai, defaultModel: 'scripted-model', listTools: tools.listTools }), ...tools },
    });
    running = worker.run();
    connection = await Connection.connect({ address: testTemporalAddress() });
    client = new Client({ connection });
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await manager.closeAll();
    await nativeConnection?.close();
    await connection?.close();
    await llm?.close();
  });

  const effects = (workflowId: string): BookingEffect[] =>
    existsSync(bookingsFile)
      ? (JSON.parse(readFileSync(bookingsFile, 'utf8')) as { effects: BookingEffect[] }).effects.filter((e) => e.key?.startsWith(`${workflowId}/`))
      : [];

  it('cancels the calls still running, fails the turn with the error and rolls back what was booked', async () => {
    const tag = randomUUID().slice(0, 6);
    const book = (id: string, resource: string, delayMs = 0) => ({
      id,
      name: 'bookings__create_booking',
      arguments: { resource, slot: 'sat 9:00', ...(delayMs ? { delayMs } : {}) },
    });
    llm.script({ toolCalls: [book('f1', `fast-${tag}`), { id: 'f2', name: 'broken__fail', arguments: {} }, book('f3', `slow-${tag}`, 120_000)] });
    const sessionId = randomUUID();
    const workflowId = sessionWorkflowId('test', sessionId);
    const input: SessionWorkflowInput = {
      sessionId,
      tenant: 'test',
      profile: { ...testProfile, tools: ['bookings__*', 'broken__*'] },
      options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
    };
    const handle = await client.workflow.start(WORKFLOW_TYPES.session, { workflowId, taskQueue, args: [input] });
    const result = (await handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'book and break' }] })) as TurnResult;
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/the broken tool broke/);
    // The fast booking and the cancelled slow one (its outcome unknown) are both undone.
    expect(result.error).toMatch(/2 tool side effects rolled back/);
    const made = effects(workflowId).map((e) => `${e.op}:${e.resource}`);
    expect(made).toEqual([`create:fast-${tag}`, `cancel:fast-${tag}`]);

    // The slow call was cancelled, not waited for.
    const history = await handle.fetchHistory();
    const slow = history.events?.find((e) => e.activityTaskScheduledEventAttributes?.activityId === 'turn-1/tool/f3');
    const cancelRequested = history.events?.some(
      (e) => e.activityTaskCancelRequestedEventAttributes && Number(e.activityTaskCancelRequestedEventAttributes.scheduledEventId) === Number(slow?.eventId),
    );
    expect(cancelRequested).toBe(true);
    expect(llm.chatRequests()).toHaveLength(1); // the turn failed: no second model call

    // Every call of the batch is answered in the conversation, in the model's order.
    const s = await handle.query(sessionStateQuery);
    const answers = s.messages.filter((m) => m.role === 'tool').map((m) => (m.role === 'tool' ? [m.toolCallId, m.content] : []));
    expect(answers.map((a) => a[0])).toEqual(['f1', 'f2', 'f3']);
    expect(answers[0]![1]).toMatch(/bookingId/);
    expect(answers[1]![1]).toBe('not run: the turn failed');
  });
});

// Issue 11 #15: an MCP server that accepts connections and never answers does not stall a turn: the turn is
// answered after the per-server deadline, its LLM request is sent once (no heartbeat timeout, no retry), and
// the turn's events say the server was left out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { createLlmActivities } from '@hub/agents';
import { McpConnectionManager, McpToolProvider, ToolRegistry, createBuiltinProvider, createToolActivities } from '@hub/tools';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import {
  DEFAULTS,
  SESSION_EVENTS_TOPIC,
  WORKFLOW_TYPES,
  sendMessageUpdate,
  sessionWorkflowId,
  type SessionEvent,
  type SessionWorkflowInput,
} from '@hub/contracts';
import { testProfile, workflowBundle } from './harness';

describe('a turn with an MCP server that never answers', () => {
  const address = testTemporalAddress();
  const taskQueue = `slow-mcp-${randomUUID()}`;
  const sockets = new Set<Socket>();
  let hole: Server;
  let llm: ScriptedLlmServer;
  let manager: McpConnectionManager;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    hole = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
    const port = (hole.address() as { port: number }).port;
    llm = await startScriptedLlmServer();
    manager = new McpConnectionManager();
    const mcp = new McpToolProvider({
      manager,
      servers: async () => [
        { name: 'stuck', source: 'config', config: { url: `http://127.0.0.1:${port}/mcp` }, allowPrivateHosts: ['127.0.0.1'], pins: {}, flagged: new Set() },
      ],
    });
    const tools = createToolActivities({ registry: new ToolRegistry([createBuiltinProvider(), mcp]) });
    const openai = new OpenAI({ baseURL: llm.url, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
    nativeConnection = await NativeConnection.connect({ address });
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: { ...createLlmActivities({ openai, defaultModel: 'scripted-model', listTools: tools.listTools }), ...tools },
    });
    running = worker.run();
    connection = await Connection.connect({ address });
    client = new Client({ connection });
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await manager?.closeAll();
    await nativeConnection?.close();
    await connection?.close();
    await llm?.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => hole?.close(r));
  });

  it('is answered without the server, once, and the events say so', async () => {
    llm.script({ reply: 'answered without the stuck server' });
    const sessionId = randomUUID();
    const workflowId = sessionWorkflowId('test', sessionId);
    const input: SessionWorkflowInput = {
      sessionId,
      tenant: 'test',
      profile: testProfile, // tools ['*']: the LLM activity lists the catalogue
      options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
    };
    const started = Date.now();
    const result = await client.workflow.executeUpdateWithStart(sendMessageUpdate, {
      args: [{ text: 'hello' }],
      startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.session, { workflowId, taskQueue, args: [input], workflowIdConflictPolicy: 'FAIL' }),
    });
    const took = Date.now() - started;
    expect(result).toMatchObject({ status: 'completed', reply: 'answered without the stuck server' });
    expect(llm.chatRequests()).toHaveLength(1); // not resent by a retry
    const offered = (llm.chatRequests()[0]!.body?.tools ?? []) as Array<{ function: { name: string } }>;
    expect(offered.map((t) => t.function.name)).toContain('calculator');
    expect(offered.some((t) => t.function.name.startsWith('stuck__'))).toBe(false);
    // The 2.5 s listing deadline plus a turn, not a 10 s listing and a heartbeat-timeout retry.
    expect(took).toBeLessThan(7_000);

    const events: SessionEvent[] = [];
    const stream = WorkflowStreamClient.create(client, workflowId);
    for await (const item of stream.subscribe<SessionEvent>([SESSION_EVENTS_TOPIC], 0, { resultType: true, pollCooldown: 10 })) {
      events.push(item.data);
      if (item.data.type === 'turn.completed') break;
    }
    expect(events).toContainEqual({
      type: 'tool.server_unavailable',
      turnId: result.turnId,
      server: 'stuck',
      error: expect.stringContaining('took longer than 2500 ms'),
      cached: false,
    });
  });
});

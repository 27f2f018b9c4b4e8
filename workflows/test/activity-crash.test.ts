// Issue 11 #13: a worker that dies in the middle of an LLM call (SIGKILL, a real process) has its attempt
// retried within seconds on a live worker, and the turn completes with the same idempotency key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createLlmActivities } from '@hub/agents';
import { createToolActivities } from '@hub/tools';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { DEFAULTS, WORKFLOW_TYPES, sendMessageUpdate, sessionWorkflowId, type SessionWorkflowInput } from '@hub/contracts';
import { testProfile, workflowBundle } from './harness';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');

function startActivityWorker(address: string, taskQueue: string, llmUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', tsx, join(here, 'fixtures', 'activity-worker.ts'), address, taskQueue, llmUrl], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`activity worker did not start: ${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`activity worker exited (${code}): ${err}`)));
  });
}

describe('a worker killed mid-LLM-call', () => {
  const address = testTemporalAddress();
  const taskQueue = `crash-${randomUUID()}`;
  let llm: ScriptedLlmServer;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;
  const workers: Worker[] = [];
  const runs: Promise<void>[] = [];
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    llm = await startScriptedLlmServer();
    nativeConnection = await NativeConnection.connect({ address });
    connection = await Connection.connect({ address });
    client = new Client({ connection });
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    for (const w of workers) w.shutdown();
    await Promise.allSettled(runs);
    await nativeConnection?.close();
    await connection?.close();
    await llm?.close();
  });

  it('is retried on a live worker within seconds and the turn completes', async () => {
    // Attempt 1 hangs (the dying worker's); attempt 2 answers.
    llm.script({ hang: true }, { reply: 'answered after the crash' });
    child = await startActivityWorker(address, taskQueue, llm.url);
    // Workflows only, in this process: the first LLM attempt can only run in the child.
    const wfWorker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: await workflowBundle() });
    workers.push(wfWorker);
    runs.push(wfWorker.run());

    const sessionId = randomUUID();
    const input: SessionWorkflowInput = {
      sessionId,
      tenant: 'test',
      profile: { ...testProfile, tools: [] },
      options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
    };
    const turn = client.workflow.executeUpdateWithStart(sendMessageUpdate, {
      args: [{ text: 'hello' }],
      startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.session, {
        workflowId: sessionWorkflowId('test', sessionId),
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
      }),
    });

    await llm.waitFor(() => llm.chatRequests().length >= 1, 60_000);
    child.kill('SIGKILL');
    const killedAt = Date.now();

    // A live worker with the activities takes over.
    const openai = new OpenAI({ baseURL: llm.url, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
    const tools = createToolActivities();
    const actWorker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      activities: { ...createLlmActivities({ openai, defaultModel: 'scripted-model', listTools: tools.listTools }), ...tools },
    });
    workers.push(actWorker);
    runs.push(actWorker.run());

    const result = await turn;
    const recoveredIn = Date.now() - killedAt;
    expect(result.status).toBe('completed');
    expect(result.reply).toBe('answered after the crash');
    const [first, second] = llm.chatRequests();
    expect(llm.chatRequests()).toHaveLength(2);
    // The same activity, retried (not a new one): same idempotency key.
    expect(second!.idempotencyKey).toBe(first!.idempotencyKey);
    // Heartbeat timeout (4 s) + first retry interval (1 s), with room for a busy machine; it was 10 s + 1 s (~11.7 s measured).
    expect(recoveredIn).toBeLessThan(9_000);
  });
});

/**
 * A worker SIGKILLed in the middle of a research job's batch activities (a real process): the job resumes
 * by itself on a live worker, loses no finished agent's result and repeats only the model calls that were
 * in flight (the batch's heartbeat details recorded the finished agents; the retry skips them).
 *
 * 8 sub-agents, 4 activities of 2: in each, the first part answers at once and the second hangs (until the
 * kill cuts its connection); after the crash every request answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createLlmActivities, createResearchActivities } from '@hub/agents';
import { createToolActivities } from '@hub/tools';
import { testTemporalAddress } from '@hub/testing';
import { researchResponder } from '@hub/testing/research-responder';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import type { RecordedRequest, ScriptStep } from '@hub/testing/scripted-llm-server';
import { WORKFLOW_TYPES, researchWorkflowId, type ResearchJobInput, type ResearchState } from '@hub/contracts';
import { testProfile, workflowBundle } from './harness';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');

function startResearchActivityWorker(address: string, taskQueue: string, llmUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', tsx, join(here, 'fixtures', 'research-activity-worker.ts'), address, taskQueue, llmUrl], {
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

let killed = false;
/** Even parts hang until the worker is killed; then everything answers. */
function responder(req: RecordedRequest): ScriptStep | Promise<ScriptStep> {
  const prompt = String((req.body?.messages ?? []).find((m) => m.role === 'user')?.content ?? '');
  const part = Number(/Part (\d+) of:/.exec(prompt)?.[1] ?? 0);
  if (!killed && prompt.startsWith('Overall research question:') && part % 2 === 0) return { hang: true };
  return researchResponder(req);
}

describe('a worker killed in the middle of a research job', () => {
  const address = testTemporalAddress();
  const taskQueue = `research-crash-${randomUUID()}`;
  let llm: ScriptedLlmServer;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;
  const workers: Worker[] = [];
  const runs: Promise<void>[] = [];
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    llm = await startScriptedLlmServer({ responder });
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

  it('resumes on a live worker, keeps every finished agent and repeats only the calls in flight', async () => {
    child = await startResearchActivityWorker(address, taskQueue, llm.url);
    // Workflows only, in this process: the activities can only run in the child until it dies.
    const wfWorker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: await workflowBundle() });
    workers.push(wfWorker);
    runs.push(wfWorker.run());

    const id = randomUUID();
    const workflowId = researchWorkflowId('test', id);
    const profile = { ...testProfile, tools: [] as string[] };
    const input: ResearchJobInput = {
      id,
      tenant: 'test',
      question: 'Crash in the middle',
      maxAgents: 8,
      planner: profile,
      researcher: profile,
      synthesizer: profile,
      minSuccessRatio: 1,
      createdAt: new Date().toISOString(),
    };
    const handle = await client.workflow.start(WORKFLOW_TYPES.researchJob, { workflowId, taskQueue, args: [input] });

    const agentKey = (i: number) => `${workflowId}/agent/${i}/research/llm/0`;
    const calls = (i: number) => llm.chatRequests().filter((r) => r.idempotencyKey === agentKey(i));
    // Every agent's call was made: odd parts answered, even parts are in flight.
    await llm.waitFor(() => [0, 1, 2, 3, 4, 5, 6, 7].every((i) => calls(i).length === 1), 60_000);
    const answered = [0, 2, 4, 6];
    await llm.waitFor(() => answered.every((i) => calls(i)[0]!.completed), 10_000);
    // Past the heartbeat throttle (250 ms) and the batch's details interval (100 ms): the answers are recorded.
    await new Promise((r) => setTimeout(r, 1_000));
    killed = true;
    child.kill('SIGKILL');

    // A live worker with the activities takes over; nobody re-invokes the job.
    const openai = new OpenAI({ baseURL: llm.url, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
    const tools = createToolActivities();
    const llmActivities = createLlmActivities({ openai, defaultModel: 'scripted-model', listTools: tools.listTools });
    const actWorker = await Worker.create({ connection: nativeConnection, taskQueue, activities: { ...llmActivities, ...tools, ...createResearchActivities(llmActivities) } });
    workers.push(actWorker);
    runs.push(actWorker.run());

    const final = (await handle.result()) as ResearchState;
    expect(final.status).toBe('completed');
    expect(final.progress).toMatchObject({ total: 8, succeeded: 8, failed: 0 });
    expect(final.result?.findings.map((f) => f.answer)).toEqual(Array.from({ length: 8 }, (_, i) => `Finding for part ${i + 1}.`));
    // No completed agent repeated; each call in flight at the kill made once more.
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => calls(i).length)).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
  }, 120_000);
});

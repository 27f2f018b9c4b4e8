/**
 * A real worker running the hub's workflows (the real session workflow, the real LLM and tool
 * activities) against the scripted LLM fixture, for gateway tests whose defect needs the whole
 * path: gateway → Temporal → worker → LLM.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createLlmActivities, createResearchActivities } from '@hub/agents';
import { createToolActivities } from '@hub/tools';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { hubWorkflowBundle } from '@hub/testing/workflow-bundle';


export interface SessionWorker {
  taskQueue: string;
  llm: ScriptedLlmServer;
  notesFile: string;
  close(): Promise<void>;
}

export async function startSessionWorker(): Promise<SessionWorker> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const llm = await startScriptedLlmServer();
  const notesFile = join(mkdtempSync(join(tmpdir(), 'hub-gw-notes-')), 'notes.jsonl');
  process.env.HUB_NOTES_FILE = notesFile;
  const taskQueue = `gateway-sessions-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: testTemporalAddress() });
  const openai = new OpenAI({ baseURL: llm.url, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
  const tools = createToolActivities();
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await hubWorkflowBundle(),
    // The hub worker's metrics sink (apps/worker/src/metrics.ts), as a no-op: sessions report their pending approvals.
    sinks: { hubMetrics: { approvalsPending: { fn: () => undefined } } },
    activities: (() => {
      const llmActivities = createLlmActivities({ openai, defaultModel: 'scripted-model', listTools: tools.listTools });
      return { ...llmActivities, ...tools, ...createResearchActivities(llmActivities) };
    })(),
  });
  const running = worker.run();
  return {
    taskQueue,
    llm,
    notesFile,
    async close() {
      worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      await llm.close();
    },
  };
}

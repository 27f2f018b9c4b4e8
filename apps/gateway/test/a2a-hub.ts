/**
 * A hub serving its agents over A2A, for tests: a real worker (the real session workflow and activities, the
 * scripted LLM) on the test Temporal server, and the gateway served over HTTP on a free loopback port, with
 * API keys. `restartGateway()` puts a new gateway (new services, nothing in memory) behind the same port.
 * Also the SDK client helpers (`a2aClient`, `userMessage`, `sendParams`). Reusable as "another hub" (a remote
 * A2A agent): `startA2aHub()` then `hub.agentUrl(name)` is the agent's base URL (its card below it).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import OpenAI from 'openai';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createLlmActivities, createResearchActivities } from '@hub/agents';
import { createToolActivities } from '@hub/tools';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { Role, type Message, type SendMessageRequest } from '@a2a-js/sdk';
import { ClientFactory, DefaultAgentCardResolver, JsonRpcTransportFactory, type Client as A2aClient } from '@a2a-js/sdk/client';
import type { Client, Connection } from '@temporalio/client';
import type { GatewayApp } from '../src/app';
import type { ProfileSource } from '../src/profiles';
import { connectTestClient, makeApp, profileSource } from './helpers';

const require = createRequire(import.meta.url);
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

/** The hub's worker: its task queue, the scripted LLM its activities call, the built-in notes tool's file. */
export interface HubWorker {
  taskQueue: string;
  llm: ScriptedLlmServer;
  notesFile: string;
}

/** A worker of the hub's workflows and activities on `taskQueue`; `stop` shuts it down (in-flight activities are cancelled). */
async function runWorker(taskQueue: string, llm: ScriptedLlmServer, workflowBundle: { code: string }): Promise<{ stop(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: testTemporalAddress() });
  const openai = new OpenAI({ baseURL: llm.url, apiKey: 'test', maxRetries: 0, timeout: 30_000 });
  const tools = createToolActivities();
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle,
    activities: (() => {
      const llmActivities = createLlmActivities({ openai, defaultModel: 'scripted-model', listTools: tools.listTools });
      return { ...llmActivities, ...tools, ...createResearchActivities(llmActivities) };
    })(),
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}

export interface A2aHub {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** An agent's base URL, ending in `/` (the SDK resolves `.well-known/agent-card.json` against it). */
  agentUrl(agent: string): string;
  worker: HubWorker;
  temporal: Client;
  /** The app currently served (requests without HTTP). */
  app(): GatewayApp;
  /** A new gateway instance (new services, nothing kept in memory) behind the same port. */
  restartGateway(): void;
  /** Shuts the worker down (activities in flight are cancelled) and starts a new one on the same task queue. */
  restartWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface A2aHubOptions {
  /** API key → tenant. Default: `key-a` → tenant-a, `key-b` → tenant-b. */
  apiKeys?: Map<string, string>;
  profiles?: ProfileSource;
}

export const DEFAULT_KEYS = new Map([
  ['key-a', 'tenant-a'],
  ['key-b', 'tenant-b'],
]);

export async function startA2aHub(opts: A2aHubOptions = {}): Promise<A2aHub> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { client, connection }: { client: Client; connection: Connection } = await connectTestClient();
  const llm = await startScriptedLlmServer();
  const notesFile = join(mkdtempSync(join(tmpdir(), 'hub-a2a-notes-')), 'notes.jsonl');
  process.env.HUB_NOTES_FILE = notesFile;
  const worker: HubWorker = { taskQueue: `gateway-a2a-${randomUUID()}`, llm, notesFile };
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('@hub/workflows'), logger: silent });
  let running = await runWorker(worker.taskQueue, llm, bundle);
  const build = (): GatewayApp =>
    makeApp(client, {
      taskQueue: worker.taskQueue,
      profiles: opts.profiles ?? profileSource,
      rpcTimeoutMs: 5_000,
      apiKeys: opts.apiKeys ?? DEFAULT_KEYS,
      sessionDefaults: { approvalTimeoutMs: 120_000 },
    }).app;
  let current = build();
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: (req) => current.fetch(req), hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    s.once('error', reject);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    agentUrl: (agent) => `${origin}/a2a/${agent}/`,
    worker,
    temporal: client,
    app: () => current,
    restartGateway() {
      current = build();
    },
    async restartWorker() {
      await running.stop();
      running = await runWorker(worker.taskQueue, llm, bundle);
    },
    async close() {
      (server as Server).closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await running.stop();
      await llm.close();
      await connection.close();
    },
  };
}

/** `fetch` with `Authorization: Bearer <key>` (no header without a key). */
export function bearerFetch(key: string | undefined): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (key !== undefined) headers.set('authorization', `Bearer ${key}`);
    return fetch(input, { ...init, headers });
  };
}

/** The SDK's client for an agent of `hub`, from its card (fetched with the key). */
export async function a2aClient(agentBaseUrl: string, key: string | undefined): Promise<A2aClient> {
  const fetchImpl = bearerFetch(key);
  const factory = new ClientFactory({
    transports: [new JsonRpcTransportFactory({ fetchImpl })],
    cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
  });
  return factory.createFromUrl(agentBaseUrl);
}

/** A user message (protocol 1.0 shape). */
export function userMessage(text: string, extra: { contextId?: string; taskId?: string; messageId?: string } = {}): Message {
  return {
    messageId: extra.messageId ?? randomUUID(),
    contextId: extra.contextId ?? '',
    taskId: extra.taskId ?? '',
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: text }, mediaType: 'text/plain', filename: '', metadata: undefined }],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

/** A SendMessage request of `message` (blocking unless `returnImmediately`). */
export function sendParams(message: Message, returnImmediately = false): SendMessageRequest {
  return {
    tenant: '',
    message,
    configuration: { acceptedOutputModes: ['text/plain'], taskPushNotificationConfig: undefined, returnImmediately },
    metadata: undefined,
  };
}

/** The text of a part list (text parts joined). */
export function textOfParts(parts: { content?: { $case: string; value: unknown } | undefined }[] | undefined): string {
  return (parts ?? []).map((p) => (p.content?.$case === 'text' ? String(p.content.value) : '')).join('');
}

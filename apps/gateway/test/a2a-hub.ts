/**
 * A hub serving its agents over A2A, for tests: a real worker (the real session workflow and activities, the
 * scripted LLM) on the test Temporal server, and the gateway served over HTTP on a free loopback port, with
 * API keys. `restartGateway()` puts a new gateway (new services, nothing in memory) behind the same port.
 * Also the SDK client helpers (`a2aClient`, `userMessage`, `sendParams`). Reusable as "another hub" (a remote
 * A2A agent): `startA2aHub()` then `hub.agentUrl(name)` is the agent's base URL (its card below it).
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Role, type Message, type SendMessageRequest } from '@a2a-js/sdk';
import { ClientFactory, DefaultAgentCardResolver, JsonRpcTransportFactory, type Client as A2aClient } from '@a2a-js/sdk/client';
import type { Client, Connection } from '@temporalio/client';
import type { GatewayApp } from '../src/app';
import type { ProfileSource } from '../src/profiles';
import { connectTestClient, makeApp, profileSource } from './helpers';
import { startSessionWorker, type SessionWorker } from './session-worker';

export interface A2aHub {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** An agent's base URL, ending in `/` (the SDK resolves `.well-known/agent-card.json` against it). */
  agentUrl(agent: string): string;
  worker: SessionWorker;
  temporal: Client;
  /** The app currently served (requests without HTTP). */
  app(): GatewayApp;
  /** A new gateway instance (new services, nothing kept in memory) behind the same port. */
  restartGateway(): void;
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
  const { client, connection }: { client: Client; connection: Connection } = await connectTestClient();
  const worker = await startSessionWorker();
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
    async close() {
      (server as Server).closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker.close();
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

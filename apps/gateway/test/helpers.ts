/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { testTemporalAddress } from '@hub/testing';
import type { AgentProfile } from '@hub/contracts';
import { createApp, type CreateAppOptions, type GatewayApp } from '../src/app';
import type { Logger } from '../src/log';
import { createServices, type GatewayServices, type ServicesConfig } from '../src/services';

export const PROFILES: AgentProfile[] = [
  { name: 'assistant', description: 'test assistant', systemPrompt: 'be nice', temperature: 0, tools: ['*'], maxToolRounds: 2 },
  { name: 'researcher', description: 'test researcher', systemPrompt: 'dig', temperature: 0, tools: ['*'], maxToolRounds: 2 },
];

export const profileSource = {
  get: (name: string) => PROFILES.find((p) => p.name === name),
  list: () => PROFILES,
};

export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown> | undefined;
}

export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export async function connectTestClient(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: testTemporalAddress() });
  return { client: new Client({ connection }), connection };
}

/** A task queue no worker polls: workflows started on it stay RUNNING and never answer queries. */
export const noWorkerTaskQueue = (): string => `gateway-test-${randomUUID()}`;

/** Options of {@link makeApp}: the services' config and the app's options. */
export type MakeAppOptions = Partial<ServicesConfig> & CreateAppOptions;

/** The app on real services of `client` (a Temporal test server; by default on a task queue no worker polls). */
export function makeApp(client: Client, overrides: MakeAppOptions = {}): { app: GatewayApp; log: ReturnType<typeof memoryLogger> } {
  const log = memoryLogger();
  const { taskQueue, profiles, sessionDefaults, rpcTimeoutMs, hubConfig, checkMcpUrl, openStream, ...appOptions } = overrides;
  const services = createServices(client, {
    taskQueue: taskQueue ?? noWorkerTaskQueue(),
    profiles: profiles ?? profileSource,
    sessionDefaults,
    rpcTimeoutMs: rpcTimeoutMs ?? 1_500,
    hubConfig,
    checkMcpUrl,
    openStream,
  });
  const app = createApp(services, { log, ...appOptions });
  return { app, log };
}

/** Real services of `client` on a task queue no worker polls (a tenant without agents of its own resolves agents without one). */
export function makeServices(client: Client, config: Partial<ServicesConfig> = {}): GatewayServices {
  return createServices(client, { taskQueue: noWorkerTaskQueue(), profiles: profileSource, rpcTimeoutMs: 1_500, ...config });
}

/** Stand-ins for some of the services' methods. */
export type Stubs = { [K in keyof GatewayServices]?: Partial<GatewayServices[K]> };

function stub<T extends object>(name: string, impl: Partial<T> = {}): T {
  return new Proxy(impl, {
    get(target, prop) {
      if (prop in target || typeof prop === 'symbol' || prop === 'then') return (target as Record<PropertyKey, unknown>)[prop];
      return () => {
        throw new Error(`stub ${name}.${prop}() was called but not given`);
      };
    },
  }) as T;
}

/** Services whose methods are `stubs` (any other method throws); the ops service reports Temporal as reachable. */
export function stubServices(stubs: Stubs = {}): GatewayServices {
  return {
    sessions: stub('sessions', stubs.sessions),
    agents: stub('agents', stubs.agents),
    research: stub('research', stubs.research),
    tasks: stub('tasks', stubs.tasks),
    mcpRegistry: stub('mcpRegistry', stubs.mcpRegistry),
    ops: stub('ops', { readiness: async () => ({ ok: true, details: { temporal: 'ok' } }), temporalReachable: async () => true, ...stubs.ops }),
  };
}

/** The app on stub services: pure HTTP (validation, auth, errors, SSE framing, OpenAPI), no Temporal server. */
export function makeStubApp(stubs: Stubs = {}, options: CreateAppOptions = {}): { app: GatewayApp; log: ReturnType<typeof memoryLogger> } {
  const log = memoryLogger();
  return { app: createApp(stubServices(stubs), { log, ...options }), log };
}

/**
 * Real services on a client that never connects: for the rules the services check before any
 * Temporal call (unknown agents, MCP safety rules). A call that reaches Temporal fails.
 */
export function offlineServices(config: Partial<ServicesConfig> = {}): GatewayServices {
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  return createServices(client, { taskQueue: 'offline', profiles: profileSource, ...config });
}

export async function json(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not JSON (status ${res.status}): ${text.slice(0, 200)}`);
  }
}

export const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { testTemporalAddress } from '@hub/infra/testing';
import type { AgentProfile } from '@hub/contracts';
import { createApp, type CreateAppOptions, type GatewayApp } from '../src/app';
import type { Logger } from '../src/log';

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

export function makeApp(client: Client, overrides: Partial<CreateAppOptions> = {}): { app: GatewayApp; log: ReturnType<typeof memoryLogger> } {
  const log = memoryLogger();
  const app = createApp({
    client,
    taskQueue: noWorkerTaskQueue(),
    profiles: profileSource,
    log,
    rpcTimeoutMs: 1_500,
    ...overrides,
  });
  return { app, log };
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

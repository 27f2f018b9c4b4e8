/**
 * Shared setup of the LLM activity tests: a scripted OpenAI-compatible server
 * per test file (`useScriptedLlm()`, then `llm`), a MockActivityEnvironment
 * without the worker's failure logging, an in-memory token-event publisher
 * and request builders.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Info } from '@temporalio/activity';
import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { LlmRequest, SessionEvent, ToolSpec } from '@hub/contracts';
import type { SessionEventPublisherFactory } from '@hub/runtime/streams';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { createOpenAIClient } from '../../src/llm-config';
import { createLlmActivities, type LlmActivityDeps } from '../../src/llm';

/** The scripted LLM server of the current test file (set by `useScriptedLlm`). */
export let llm: ScriptedLlmServer;

/** Starts the scripted LLM server for this file and resets its script before each test. */
export function useScriptedLlm(): void {
  beforeAll(async () => {
    llm = await startScriptedLlmServer();
  });
  afterAll(async () => {
    await llm?.close();
  });
  beforeEach(() => {
    llm.reset();
  });
}

const WF = { workflowId: 'session/acme/s1', runId: 'run-1' };

export function info(overrides: Partial<Info> = {}): Partial<Info> {
  return { workflowExecution: WF, activityId: '7', attempt: 1, heartbeatTimeoutMs: 3000, ...overrides };
}

const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** A MockActivityEnvironment with a typed `run` and without the worker's failure logging. */
export function mockEnv(i: Partial<Info> = info()) {
  const env = new MockActivityEnvironment(i, { logger: quiet });
  return Object.assign(env, {
    exec: <A, R>(fn: (arg: A) => Promise<R>, arg: A): Promise<R> => env.run(fn, arg) as Promise<R>,
  });
}

interface Published {
  ev: SessionEvent;
  at: number;
  /** Published with `now` (sent at once, not held for the publisher's batch window). */
  now: boolean;
}

export function memoryPublisher(): { factory: SessionEventPublisherFactory; events: Published[]; closed: () => number } {
  const events: Published[] = [];
  let closed = 0;
  return {
    events,
    closed: () => closed,
    factory: () => ({
      publish: (ev, opts) => events.push({ ev, at: Date.now(), now: opts?.now === true }),
      close: async () => {
        closed++;
      },
    }),
  };
}

export function activities(extra: Partial<LlmActivityDeps> = {}, baseURL = llm.url) {
  const openai = createOpenAIClient({ baseURL, apiKey: 'test-key', model: 'ignored', timeoutMs: 10_000 });
  return createLlmActivities({ openai, defaultModel: 'test-model', publisher: memoryPublisher().factory, ...extra });
}

export function request(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    temperature: 0.2,
    systemPrompt: 'You are a test assistant.',
    messages: [{ role: 'user', content: 'hello there' }],
    tools: [],
    ...overrides,
  };
}

export async function failureOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the activity to fail');
}

export const SEARCH_TOOL: ToolSpec = {
  name: 'web__search',
  description: 'Search the web',
  parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
  requiresApproval: false,
};

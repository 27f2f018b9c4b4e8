import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_TYPES } from '@hub/contracts';
import { testTemporalAddress } from '@hub/testing';
import { HubConfigSchema, type LlmRequest, type LlmResponse } from '@hub/contracts';
import { MockActivityEnvironment } from '@temporalio/testing';
import { startScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { createHubActivities } from '../src/worker';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function run(args: string[], env: Record<string, string>, until?: (out: string) => boolean) {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const seen = new Promise<void>((resolve) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (until?.(out)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, seen, exited, output: () => out };
}

describe('hub worker', () => {
  it('registers every activity the session workflow calls', () => {
    const hub = createHubActivities({ hubConfig: HubConfigSchema.parse({}), taskQueue: 'q', env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
    expect(Object.keys(hub.activities).sort()).toEqual(Object.values(ACTIVITY_TYPES).sort());
  });

  it('routes LLM calls by hub.config.json providers and models, with prices', async () => {
    const provider = await startScriptedLlmServer();
    try {
      const hubConfig = HubConfigSchema.parse({
        providers: { team: { baseURL: provider.url, apiKeyEnv: 'WORKER_TEST_KEY' } },
        models: { fast: { provider: 'team', model: 'team-model-1', maxOutputTokens: 64, price: { inputPerMTok: 1, outputPerMTok: 2 } } },
      });
      const hub = createHubActivities({ hubConfig, taskQueue: 'q', env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', WORKER_TEST_KEY: 'team-secret' } });
      provider.script({ reply: 'routed', usage: { promptTokens: 100, completionTokens: 50 } });
      const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'session/default/w1', runId: 'r' }, activityId: 'a1' });
      const input: LlmRequest = { model: 'fast', temperature: 0, systemPrompt: 's', messages: [{ role: 'user', content: 'hi' }], tools: [] };
      const res = (await env.run(hub.activities.llmComplete, input)) as LlmResponse;
      expect(res.served).toEqual({ alias: 'fast', provider: 'team', model: 'team-model-1' });
      expect(res.usage.costUsd).toBe(0.0002); // 100 × $1/M + 50 × $2/M
      const [req] = provider.chatRequests();
      expect(req!.headers['authorization']).toBe('Bearer team-secret');
      expect(req!.body?.max_tokens).toBe(64);
      await hub.close();
    } finally {
      await provider.close();
    }
  });

  it('prints usage with --help', async () => {
    const p = run(['--help'], {});
    expect(await p.exited).toBe(0);
    expect(p.output()).toMatch(/Usage: npm run worker/);
    expect(p.output()).toMatch(/TEMPORAL_ADDRESS/);
  });

  it('starts against Temporal, says it is ready, and drains and exits 0 on SIGTERM', async () => {
    const p = run([], { TEMPORAL_ADDRESS: testTemporalAddress(), HUB_TASK_QUEUE: 'worker-test' }, (o) => o.includes('"worker ready"'));
    await p.seen;
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output()).toMatch(/"worker draining"/);
    expect(p.output()).toMatch(/"worker stopped"/);
  });
});

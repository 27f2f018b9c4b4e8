import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '@hub/runtime';
import { getFreePort } from '../src/process';
import { testTemporalAddress } from '@hub/testing';

const fixtures = join(import.meta.dirname, 'fixtures');
const startScript = join(import.meta.dirname, '..', 'src', 'start', 'main.ts');

interface Run {
  child: ChildProcess;
  output: () => string;
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<void>;
  exited: Promise<number | null>;
}

const runs: Run[] = [];

/** A file that passes for a GGUF model (header only): the fake local model server never reads it. */
function fakeModel(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hub-start-model-')), 'fake-model.gguf');
  writeFileSync(file, 'GGUF fake');
  return file;
}

function runStart(extraEnv: Record<string, string>, args: string[] = []): Run {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('TEMPORAL_') || k.startsWith('HUB_') || k.startsWith('OPENAI_')) delete env[k];
  Object.assign(env, {
    HUB_WORKER_ENTRY: join(fixtures, 'fake-worker.ts'),
    HUB_GATEWAY_ENTRY: join(fixtures, 'fake-gateway.ts'),
    HUB_LOCAL_LLM_ENTRY: join(fixtures, 'fake-local-llm.ts'),
    HUB_LOCAL_MODEL: fakeModel(),
    HUB_LOCAL_LLM_PORT: '0',
    HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'hub-start-')),
    HUB_READY_TIMEOUT_MS: '60000',
    ...extraEnv,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', startScript, ...args], {
    cwd: repoRoot(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer): void => {
    out += b.toString();
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const run: Run = {
    child,
    output: () => out,
    exited,
    waitFor: (re, timeoutMs = 90_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (re.test(out)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${re}; output so far:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => setTimeout(() => {
          if (!re.test(out)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`start exited before ${re}; output:\n${out}`));
          }
        }, 50));
        check();
      }),
  };
  runs.push(run);
  return run;
}

describe('npm start supervisor', () => {
  afterEach(async () => {
    for (const run of runs.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGTERM');
        const t = setTimeout(() => run.child.kill('SIGKILL'), 40_000);
        await run.exited;
        clearTimeout(t);
      }
    }
  });

  it('--help lists the environment variables', async () => {
    const run = runStart({}, ['--help']);
    expect(await run.exited).toBe(0);
    for (const v of ['TEMPORAL_ADDRESS', 'HUB_DATA_DIR', 'HUB_TEMPORAL_PORT', 'PORT', 'HOST', 'TEMPORAL_API_KEY', 'OPENAI_BASE_URL', 'HUB_LOCAL_MODEL']) {
      expect(run.output()).toContain(v);
    }
  });

  it('starts embedded Temporal + worker + gateway, prints the banner, and stops in order', async () => {
    const port = await getFreePort();
    const run = runStart({ PORT: String(port), HUB_TEMPORAL_PORT: '0', HUB_TEMPORAL_UI_PORT: '0' });
    await run.waitFor(/Press Ctrl-C to stop\./);
    const out = run.output();
    expect(out).toMatch(new RegExp(`Gateway:\\s+http://127\\.0\\.0\\.1:${port}\\n`));
    expect(out).toMatch(new RegExp(`OpenAPI:\\s+http://127\\.0\\.0\\.1:${port}/openapi\\.json`));
    expect(out).toMatch(/Temporal UI:\s+http:\/\/127\.0\.0\.1:\d+/);
    const address = /Temporal:\s+(127\.0\.0\.1:\d+) \(embedded dev server/.exec(out)?.[1];
    expect(address).toBeDefined();
    expect(out).toContain(`"temporalAddress":"${address}"`); // the worker got TEMPORAL_ADDRESS
    expect(out).toContain(`[gateway] gateway listening temporal=${address}`);
    expect(out).toMatch(/Data dir:\s+\/.*hub-start-/);
    // No OPENAI_BASE_URL / OPENAI_API_KEY: the local model server runs, and the worker is pointed at it.
    const llmUrl = /LLM:\s+local model fake-model at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out)?.[1];
    expect(llmUrl).toBeDefined();
    expect(out).toContain(`"openaiBaseUrl":"${llmUrl}"`);
    expect(out).toContain('No OPENAI_BASE_URL / OPENAI_API_KEY set: starting the local model server');

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    const final = run.output();
    const at = (s: string): number => {
      const i = final.indexOf(s);
      expect(i, `missing ${JSON.stringify(s)} in:\n${final}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    expect(at('[gateway] gateway stopped')).toBeLessThan(at('"msg":"worker draining"'));
    expect(at('"msg":"worker drained"')).toBeLessThan(at('[local-llm] fake local-llm stopped'));
    expect(at('[local-llm] fake local-llm stopped')).toBeLessThan(at('[hub] stopping temporal'));
    expect(at('[hub] stopping temporal')).toBeLessThan(at('[hub] temporal stopped'));
    expect(final).not.toContain('got SIGINT');
  });

  it('with OPENAI_API_KEY set, starts no local model server and names the endpoint it uses', async () => {
    const port = await getFreePort();
    const run = runStart({ PORT: String(port), TEMPORAL_ADDRESS: testTemporalAddress(), OPENAI_API_KEY: 'sk-test', HUB_MODEL: 'gpt-test' });
    await run.waitFor(/Press Ctrl-C to stop\./);
    const out = run.output();
    expect(out).toMatch(/LLM:\s+https:\/\/api\.openai\.com\/v1 \(OpenAI\), model gpt-test/);
    expect(out).not.toContain('[local-llm]');
    expect(out).toContain('"msg":"worker ready"');
    expect(out).not.toContain('"openaiBaseUrl"'); // the worker uses OpenAI's default endpoint
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('exits non-zero and stops the others when a service dies', async () => {
    const port = await getFreePort();
    const run = runStart({ PORT: String(port), TEMPORAL_ADDRESS: testTemporalAddress(), FAKE_WORKER_FAIL: '1' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('worker exited unexpectedly (exit code 3)');
    expect(run.output()).toContain('[hub] stopping gateway');
  });

  it('refuses to start when the gateway port is taken, naming the owner', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = runStart({ PORT: String(port), TEMPORAL_ADDRESS: testTemporalAddress() });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`Gateway port 127.0.0.1:${port} (PORT) is already in use by pid ${process.pid}`);
      expect(run.output()).not.toContain('[worker]');
    } finally {
      blocker.close();
    }
  });
});

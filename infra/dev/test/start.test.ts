import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
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

/** The embedded dev server's command line (its pid from the lock file next to the db in the banner's data dir). */
function devServerArgs(out: string): string[] {
  const dataDir = /Data dir:\s+(\S+)/.exec(out)?.[1] ?? '';
  const { pid } = JSON.parse(readFileSync(join(dataDir, 'temporal.db.lock'), 'utf8')) as { pid: number };
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}

/** An IPv4 address of this host that is not loopback, if there is one. */
function externalIPv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port, timeout: 2_000 });
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => (sock.destroy(), resolve(false)));
  });
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
    // The Temporal UI shows every tenant's history without auth: off unless HUB_TEMPORAL_UI=1.
    expect(out).toMatch(/Temporal UI:\s+off \(HUB_TEMPORAL_UI=1 runs it on 127\.0\.0\.1/);
    expect(devServerArgs(out)).toContain('--headless');
    expect(out).toMatch(/Payloads:\s+off: payloads are NOT encrypted/);
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

  it('runs the Temporal UI only with HUB_TEMPORAL_UI=1, on 127.0.0.1 only, decoding through the gateway', async () => {
    const port = await getFreePort();
    const run = runStart({ PORT: String(port), HUB_TEMPORAL_PORT: '0', HUB_TEMPORAL_UI: '1', HUB_TEMPORAL_UI_PORT: '0', OPENAI_API_KEY: 'sk-test' });
    await run.waitFor(/Press Ctrl-C to stop\./);
    const out = run.output();
    const uiPort = Number(/Temporal UI:\s+http:\/\/127\.0\.0\.1:(\d+) \(127\.0\.0\.1 only, no auth: shows every tenant's history\)/.exec(out)?.[1]);
    expect(uiPort).toBeGreaterThan(0);
    expect(await canConnect('127.0.0.1', uiPort)).toBe(true);
    const external = externalIPv4();
    if (external) expect(await canConnect(external, uiPort)).toBe(false);
    const args = devServerArgs(out);
    expect(args[args.indexOf('--ui-ip') + 1]).toBe('127.0.0.1');
    expect(args[args.indexOf('--ui-codec-endpoint') + 1]).toBe(`http://127.0.0.1:${port}/codec`);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('restarts a worker killed with SIGKILL, with backoff, and keeps serving', async () => {
    const port = await getFreePort();
    const run = runStart({ PORT: String(port), TEMPORAL_ADDRESS: testTemporalAddress(), OPENAI_API_KEY: 'sk-test' });
    await run.waitFor(/Press Ctrl-C to stop\./);
    const pid = Number(/"msg":"worker ready".*?"pid":(\d+)/.exec(run.output())?.[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    await run.waitFor(/\[hub\] worker exited unexpectedly \(killed by SIGKILL\); restarting it in 0\.5 s/);
    await run.waitFor(/\[hub\] worker restarted/);
    expect(run.output().match(/"msg":"worker ready"/g)).toHaveLength(2);
    expect(run.child.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('"msg":"worker drained"'); // the restarted worker is stopped in order
  });

  it('gives up, with a clear message, on a child that keeps crashing', async () => {
    const port = await getFreePort();
    const run = runStart({
      PORT: String(port),
      TEMPORAL_ADDRESS: testTemporalAddress(),
      OPENAI_API_KEY: 'sk-test',
      FAKE_WORKER_CRASH_AFTER_MS: '1500',
      HUB_RESTART_MAX_CRASHES: '3',
    });
    expect(await run.exited).toBe(1);
    const out = run.output();
    expect(out).toContain('worker exited unexpectedly (exit code 4); restarting it in 0.5 s');
    expect(out).toContain('worker exited unexpectedly (exit code 4); restarting it in 1 s');
    expect(out).toContain('worker exited unexpectedly (exit code 4) 3 times within 60 s; giving up; shutting down');
    expect(out).toContain('[hub] stopping gateway');
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

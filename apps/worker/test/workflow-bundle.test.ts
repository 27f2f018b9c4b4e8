/**
 * The prebuilt workflow bundle: used only when the hash of its sources is current, checked against its
 * manifest (its own sha256, the packages the build read), not stored when the build read files the hash
 * does not cover; a worker process starts from it and runs a session turn, and bundles (and stores) when
 * there is none.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { DEFAULTS, WORKFLOW_TYPES, sendMessageUpdate, sessionWorkflowId, type SessionWorkflowInput } from '@hub/contracts';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { DEFAULT_MAX_CACHED_WORKFLOWS, maxCachedWorkflowsFromEnv } from '../src/worker';
import {
  buildWorkflowBundle,
  hubWorkflowSources,
  loadPrebuiltWorkflowBundle,
  workflowBundleKey,
  type WorkflowBundleManifest,
  type WorkflowBundleSources,
} from '../src/workflow-bundle';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** The hub's sources plus a directory of our own whose file we can change. */
function sourcesWithExtra(): { sources: WorkflowBundleSources; extraFile: string } {
  const extra = tmp('hub-bundle-src-');
  const extraFile = join(extra, 'extra.ts');
  writeFileSync(extraFile, 'export const x = 1;\n');
  const hub = hubWorkflowSources();
  return { sources: { ...hub, dirs: [...hub.dirs, extra] }, extraFile };
}

describe('prebuilt workflow bundle: cache', () => {
  const cacheDir = tmp('hub-bundle-cache-');
  const { sources, extraFile } = sourcesWithExtra();
  let hash = '';

  beforeAll(async () => {
    const built = await buildWorkflowBundle({ cacheDir, sources });
    expect(built.notStored).toBeUndefined();
    hash = built.hash;
  });

  it('is used while its sources are unchanged, and lists the packages the build read', () => {
    const found = loadPrebuiltWorkflowBundle({ cacheDir, sources });
    expect(found).toMatchObject({ status: 'hit', hash, codePath: join(cacheDir, `${hash}.js`) });
    if (found.status !== 'hit') throw new Error('unreachable');
    expect(found.code).toContain('agentSession');
    const read = found.manifest.readPackages.map((p) => p.packageJson);
    expect(read).toContain('node_modules/@temporalio/workflow/package.json');
    expect(read).toContain('node_modules/zod/package.json');
    // The telemetry interceptors are in it (workflowInterceptorModules), with the OpenTelemetry code they load.
    expect(found.code).toContain('__hubRunInUpdateTrace');
    expect(found.code).toContain('OpenTelemetryInboundInterceptor');
    expect(read).toContain('node_modules/@temporalio/interceptors-opentelemetry/package.json');
    expect(read).toContain('node_modules/@opentelemetry/sdk-trace-base/package.json');
  });

  it('is keyed on the interceptor modules too', () => {
    const key = workflowBundleKey(sources).hash;
    expect(workflowBundleKey({ ...sources, interceptorModules: [] }).hash).not.toBe(key);
    expect(workflowBundleKey(sources).packages['@temporalio/interceptors-opentelemetry']).toBe('1.23.0');
  });

  it('is not used once a source file changes (another hash, no bundle stored for it)', () => {
    const before = workflowBundleKey(sources).hash;
    writeFileSync(extraFile, 'export const x = 2;\n');
    try {
      const after = workflowBundleKey(sources).hash;
      expect(after).not.toBe(before);
      const found = loadPrebuiltWorkflowBundle({ cacheDir, sources });
      expect(found.status).toBe('miss');
      if (found.status === 'hit') throw new Error('unreachable');
      expect(found.reason).toContain(after.slice(0, 12));
    } finally {
      writeFileSync(extraFile, 'export const x = 1;\n');
    }
    expect(loadPrebuiltWorkflowBundle({ cacheDir, sources }).status).toBe('hit');
  });

  it('is stale when a package it read has changed since', () => {
    const manifestPath = join(cacheDir, `${hash}.json`);
    const original = readFileSync(manifestPath, 'utf8');
    const manifest = JSON.parse(original) as WorkflowBundleManifest;
    const zod = manifest.readPackages.find((p) => p.packageJson === 'node_modules/zod/package.json')!;
    zod.sha256 = '0'.repeat(64);
    writeFileSync(manifestPath, JSON.stringify(manifest));
    try {
      const found = loadPrebuiltWorkflowBundle({ cacheDir, sources });
      expect(found).toMatchObject({ status: 'stale', reason: 'node_modules/zod/package.json changed since the bundle was built' });
    } finally {
      writeFileSync(manifestPath, original);
    }
  });

  it('is stale when the bundle file does not match its manifest', () => {
    const codePath = join(cacheDir, `${hash}.js`);
    const original = readFileSync(codePath, 'utf8');
    writeFileSync(codePath, original + '\n// edited\n');
    try {
      expect(loadPrebuiltWorkflowBundle({ cacheDir, sources })).toMatchObject({ status: 'stale' });
    } finally {
      writeFileSync(codePath, original);
    }
  });

  it('is not stored when the build reads a file outside the hashed sources', async () => {
    const hub = hubWorkflowSources();
    const narrow = { ...hub, dirs: hub.dirs.filter((d) => !d.includes('contracts')) };
    const dir = tmp('hub-bundle-narrow-');
    const built = await buildWorkflowBundle({ cacheDir: dir, sources: narrow });
    expect(built.notStored).toMatch(/outside the hashed sources: .*workflows\/contracts\/src\/common\/wire\.ts/);
    expect(built.codePath).toBeUndefined();
    expect(loadPrebuiltWorkflowBundle({ cacheDir: dir, sources: narrow }).status).toBe('miss');
  });
});

describe('HUB_WORKER_MAX_CACHED_WORKFLOWS', () => {
  it('defaults to a bound and takes a non-negative integer', () => {
    expect(maxCachedWorkflowsFromEnv({})).toBe(DEFAULT_MAX_CACHED_WORKFLOWS);
    expect(maxCachedWorkflowsFromEnv({ HUB_WORKER_MAX_CACHED_WORKFLOWS: '0' })).toBe(0);
    expect(maxCachedWorkflowsFromEnv({ HUB_WORKER_MAX_CACHED_WORKFLOWS: '250' })).toBe(250);
    expect(() => maxCachedWorkflowsFromEnv({ HUB_WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(/non-negative integer/);
  });
});

interface Ready {
  line: Record<string, unknown>;
  output: string;
  stop(): Promise<number | null>;
}

/** Spawns the worker as `npm run worker` does and waits for its ready line. */
function startWorker(env: Record<string, string>): Promise<Ready> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      output += b.toString();
      const ready = output.split('\n').find((l) => l.includes('"worker ready"'));
      if (ready) {
        resolve({
          line: JSON.parse(ready) as Record<string, unknown>,
          output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output}`)));
  });
}

describe('worker process and the prebuilt bundle', () => {
  let llm: ScriptedLlmServer;
  let connection: Connection;
  const cacheDir = tmp('hub-bundle-worker-');
  const configFile = join(tmp('hub-bundle-config-'), 'hub.config.json');

  beforeAll(async () => {
    llm = await startScriptedLlmServer({ instant: true, instantReply: 'answered from the prebuilt bundle' });
    connection = await Connection.connect({ address: testTemporalAddress() });
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(configFile, '{"mcpServers":{}}\n');
  });
  afterAll(async () => {
    await connection?.close();
    await llm?.close();
  });

  const env = (taskQueue: string) => ({
    TEMPORAL_ADDRESS: testTemporalAddress(),
    HUB_TASK_QUEUE: taskQueue,
    HUB_CONFIG: configFile,
    HUB_WORKFLOW_BUNDLE_DIR: cacheDir,
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: 'test',
    HUB_MODEL: 'scripted-model',
    HUB_LOG_LEVEL: 'info',
  });

  it('bundles and stores the bundle when there is none, then starts from it and runs a session turn', async () => {
    const taskQueue = `bundle-${randomUUID()}`;
    const first = await startWorker(env(taskQueue));
    expect(first.line['workflowBundle']).toMatchObject({ source: 'built' });
    expect(first.output).toMatch(/"prebuilt workflow bundle not used; bundling".*no prebuilt bundle for source hash/);
    expect(await first.stop()).toBe(0);

    const second = await startWorker(env(taskQueue));
    try {
      expect(second.line['workflowBundle']).toMatchObject({ source: 'prebuilt', hash: (first.line['workflowBundle'] as { hash: string }).hash });
      expect(second.output).not.toMatch(/bundling/);
      const client = new Client({ connection });
      const sessionId = randomUUID();
      const input: SessionWorkflowInput = {
        sessionId,
        tenant: 'test',
        profile: { name: 'test-agent', description: 'test', systemPrompt: 'You are a test agent.', temperature: 0, tools: [], maxToolRounds: 1 },
        options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
      };
      const result = await client.workflow.executeUpdateWithStart(sendMessageUpdate, {
        args: [{ text: 'hello bundle' }],
        startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.session, {
          workflowId: sessionWorkflowId('test', sessionId),
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
        }),
      });
      expect(result).toMatchObject({ status: 'completed', reply: 'answered from the prebuilt bundle' });
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});

/**
 * The compiled worker (apps/worker/src/compiled-entry.ts) and its launcher (bin/worker.mjs): current while its
 * inputs are unchanged; the launcher starts it without a TypeScript loader, and starts the TypeScript entry
 * (saying why) once an input no longer matches.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@hub/runtime';
import { testTemporalAddress } from '@hub/testing';
import { buildCompiledEntry, compiledEntryIsCurrent, type CompiledEntryManifest } from '../src/compiled-entry';

const launcher = fileURLToPath(new URL('../bin/worker.mjs', import.meta.url));
const dir = join(repoRoot(), 'node_modules', '.cache', `hub-worker-test-${randomUUID().slice(0, 8)}`);
const configFile = join(mkdtempSync(join(tmpdir(), 'hub-compiled-')), 'hub.config.json');
writeFileSync(configFile, '{"mcpServers":{}}\n');

/** Starts the launcher, waits for the ready line, stops it; returns its output and exit code. */
function startAndStop(): Promise<{ output: string; code: number | null }> {
  const child = spawn(process.execPath, [launcher], {
    env: {
      ...process.env,
      HUB_WORKER_COMPILED_DIR: dir,
      TEMPORAL_ADDRESS: testTemporalAddress(),
      HUB_TASK_QUEUE: `compiled-${randomUUID()}`,
      HUB_CONFIG: configFile,
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      HUB_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let signalled = false;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const onData = (b: Buffer) => {
    output += b.toString();
    // One SIGTERM, as a supervisor sends it (sending one per output chunk hit the process again mid-exit).
    if (!signalled && output.includes('"worker ready"')) {
      signalled = true;
      child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return exited.then((code) => ({ output, code }));
}

describe('compiled worker', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is current after a build; the launcher starts it without tsx, and falls back to tsx once an input changed', async () => {
    const built = await buildCompiledEntry(repoRoot(), dir);
    expect(Object.keys(built.manifest.inputs)).toEqual(expect.arrayContaining(['apps/worker/src/main.ts', 'infra/runtime/src/config.ts']));
    expect(Object.keys(built.manifest.inputs).some((f) => f.startsWith('node_modules/@temporalio/worker/'))).toBe(true);
    expect(compiledEntryIsCurrent(repoRoot(), dir)).toEqual({ current: true, file: built.file });

    const fast = await startAndStop();
    expect(fast.code, fast.output).toBe(0);
    expect(fast.output).toContain('"worker ready"');
    expect(fast.output).not.toContain('compiled worker not used');

    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as CompiledEntryManifest;
    manifest.inputs['apps/worker/src/main.ts'] = '0'.repeat(64);
    writeFileSync(manifestPath, JSON.stringify(manifest));
    expect(compiledEntryIsCurrent(repoRoot(), dir)).toEqual({ current: false, reason: 'apps/worker/src/main.ts changed' });

    const fallback = await startAndStop();
    expect(fallback.code, fallback.output).toBe(0);
    expect(fallback.output).toMatch(/"compiled worker not used; starting the TypeScript entry","reason":"apps\/worker\/src\/main.ts changed"/);
    expect(fallback.output).toContain('"worker ready"');
  });
});

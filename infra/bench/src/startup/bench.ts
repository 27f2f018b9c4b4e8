/**
 * `npm run bench -- startup`: worker start, from spawn to polling (issue 13 #3).
 *
 * Spawns the real worker process N times each way, interleaved, on one in-memory dev server:
 * - compiled: apps/worker/bin/worker.mjs (the compiled worker, no TypeScript loader) + the prebuilt bundle;
 * - prebuilt: `node --import tsx apps/worker/src/main.ts` + the prebuilt bundle;
 * - bundling: `node --import tsx apps/worker/src/main.ts` with an empty HUB_WORKFLOW_BUNDLE_DIR (it bundles,
 *   as every start did before: the baseline). Each start is timed from spawn() to the worker's ready line
 * (logged right after `worker.run()` starts polling); the line also carries the worker's own CPU time and
 * its bundle lookup. Prints p50/p99 of both and the ratio, writes JSON under infra/bench/results/.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, waitForReadyLine } from '@hub/dev';
import { repoRoot } from '@hub/runtime';
import { buildCompiledEntry, compiledEntryIsCurrent } from '@hub/worker/compiled-entry';
import { buildWorkflowBundle, hubWorkflowSources, loadPrebuiltWorkflowBundle, workflowBundleCacheDir } from '@hub/worker/workflow-bundle';
import { intOption } from '../lib/args';
import { machine, writeResult } from '../lib/results';
import { fmtStats, stats, type Stats } from '../lib/stats';

export const STARTUP_HELP = `startup options (suite "startup"):
  --rounds N          starts of each kind, interleaved (default 10)
  The real worker process started N times each way on one in-memory dev server: compiled (apps/worker/bin/
  worker.mjs: the compiled worker, no TypeScript loader, and the prebuilt workflow bundle), prebuilt (node
  --import tsx apps/worker/src/main.ts with the prebuilt bundle) and bundling (the same with an empty
  HUB_WORKFLOW_BUNDLE_DIR: it bundles, the baseline); time from spawn to the worker's ready line (polling),
  and the worker's CPU time to it. Target: compiled p50 <= 1.5 s. Prints p50/p99 and the ratios; writes JSON
  to infra/bench/results/.
`;

interface Start {
  kind: 'compiled' | 'prebuilt' | 'bundling';
  /** spawn() to the ready line, as this process saw it. */
  wallMs: number;
  /** The worker's CPU time when it logged ready. */
  cpuMs: number;
  /** Its bundle lookup (and, bundling, the bundling) time. */
  bundleMs: number;
  source: string;
}

async function startOnce(kind: Start['kind'], env: NodeJS.ProcessEnv, cacheDir: string): Promise<Start> {
  const t0 = performance.now();
  const args = kind === 'compiled' ? ['apps/worker/bin/worker.mjs'] : ['--import', 'tsx', 'apps/worker/src/main.ts'];
  const proc = spawn(process.execPath, args, {
    cwd: repoRoot(),
    env: { ...env, HUB_WORKFLOW_BUNDLE_DIR: cacheDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = await waitForReadyLine(proc, { name: `worker (${kind})`, ready: (l) => l.includes('"worker ready"'), timeoutMs: 120_000 });
  const wallMs = performance.now() - t0;
  proc.kill('SIGTERM');
  await ready.exited;
  const line = JSON.parse(ready.readyLine) as { startCpuMs: number; workflowBundle: { source: string; ms: number } };
  return { kind, wallMs, cpuMs: line.startCpuMs, bundleMs: line.workflowBundle.ms, source: line.workflowBundle.source };
}

export async function runStartupBench(argv: string[]): Promise<void> {
  const rounds = intOption(argv, 'rounds', 10, 1000);
  const cacheDir = workflowBundleCacheDir(process.env);
  const sources = hubWorkflowSources();
  if (!compiledEntryIsCurrent().current) {
    process.stderr.write('bench startup: compiling the worker (npm run provision does this)…\n');
    await buildCompiledEntry();
  }
  if (loadPrebuiltWorkflowBundle({ cacheDir, sources }).status !== 'hit') {
    process.stderr.write('bench startup: no current prebuilt bundle; building it (npm run provision does this)…\n');
    const built = await buildWorkflowBundle({ cacheDir, sources });
    if (built.notStored) throw new Error(`bench startup: the bundle could not be stored: ${built.notStored}`);
  }
  process.stderr.write(`bench startup: ${rounds} starts compiled, with and without the prebuilt bundle, interleaved…\n`);
  const temporal = await startDevServer({ headless: true, log: () => undefined });
  const work = mkdtempSync(join(tmpdir(), 'hub-bench-startup-'));
  const hubConfig = join(work, 'hub.config.json');
  writeFileSync(hubConfig, '{"mcpServers":{}}\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    HUB_TASK_QUEUE: 'bench-startup',
    HUB_CONFIG: hubConfig,
    HUB_DATA_DIR: work,
    OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', // never called: no workflow runs
    OPENAI_API_KEY: 'bench',
    HUB_LOG_LEVEL: 'info',
  };
  const starts: Start[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const kinds: Start['kind'][] = ['compiled', 'prebuilt', 'bundling'];
      const order = [...kinds.slice(i % 3), ...kinds.slice(0, i % 3)];
      for (const kind of order) {
        const dir = kind === 'bundling' ? mkdtempSync(join(work, 'empty-cache-')) : cacheDir;
        const s = await startOnce(kind, env, dir);
        if (kind === 'bundling') rmSync(dir, { recursive: true, force: true });
        if ((kind !== 'bundling') !== (s.source === 'prebuilt')) throw new Error(`bench startup: a ${kind} start used a ${s.source} bundle`);
        starts.push(s);
        process.stderr.write(`  ${kind.padEnd(9)} ${(s.wallMs / 1000).toFixed(2)} s (cpu ${(s.cpuMs / 1000).toFixed(2)} s, bundle ${s.bundleMs} ms)\n`);
      }
    }
  } finally {
    await temporal.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const of = (kind: Start['kind'], f: (s: Start) => number): Stats => stats(starts.filter((s) => s.kind === kind).map(f));
  const compiled = { wallMs: of('compiled', (s) => s.wallMs), cpuMs: of('compiled', (s) => s.cpuMs), bundleMs: of('compiled', (s) => s.bundleMs) };
  const prebuilt = { wallMs: of('prebuilt', (s) => s.wallMs), cpuMs: of('prebuilt', (s) => s.cpuMs), bundleMs: of('prebuilt', (s) => s.bundleMs) };
  const bundling = { wallMs: of('bundling', (s) => s.wallMs), cpuMs: of('bundling', (s) => s.cpuMs), bundleMs: of('bundling', (s) => s.bundleMs) };
  const ratio = bundling.wallMs.p50 / compiled.wallMs.p50;
  const ratioPrebuilt = bundling.wallMs.p50 / prebuilt.wallMs.p50;
  const result = {
    benchmark: 'worker-startup',
    at: new Date().toISOString(),
    machine: machine(),
    rounds,
    commands: { compiled: 'node apps/worker/bin/worker.mjs', prebuilt: 'node --import tsx apps/worker/src/main.ts', bundling: 'the same, empty HUB_WORKFLOW_BUNDLE_DIR' },
    compiled,
    prebuilt,
    bundling,
    ratioBundlingOverCompiledP50: ratio,
    ratioBundlingOverPrebuiltP50: ratioPrebuilt,
    target: { compiledP50Ms: 1_500 },
    starts,
  };
  process.stdout.write(
    [
      '',
      'worker start: spawn -> ready line (polling), the real worker process',
      `  compiled + prebuilt bundle : ${fmtStats(compiled.wallMs)}   worker cpu p50 ${compiled.cpuMs.p50.toFixed(0)} ms  (target p50 <= 1500 ms)`,
      `  tsx + prebuilt bundle      : ${fmtStats(prebuilt.wallMs)}   worker cpu p50 ${prebuilt.cpuMs.p50.toFixed(0)} ms, bundle lookup p50 ${prebuilt.bundleMs.p50.toFixed(0)} ms`,
      `  tsx + bundling (before)    : ${fmtStats(bundling.wallMs)}   worker cpu p50 ${bundling.cpuMs.p50.toFixed(0)} ms, bundling p50 ${bundling.bundleMs.p50.toFixed(0)} ms`,
      `  ratio bundling/compiled (p50): ${ratio.toFixed(2)}   bundling/prebuilt: ${ratioPrebuilt.toFixed(2)}`,
      '',
    ].join('\n'),
  );
  writeResult('startup', result);
}

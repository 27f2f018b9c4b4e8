/**
 * The hub's processes under `npm start`, as ServiceDefinitions for the supervisor: an embedded Temporal dev
 * server (unless TEMPORAL_ADDRESS is set), the local model server (unless OPENAI_BASE_URL or OPENAI_API_KEY
 * is set), the worker and the gateway. To add a process, add a ServiceDefinition to `defineServices()`.
 */
import { isAbsolute, join } from 'node:path';
import { ConfigError, DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE, type LocalModel } from '@hub/runtime';
import { findOrProvisionLocalModel } from '../provision/local-model';
import { findOrInstallTemporalCli } from '../provision/temporal-cli';
import { workerEntryStep, workflowBundleStep } from '../provision/workflow-bundle-step';
import { describePortOwner, getFreePort, isPortFree, sendSignal } from '../process';
import { assertDbFileNotInUse, startDevServer } from '../temporal/dev-server';
import { registerForCleanup, startChildService } from './child-service';
import { restartPolicyFromEnv } from './restart-policy';
import type { BannerEntry, ServiceDefinition, SupervisorContext } from './supervisor';

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): { value: number; explicit: boolean } {
  const raw = env[name]?.trim();
  if (!raw) return { value: fallback, explicit: false };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${name} must be a port number, got ${JSON.stringify(raw)}`);
  return { value: n, explicit: true };
}

function isTruthy(v: string | undefined): boolean {
  return ['1', 'true', 'yes', 'on'].includes((v ?? '').trim().toLowerCase());
}

/** Resolves the port to use: the wanted one if free; a free one if it is 0 or (not explicit and) taken. */
async function resolvePort(
  what: string,
  wanted: { value: number; explicit: boolean },
  envName: string,
  log: (msg: string) => void,
): Promise<number> {
  if (wanted.value === 0) return getFreePort('127.0.0.1');
  if (await isPortFree(wanted.value, '127.0.0.1')) return wanted.value;
  const owner = describePortOwner(wanted.value) ?? 'another process';
  if (wanted.explicit) {
    throw new Error(`${what} port 127.0.0.1:${wanted.value} (${envName}) is already in use by ${owner}. Stop it or choose another port.`);
  }
  const port = await getFreePort('127.0.0.1');
  log(`${what} port ${wanted.value} is in use by ${owner}; using free port ${port} instead (set ${envName} to choose)`);
  return port;
}

/** Known-harmless dev server log lines (e.g. during startup) that would only confuse. */
const BENIGN_TEMPORAL_LOGS: RegExp[] = [/shard status unknown/, /Cluster Id in Cluster Metadata config is not a valid uuid/];

/**
 * Whether `npm start` runs the embedded Temporal Web UI: only when asked for (HUB_TEMPORAL_UI=1), because it
 * has no authentication and shows every tenant's histories. It is bound to 127.0.0.1 even then.
 */
export function wantsTemporalUi(env: NodeJS.ProcessEnv): boolean {
  return isTruthy(env['HUB_TEMPORAL_UI']) && !isTruthy(env['HUB_TEMPORAL_HEADLESS']);
}

function temporalService(): ServiceDefinition {
  let port = 0;
  let uiPort: number | undefined;
  let cliPath = '';
  let stopping = false;
  const dbFile = (ctx: SupervisorContext): string => join(ctx.dataDir, 'temporal.db');
  return {
    name: 'temporal',
    blocking: true,
    async preflight(ctx) {
      assertDbFileNotInUse(dbFile(ctx));
      port = await resolvePort('Temporal gRPC', intFromEnv(ctx.env, 'HUB_TEMPORAL_PORT', 7233), 'HUB_TEMPORAL_PORT', ctx.log);
      if (wantsTemporalUi(ctx.env)) {
        const wantedUi = intFromEnv(ctx.env, 'HUB_TEMPORAL_UI_PORT', 8233);
        uiPort = await resolvePort('Temporal UI', wantedUi, 'HUB_TEMPORAL_UI_PORT', ctx.log);
        if (uiPort === port) uiPort = await getFreePort('127.0.0.1');
      }
      cliPath = (await findOrInstallTemporalCli({ env: ctx.env, log: ctx.log })).path;
    },
    async start(ctx) {
      const server = await startDevServer({
        dbFile: dbFile(ctx),
        port,
        ...(uiPort !== undefined ? { uiPort, uiCodecEndpoint: `${gatewayBase(ctx.env)}/codec` } : { headless: true }),
        cliPath,
        namespace: ctx.env['TEMPORAL_NAMESPACE']?.trim() || DEFAULT_NAMESPACE,
        detached: true,
        log: ctx.log,
        // stdout only repeats the addresses (as "localhost"); our banner has them. Logs (stderr, level warn+)
        // are forwarded until we stop the server; its shutdown chatter is noise.
        onOutput: (line, stream) => {
          if (stream === 'stderr' && !stopping && line.trim() !== '' && !BENIGN_TEMPORAL_LOGS.some((re) => re.test(line))) {
            process.stderr.write(`[temporal] ${line}\n`);
          }
        },
        readyTimeoutMs: Math.min(ctx.readyTimeoutMs, 120_000),
      });
      registerForCleanup(server.process, false);
      ctx.env['TEMPORAL_ADDRESS'] = server.address;
      const banner: BannerEntry[] = [];
      if (server.uiUrl) {
        // The UI decodes encrypted payloads through the gateway's /codec, from the browser: allow its origin.
        ctx.env['HUB_CODEC_CORS_ORIGINS'] ??= server.uiUrl;
        banner.push({ label: 'Temporal UI', value: `${server.uiUrl} (127.0.0.1 only, no auth: shows every tenant's history)` });
      } else {
        banner.push({ label: 'Temporal UI', value: "off (HUB_TEMPORAL_UI=1 runs it on 127.0.0.1; it shows every tenant's history)" });
      }
      banner.push({ label: 'Temporal', value: `${server.address} (embedded dev server, namespace ${server.namespace})` });
      return {
        name: 'temporal',
        ready: Promise.resolve(),
        exited: server.exited,
        stop: () => {
          stopping = true;
          return server.stop();
        },
        kill: () => sendSignal(server.process, 'SIGKILL'),
        banner,
      };
    },
  };
}

function nodeEntry(ctx: SupervisorContext, envName: string, fallback: string): string {
  const entry = ctx.env[envName]?.trim() || fallback;
  return isAbsolute(entry) ? entry : join(ctx.root, entry);
}

/** Whether `npm start` runs the embedded local model: neither OPENAI_BASE_URL nor OPENAI_API_KEY is set. */
export function usesLocalModel(env: NodeJS.ProcessEnv): boolean {
  return !env['OPENAI_BASE_URL']?.trim() && !env['OPENAI_API_KEY']?.trim();
}

/**
 * The local model server (apps/local-llm). Before anything starts: pick its port and make sure the model is
 * there (provisioned into the data dir on first use). When it starts, the worker's environment points at it.
 */
export function localLlmService(env: NodeJS.ProcessEnv): ServiceDefinition {
  let port = 0;
  let model: LocalModel | undefined;
  return {
    name: 'local-llm',
    restart: restartPolicyFromEnv(env),
    async preflight(ctx) {
      port = await resolvePort('Local model server', intFromEnv(ctx.env, 'HUB_LOCAL_LLM_PORT', 8788), 'HUB_LOCAL_LLM_PORT', ctx.log);
      model = await findOrProvisionLocalModel({ env: ctx.env, log: ctx.log });
    },
    async start(ctx) {
      if (!model) throw new Error('local-llm: preflight did not run');
      const base = `http://127.0.0.1:${port}`;
      const requested = ctx.env['HUB_MODEL']?.trim();
      if (requested && requested !== model.id) {
        ctx.log(`HUB_MODEL=${requested} is ignored: the local model server serves ${model.id} for every request`);
      }
      // The worker (and the gateway's /readyz) use the local server through the same OpenAI-compatible path.
      ctx.env['OPENAI_BASE_URL'] = `${base}/v1`;
      ctx.env['HUB_MODEL'] = model.id;
      ctx.env['HUB_LLM_MODE'] = 'local';
      ctx.log(
        `No OPENAI_BASE_URL / OPENAI_API_KEY set: starting the local model server (${model.id}, ${model.path}) on ${base}/v1. ` +
          'Set them to use a hosted model instead.',
      );
      return startChildService(ctx, {
        name: 'local-llm',
        command: process.execPath,
        args: [
          '--import',
          'tsx',
          nodeEntry(ctx, 'HUB_LOCAL_LLM_ENTRY', 'apps/local-llm/src/main.ts'),
          '--model',
          model.path,
          '--model-id',
          model.id,
          '--port',
          String(port),
        ],
        readyUrl: `${base}/v1/models`,
        stopTimeoutMs: 15_000,
        banner: [{ label: 'LLM', value: `local model ${model.id} at ${base}/v1 (no OPENAI_BASE_URL / OPENAI_API_KEY set)` }],
      });
    },
  };
}

/** One of several instances of a service (`npm run cluster` runs two workers and two gateways). */
export interface InstanceOptions {
  /** Service name (default "worker" / "gateway"), the prefix of its output lines. */
  name?: string;
  /** Added to the supervisor's environment for this process only (e.g. PORT). */
  env?: Record<string, string>;
}

function withEnv(ctx: SupervisorContext, extra: Record<string, string> | undefined): SupervisorContext {
  return extra ? { ...ctx, env: { ...ctx.env, ...extra } } : ctx;
}

/**
 * The worker starts from apps/worker/bin/worker.mjs: the compiled worker and the prebuilt workflow bundle
 * (brought up to date here before its first start, so even a first `npm start` without `npm run provision`
 * starts it without bundling or a TypeScript loader; restarts after a crash find them current), or, if they
 * cannot be built, the TypeScript entry through tsx (the worker says why). HUB_WORKER_ENTRY (tests) names
 * another TypeScript entry, run through tsx.
 */
export function workerService(env: NodeJS.ProcessEnv, instance: InstanceOptions = {}): ServiceDefinition {
  let prepared = false;
  const name = instance.name ?? 'worker';
  return {
    name,
    restart: restartPolicyFromEnv(env),
    async start(supervisorCtx) {
      const ctx = withEnv(supervisorCtx, instance.env);
      const custom = ctx.env['HUB_WORKER_ENTRY']?.trim();
      if (!custom && !prepared) {
        prepared = true;
        for (const step of [workflowBundleStep, workerEntryStep]) {
          try {
            ctx.log(await step.run({ env: ctx.env, log: ctx.log }));
          } catch (err) {
            ctx.log(`${step.name}: ${err instanceof Error ? err.message : String(err)} (the worker falls back to bundling / tsx)`);
          }
        }
      }
      return startChildService(ctx, {
        name,
        command: process.execPath,
        args: custom ? ['--import', 'tsx', nodeEntry(ctx, 'HUB_WORKER_ENTRY', custom)] : [join(ctx.root, 'apps', 'worker', 'bin', 'worker.mjs')],
        readyLine: /"msg"\s*:\s*"worker ready"/,
        stopTimeoutMs: 30_000,
        banner: [{ label: 'Worker', value: `task queue ${ctx.env['HUB_TASK_QUEUE']?.trim() || DEFAULT_TASK_QUEUE}` }],
      });
    },
  };
}

/** The gateway's base URL as a local client reaches it. */
function gatewayBase(env: NodeJS.ProcessEnv): string {
  const { port, probeHost } = gatewayHostPort(env);
  return `http://${probeHost}:${port}`;
}

function gatewayHostPort(env: NodeJS.ProcessEnv): { host: string; port: number; probeHost: string } {
  const host = env['HOST']?.trim() || '127.0.0.1';
  const { value: port } = intFromEnv(env, 'PORT', 8787);
  const wildcard = host === '0.0.0.0' || host === '::' || host === '[::]';
  const probe = wildcard ? '127.0.0.1' : host;
  return { host, port, probeHost: probe.includes(':') && !probe.startsWith('[') ? `[${probe}]` : probe };
}

export function gatewayService(env: NodeJS.ProcessEnv, instance: InstanceOptions = {}): ServiceDefinition {
  const name = instance.name ?? 'gateway';
  return {
    name,
    restart: restartPolicyFromEnv(env),
    async preflight(supervisorCtx) {
      const ctx = withEnv(supervisorCtx, instance.env);
      const { host, port } = gatewayHostPort(ctx.env);
      if (port !== 0 && !(await isPortFree(port, host.replace(/^\[|\]$/g, '')))) {
        const owner = describePortOwner(port) ?? 'another process';
        throw new Error(`Gateway port ${host}:${port} (PORT) is already in use by ${owner}. Stop it or set PORT to another port.`);
      }
    },
    async start(supervisorCtx) {
      const ctx = withEnv(supervisorCtx, instance.env);
      const { port, probeHost } = gatewayHostPort(ctx.env);
      const base = `http://${probeHost}:${port}`;
      return startChildService(ctx, {
        name,
        command: process.execPath,
        args: ['--import', 'tsx', nodeEntry(ctx, 'HUB_GATEWAY_ENTRY', 'apps/gateway/src/main.ts')],
        readyUrl: `${base}/readyz`,
        stopTimeoutMs: 15_000,
        banner: [
          { label: 'Gateway', value: base },
          { label: 'OpenAPI', value: `${base}/openapi.json` },
        ],
      });
    },
  };
}

/** Checks the services' port settings (PORT, HOST, HUB_TEMPORAL_PORT, ...); throws a ConfigError naming a bad one. */
export function checkServiceEnv(env: NodeJS.ProcessEnv): void {
  gatewayHostPort(env);
  intFromEnv(env, 'HUB_TEMPORAL_PORT', 7233);
  intFromEnv(env, 'HUB_TEMPORAL_UI_PORT', 8233);
  intFromEnv(env, 'HUB_LOCAL_LLM_PORT', 8788);
  restartPolicyFromEnv(env);
}

/** The hub's processes, in start order (they stop in reverse order). */
export function defineServices(env: NodeJS.ProcessEnv): ServiceDefinition[] {
  const services: ServiceDefinition[] = [];
  if (!env['TEMPORAL_ADDRESS']?.trim()) services.push(temporalService());
  if (usesLocalModel(env)) services.push(localLlmService(env));
  services.push(workerService(env), gatewayService(env));
  return services;
}

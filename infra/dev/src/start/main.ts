/**
 * `npm start`: runs the agent hub locally under a supervisor (this file is the CLI: arguments, --help,
 * configuration checks, the banner's extra lines).
 *
 * Starts (in order) an embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), the local model server
 * (unless OPENAI_BASE_URL or OPENAI_API_KEY is set), the worker and the gateway; waits until all are ready,
 * prints a banner, and shuts down in reverse order on Ctrl-C / SIGTERM (gateway first so it stops accepting
 * requests, then the worker so it can drain, then the model server, then Temporal).
 *
 * The processes are defined in services.ts (`defineServices()`); supervisor.ts runs them and child-service.ts
 * spawns them.
 *
 * The LLM: with neither OPENAI_BASE_URL nor OPENAI_API_KEY set, the local model server (apps/local-llm, the
 * provisioned default GGUF or HUB_LOCAL_MODEL) runs as a service before the worker, and the worker's
 * OPENAI_BASE_URL points at it. With either set, no model server is started and the worker uses them.
 */
import { mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  ConfigError,
  DEFAULT_NAMESPACE,
  describePayloadEncryption,
  hubDataDir,
  loadPayloadCodec,
  loadTemporalConfig,
  repoRoot,
} from '@hub/runtime';
import { checkServiceEnv, defineServices, usesLocalModel } from './services';
import { supervise, type BannerEntry, type SupervisorContext } from './supervisor';

const USAGE = `Usage: npm start [-- --help]

Runs the agent hub locally: an embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), the local
model server (apps/local-llm, unless OPENAI_BASE_URL or OPENAI_API_KEY is set), the worker (apps/worker)
and the gateway (apps/gateway). Waits until everything is ready and prints
the URLs. Ctrl-C (or SIGTERM) stops the gateway, then lets the worker drain (up to 30 s), then stops
Temporal. A second Ctrl-C kills everything immediately.

Environment:
  TEMPORAL_ADDRESS          use this Temporal server (host:port) instead of starting a dev server
  TEMPORAL_NAMESPACE        namespace (default "default"); created in the embedded dev server
  TEMPORAL_API_KEY          API key for TEMPORAL_ADDRESS (implies TLS)
  TEMPORAL_TLS              "1"/"true" to use TLS with the system roots
  TEMPORAL_TLS_CA           PEM file with the server root CA
  TEMPORAL_TLS_CERT         PEM file with the mTLS client certificate (with TEMPORAL_TLS_KEY)
  TEMPORAL_TLS_KEY          PEM file with the mTLS client key
  TEMPORAL_TLS_SERVER_NAME  TLS server name override
  TEMPORAL_CLI              path to the temporal binary (default: found or installed by \`npm run provision\`)
  HUB_DATA_DIR              data directory (default <repo>/.hub); the dev server keeps its state in
                            <data dir>/temporal.db (SQLite in WAL mode, synchronous=normal: consistent after
                            any crash; a power loss can lose the last moments' commits)
  HUB_TEMPORAL_PORT         embedded Temporal gRPC port (default 7233; if the default is taken a free port
                            is used; 0 = any free port)
  HUB_TEMPORAL_UI           "1" to run the embedded Temporal Web UI (off by default: it has no authentication
                            and shows every tenant's history); bound to 127.0.0.1, decodes through /codec
  HUB_TEMPORAL_UI_PORT      embedded Temporal Web UI port (default 8233, same fallback rules)
  HUB_PAYLOAD_KEYS          payload encryption keys "k2:<base64 32 bytes>,k1:<...>": the first encrypts, all
                            decrypt (rotation); unset: payloads are stored in Temporal unencrypted
  HUB_RESTART_MAX_CRASHES   a crashed worker / model server / gateway is restarted (backoff 0.5 s doubling to
  HUB_RESTART_WINDOW_MS     10 s) until it crashed this many times (default 5) within this window (default 60000)
  HUB_TASK_QUEUE            task queue of the worker (default "agent-hub")
  OPENAI_BASE_URL           an OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp server, LiteLLM, …);
  OPENAI_API_KEY            with either set, no local model server is started and the worker uses them
  HUB_MODEL                 model for a hosted endpoint (default gpt-4o-mini; the local server serves its own)
  HUB_LOCAL_MODEL           GGUF file for the local model server (default: Gemma 3 270M Q4_K_M, provisioned
                            into <data dir>/models on first use)
  HUB_LOCAL_LLM_PORT        local model server port (default 8788, same fallback rules as the Temporal ports)
  HUB_LOCAL_LLM_PARALLEL, HUB_LOCAL_LLM_CONTEXT, HUB_LOCAL_LLM_THREADS, HUB_LOCAL_LLM_MAX_TOKENS
                            local model server tuning (see \`npm run local-llm -- --help\`)
  HOST                      gateway bind host (default 127.0.0.1)
  PORT                      gateway port (default 8787)
  HUB_READY_TIMEOUT_MS      how long to wait for each service to become ready (default 120000)
  HUB_WORKER_ENTRY          a TypeScript worker entry run through tsx (default: apps/worker/bin/worker.mjs,
                            the compiled worker on the prebuilt workflow bundle, brought up to date first)
  HUB_GATEWAY_ENTRY         gateway entry point (default apps/gateway/src/main.ts)
  HUB_LOCAL_LLM_ENTRY       local model server entry point (default apps/local-llm/src/main.ts)
  HUB_LOG_LEVEL             log level passed to the services (debug|info|warn|error; default info)
All other variables are passed through to the worker, the gateway and the local model server.
`;

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`start: unknown argument(s): ${argv.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  const log = (msg: string): void => void process.stderr.write(`[hub] ${msg}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  let readyTimeoutMs = 120_000;
  try {
    loadTemporalConfig(env); // validate early, with a clear message
    const rawTimeout = env['HUB_READY_TIMEOUT_MS']?.trim();
    if (rawTimeout) {
      readyTimeoutMs = Number(rawTimeout);
      if (!Number.isFinite(readyTimeoutMs) || readyTimeoutMs <= 0) {
        throw new ConfigError(`HUB_READY_TIMEOUT_MS must be a positive number, got ${JSON.stringify(rawTimeout)}`);
      }
    }
    checkServiceEnv(env);
    loadPayloadCodec(env); // a malformed HUB_PAYLOAD_KEYS stops here, naming the variable
  } catch (err) {
    process.stderr.write(`[hub] invalid configuration: ${(err as Error).message}\n`);
    return 1;
  }
  const dataDir = hubDataDir(env);
  mkdirSync(dataDir, { recursive: true });
  env['HUB_DATA_DIR'] = dataDir;

  const ctx: SupervisorContext = { env, root: repoRoot(), dataDir, readyTimeoutMs, log };
  const bannerExtra: BannerEntry[] = [];
  if (env['TEMPORAL_ADDRESS']?.trim()) {
    bannerExtra.push({
      label: 'Temporal',
      value: `${env['TEMPORAL_ADDRESS'].trim()} (external, namespace ${env['TEMPORAL_NAMESPACE']?.trim() || DEFAULT_NAMESPACE})`,
    });
  }
  if (!usesLocalModel(env)) {
    const endpoint = env['OPENAI_BASE_URL']?.trim().replace(/\/\/[^@/]*@/, '//') || 'https://api.openai.com/v1 (OpenAI)';
    const model = env['HUB_MODEL']?.trim() || 'gpt-4o-mini';
    log(`LLM: ${endpoint}, model ${model} (OPENAI_BASE_URL / OPENAI_API_KEY set; no local model server)`);
    bannerExtra.push({ label: 'LLM', value: `${endpoint}, model ${model}` });
  }
  const encryption = describePayloadEncryption(loadPayloadCodec(env));
  log(`payload encryption: ${encryption}`);
  bannerExtra.push({ label: 'Payloads', value: encryption });
  bannerExtra.push({ label: 'Data dir', value: dataDir });
  const { exitCode } = await supervise(defineServices(env), ctx, { bannerExtra });
  return exitCode;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main();
  process.exit(code);
}

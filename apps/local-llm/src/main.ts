/**
 * Local model server process (`npm run local-llm`; `npm start` runs it when no OPENAI_BASE_URL /
 * OPENAI_API_KEY is set). See `--help` (config.ts) for the options.
 */
import { serve, type ServerType } from '@hono/node-server';
import { createLogger, locateLocalModel, modelIdForPath, stopOnSignals } from '@hub/runtime';
import { createLocalLlmApp } from './app';
import { HELP, loadLocalLlmConfig } from './config';
import { createEngine } from './engine';

const log = createLogger('local-llm');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  let cfg;
  try {
    cfg = loadLocalLlmConfig(argv);
  } catch (err) {
    process.stderr.write(`local-llm: ${(err as Error).message}\n`);
    process.exit(2);
  }

  // The model: --model / HUB_LOCAL_MODEL, else the provisioned default (`npm run local-llm` provisions it first).
  const model = cfg.modelPath
    ? { path: cfg.modelPath, id: modelIdForPath(cfg.modelPath) }
    : await locateLocalModel({ env: process.env, log: (msg) => log.info(msg) });
  if (!model) {
    process.stderr.write('local-llm: the local model is not provisioned: run `npm run provision` (or pass --model / set HUB_LOCAL_MODEL)\n');
    process.exit(2);
  }
  const t0 = performance.now();
  log.info('loading model', { model: model.path });
  const engine = await createEngine({
    modelPath: model.path,
    modelId: cfg.modelId ?? model.id,
    parallel: cfg.parallel,
    contextSize: cfg.contextSize,
    maxQueue: cfg.maxQueue,
    ...(cfg.threads !== undefined ? { threads: cfg.threads } : {}),
    onLog: (level, message) => log[level]('llama.cpp', { message }),
  });
  const app = createLocalLlmApp({
    engine,
    maxTokens: cfg.maxTokens,
    onRequest: (fields) => log.info('request', fields),
    onError: (err) => log.error('request failed', { err }),
  });

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: cfg.host, port: cfg.port }, (info) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      log.info('local llm ready', {
        url: `http://${host}:${info.port}/v1`,
        model: engine.modelId,
        modelPath: engine.modelPath,
        parallel: cfg.parallel,
        contextSize: engine.contextSize,
        maxTokens: cfg.maxTokens,
        loadMs: Math.round(performance.now() - t0),
        rssMB: Math.round(process.memoryUsage().rss / 1e6),
      });
      resolve(s);
    });
    s.once('error', reject);
  });

  stopOnSignals({
    server,
    log,
    name: 'local llm',
    fields: () => engine.stats(),
    release: () => engine.close(),
    releaseWhat: 'the model',
  });
}

main().catch((err: unknown) => {
  log.error('local llm failed to start', { err: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});

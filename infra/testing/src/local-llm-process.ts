/**
 * The local model server as a real child process, for end-to-end tests and the benchmark: started
 * exactly as `npm run local-llm` starts it, on the provisioned default model (or HUB_LOCAL_MODEL).
 * Pass its `url` as an e2e HubStack's `llmUrl` to run the hub on the real local model.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from '@hub/runtime';
import { findOrProvisionLocalModel, getFreePort, waitForReadyLine } from '@hub/dev';

export interface LocalLlmProcessOptions {
  /** Extra command-line flags, e.g. ['--max-tokens', '64']. */
  args?: string[];
  /** Echo the server's output to stderr. */
  verbose?: boolean;
}

export class LocalLlmProcess {
  /** OpenAI base URL, e.g. http://127.0.0.1:PORT/v1 */
  url = '';
  /** The model id the server reports. */
  model = '';
  /** The server's output lines (stdout and stderr), growing while it runs. */
  output: string[] = [];
  private proc?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(readonly opts: LocalLlmProcessOptions = {}) {}

  /** Process id of the server (undefined before start). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  async start(): Promise<this> {
    const model = await findOrProvisionLocalModel({ log: (m) => process.stderr.write(`[local-llm provision] ${m}\n`) });
    const port = await getFreePort();
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'apps/local-llm/src/main.ts', '--model', model.path, '--model-id', model.id, '--port', String(port), ...(this.opts.args ?? [])],
      { cwd: repoRoot(), env: { ...process.env, HUB_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = proc;
    const ready = await waitForReadyLine(proc, {
      name: 'local-llm',
      ready: (line) => line.includes('"local llm ready"'),
      timeoutMs: 120_000,
      echo: this.opts.verbose,
    });
    this.output = ready.output;
    this.exited = ready.exited;
    const info = JSON.parse(ready.readyLine) as { url: string; model: string };
    this.url = info.url;
    this.model = info.model;
    return this;
  }

  /** SIGTERM and wait; resolves to the exit code. */
  async stop(): Promise<number | null> {
    if (!this.proc || this.proc.exitCode !== null) return this.proc?.exitCode ?? null;
    this.proc.kill('SIGTERM');
    return this.exited!;
  }
}

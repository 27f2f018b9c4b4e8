/**
 * The local model server as a real child process, for end-to-end tests and the benchmark: started
 * exactly as `npm run local-llm` starts it, on the provisioned default model (or HUB_LOCAL_MODEL).
 * Pass its `url` as an e2e HubStack's `llmUrl` to run the hub on the real local model.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { findOrProvisionLocalModel, getFreePort, repoRoot } from '@hub/infra';

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
  readonly output: string[] = [];
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
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => fail(new Error(`local-llm not ready in 120 s:\n${this.output.slice(-20).join('\n')}`)), 120_000);
      const fail = (err: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        proc.kill('SIGKILL');
        reject(err);
      };
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line) continue;
          this.output.push(line);
          if (this.opts.verbose) process.stderr.write(`[local-llm] ${line}\n`);
          if (!done && line.includes('"local llm ready"')) {
            const ready = JSON.parse(line) as { url: string; model: string };
            this.url = ready.url;
            this.model = ready.model;
            done = true;
            clearTimeout(timer);
            resolve();
          }
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      void this.exited!.then((code) => fail(new Error(`local-llm exited early (code ${code}):\n${this.output.slice(-20).join('\n')}`)));
    });
    return this;
  }

  /** SIGTERM and wait; resolves to the exit code. */
  async stop(): Promise<number | null> {
    if (!this.proc || this.proc.exitCode !== null) return this.proc?.exitCode ?? null;
    this.proc.kill('SIGTERM');
    return this.exited!;
  }
}

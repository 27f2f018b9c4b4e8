/**
 * The real hub, as separate processes, for end-to-end tests and the
 * benchmark: an embedded Temporal dev server (SQLite file), a worker process
 * and a gateway process, each started exactly as `npm run worker` /
 * `npm run gateway` start them. Processes can be killed and restarted to
 * test crashes and restarts.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { hubDataConverter, loadPayloadCodec, repoRoot } from '@hub/runtime';
import { getFreePort, startDevServer, waitForReadyLine, type DevServer, type ReadyChild } from '@hub/dev';

export interface StackOptions {
  /** OpenAI-compatible endpoint the worker uses (the scripted LLM test fixture). */
  llmUrl: string;
  /** Persist Temporal to this SQLite file (default: a new temp file). */
  dbFile?: string;
  /** Extra env for worker and gateway. */
  env?: Record<string, string>;
  /** Task queue (default: a new one per stack); reuse it to restart a stack. */
  taskQueue?: string;
  /** Echo child output to the test log. */
  verbose?: boolean;
}

type Child = ReadyChild;

export class HubStack {
  temporal!: DevServer;
  client!: Client;
  gatewayUrl = '';
  readonly taskQueue: string;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
  readonly dbFile: string;
  worker?: Child;
  gateway?: Child;
  private connection?: Connection;
  private gatewayPort = 0;

  constructor(readonly opts: StackOptions) {
    this.dbFile = opts.dbFile ?? join(this.dataDir, 'temporal.db');
    this.taskQueue = opts.taskQueue ?? `e2e-${randomUUID().slice(0, 8)}`;
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      TEMPORAL_ADDRESS: this.temporal.address,
      HUB_TASK_QUEUE: this.taskQueue,
      HUB_DATA_DIR: this.dataDir,
      OPENAI_BASE_URL: this.opts.llmUrl,
      OPENAI_API_KEY: 'e2e-test-key',
      HUB_MODEL: 'scripted-model',
      HUB_LOG_LEVEL: 'info',
      PORT: String(this.gatewayPort),
      HOST: '127.0.0.1',
      ...this.opts.env,
    };
  }

  private spawnApp(name: 'worker' | 'gateway', ready: (line: string) => boolean): Promise<Child> {
    const proc = spawn(process.execPath, ['--import', 'tsx', `apps/${name}/src/main.ts`], {
      cwd: repoRoot(),
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return waitForReadyLine(proc, { name, ready, timeoutMs: 90_000, echo: this.opts.verbose });
  }

  async start(): Promise<this> {
    await this.startTemporal();
    this.gatewayPort = await getFreePort();
    this.gatewayUrl = `http://127.0.0.1:${this.gatewayPort}`;
    await Promise.all([this.startWorker(), this.startGateway()]);
    return this;
  }

  /** Starts the dev server (on `port` if given, e.g. the port of the one it replaces). */
  async startTemporal(port?: number): Promise<void> {
    this.temporal = await startDevServer({ dbFile: this.dbFile, headless: true, log: () => undefined, ...(port ? { port } : {}) });
    this.connection = await Connection.connect({ address: this.temporal.address });
    // Reads what the worker writes: the hub's data converter for the keys the stack's processes get (none: SDK default).
    const dataConverter = hubDataConverter(loadPayloadCodec({ ...process.env, ...this.opts.env }));
    this.client = new Client({ connection: this.connection, ...(dataConverter ? { dataConverter } : {}) });
  }

  /**
   * Stops the Temporal dev server (SIGTERM, or SIGKILL like a crash) and starts it again on the
   * same SQLite file and port; worker and gateway keep running and must reconnect by themselves.
   */
  async restartTemporal(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const { port } = this.temporal;
    await this.connection?.close().catch(() => undefined);
    if (signal === 'SIGKILL') {
      this.temporal.process.kill('SIGKILL');
      await this.temporal.exited;
    }
    await this.temporal.stop();
    await this.startTemporal(port);
  }

  async startWorker(): Promise<void> {
    this.worker = await this.spawnApp('worker', (l) => l.includes('"worker ready"'));
  }

  async startGateway(): Promise<void> {
    this.gateway = await this.spawnApp('gateway', (l) => l.includes('"gateway ready"'));
  }

  /** Kill the worker process (SIGKILL by default: no draining, like a crash). */
  async killWorker(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const w = this.worker;
    if (!w) return null;
    w.proc.kill(signal);
    const code = await w.exited;
    this.worker = undefined;
    return code;
  }

  /** Stop the gateway (SIGTERM by default); startGateway() brings it back on the same port. */
  async stopGateway(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const g = this.gateway;
    if (!g) return null;
    g.proc.kill(signal);
    const code = await g.exited;
    this.gateway = undefined;
    return code;
  }

  /** Stop everything (gateway, worker, Temporal), keeping the SQLite file. */
  async stop(): Promise<void> {
    await this.stopGateway().catch(() => undefined);
    if (this.worker) await this.killWorker('SIGTERM').catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    await this.temporal?.stop();
  }

  /** `api` with an Idempotency-Key, repeated (up to 5 times, 1 s apart) while it answers 503/504: the first start of a workflow on a busy machine. */
  async apiRetried<T = unknown>(method: string, path: string, body: unknown, idempotencyKey: string): Promise<{ status: number; body: T }> {
    const headers = { 'idempotency-key': idempotencyKey };
    let res = await this.api<T>(method, path, body, headers);
    for (let i = 0; i < 5 && (res.status === 503 || res.status === 504); i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      res = await this.api<T>(method, path, body, headers);
    }
    return res;
  }

  /** JSON request to the gateway. */
  async api<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.gatewayUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

/**
 * POST raw bytes with node:http. A server may answer (413) and close before
 * reading the whole body; fetch (undici) reports that as a socket error, as
 * curl or a browser would not, so oversized-body checks use this.
 */
export function rawPost(url: string, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    req.end(body);
  });
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Read an SSE response until `until` returns true (or the stream ends / times out). */
export async function readSse(
  url: string,
  until: (ev: SseEvent, all: SseEvent[]) => boolean,
  opts: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<SseEvent[]> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? 60_000);
  const events: SseEvent[] = [];
  try {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...opts.headers }, signal: ctrl.signal });
    if (!res.ok || !res.body) throw new Error(`SSE ${url} answered ${res.status}: ${await res.text()}`);
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let idx: number;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        const ev: SseEvent = { data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const [field, ...rest] = line.split(':');
          const value = rest.join(':').replace(/^ /, '');
          if (field === 'id') ev.id = value;
          else if (field === 'event') ev.event = value;
          else if (field === 'data') data.push(value);
        }
        if (data.length === 0 && !ev.event) continue;
        ev.data = data.join('\n');
        events.push(ev);
        if (until(ev, events)) return events;
      }
    }
    return events;
  } catch (err) {
    if (ctrl.signal.aborted) throw new Error(`SSE timed out; got ${events.length} events: ${events.map((e) => e.event).join(',')}`);
    throw err;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
}

/** Poll until `fn` returns a truthy value (bounded). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

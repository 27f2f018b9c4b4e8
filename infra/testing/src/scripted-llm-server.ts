/**
 * TEST FIXTURE — a scripted, OpenAI-compatible chat-completions server.
 *
 * Not for production use. It lets tests (unit, e2e, benchmarks) run the whole
 * hub against a deterministic "LLM" over real HTTP:
 *
 *   const llm = await startScriptedLlmServer();
 *   process.env.OPENAI_BASE_URL = llm.url;                 // http://127.0.0.1:PORT/v1
 *   llm.script({ reply: 'Hello there' }, { toolCalls: [{ name: 'search', arguments: { q: 'x' } }] });
 *   ... run code under test ...
 *   expect(llm.requests[0]?.headers['idempotency-key']).toBeDefined();
 *   await llm.close();
 *
 * Endpoints: `POST /v1/chat/completions` (streaming SSE with `data: [DONE]`, or
 * plain JSON) and `GET /v1/models`. Each chat request takes the next scripted
 * step from the queue; when the queue is empty the responder decides (default:
 * a deterministic echo, `You said: <last user message>`).
 *
 * Standalone: `node --import tsx infra/testing/src/scripted-llm-server.ts [--port 9999] [--instant]`
 * serves the default echo responder and prints its base URL (one line, ending
 * in /v1) on stdout; stops on SIGINT/SIGTERM.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

export interface ScriptedToolCall {
  name: string;
  /** Object (JSON-encoded by the server) or a raw JSON string. */
  arguments: Record<string, unknown> | string;
  /** Default: `call_<n>` (unique per server). */
  id?: string;
}

interface StepCommon {
  /** Wait this long before answering (after the request body is read). */
  delayMs?: number;
  /** Delay between streamed chunks. */
  chunkDelayMs?: number;
  /** Override the reported usage. */
  usage?: { promptTokens?: number; completionTokens?: number };
  /** Report no usage at all (like some OpenAI-compatible servers). */
  omitUsage?: boolean;
  /** Override the reported model (default: the requested model, or `scripted-model`). */
  model?: string;
}

export type ScriptStep =
  /** A text answer (streamed word by word). */
  | (StepCommon & { reply: string; finishReason?: string })
  /** Tool calls (optionally with some text first); finish_reason `tool_calls`. */
  | (StepCommon & { toolCalls: ScriptedToolCall[]; content?: string })
  /** Structured output: content is `JSON.stringify(json)`. */
  | (StepCommon & { json: unknown })
  /** HTTP error with an OpenAI-style body and optional Retry-After / retry-after-ms headers. */
  | (StepCommon & {
      error: { status: number; message: string; type?: string; code?: string | null; retryAfter?: number | string; retryAfterMs?: number };
    })
  /** Never answers; the request stays open until the client aborts (or the server closes). */
  | (StepCommon & { hang: true })
  /** Destroys the connection without an HTTP response (or, with `afterChunks`, mid-stream). */
  | (StepCommon & { disconnect: true; reply?: string; afterChunks?: number })
  /** Only a delay, then the default (echo) answer. */
  | (StepCommon & { delayMs: number });

export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body (undefined for GET / invalid JSON). */
  body: ChatRequestBody | undefined;
  /** Value of the Idempotency-Key header, if any. */
  idempotencyKey: string | undefined;
  receivedAt: number;
  /** True once the response was fully sent. */
  completed: boolean;
  /** True if the client went away before the response was complete. */
  aborted: boolean;
  /** The step that answered it (after responder resolution). */
  step?: ScriptStep;
}

/** The subset of the OpenAI request body the fixture looks at (the rest is kept in `body` as sent). */
export interface ChatRequestBody {
  model?: string;
  messages?: Array<{ role: string; content?: unknown; [k: string]: unknown }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: unknown[];
  response_format?: unknown;
  [k: string]: unknown;
}

export type Responder = (req: RecordedRequest) => ScriptStep | Promise<ScriptStep>;

export interface ScriptedLlmServerOptions {
  /** Default 0 (a free port). Always binds 127.0.0.1. */
  port?: number;
  /** Answers used when the queue is empty. Default: `echoResponder`. */
  responder?: Responder;
  /** Benchmark mode: when the queue is empty, answer at once with `instantReply` as a single chunk. */
  instant?: boolean;
  /** Reply of instant mode. Default 'OK'. */
  instantReply?: string;
  /** If set, requests without `Authorization: Bearer <apiKey>` get HTTP 401. */
  apiKey?: string;
  /** Keep at most this many recorded requests (oldest dropped). Default 10000. */
  maxRecorded?: number;
  /** Model id reported by GET /v1/models and used when a request names none. Default 'scripted-model'. */
  model?: string;
}

export interface ScriptedLlmServer {
  /** Base URL ending in /v1, e.g. http://127.0.0.1:45123/v1 */
  url: string;
  port: number;
  /** Every request received, in order (see `maxRecorded`). */
  requests: RecordedRequest[];
  /** Chat requests only. */
  chatRequests(): RecordedRequest[];
  /** Append steps (or one-shot responder functions) to the queue. */
  script(...steps: Array<ScriptStep | Responder>): void;
  /** Replace the responder used when the queue is empty (undefined = default). */
  setResponder(responder: Responder | undefined): void;
  /** Steps still queued. */
  pending(): number;
  /** Clear the queue, recorded requests and responder override. */
  reset(): void;
  /** Resolves when `predicate()` holds (polled), rejects after `timeoutMs` (default 5000). */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Stops the server, dropping open connections (hanging requests are aborted). */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function countTokens(text: string): number {
  const t = text.trim();
  return t ? t.split(/\s+/).length : 0;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : ''))
      .join(' ');
  }
  return '';
}

function promptTokensOf(body: ChatRequestBody | undefined): number {
  let n = 0;
  for (const m of body?.messages ?? []) {
    n += countTokens(textOf(m.content));
    const calls = m['tool_calls'];
    if (Array.isArray(calls)) n += countTokens(JSON.stringify(calls));
  }
  return n;
}

/** Last user message's text ('' if none). */
export function lastUserMessage(req: RecordedRequest): string {
  const msgs = req.body?.messages ?? [];
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (m?.role === 'user') return textOf(m.content);
  }
  return '';
}

/** The default deterministic reply: `You said: <last user message>`. */
export function echoReply(req: RecordedRequest): string {
  return `You said: ${lastUserMessage(req)}`;
}

/** Default responder (see `echoReply`). */
export const echoResponder: Responder = (req) => ({ reply: echoReply(req) });

/** Splits text into word chunks that concatenate back to the original. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

function splitFragments(s: string, parts: number): string[] {
  if (s.length <= 1) return [s];
  const size = Math.max(1, Math.ceil(s.length / parts));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function defaultErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

export async function startScriptedLlmServer(opts: ScriptedLlmServerOptions = {}): Promise<ScriptedLlmServer> {
  const defaultModel = opts.model ?? 'scripted-model';
  const maxRecorded = opts.maxRecorded ?? 10_000;
  const instantReply = opts.instantReply ?? 'OK';
  const queue: Array<ScriptStep | Responder> = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let responder: Responder | undefined = opts.responder;
  let seq = 0;
  let callSeq = 0;
  let idSeq = 0;

  function record(r: RecordedRequest): void {
    requests.push(r);
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
  }

  function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const data = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers });
    res.end(data);
  }

  function sendError(res: ServerResponse, e: Extract<ScriptStep, { error: unknown }>['error']): void {
    const headers: Record<string, string> = {};
    if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
    if (e.retryAfterMs !== undefined) headers['retry-after-ms'] = String(e.retryAfterMs);
    sendJson(
      res,
      e.status,
      { error: { message: e.message, type: e.type ?? defaultErrorType(e.status), param: null, code: e.code ?? null } },
      headers,
    );
  }

  /** `instant`: the instant-mode default answered (sent as one chunk, no delays). */
  async function nextStep(rec: RecordedRequest): Promise<{ step: ScriptStep; instant: boolean }> {
    const queued = queue.shift();
    if (queued !== undefined) return { step: typeof queued === 'function' ? await queued(rec) : queued, instant: false };
    if (responder) return { step: await responder(rec), instant: false };
    if (opts.instant) return { step: { reply: instantReply }, instant: true };
    return { step: await echoResponder(rec), instant: false };
  }

  async function handleChat(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest): Promise<void> {
    if (rec.body === undefined || !Array.isArray(rec.body.messages)) {
      sendError(res, { status: 400, message: "Invalid request body: expected JSON with a 'messages' array" });
      return;
    }
    const body = rec.body;
    const { step, instant } = await nextStep(rec);
    rec.step = step;
    const gone = () => res.destroyed || res.writableEnded;

    if (step.delayMs) await sleep(step.delayMs);
    if (gone()) return;

    if ('hang' in step) return; // leave the request open until the client aborts
    if ('error' in step) {
      sendError(res, step.error);
      return;
    }
    if ('disconnect' in step && step.afterChunks === undefined) {
      req.socket.destroy();
      return;
    }

    // Build the answer.
    let content = '';
    let toolCalls: Array<{ id: string; name: string; arguments: string }> = [];
    let finishReason = 'stop';
    if ('reply' in step && typeof step.reply === 'string') {
      content = step.reply;
      if ('finishReason' in step && step.finishReason) finishReason = step.finishReason;
    } else if ('json' in step) {
      content = JSON.stringify(step.json);
    } else if ('toolCalls' in step) {
      content = step.content ?? '';
      toolCalls = step.toolCalls.map((tc) => ({
        id: tc.id ?? `call_${++callSeq}`,
        name: tc.name,
        arguments: typeof tc.arguments === 'string' ? tc.arguments : JSON.stringify(tc.arguments),
      }));
      finishReason = 'tool_calls';
    } else if ('disconnect' in step) {
      content = step.reply ?? echoReply(rec);
    } else {
      content = echoReply(rec); // a bare { delayMs } step
    }

    const model = step.model ?? (typeof body.model === 'string' && body.model ? body.model : defaultModel);
    const promptTokens = step.usage?.promptTokens ?? promptTokensOf(body);
    const completionTokens =
      step.usage?.completionTokens ?? countTokens(content) + toolCalls.reduce((n, tc) => n + countTokens(`${tc.name} ${tc.arguments}`), 0);
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const id = `chatcmpl-scripted-${++idSeq}`;
    const created = Math.floor(Date.now() / 1000);

    if (!body.stream) {
      const message: Record<string, unknown> = { role: 'assistant', content: toolCalls.length && !content ? null : content, refusal: null };
      if (toolCalls.length) {
        message.tool_calls = toolCalls.map((tc) => ({ id: tc.id, type: 'function', function: { name: tc.name, arguments: tc.arguments } }));
      }
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
        ...(step.omitUsage ? {} : { usage }),
      });
      rec.completed = true;
      return;
    }

    // Streaming (SSE).
    const includeUsage = body.stream_options?.include_usage === true && !step.omitUsage;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      ({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(includeUsage ? { usage: null } : {}),
      }) as Record<string, unknown>;

    const events: Array<Record<string, unknown>> = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
    const pieces = instant ? [content] : splitWords(content);
    for (const p of pieces) if (p) events.push(chunk({ content: p }, null));
    toolCalls.forEach((tc, index) => {
      events.push(chunk({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.name, arguments: '' } }] }, null));
      for (const frag of splitFragments(tc.arguments, 4)) {
        events.push(chunk({ tool_calls: [{ index, function: { arguments: frag } }] }, null));
      }
    });
    events.push(chunk({}, finishReason));
    if (includeUsage) events.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });

    const cutAfter = 'disconnect' in step ? (step.afterChunks ?? 0) : Number.POSITIVE_INFINITY;
    let sent = 0;
    for (const ev of events) {
      if (gone()) return;
      if (sent >= cutAfter) {
        req.socket.destroy();
        return;
      }
      res.write(`data: ${JSON.stringify(ev)}\n\n`);
      sent++;
      if (step.chunkDelayMs) await sleep(step.chunkDelayMs);
    }
    if (gone()) return;
    res.end('data: [DONE]\n\n');
    rec.completed = true;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const rec: RecordedRequest = {
        seq: ++seq,
        method: req.method ?? 'GET',
        path,
        headers,
        body: undefined,
        idempotencyKey: headers['idempotency-key'],
        receivedAt: Date.now(),
        completed: false,
        aborted: false,
      };
      record(rec);
      res.on('close', () => {
        if (!res.writableFinished) rec.aborted = true;
      });
      try {
        const raw = await readBody(req);
        if (raw) {
          try {
            rec.body = JSON.parse(raw) as ChatRequestBody;
          } catch {
            rec.body = undefined;
          }
        }
        if (opts.apiKey !== undefined && headers['authorization'] !== `Bearer ${opts.apiKey}`) {
          sendError(res, { status: 401, message: 'Incorrect API key provided.', code: 'invalid_api_key' });
          return;
        }
        if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
          sendJson(res, 200, { object: 'list', data: [{ id: defaultModel, object: 'model', created: 0, owned_by: 'hub-test-fixture' }] });
          rec.completed = true;
          return;
        }
        if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
          await handleChat(req, res, rec);
          return;
        }
        sendError(res, { status: 404, message: `Unknown route ${req.method} ${path}`, code: 'unknown_url' });
      } catch (err) {
        if (!res.headersSent) sendError(res, { status: 500, message: `scripted-llm-server: ${String(err)}` });
        else res.destroy();
      }
    })();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    chatRequests: () => requests.filter((r) => r.path.endsWith('/chat/completions')),
    script: (...steps) => {
      queue.push(...steps);
    },
    setResponder: (r) => {
      responder = r;
    },
    pending: () => queue.length,
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      responder = opts.responder;
    },
    waitFor: async (predicate, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`scripted-llm-server: condition not met within ${timeoutMs} ms`);
        await sleep(10);
      }
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------
// Standalone mode
// ---------------------------------------------------------------------------

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(resolve(entry)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const args = process.argv.slice(2);
  const portIdx = args.indexOf('--port');
  const port = portIdx >= 0 ? Number(args[portIdx + 1]) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`scripted-llm-server: invalid --port ${args[portIdx + 1] ?? ''}\n`);
    process.exit(2);
  }
  const srv = await startScriptedLlmServer({ port, instant: args.includes('--instant') });
  process.stdout.write(`${srv.url}\n`);
  const stop = () => {
    void srv.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

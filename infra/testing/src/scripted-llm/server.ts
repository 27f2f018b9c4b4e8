/**
 * TEST FIXTURE — the scripted LLM server's HTTP side: records every request, takes the next step from the
 * queue (or the responder), and answers it — as JSON, as an SSE stream, as an error, by hanging or by
 * dropping the connection. See scripted-llm-server.ts for how tests use it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SSE_DONE, modelList, modelObject, sseData } from '@hub/runtime/openai-wire';
import { answerOf, completionOf, errorOf, streamOf } from './answer';
import { echoResponder } from './responders';
import type { ChatRequestBody, RecordedRequest, Responder, ScriptStep, ScriptedLlmServer, ScriptedLlmServerOptions } from './script';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

function sendError(res: ServerResponse, e: Extract<ScriptStep, { error: unknown }>['error']): void {
  const headers: Record<string, string> = {};
  if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
  if (e.retryAfterMs !== undefined) headers['retry-after-ms'] = String(e.retryAfterMs);
  sendJson(res, e.status, errorOf(e), headers);
}

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

    const answer = answerOf(step, rec, () => `call_${++callSeq}`);
    const meta = {
      id: `chatcmpl-scripted-${++idSeq}`,
      created: Math.floor(Date.now() / 1000),
      model: step.model ?? (typeof body.model === 'string' && body.model ? body.model : defaultModel),
    };

    if (!body.stream) {
      sendJson(res, 200, completionOf(meta, answer, step.omitUsage === true));
      rec.completed = true;
      rec.completedAt = Date.now();
      return;
    }

    // Streaming (SSE).
    const includeUsage = body.stream_options?.include_usage === true && !step.omitUsage;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const events = streamOf(meta, answer, { includeUsage, instant });
    if (instant) {
      // Instant mode (benchmarks): the whole stream in one write, as a server that has the answer at once sends it.
      res.end(events.map((ev) => sseData(ev)).join('') + SSE_DONE);
      rec.completed = true;
      rec.completedAt = Date.now();
      return;
    }
    const cutAfter = 'disconnect' in step ? (step.afterChunks ?? 0) : Number.POSITIVE_INFINITY;
    let sent = 0;
    for (const ev of events) {
      if (gone()) return;
      if (sent >= cutAfter) {
        req.socket.destroy();
        return;
      }
      if (sent === 1 && step.firstChunkDelayMs) {
        await sleep(step.firstChunkDelayMs); // the role chunk is out; the first token waits
        if (gone()) return;
      }
      res.write(sseData(ev));
      sent++;
      if (step.chunkDelayMs && !(sent === 1 && step.firstChunkDelayMs)) await sleep(step.chunkDelayMs);
    }
    if (gone()) return;
    res.end(SSE_DONE);
    rec.completed = true;
    rec.completedAt = Date.now();
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
          sendJson(res, 200, modelList([modelObject(defaultModel, 0, 'hub-test-fixture')]));
          rec.completed = true;
          rec.completedAt = Date.now();
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

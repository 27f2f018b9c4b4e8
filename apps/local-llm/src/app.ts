/**
 * The HTTP API (Hono): an OpenAI-compatible subset.
 *
 *   POST /v1/chat/completions   streaming (SSE, `data: [DONE]`) and not; tools / tool_choice;
 *                               response_format json_schema / json_object; usage
 *   GET  /v1/models             the loaded model (any `model` name in a request is served by it)
 *   GET  /healthz               liveness plus queue state
 *
 * Every error is OpenAI-shaped: `{"error": {"message", "type", "param", "code"}}`.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { SSE_DONE, chunks, completionResponse, modelObject, newCompletionId, sseData, usageOf, type CompletionMeta } from '@hub/runtime/openai-wire';
import type { ChatEngine } from './engine';
import { planGeneration } from './mapping';
import { OpenAIError, modelsResponse, parseChatRequest } from './openai';

export interface LocalLlmAppOptions {
  engine: ChatEngine;
  /** Token limit when a request sets none, and the cap for those that do. Default 512. */
  maxTokens?: number;
  /** Largest accepted request body (bytes). Default 4 MiB. */
  maxBodyBytes?: number;
  /** Request log (one call per finished request). */
  onRequest?: (fields: Record<string, unknown>) => void;
  /** Errors that are the server's fault (500s). */
  onError?: (err: unknown) => void;
}

const errorJson = (c: Context, err: OpenAIError) => c.json(err.toBody(), err.status);

function toOpenAIError(err: unknown): OpenAIError {
  if (err instanceof OpenAIError) return err;
  return new OpenAIError(500, `The model server failed to generate a reply: ${err instanceof Error ? err.message : String(err)}`, 'server_error', null, 'generation_failed');
}

export function createLocalLlmApp(opts: LocalLlmAppOptions): Hono {
  const { engine } = opts;
  const maxTokens = opts.maxTokens ?? 512;
  const app = new Hono();

  app.onError((err, c) => {
    const e = toOpenAIError(err);
    if (e.status >= 500) opts.onError?.(err);
    return errorJson(c, e);
  });
  app.notFound((c) => errorJson(c, new OpenAIError(404, `Unknown request URL: ${c.req.method} ${c.req.path}.`, 'invalid_request_error', null, 'unknown_url')));

  app.get('/healthz', (c) => c.json({ ok: true, model: engine.modelId, ...engine.stats() }));

  app.get('/v1/models', (c) => c.json(modelsResponse([{ id: engine.modelId, created: engine.created }])));
  app.get('/v1/models/:id', (c) => {
    // Any name is served by the loaded model, so any name "exists"; the answer names the real model.
    return c.json(modelObject(engine.modelId, engine.created, 'local'));
  });

  app.use(
    '/v1/chat/completions',
    bodyLimit({
      maxSize: opts.maxBodyBytes ?? 4 * 1024 * 1024,
      onError: (c) => errorJson(c, new OpenAIError(413, 'The request body is too large.', 'invalid_request_error', null, 'request_too_large')),
    }),
  );

  app.on(['GET', 'PUT', 'DELETE', 'PATCH'], '/v1/chat/completions', (c) =>
    errorJson(c, new OpenAIError(405, `Method ${c.req.method} is not allowed on /v1/chat/completions; use POST.`, 'invalid_request_error', null, 'method_not_allowed')),
  );

  app.post('/v1/chat/completions', async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(type)) {
      throw new OpenAIError(415, `Unsupported content type '${type || '(none)'}': send application/json.`, 'invalid_request_error', null, 'unsupported_media_type');
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new OpenAIError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null, 'invalid_json');
    }
    const req = parseChatRequest(body);
    const plan = planGeneration(req, { maxTokens });
    const meta: CompletionMeta = { id: newCompletionId(), created: Math.floor(Date.now() / 1000), model: engine.modelId };
    const started = performance.now();
    const done = (fields: Record<string, unknown>) =>
      opts.onRequest?.({ id: meta.id, stream: req.stream === true, mode: plan.mode.kind, durationMs: Math.round(performance.now() - started), ...fields });

    if (!req.stream) {
      const out = await engine.generate(plan, { signal: c.req.raw.signal });
      done({ finishReason: out.finishReason, promptTokens: out.promptTokens, completionTokens: out.completionTokens });
      return c.json(
        completionResponse(meta, { content: out.content, toolCalls: out.toolCalls, finishReason: out.finishReason, usage: usageOf(out.promptTokens, out.completionTokens) }),
      );
    }

    const withUsage = req.stream_options?.include_usage === true;
    const abort = new AbortController();
    const clientGone = c.req.raw.signal;
    const onClientGone = () => abort.abort(new Error('client closed the connection'));
    clientGone.addEventListener('abort', onClientGone, { once: true });
    // Chunks produced before the response stream exists are buffered.
    const buffered: string[] = [sseData(chunks.role(meta, withUsage))];
    let emit = (s: string): void => void buffered.push(s);
    let onStart!: () => void;
    const generationStarted = new Promise<void>((resolve) => (onStart = resolve));
    let streamed = '';
    const onText = (t: string): void => {
      streamed += t;
      emit(sseData(chunks.content(meta, t, withUsage)));
    };
    const result = engine.generate(plan, { signal: abort.signal, onStart, onText });
    try {
      // A request that cannot even start (queue full, shutting down) gets a plain HTTP error, not a stream.
      await Promise.race([generationStarted, result]);
    } catch (err) {
      clientGone.removeEventListener('abort', onClientGone);
      throw err;
    }
    const encoder = new TextEncoder();
    const body$ = new ReadableStream<Uint8Array>({
      start(controller) {
        emit = (s: string) => {
          if (!abort.signal.aborted) controller.enqueue(encoder.encode(s));
        };
        for (const s of buffered.splice(0)) emit(s);
        void result
          .then(
            (out) => {
              // JSON cut off by the token limit was completed by the engine: stream the completion too.
              if (out.content.length > streamed.length && out.content.startsWith(streamed)) onText(out.content.slice(streamed.length));
              if (out.toolCalls.length > 0) emit(sseData(chunks.toolCalls(meta, out.toolCalls, withUsage)));
              emit(sseData(chunks.finish(meta, out.finishReason, withUsage)));
              if (withUsage) emit(sseData(chunks.usage(meta, usageOf(out.promptTokens, out.completionTokens))));
              emit(SSE_DONE);
              done({ finishReason: out.finishReason, promptTokens: out.promptTokens, completionTokens: out.completionTokens });
            },
            (err: unknown) => {
              if (!abort.signal.aborted) {
                const e = toOpenAIError(err);
                if (e.status >= 500) opts.onError?.(err);
                // Mid-stream errors travel as an `error` payload (the OpenAI SDKs raise it as an APIError).
                emit(sseData(e.toBody()));
                emit(SSE_DONE);
              }
              done({ error: err instanceof Error ? err.message : String(err) });
            },
          )
          .finally(() => {
            clientGone.removeEventListener('abort', onClientGone);
            try {
              controller.close();
            } catch {
              // already closed by a cancelled reader
            }
          });
      },
      cancel() {
        abort.abort(new Error('client closed the stream'));
      },
    });
    return new Response(body$, {
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' },
    });
  });

  return app;
}
